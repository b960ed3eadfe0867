"""Forms of the CM screen besides the contact: editing the client file, and recording where a
target of a targeted list stands."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from wealthtui.i18n import t
from wealthtui.rules.agenda import CHANNELS
from wealthtui.rules.deadlines import parse_day
from wealthtui.rules.fields import FieldError
from wealthtui.rules.money import format_fen
from wealthtui.services.client_file import INCOME_BANDS, ClientFileView
from wealthtui.services.targets import STATUSES, TargetView
from wealthtui.ui.dialogs.cm_contact import cm_form
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog


def parse_date(text: str, field_key: str) -> date | None:
    """An optional date of the client file (empty: none), read as every date field reads one
    (rules.deadlines.parse_day: 2026-12-07, 2026/12/7, 2026年12月7日, 20261207, full-width
    digits); a bad one names the field and the format."""
    if not unicodedata.normalize("NFKC", text or "").strip():
        return None
    try:
        return parse_day(text, field_key)
    except FieldError:
        raise FieldError(field_key, "error.cm_ui.date") from None


def _choices(prefix: str, codes: tuple[str, ...], current: str) -> tuple[tuple[str, str], ...]:
    """(label, code) pairs with "none" first; a current value that is not a code (imported
    data) is kept as a choice of its own, so that saving the form does not lose it."""
    out = [(t("common.none"), ""), *((t(f"{prefix}.{c}"), c) for c in codes)]
    if current and current not in codes:
        out.append((current, current))
    return tuple(out)


def edit_form(services: Any, actor: Any, view: ClientFileView) -> FormDialog:
    """The client file's editable fields, filled in with what the file holds."""
    fields = [
        Field("occupation", "cm.field.occupation", value=view.occupation, max_length=60),
        Field("household", "cm.field.household", value=view.household, max_length=200),
        Field("income_band", "cm.field.income_band", kind="select", value=view.income_band,
              options=_choices("cm.income", INCOME_BANDS, view.income_band)),
        Field("aum_elsewhere", "cm.field.aum_elsewhere", max_length=20,
              value=format_fen(view.aum_elsewhere_fen) if view.aum_elsewhere_fen else ""),
        Field("risk_level", "cm.field.risk_level", kind="select", value=view.risk_level or 0,
              options=((t("cm.edit.not_assessed"), 0),
                       *((t(f"cm.edit.level_{n}"), n) for n in range(1, 6)))),
        Field("risk_assessed_on", "cm.field.risk_assessed_on", max_length=10,
              value=view.risk_assessed_on.isoformat() if view.risk_assessed_on else "",
              placeholder="YYYY-MM-DD"),
        Field("goals", "cm.field.goals", value=view.goals, max_length=500),
        Field("interests", "cm.field.interests", value=view.interests, max_length=500),
        Field("preferred_channel", "cm.field.preferred_channel", kind="select",
              value=view.preferred_channel,
              options=_choices("cm.channel", CHANNELS, view.preferred_channel)),
        Field("preferred_time", "cm.field.preferred_time", value=view.preferred_time,
              max_length=40),
        Field("birthday", "cm.field.birthday", max_length=10, placeholder="YYYY-MM-DD",
              value=view.birthday.isoformat() if view.birthday else ""),
        Field("lunar_birthday", "cm.field.lunar_birthday", kind="box", value=view.lunar_birthday),
        Field("notes", "cm.field.notes", value=view.notes, max_length=2000),
    ]

    def submit(values: dict[str, Any]) -> Any:
        changes = dict(values)
        changes["risk_level"] = int(values["risk_level"]) or None
        changes["risk_assessed_on"] = parse_date(values["risk_assessed_on"],
                                                 "cm.field.risk_assessed_on")
        changes["birthday"] = parse_date(values["birthday"], "cm.field.birthday")
        return services.client_file.update(actor, view.id, **changes)

    return cm_form(t("cm.edit.title", name=view.name), fields, submit=submit, form_id="edit-form")


def target_form(services: Any, actor: Any, target: TargetView) -> FormDialog:
    fields = [
        Field("status", "cm.field.target_status", kind="select", value=target.status,
              options=tuple((t(f"cm.target_status.{s}"), s) for s in STATUSES)),
        Field("outcome", "field.outcome", value=target.outcome, max_length=500),
    ]

    def submit(values: dict[str, Any]) -> Any:
        return services.targets.record(actor, target.id, values["status"], values["outcome"])

    return cm_form(t("cm.target.title", name=target.name, list=target.list_name), fields,
                  submit=submit, form_id="target-form")
