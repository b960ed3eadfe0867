"""Words for complaint codes on screen: configured names (channels, categories) in the current
language, catalog texts for the fixed code sets, dates and the clock's standing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from wealthtui.config import Settings
from wealthtui.i18n import t, tl
from wealthtui.rules.money import format_fen
from wealthtui.services.complaints import ComplaintView, StaffRef
from wealthtui.ui.labels import staff_ref

STANDING_STYLE = {
    "overdue": "bold red",
    "warning": "bold yellow",
    "paused": "cyan",
    "stopped": "dim",
    "ok": "",
}


def channel_name(settings: Settings, code: str) -> str:
    cfg = settings.complaints.channel(code)
    return tl(cfg.name, cfg.name_en) if cfg else code


def category_name(settings: Settings, code: str, sub: str = "") -> str:
    cfg = settings.complaints.category(code)
    if cfg is None:
        return code
    name = tl(cfg.name, cfg.name_en)
    if sub:
        sub_cfg = next((s for s in cfg.subcategories if s.code == sub), None)
        if sub_cfg is not None:
            name = f"{name} / {tl(sub_cfg.name, sub_cfg.name_en)}"
    return name


def status_name(code: str) -> str:
    return t(f"complaint.status.{code}")


def standing_text(v: ComplaintView) -> Text:
    """The clock in a few cells: overdue / warning / paused, or the status when it stopped."""
    if v.standing == "stopped":
        return Text(status_name(v.status), style=STANDING_STYLE["stopped"])
    label = t(f"complaint.standing.{v.standing}")
    return Text(label, style=STANDING_STYLE.get(v.standing, ""))


def staff_label(ref: StaffRef | None) -> str:
    return staff_ref(ref.name, ref.staff_no) if ref else t("complaint.nobody")


def complainant(v: ComplaintView) -> str:
    """Who complained, as staff see it (the phone is masked by the service)."""
    who = v.complainant_name or t("complaint.unknown_person")
    if v.complainant_kind != "client" and v.client_name:
        who = t("complaint.on_behalf", person=who, kind=t(f"complaint.kind.{v.complainant_kind}"),
                client=v.client_name)
    return f"{who} {v.phone_masked}".strip()


def day(d: date | None) -> str:
    return d.isoformat() if d else ""


def moment(at: datetime | None, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else ""


def money(fen: int) -> str:
    return format_fen(fen, symbol=True)
