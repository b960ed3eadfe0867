"""The counter screen's forms, built on FormDialog: sign-on, business, the wealth-needs question at
the end, transfer, call a ticket by number, retention attempt, shift hand-over (declare, receive),
end-of-day balancing, and the supervisor's handling of a difference.

Each factory takes the services and the actor and returns a FormDialog whose submit calls the
service; the form is dismissed with what the service returned. A `submit` touches no widget: the
form runs it through the one call path (ui/calls.py), in a thread.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from wealthtui.config import Settings
from wealthtui.i18n import t, tl
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError
from wealthtui.rules.money import format_fen, parse_yuan
from wealthtui.services import Actor, Services
from wealthtui.services.antifraud import AntifraudStopped, QuestionsNeeded
from wealthtui.services.balancing import HANDLINGS, MATCHES, BalanceView
from wealthtui.services.counter import NEEDS, RETENTION_OUTCOMES, RetentionView, ServingView
from wealthtui.services.handover import REASONS, BoxSummary, HandoverView
from wealthtui.ui.dialogs.antifraud import AskAntifraud, Stopped
from wealthtui.ui.dialogs.business import BusinessDialog
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog, Look
from wealthtui.ui.labels import business_name, listing

#: the counter's forms: 76 cells wide, up to 17 rows of fields
COUNTER_LOOK = Look(width=76, fields_height=17, list_height=7)


def counter_form(title: str, fields: Sequence[Field], **kwargs: Any) -> FormDialog:
    """A FormDialog in the counter's size; a None from `submit` keeps it open."""
    return FormDialog(title, fields, look=COUNTER_LOOK, keep_open_on_none=True, **kwargs)


_RANGE = re.compile(r"^\s*([0-9A-Za-z]+)\s*(?:[-~～至到]\s*([0-9A-Za-z]+))?\s*$")


def category_label(settings: Settings, code: str) -> str:
    cat = settings.category(code)
    return f"{code} {tl(cat.name, cat.name_en)}" if cat else code


def counter_label(settings: Settings, no: str) -> str:
    cfg = settings.counter_cfg(no)
    if cfg is None:
        return no
    cats = "/".join(cfg.categories)
    return t("counter.sign_on.option", no=no, kind=t(f"counter.kind.{cfg.kind}"), categories=cats)


def sign_on_form(services: Services, actor: Actor) -> FormDialog:
    settings = services.settings
    mine = []
    for cfg in settings.counters:
        own = permissions.CASH_TELLER if cfg.kind == "cash" else permissions.NON_CASH_TELLER
        if own in actor.roles or permissions.OFFICER in actor.roles:
            mine.append((counter_label(settings, cfg.no), cfg.no))
    specs = [
        Field("counter", "counter.field.counter", kind="select",
             options=tuple(mine or [(counter_label(settings, c.no), c.no)
                                    for c in settings.counters])),
        Field("cash", "counter.field.opening_cash", max_length=20, placeholder="0.00"),
    ]
    info = [t("counter.sign_on.info"), t("cashbox.sign_on.info")]
    return counter_form(t("counter.sign_on.title"), specs, info=info,
                       submit=lambda v: services.counter.sign_on(actor, v["counter"], v["cash"]),
                       form_id="sign-on-form", focus="cash")


def product_field(settings: Settings) -> Field:
    """The shelf's products with their risk level; none chosen for business that is no sale."""
    options = tuple((f"{p.code} {tl(p.name, p.name_en)} R{p.risk_level}", p.code)
                    for p in settings.contact.products)
    return Field("product", "compliance.field.product", kind="select", options=options,
                 blank="compliance.field.product_blank")


def business_form(services: Services, actor: Actor, serving: ServingView) -> FormDialog:
    """The business form; a sale's product that needs a dual recording gets F3 for it."""
    settings = services.settings
    category = serving.ticket.category
    types = [(tl(b.name, b.name_en) + (f" ({t('counter.cash.' + b.cash)})"
                                        if b.cash != "none" else ""), b.code)
             for b in settings.counter.business_types if category in b.categories]
    specs = [
        Field("type", "counter.field.business_type", kind="select", options=tuple(types)),
        Field("amount", "field.amount", max_length=20, placeholder="0.00"),
        product_field(settings),  # a wealth-product sale names its product (issue 17)
        Field("payee", "antifraud.field.payee", max_length=40),  # a transfer's payee (issue 17)
        Field("note", "field.note", max_length=200),
    ]
    info = [t("counter.business.info", ticket=serving.ticket.display_no,
              category=category_label(settings, category))]

    def submit(v: dict[str, Any]) -> Any:
        try:
            return record_business(services, actor, serving, v)
        except QuestionsNeeded as exc:  # the anti-fraud questions first (the screen asks them)
            return AskAntifraud(dict(v), exc.reasons, exc.checklist)

    return BusinessDialog(t("counter.business.title"), specs, info=info, look=COUNTER_LOOK,
                          keep_open_on_none=True, form_id="business-form", focus="amount",
                          submit=submit, client_id=serving.ticket.client_id,
                          client_name=serving.ticket.client_name)


