"""Appointments on the screens (issue 18): the booking form and the supervisor's cash to prepare.

    booking_form(services, actor, settings, today, client_id=7, client_name="周预约",
                 staff=[(name, id)], sources=("cm", "phone_95588", "online"))
    CashPlanDialog(plan)

The booking form: the client (or, without a client record, a prospect's name and mobile), the
purpose (a large cash withdrawal takes its amount and the denominations wanted), the day (a
date, or a number of days from today: 0 today, 1 tomorrow), the time (HH:MM), the staff member
(a CM, or any counter) and where the request came from (the CM, the lobby, a 95588 call, online
banking). F2 books through services.appointments.book, which also queues the confirmation notice
to the client's masked mobile in the same transaction. A slot the service refuses (past, closed,
taken) is shown under the time with the service's own sentence; what was typed stays.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from wealthtui.i18n import t, tl
from wealthtui.rules.fields import FieldError
from wealthtui.rules.money import format_fen
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog, Look

#: 78 cells wide, one row per field: fits 80x24
BOOK_LOOK = Look(width=78, fields_height=14, list_height=5, compact=True)
ANY_COUNTER = 0
_TIME = re.compile(r"^\s*(\d{1,2})[:：.]?(\d{2})\s*$")


def parse_day(text: str, today: date) -> date:
    """A day as typed: blank or 0 today, a number of days ahead (1 tomorrow), or YYYY-MM-DD."""
    value = (text or "").strip()
    if not value:
        return today
    if value.isdigit() and len(value) <= 3:
        return today + timedelta(days=int(value))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError("appt.field.day", "appt.error.day") from None


def parse_time(text: str) -> time:
    """A time as typed: 10:30, 1030, 9:00, 10.30."""
    found = _TIME.match(text or "")
    if found is None:
        raise FieldError("appointments.field.start", "appt.error.time")
    hour, minute = int(found.group(1)), int(found.group(2))
    if hour > 23 or minute > 59:
        raise FieldError("appointments.field.start", "appt.error.time")
    return time(hour, minute)


def booking_form(
    services: Any, actor: Any, settings: Any, today: date, *, client_id: int | None,
    client_name: str = "", staff: Sequence[tuple[str, int]] = (), any_counter: bool = True,
    sources: Sequence[str] = ("lobby", "phone_95588", "online"), day: date | None = None,
) -> FormDialog:
    """The booking form; `staff` the (name, id) choices (a CM booking lists only themself),
    `any_counter` adds "any counter" first; `sources` the request sources offered."""
    purposes = tuple((tl(p.name, p.name_en), p.code) for p in settings.appointments.purposes)
    people = (*(((t("appt.any_counter"), ANY_COUNTER),) if any_counter else ()), *staff)
    fields: list[Field] = []
    if client_id is None:
        fields += [Field("contact_name", "field.name", max_length=40),
                   Field("contact_phone", "field.phone", max_length=20)]
    first_day = "" if day is None or day == today else day.isoformat()
    fields += [
        Field("purpose", "appointments.field.purpose", kind="select", options=purposes),
        Field("day", "appt.field.day", value=first_day, max_length=10,
              placeholder=t("appt.day_hint")),
        Field("time", "appointments.field.start", max_length=5, placeholder="10:00"),
        Field("staff", "appointments.field.staff", kind="select", options=people),
        Field("source", "appointments.field.source", kind="select",
              options=tuple((t(f"appointments.source_{s}"), s) for s in sources)),
        Field("amount", "field.amount", max_length=16, placeholder=t("appt.amount_hint")),
        Field("denominations", "appointments.field.denominations", max_length=200,
              placeholder=t("appt.denominations_hint")),
        Field("note", "field.note", max_length=500),
    ]
    info = [t("appt.book.client", name=client_name) if client_id is not None
            else t("appt.book.prospect")]
    tz = services.ctx.tz

    def submit(values: dict[str, Any]) -> Any:  # in the form's call (a thread)
        on = parse_day(values["day"], today)
        start = datetime.combine(on, parse_time(values["time"]), tzinfo=tz)
        chosen = values["staff"]
        return services.appointments.book(
            actor, purpose=values["purpose"], start=start, client_id=client_id,
            contact_name=values.get("contact_name") or "",
            contact_phone=values.get("contact_phone") or "",
            staff_id=None if chosen in (None, ANY_COUNTER) else chosen,
            source=values["source"], amount=values["amount"] or "",
            denominations=values["denominations"] or "", note=values["note"] or "")

    return FormDialog(t("appt.book.title"), fields, submit=submit, info=info,
                      form_id="appointment-form", focus="time", look=BOOK_LOOK,
                      keep_open_on_none=True)


def booked_message(view: Any, tz: Any) -> str:
    """What the desk is told once a booking is made."""
    key = "appt.book.done_notice" if view.notice_id is not None else "appt.book.done"
    local = view.start_at.astimezone(tz).strftime("%m-%d %H:%M")
    return t(key, name=view.client_name, time=local, reference=view.reference)


class CashPlanDialog(TranslatedBindings, ModalScreen[None]):
    """The large cash to prepare for the next open day (services.appointments.large_cash_tomorrow):
    each appointment (time, client, amount, denominations as written) and the sums by the
    denominations asked for. Read-only; Escape closes."""

    DEFAULT_CSS = """
    CashPlanDialog {
        align: center middle;
    }
    CashPlanDialog > #cash-box {
        width: 78;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    CashPlanDialog #cash-title {
        text-style: bold;
    }
    CashPlanDialog #cash-body {
        height: auto;
        max-height: 18;
        overflow-y: auto;
    }
    """

    BINDINGS = [Binding("escape", "close", "appt.bind.close", id="cash_plan.close")]

    def __init__(self, plan: Any, tz: Any) -> None:
        super().__init__(id="cash-plan")
        self.plan = plan
        self.tz = tz

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="cash-box"):
            yield Static(t("appt.cash.title", day=plan.day.isoformat(),
                           total=format_fen(plan.total_fen), count=len(plan.appointments)),
                         id="cash-title")
            yield Static(self.body(), id="cash-body")
            yield Footer()

    def body(self) -> Text:
        """Plain text: names and denominations are data, never markup."""
        plan = self.plan
        text = Text()
        if not plan.appointments:
            text.append(t("appt.cash.none"), style="dim")
            return text
        for v in plan.appointments:
            when = v.start_at.astimezone(self.tz).strftime("%H:%M")
            text.append(f"{when}  ")
            text.append(v.client_name)
            text.append(f"  {format_fen(v.amount_fen)}  ")
            text.append(v.denominations or t("appt.cash.any_notes"), style="dim")
            text.append("\n")
        text.append(t("appt.cash.by_denomination") + "\n", style="bold")
        for denominations, fen in plan.by_denomination:
            text.append(f"  {format_fen(fen)}  ")
            text.append(denominations or t("appt.cash.any_notes"))
            text.append("\n")
        return text

    def action_close(self) -> None:
        self.dismiss(None)
