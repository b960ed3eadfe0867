"""The appointment calendar over the role screen (issue 18): the CM's own (Ctrl+D on the agenda)
or everyone's (the lobby's key).

Keys (a dialog's: F2 the main action, F3–F8 the others, Escape closes): F2 book (for the client
the screen was opened with, else a prospect), F3 day ↔ week, F4 earlier, F5 later, F6 back to
today, F7 cancel the appointment under the cursor (with the reason), F8 check it in (the lobby:
the screen closes with the checked-in appointment, and the lobby shows its ticket or the CM
told). Every read and write runs on the one call path (ui/calls.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer

from wealthtui.i18n import t
from wealthtui.services.appointments import AppointmentView
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls
from wealthtui.ui.dialogs.appointment import booked_message, booking_form
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.widgets.calendar import AppointmentCalendar

#: the actions that write (hidden from the footer and refused when the actor may not)
NEEDS = {"book": "appointment.book", "cancel": "appointment.book",
         "check_in": "appointment.checkin"}


class CalendarScreen(Calls, TranslatedBindings, ModalScreen[AppointmentView | None]):
    DEFAULT_CSS = """
    CalendarScreen {
        align: center middle;
    }
    CalendarScreen > #calendar-box {
        width: 100%;
        height: 100%;
        border: thick $primary;
        background: $surface;
    }
    """

    BINDINGS = [
        Binding("f2", "book", "appt.bind.book", id="calendar.book"),
        Binding("f3", "toggle_days", "appt.bind.days", id="calendar.days"),
        Binding("f4", "move(-1)", "appt.bind.earlier", id="calendar.earlier"),
        Binding("f5", "move(1)", "appt.bind.later", id="calendar.later"),
        Binding("f6", "today", "appt.bind.today", id="calendar.today"),
        Binding("f7", "cancel_appointment", "appt.bind.cancel", id="calendar.cancel"),
        Binding("f8", "check_in", "appt.bind.check_in", id="calendar.check_in"),
        Binding("escape", "close", "appt.bind.close", id="calendar.close"),
    ]
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = (
        "calendar.check_in", "calendar.book", "calendar.days", "calendar.earlier",
        "calendar.later", "calendar.close", "calendar.today", "calendar.cancel",
    )

    def __init__(self, *, staff_id: int | None, title: str, client_id: int | None = None,
                 client_name: str = "", staff: Sequence[tuple[str, int]] = (),
                 sources: Sequence[str] = ("lobby", "phone_95588", "online"),
                 days: int = 1) -> None:
        super().__init__(id="calendar-screen")
        self.staff_id = staff_id
        self.title_text = title
        self.client_id = client_id
        self.client_name = client_name
        self.staff = list(staff)
        self.sources = tuple(sources)
        self.start_days = days

    def compose(self) -> ComposeResult:
        with Vertical(id="calendar-box"):
            yield AppointmentCalendar(staff_id=self.staff_id, title=self.title_text,
                                      first=self.services.ctx.today(), days=self.start_days,
                                      id="calendar")
            yield Footer()

    def on_mount(self) -> None:
        self.calendar.focus()

    @property
    def calendar(self) -> AppointmentCalendar:
        return self.query_one(AppointmentCalendar)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        need = NEEDS.get(action)
        if need is not None and (self.actor is None or not self.actor.can(need)):
            return False
        return True

    # --- the days shown ------------------------------------------------------------------------
    def action_toggle_days(self) -> None:
        cal = self.calendar
        today = self.services.ctx.today()
        cal.days = 7 if cal.days == 1 else 1
        if cal.days == 7:  # the week from its Monday (today's week shown from today)
            cal.first = today if cal.first == today else cal.first - timedelta(
                days=cal.first.weekday())
        cal.show_head()
        cal.reload()

    def action_move(self, step: int) -> None:
        cal = self.calendar
        cal.first += timedelta(days=step * cal.days)
        cal.show_head()
        cal.reload()

    def action_today(self) -> None:
        cal = self.calendar
        cal.first = self.services.ctx.today()
        cal.show_head()
        cal.reload()

    # --- writes --------------------------------------------------------------------------------
    def action_book(self) -> None:
        form = booking_form(
            self.services, self.actor, self.settings, self.services.ctx.today(),
            client_id=self.client_id, client_name=self.client_name, staff=self.staff,
            any_counter=self.staff_id is None, sources=self.sources, day=self.calendar.first)

        def done(view: AppointmentView | None) -> None:
            if view is not None:
                self.notify(booked_message(view, self.services.ctx.tz), timeout=8, markup=False)
                self.calendar.reload()
                self.changed()

        self.app.push_screen(form, done)

    def action_cancel_appointment(self) -> None:
        view = self.calendar.current
        if view is None or view.status != "booked":
            self.notify(t("appt.none_booked"), severity="warning")
            return
        appointments, actor = self.services.appointments, self.actor

        def done(cancelled: AppointmentView | None) -> None:
            if cancelled is not None:
                self.notify(t("appt.cancelled", name=cancelled.client_name), markup=False)
                self.calendar.reload()
                self.changed()

        self.app.push_screen(ReasonDialog(
            t("appt.cancel_title"), detail=view.client_name,
            submit=lambda reason: appointments.cancel(actor, view.id, reason)), done)

    def action_check_in(self) -> None:
        view = self.calendar.current
        if view is None or view.status != "booked":
            self.notify(t("appt.none_booked"), severity="warning")
            return
        self.call(self.services.appointments.check_in, view.id, then=self.dismiss)

    def changed(self) -> None:
        """Tell the other desks (the change marker) that something was written."""
        self.wealth_app.poll_changes()

    def action_close(self) -> None:
        self.dismiss(None)