def record_business(services: Services, actor: Actor, serving: ServingView,
                    v: dict[str, Any], answers: dict[str, str] | None = None) -> Any:
    """Record the business form's values (with the anti-fraud answers, when asked): the
    record, or `Stopped` when a suspicious answer stopped it (services.antifraud)."""
    try:
        return services.counter.record(actor, serving.ticket.id, v["type"], v["amount"],
                                       v["note"], product=v.get("product") or "",
                                       payee=v.get("payee") or "", antifraud=answers)
    except AntifraudStopped as exc:
        return Stopped(exc.ticket_no, exc.handoff_id)


def needs_form(services: Services, actor: Actor, serving: ServingView) -> FormDialog:
    """The wealth-needs question at the end of the transaction (manual ch.2 §2.4 item 4)."""
    settings = services.settings
    options = tuple((t(f"counter.needs.{n}"), n) for n in NEEDS)
    specs = [
        Field("needs", "counter.field.wealth_needs", kind="select", options=options,
             value="refer" if serving.referral_suggested else "none"),
        Field("need", "counter.field.need", max_length=500),
    ]
    walk_in = serving.ticket.client_id is None
    if walk_in:
        specs += [Field("contact_name", "counter.field.contact_name", max_length=40),
                  Field("contact_phone", "field.phone", max_length=20)]
    info = [t("counter.needs.ask")]
    if serving.referral_suggested:
        info.append(t("counter.hint.refer",
                      amount=format_fen(settings.counter.premium_signal_amount_fen)))

    def submit(v: dict[str, Any]) -> Any:
        return services.counter.finish(
            actor, serving.ticket.id, v["needs"], need_note=v["need"],
            contact_name=v.get("contact_name", ""), contact_phone=v.get("contact_phone", ""))

    return counter_form(t("counter.needs.title", ticket=serving.ticket.display_no), specs,
                       info=info, submit=submit, form_id="needs-form", focus="need")


def transfer_form(services: Services, actor: Actor, serving: ServingView) -> FormDialog:
    settings = services.settings
    here = serving.ticket.counter_no
    cats = (("—", ""), *((category_label(settings, c.code), c.code)
                          for c in settings.queue.categories))
    counters = (("—", ""), *((counter_label(settings, c.no), c.no)
                              for c in settings.counters if c.no != here))
    specs = [
        Field("category", "counter.field.to_category", kind="select", options=cats),
        Field("counter", "counter.field.to_counter", kind="select", options=counters),
        Field("note", "field.note", max_length=200),
    ]

    def submit(v: dict[str, Any]) -> Any:
        if not v["category"] and not v["counter"]:
            raise FieldError("counter.field.to_category", "error.counter.transfer_where")
        return services.queue.transfer(actor, serving.ticket.id, to_category=v["category"] or None,
                                       to_counter=v["counter"] or None, note=v["note"])

    return counter_form(t("counter.transfer.title", ticket=serving.ticket.display_no), specs,
                       info=[t("counter.transfer.info")], submit=submit, form_id="transfer-form")


def call_form(services: Services, actor: Actor, counter_no: str, preset: str = "") -> FormDialog:
    """Call one ticket by its number; a parked one is re-queued to this counter first."""

    def submit(v: dict[str, Any]) -> Any:
        text = unicodedata.normalize("NFKC", v["ticket"]).strip().upper()
        if not text:
            raise FieldError("counter.field.ticket_no", "error.field.required")
        ticket = services.queue.find(actor, text)
        if ticket.status == "parked":
            services.queue.requeue(actor, ticket.id, counter_no=counter_no)
        return services.queue.call(actor, counter_no, ticket.id)

    specs = [Field("ticket", "counter.field.ticket_no", value=preset, max_length=12)]
    return counter_form(t("counter.call.title"), specs, info=[t("counter.call.info")],
                       submit=submit, form_id="call-form")


