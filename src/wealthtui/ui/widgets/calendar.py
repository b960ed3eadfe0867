"""The appointment calendar (预约日程, issue 18): a day or a week of appointments, one CM's or
everyone's (the lobby's), as a table whose columns are sized to the terminal (80 columns and up).

    cal = AppointmentCalendar(staff_id=cm_id)      # or staff_id=None: the lobby's
    cal.days = 7; cal.first = monday; cal.reload()

The read runs on the one call path (services.appointments.calendar, off the event loop): one at a
time, a reload while one runs makes one more after it, and the days asked for last win (moving
weeks on a slow store shows the loading line, never an earlier week's rows). Rows: the day (week
view), the time, the client (or prospect), the purpose (a large cash withdrawal's amount), the
staff member (everyone's view) and the state (booked, checked in with the ticket, late, no-show,
done). Names are data: cells are plain
text (ui.text.PlainTable). The widget owns no keys but the table's: the screen that shows it
binds day/week, earlier/later, book, check in, cancel.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from wealthtui.i18n import t, tl
from wealthtui.rules.money import format_fen
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


#: the columns whose text is cut (…) to fit the width, and the fewest cells each keeps
FLEXIBLE = {"client": 6, "purpose": 8, "staff": 6}


def column_widths(needs: dict[str, int], width: int) -> dict[str, int]:
    """The cells of each column (in `needs`' order: the cells its header and its longest value
    take) in a table `width` cells wide, cell padding included: the day, time and state keep
    what they need; the client, purpose and staff share the rest — each its need when all fit,
    else cut in proportion to how much more than its minimum (FLEXIBLE) it needs."""
    padding = 2 * len(needs)
    fixed = sum(n for key, n in needs.items() if key not in FLEXIBLE)
    flexible = {key: n for key, n in needs.items() if key in FLEXIBLE}
    room = max(0, width - padding - fixed)
    out = dict(needs)
    if sum(flexible.values()) <= room:
        return out
    least = {key: min(n, FLEXIBLE[key]) for key, n in flexible.items()}
    spare = max(0, room - sum(least.values()))
    extra = {key: flexible[key] - least[key] for key in flexible}
    total = sum(extra.values()) or 1
    given = {key: least[key] + spare * extra[key] // total for key in flexible}
    left = room - sum(given.values())
    for key in sorted(flexible, key=lambda k: -(flexible[k] - given[k])):  # the cut cells left
        if left <= 0:
            break
        if given[key] < flexible[key]:
            given[key] += 1
            left -= 1
    out.update(given)
    return out


def purpose_text(view: AppointmentView) -> str:
    """The purpose; a large cash withdrawal's amount after it (the cash to prepare)."""
    name = tl(view.purpose_name, view.purpose_name_en)
    return f"{name} {format_fen(view.amount_fen, symbol=True)}" if view.amount_fen else name


class CalendarTable(PlainTable):
    """The appointments, one a row; `current` is the one under the cursor. The columns are
    sized to the table's width (measured in cells, CJK two; column_widths) and again when it
    is resized: at 120 columns a long purpose is whole, at 80 the names and purpose are cut."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.views: list[AppointmentView] = []
        self._layout: tuple[bool, bool, Any] | None = None
        self._width = 0

    def fill(self, views: list[AppointmentView], *, week: bool, everyone: bool, tz: Any) -> None:
        keep = self.cursor_row
        self.clear(columns=True)
        self.views = list(views)
        self._layout = (week, everyone, tz)
        keys = (["day"] if week else []) + ["time", "client", "purpose"] + (
            ["staff"] if everyone else []) + ["state"]
        rows: list[dict[str, Any]] = []
        for v in views:
            start = v.start_at.astimezone(tz)
            rows.append({
                "day": f"{start:%m-%d} {day_name(start.date())}", "time": f"{start:%H:%M}",
                "client": v.client_name, "purpose": purpose_text(v),
                "staff": v.staff_name or t("appt.any_counter"), "state": state_text(v)})
        headers = {key: t(f"appt.col.{key}") for key in keys}
        needs = {key: max([cell_len(headers[key])] + [cell_len(_plain(r[key])) for r in rows])
                 for key in keys}
        self._width = self._room()
        widths = column_widths(needs, self._width)
        for key in keys:
            self.add_column(headers[key], width=widths[key], key=key)
        for v, r in zip(views, rows, strict=True):
            self.add_row(*(fit(r[key], widths[key]) if key in FLEXIBLE else r[key]
                           for key in keys), key=str(v.id))
        if self.views:
            self.move_cursor(row=min(max(keep, 0), len(self.views) - 1))

    def _room(self) -> int:
        """The cells the columns may take: the table's width less a vertical scrollbar's."""
        width = self.size.width or self.app.size.width - 2
        return max(0, width - 2)

    def on_resize(self) -> None:
        if self._layout is not None and self._room() != self._width:
            week, everyone, tz = self._layout
            self.fill(self.views, week=week, everyone=everyone, tz=tz)

    @property
    def current(self) -> AppointmentView | None:
        if not self.views or self.cursor_row < 0 or self.cursor_row >= len(self.views):
            return None
        return self.views[self.cursor_row]


def _plain(value: Any) -> str:
    return value.plain if isinstance(value, Text) else str(value)


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
        #: the days whose rows are shown (None: none yet)
        self._shown: tuple[date, int] | None = None

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
    @property
    def span(self) -> tuple[date, int]:
        """The days asked for: the first and how many."""
        return self.first, self.days

    def reload(self) -> None:
        """Read the days shown (off the event loop). One read at a time: days changed while
        one runs (F4/F5 pressed on a slow store) make one more read, of the days asked for
        last, when it answers; an answer for other days than those asked for is never shown.
        Other days than the rows shown: the rows go and the loading line shows meanwhile."""
        if self.span != self._shown:
            self.table.fill([], week=self.days == 7, everyone=self.staff_id is None,
                            tz=self.services.ctx.tz)
            self.loaded = False
            empty = self.query_one("#calendar-empty", Static)
            empty.update(t("cm2.loading"))
            empty.display = True
            self.show_head()
        if self._loading:
            self._dirty = True
            return
        self._loading, self._dirty = True, False
        asked = self.span
        self.call(self.services.appointments.calendar, self.staff_id, self.first, days=self.days,
                  key="calendar", then=lambda views: self._loaded(asked, views),
                  failed=self._failed)

    def _loaded(self, asked: tuple[date, int], views: list[AppointmentView]) -> None:
        self._loading = False
        if asked != self.span:  # the days moved on meanwhile: read those instead
            self.reload()
            return
        self._shown = asked
        self.loaded = True
        self.table.fill(views, week=self.days == 7, everyone=self.staff_id is None,
                        tz=self.services.ctx.tz)
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
