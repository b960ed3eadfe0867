"""The appointment calendar (预约日程, issue 18): a day or a week of appointments, one CM's or
everyone's (the lobby's), as a table that fits 80 columns.

    cal = AppointmentCalendar(staff_id=cm_id)      # or staff_id=None: the lobby's
    cal.days = 7; cal.first = monday; cal.reload()

The read runs on the one call path (services.appointments.calendar, off the event loop, the
last request wins; a reload while one runs makes one more after it). Rows: the day (week view),
the time, the client (or prospect), the purpose, the staff member (everyone's view) and the
state (booked, checked in with the ticket, late, no-show, done). Names are data: cells are plain
text (ui.text.PlainTable). The widget owns no keys but the table's: the screen that shows it
binds day/week, earlier/later, book, check in, cancel.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from wealthtui.i18n import t, tl
from wealthtui.services.appointments import AppointmentView
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.text import PlainTable, fit

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def day_name(day: date) -> str:
    return t(f"appt.weekday.{WEEKDAYS[day.weekday()]}")


def state_text(view: AppointmentView) -> Text:
    """The appointment's state in words, coloured (plain text)."""
    text = Text(t(f"appointments.status_{view.status}"),
                style={"booked": "", "checked_in": "green", "no_show": "red",
                       "done": "dim"}.get(view.status, ""))
    if view.ticket_no:
        text.append(f" {view.ticket_no}")
    if view.late:
        text.append(f" {t('appointments.late')}", style="yellow")
    return text


class CalendarTable(PlainTable):
    """The appointments, one a row; `current` is the one under the cursor."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.views: list[AppointmentView] = []

    def fill(self, views: list[AppointmentView], *, week: bool, everyone: bool, tz: Any,
             wide: bool) -> None:
        self.clear(columns=True)
        self.views = list(views)
        name_cells = 16 if wide else 10
        # fixed widths (cells): the layout does not wait for a measuring pass, so it is the same
        # on every run, and 80 columns hold the week with the staff column
        columns = ([("day", 10)] if week else []) + [
            ("time", 5), ("client", name_cells), ("purpose", 16 if wide else 12)]
        if everyone:
            columns.append(("staff", name_cells))
        columns.append(("state", 20 if wide else 16))
        for key, width in columns:
            self.add_column(t(f"appt.col.{key}"), width=width, key=key)
        for v in views:
            start = v.start_at.astimezone(tz)
            row: list[Any] = []
            if week:
                row.append(f"{start:%m-%d} {day_name(start.date())}")
            row += [f"{start:%H:%M}", fit(v.client_name, name_cells),
                    fit(tl(v.purpose_name, v.purpose_name_en), 16 if wide else 12)]
            if everyone:
                row.append(fit(v.staff_name or t("appt.any_counter"), name_cells))
            row.append(state_text(v))  # "已签到 B001 迟到": 16 cells
            self.add_row(*row, key=str(v.id))

    @property
    def current(self) -> AppointmentView | None:
        if not self.views or self.cursor_row < 0 or self.cursor_row >= len(self.views):
            return None
        return self.views[self.cursor_row]


class AppointmentCalendar(Calls, Vertical):
    """A head line (whose calendar, which days, how many) and the table."""

    DEFAULT_CSS = """
    AppointmentCalendar {
        height: 1fr;
    }
    AppointmentCalendar > #calendar-head {
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    AppointmentCalendar > #calendar-empty {
        color: $text-muted;
        padding: 0 1;
        height: auto;
    }
    AppointmentCalendar > CalendarTable {
        height: 1fr;
    }
    """

    class Loaded(Message):
        """The calendar shows a fresh read."""

    def __init__(self, *, staff_id: int | None, title: str, first: date, days: int = 1,
                 id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.staff_id = staff_id
        self.title = title
        self.first = first
        self.days = days
        self.loaded = False
        self._loading = False
        self._dirty = False

    def compose(self) -> ComposeResult:
        yield Static("", id="calendar-head")
        yield Static(t("cm2.loading"), id="calendar-empty")
        yield CalendarTable(id="calendar-table")

    def on_mount(self) -> None:
        self.show_head()
        self.reload()

    @property
    def table(self) -> CalendarTable:
        return self.query_one(CalendarTable)

    @property
    def current(self) -> AppointmentView | None:
        return self.table.current

    def show_head(self) -> None:
        last = self.first + timedelta(days=self.days - 1)
        span = (f"{self.first.isoformat()} {day_name(self.first)}" if self.days == 1 else
                f"{self.first.isoformat()} – {last:%m-%d}")
        view = t("appt.view_day") if self.days == 1 else t("appt.view_week")
        head = Text(f"{self.title} · {span} · {view}")
        if self.loaded:
            head.append(" · " + t("appt.count", count=len(self.table.views)))
        self.query_one("#calendar-head", Static).update(head)

    # --- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        if self._loading:
            self._dirty = True
            return
        self._loading, self._dirty = True, False
        self.call(self.services.appointments.calendar, self.staff_id, self.first, days=self.days,
                  key="calendar", then=self._loaded, failed=self._failed)

    def _loaded(self, views: list[AppointmentView]) -> None:
        self._loading = False
        self.loaded = True
        self.table.fill(views, week=self.days == 7, everyone=self.staff_id is None,
                        tz=self.services.ctx.tz, wide=self.app.size.width >= 110)
        empty = self.query_one("#calendar-empty", Static)
        empty.update(t("appt.empty_day") if self.days == 1 else t("appt.empty_week"))
        empty.display = not views
        self.show_head()
        self.post_message(self.Loaded())
        if self._dirty:
            self.reload()

    def _failed(self, _failure: Failed) -> None:
        self._loading = False
        if self._dirty:
            self.reload()

    def focus(self, scroll_visible: bool = True) -> AppointmentCalendar:
        self.table.focus(scroll_visible)
        return self
