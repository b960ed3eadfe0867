"""The "today" list: the signed-in staff member's scheduled procedures for the business day.

    yield TodayList()

One row per procedure of the staff member's roles that is scheduled for today (start of day, end
of day, and this month's monthly ones): status (not started / in progress / done / overdue by the
clock, overdue in the warning colour), title, due time, required steps done. Enter opens the
focused one: it starts the run if there is none yet (or resumes the one a colleague started, for
a day-wide procedure) and posts `TodayList.Opened(run_id)`; the screen shows the run (a
ChecklistScreen, or its own embedded ChecklistPanel) and calls `reload()` when it is closed. A
widget never opens a screen itself.

It reads `services.checklists.today(actor)` through `Calls.call` (off the event loop, the last
request wins, a reload asked for during a read runs once after it); call `reload()` when the store
changed. It also reloads itself every 30 seconds so that "overdue" appears when a due time passes.

`TodayList(include_open=True)` also lists the staff member's other open runs — those whose
subject they are, of today and of earlier days (`services.checklists.open_runs`) — under the
scheduled ones, so that work left open (by a restart, a crash, a visitor who left) can be resumed
(ui/widgets/resume.py shows it over the counter and lobby screens).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from wealthtui.i18n import t
from wealthtui.services.checklists import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    ChecklistService,
    RunView,
    TodayItem,
)
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.text import PlainTable, fit
from wealthtui.ui.widgets.checklist import procedure_title

REFRESH_SECONDS = 30
DUE_W = 11  # "11-29 17:30", the monthly "30日 17:30"
#: the cells a table takes besides its columns' text: a cell's padding on both sides (4 columns)
#: and the vertical scroll bar
CHROME_W = 4 * 2 + 2


def my_checklists(
    checklists: ChecklistService, actor: Any, *, include_open: bool,
) -> tuple[list[TodayItem], list[RunView]]:
    """The actor's scheduled procedures of today and, with `include_open`, their other open
    runs (of any day, newest first) that the first list does not already name."""
    items = checklists.today(actor)
    if not include_open:
        return items, []
    listed = {i.run_id for i in items if i.run_id is not None}
    runs = checklists.open_runs(actor, subject_staff_id=actor.staff_id)
    return items, [r for r in runs if r.id not in listed]


def run_title(run: RunView) -> str:
    """A run's procedure, with the client or ticket it is for when it has one."""
    title = procedure_title(run.procedure)
    about = run.client_name or run.ticket_no
    return f"{title} · {about}" if about else title


class TodayTable(PlainTable):
    BINDINGS = [
        Binding("enter", "select_cursor", "checklist.bind.open", id="today.open"),
    ]