def retention_form(services: Services, actor: Actor, retention: RetentionView,
                   client_name: str) -> FormDialog:
    options = tuple((t(f"counter.retention.{o}"), o) for o in RETENTION_OUTCOMES)
    specs = [Field("outcome", "counter.field.retention_outcome", kind="select", options=options),
             Field("note", "counter.field.retention_note", max_length=500)]
    return counter_form(
        t("counter.retention.title", name=client_name), specs,
        info=[t("counter.retention.info")], form_id="retention-form",
        submit=lambda v: services.counter.record_retention(actor, retention.id, v["outcome"],
                                                           v["note"]))


def _count_specs(settings: Settings) -> list[Field]:
    return [Field(f"d{fen}", "counter.field.denomination", max_length=7, placeholder="0",
                 label=t("counter.handover.denomination", value=f"{fen / 100:g}"))
            for fen in settings.counter.denominations_fen]


def _voucher_specs(settings: Settings) -> list[Field]:
    return [Field(f"v_{v.code}", "counter.field.voucher_range", max_length=40,
                 placeholder="00012001-00012050",
                 label=t("counter.handover.voucher", kind=tl(v.name, v.name_en)))
            for v in settings.counter.voucher_kinds]


class HandoverForm(FormDialog):
    """The hand-over form: each count and voucher range is checked here, on the screen (no
    store involved), and the bad one is marked before `submit` runs (in the call's thread)."""

    def __init__(self, settings: Settings, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, look=COUNTER_LOOK, keep_open_on_none=True, **kwargs)
        self.counter_settings = settings

    def submit_form(self) -> None:
        values = self.values()
        for name, field_key, error_key in bad_entries(self.counter_settings, values):
            self.widget(name).show_error(FieldError(field_key, error_key))
            self.widget(name).focus()
            return
        super().submit_form()


def bad_entries(settings: Settings, values: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field name, field key, error key) of each count that is no whole number and each
    voucher range that is no range."""
    bad = []
    for fen in settings.counter.denominations_fen:
        text = unicodedata.normalize("NFKC", str(values.get(f"d{fen}", ""))).strip()
        if text and not text.isdigit():
            bad.append((f"d{fen}", "counter.field.denomination", "error.handover.count"))
    for kind in settings.counter.voucher_kinds:
        text = str(values.get(f"v_{kind.code}", "")).strip()
        if text and _RANGE.match(unicodedata.normalize("NFKC", text)) is None:
            bad.append((f"v_{kind.code}", "counter.field.voucher_range",
                        "error.handover.voucher_range"))
    return bad


def handover_form(services: Services, actor: Actor, box: BoxSummary) -> FormDialog:
    """The teller handing over: reason, cash by denomination, blank vouchers by range."""
    settings = services.settings
    reasons = tuple((t(f"counter.handover_reason.{r}"), r) for r in REASONS)
    specs = [Field("reason", "counter.field.handover_reason", kind="select", options=reasons),
             *_count_specs(settings), *_voucher_specs(settings),
             Field("note", "field.note", max_length=200)]
    info = [t("counter.handover.books", amount=format_fen(box.expected_cash_fen, symbol=True)),
            t("counter.handover.open", tickets=listing(box.open_tickets) or t("common.none"),
              pending=len(box.pending_authorizations)),
            t("counter.handover.declared", amount=format_fen(0, symbol=True))]

    def submit(v: dict[str, Any]) -> Any:  # the entries were checked by HandoverForm
        counts: dict[int, object] = {
            fen: unicodedata.normalize("NFKC", v[f"d{fen}"]).strip()
            for fen in settings.counter.denominations_fen}
        ranges = []
        for kind in settings.counter.voucher_kinds:
            text = v[f"v_{kind.code}"].strip()
            match = _RANGE.match(unicodedata.normalize("NFKC", text)) if text else None
            if match is not None:
                ranges.append((kind.code, match.group(1), match.group(2) or match.group(1)))
        return services.handover.start(actor, v["reason"], counts, ranges, v["note"])

    def recount(f: FormDialog) -> None:
        total = declared_total(settings, f.values())
        f.set_info(2, t("counter.handover.declared", amount=format_fen(total, symbol=True)))

    return HandoverForm(settings, t("counter.handover.title"), specs, info=info, submit=submit,
                        form_id="handover-form", on_change=recount)


def declared_total(settings: Settings, values: dict[str, Any]) -> int:
    total = 0
    for fen in settings.counter.denominations_fen:
        text = unicodedata.normalize("NFKC", str(values.get(f"d{fen}", ""))).strip()
        if text.isdigit():
            total += fen * int(text)
    return total


def receive_form(services: Services, h: HandoverView) -> FormDialog:
    """The receiving teller counts what is declared; returns (counted text, note) to confirm
    with their PIN. A difference needs the explanation before the PIN is asked."""
    counts = "  ".join(f"{fen / 100:g}×{n}" for fen, n in h.denominations.items()) or "-"
    vouchers = "  ".join(
        f"{_voucher_name(services.settings, v.kind)} {v.first}-{v.last}" for v in h.vouchers)
    info = [t("counter.receive.declared", amount=format_fen(h.declared_cash_fen, symbol=True),
              counts=counts),
            t("counter.receive.vouchers", vouchers=vouchers or t("common.none")),
            t("counter.receive.open", tickets=listing(h.open_tickets) or t("common.none"),
              pending=len(h.pending_authorizations))]
    specs = [Field("counted", "counter.field.counted_cash", max_length=20,
                  value=f"{h.declared_cash_fen / 100:.2f}"),
             Field("note", "counter.field.difference_note", max_length=500)]

    def submit(v: dict[str, Any]) -> Any:
        counted = parse_yuan(v["counted"], "counter.field.counted_cash", allow_zero=True)
        if counted != h.declared_cash_fen and not v["note"].strip():
            raise FieldError("counter.field.difference_note", "error.handover.explain")
        return (v["counted"], v["note"])

    return counter_form(t("counter.receive.title", name=h.from_name), specs, info=info,
                       submit=submit, form_id="receive-form")


def _voucher_name(settings: Settings, code: str) -> str:
    kind = settings.counter.voucher_kind(code)
    return tl(kind.name, kind.name_en) if kind else code


def balance_form(services: Services, actor: Actor, view: BalanceView) -> FormDialog:
    settings = services.settings
    f = view.figures
    items = "  ".join(f"{business_name(settings, k)} {n}" for k, n in f.items.items())
    info = [
        t("counter.balance.items", items=items or t("common.none"), total=f.total_items),
        t("counter.balance.cash", opening=format_fen(f.opening_cash_fen),
          received=format_fen(f.received_fen), handed=format_fen(f.handed_over_fen),
          cash_in=format_fen(f.cash_in_fen), cash_out=format_fen(f.cash_out_fen)),
        t("counter.balance.expected", amount=format_fen(f.expected_cash_fen, symbol=True)),
    ]
    if view.submitted_figures is not None:
        info.append(t("cashbox.balance.changed",
                      amount=format_fen(view.submitted_figures.expected_cash_fen, symbol=True)))
    matches = tuple((t(f"counter.match.{m}"), m) for m in MATCHES)
    ticked = [m for m, ok in view.matches.items() if ok] if view.status != "draft" else []
    counted = f"{view.counted_cash_fen / 100:.2f}" if view.counted_cash_fen is not None else ""
    if view.submitted_figures is not None:  # business since the submission: count afresh
        ticked, counted = [], ""
    specs = [Field("counted", "counter.field.counted_cash", max_length=20, value=counted),
             Field("matches", "counter.field.matches", kind="checks", options=matches,
                  value=ticked),
             Field("note", "field.note", max_length=500, value=view.teller_note)]

    def submit(v: dict[str, Any]) -> Any:
        chosen = dict.fromkeys(v["matches"], True)
        return services.balancing.submit(actor, v["counted"], chosen, v["note"])

    return counter_form(t("counter.balance.title"), specs, info=info, submit=submit,
                       form_id="balance-form")


def difference_form(services: Services, actor: Actor, view: BalanceView) -> FormDialog:
    """The supervisor records how a teller's difference is handled."""
    unticked = [t(f"counter.match.{m}") for m in MATCHES if not view.matches.get(m)]
    info = [t("counter.difference.info", name=view.teller_name,
              expected=format_fen(view.figures.expected_cash_fen),
              counted=format_fen(view.counted_cash_fen or 0),
              difference=format_fen(view.difference_fen or 0)),
            t("counter.difference.unticked", matches=listing(unticked) or t("common.none")),
            t("counter.difference.teller_note", note=view.teller_note or "-")]
    options = tuple((t(f"counter.handling.{h}"), h) for h in HANDLINGS)
    specs = [Field("handling", "counter.field.difference_handling", kind="select",
                  options=options),
             Field("note", "counter.field.difference_note", max_length=500)]
    assert view.id is not None
    balance_id = view.id
    return counter_form(
        t("counter.difference.title"), specs, info=info, form_id="difference-form",
        submit=lambda v: services.balancing.handle_difference(actor, balance_id, v["handling"],
                                                             v["note"]))