class TodayList(Calls, Vertical):
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = ("today.open",)
    DEFAULT_CSS = """
    TodayList {
        height: auto;
        max-height: 12;
    }
    TodayList > .today-title {
        height: 1;
        text-style: bold;
        padding: 0 1;
    }
    TodayList > TodayTable {
        height: auto;
        min-height: 3;
        max-height: 10;
    }
    TodayList > .today-empty {
        color: $text-muted;
        padding: 0 1;
    }
    """

    class Opened(Message):
        """A procedure of the list was opened (its run started or resumed): show it."""

        def __init__(self, today: TodayList, run_id: int) -> None:
            super().__init__()
            self.today = today
            self.run_id = run_id

        @property
        def control(self) -> TodayList:
            return self.today

    def __init__(
        self, *, include_open: bool = False,
        id: str | None = None, classes: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.include_open = include_open
        self.items: list[TodayItem] = []
        #: with include_open: the other open runs, listed under the items
        self.runs: list[RunView] = []
        self.loaded = False
        self._loading = False
        self._dirty = False
        self._filled_width = 0  # the width the titles were fitted to (0: before the layout)
        self._title_width = 0  # the title column's width

    def compose(self) -> ComposeResult:
        title = "resume.title" if self.include_open else "checklist.today.title"
        yield Static(t(title), classes="today-title")
        table = TodayTable(cursor_type="row")
        self._add_columns(table, self.title_w())
        yield table
        yield Static(t("checklist.today.empty"), classes="today-empty")

    def on_mount(self) -> None:
        self.query_one(".today-empty", Static).update(t("cm2.loading"))  # until the first answer
        self.reload()
        self.set_interval(REFRESH_SECONDS, self.reload)

    @property
    def table(self) -> TodayTable:
        return self.query_one(TodayTable)

    # the fixed columns are as wide as their words in the screen's language (no "Overdu"), so
    # they never depend on when the rows arrive; the title takes what is left of the width
    @property
    def status_w(self) -> int:
        words = [t(f"checklist.status.{s}") for s in (OVERDUE, IN_PROGRESS, DONE, NOT_STARTED)]
        return max(cell_len(w) for w in (*words, t("checklist.today.col.status")))

    @property
    def progress_w(self) -> int:
        return max(5, cell_len(t("checklist.today.col.progress")))

    def title_w(self) -> int:
        """The title column's cells at the list's width (the terminal's before the layout; the
        list fills again when it learns its own, see on_resize)."""
        width = self.size.width or self.app.size.width
        return max(12, width - self.status_w - DUE_W - self.progress_w - CHROME_W)

    def _add_columns(self, table: DataTable[Any], title_w: int) -> None:
        """Every column with its width given: an auto-sized one is measured when the table
        next idles, so a snapshot taken before that showed the titles cut to their header."""
        table.add_column(t("checklist.today.col.status"), key="status", width=self.status_w)
        table.add_column(t("checklist.today.col.title"), key="title", width=title_w)
        table.add_column(t("checklist.today.col.due"), key="due", width=DUE_W)
        table.add_column(t("checklist.today.col.progress"), key="progress",
                         width=self.progress_w)
        self._title_width = title_w

    def on_resize(self, event: events.Resize) -> None:
        if self.loaded and event.size.width != self._filled_width:
            self._fill()

    def reload(self) -> None:
        """Read the list again off the event loop; during a read, once more after it."""
        if self.wealth_app.actor is None:
            return
        if self._loading:
            self._dirty = True
            return
        self._loading, self._dirty = True, False
        checklists, include_open = self.services.checklists, self.include_open
        self.call(lambda actor: my_checklists(checklists, actor, include_open=include_open),
                  key="today", then=self._loaded, failed=self._failed)

    def _loaded(self, found: tuple[list[TodayItem], list[RunView]]) -> None:
        self._loading = False
        self.items, self.runs = found
        if not self.loaded:
            self.loaded = True
            self.query_one(".today-empty", Static).update(t("checklist.today.empty"))
        self._fill()
        if self._dirty:
            self.reload()

    def _failed(self, _failure: Failed) -> None:
        self._loading = False
        if self._dirty:
            self.reload()

    def _fill(self) -> None:
        table = self.table
        keep = table.cursor_row if table.row_count else 0
        width = self.title_w()
        if width != self._title_width:
            table.clear(columns=True)
            self._add_columns(table, width)
        else:
            table.clear()
        tz = self.services.ctx.tz
        warning = self.app.current_theme.warning or "yellow"
        success = self.app.current_theme.success or "green"
        self._filled_width = self.size.width
        for item in self.items:
            status = Text(t(f"checklist.status.{item.status}"))
            if item.status == OVERDUE:
                status.stylize(f"bold {warning}")
            elif item.status == DONE:
                status.stylize(success)
            local = item.due_at.astimezone(tz)
            due = local.strftime("%H:%M")
            if item.procedure.schedule == "monthly":
                due = t("checklist.today.monthly_due", day=local.day, time=due)
            progress = f"{item.required_done}/{item.required_total}"
            key = f"{item.procedure.id}:{item.subject_staff_id or ''}"
            table.add_row(status, fit(procedure_title(item.procedure), width), due, progress,
                          key=key)
        now = self.clock.now()
        today = self.services.ctx.today()
        for run in self.runs:
            late = run.business_date < today or run.overdue(now)
            status = Text(t(f"checklist.status.{OVERDUE if late else IN_PROGRESS}"))
            if late:
                status.stylize(f"bold {warning}")
            due = run.due_at.astimezone(tz).strftime("%H:%M") if run.due_at else ""
            if run.business_date != today:
                due = f"{run.business_date:%m-%d} {due}".strip()
            progress = f"{run.required_done}/{run.required_total}"
            table.add_row(status, fit(run_title(run), width), due or "-", progress,
                          key=f"run:{run.id}")
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        shown = bool(self.items or self.runs)
        table.display = shown
        self.query_one(".today-empty", Static).display = not shown

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_focused()

    def open_focused(self) -> None:
        """Open the focused procedure (what Enter does): start its run when there is none
        (off the event loop), then post Opened."""
        row = self.table.cursor_row
        if len(self.items) <= row < len(self.items) + len(self.runs):
            self._open(self.runs[row - len(self.items)].id)
            return
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        if item.run_id is not None:
            self._open(item.run_id)
            return
        self.call(self.services.checklists.start, item.procedure.id,
                  then=lambda run: self._open(run.id))

    def _open(self, run_id: int) -> None:
        self.post_message(self.Opened(self, run_id))

    def focus(self, scroll_visible: bool = True) -> TodayList:
        self.table.focus(scroll_visible)
        return self
