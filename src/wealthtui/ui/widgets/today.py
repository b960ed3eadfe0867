"""The "today" list: the signed-in staff member's scheduled procedures for the business day.

    yield TodayList()

One row per procedure of the staff member's roles that is scheduled for today (start of day, end
of day, and this month's monthly ones): status (not started / in progress / done / overdue by the
clock, overdue in the warning colour), title, due time, required steps done. Enter opens the
focused one: it starts the run if there is none yet (or resumes the one a colleague started, for
a day-wide procedure) and shows it in a ChecklistScreen; the list reloads when that closes. It
posts `TodayList.Opened(run_id)` first; a screen that wants to show the run in its own embedded
ChecklistPanel handles that message and builds the list with `TodayList(open_in_screen=False)`.

It reads `services.checklists.today(actor)`; call `reload()` when the store changed. It also
reloads itself every 30 seconds so that "overdue" appears when a due time passes.

`TodayList(include_open=True)` also lists the staff member's other open runs — those whose
subject they are, of today and of earlier days (`services.checklists.open_runs`) — under the
scheduled ones, so that work left open (by a restart, a crash, a visitor who left) can be resumed
(ui/widgets/resume.py shows it over the counter and lobby screens).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.services.checklists import (
    DONE,
    IN_PROGRESS,
    OVERDUE,
    ChecklistService,
    RunView,
    TodayItem,
)
from wealthtui.services.errors import ServiceError
from wealthtui.ui.errors import describe
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.text import PlainTable, fit
from wealthtui.ui.widgets.checklist import procedure_title

REFRESH_SECONDS = 30


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


class TodayList(Vertical):
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
        max-height: 10;
    }
    TodayList > .today-empty {
        color: $text-muted;
        padding: 0 1;
    }
    """

    class Opened(Message):
        """A procedure of the list was opened (its run started or resumed)."""

        def __init__(self, today: TodayList, run_id: int) -> None:
            super().__init__()
            self.today = today
            self.run_id = run_id

        @property
        def control(self) -> TodayList:
            return self.today

    def __init__(
        self, *, open_in_screen: bool = True, include_open: bool = False,
        id: str | None = None, classes: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.open_in_screen = open_in_screen
        self.include_open = include_open
        self.items: list[TodayItem] = []
        #: with include_open: the other open runs, listed under the items
        self.runs: list[RunView] = []

    def compose(self) -> ComposeResult:
        title = "resume.title" if self.include_open else "checklist.today.title"
        yield Static(t(title), classes="today-title")
        table = TodayTable(cursor_type="row")
        table.add_column(t("checklist.today.col.status"), key="status", width=6)
        table.add_column(t("checklist.today.col.title"), key="title")
        table.add_column(t("checklist.today.col.due"), key="due", width=11)
        table.add_column(t("checklist.today.col.progress"), key="progress", width=5)
        yield table
        yield Static(t("checklist.today.empty"), classes="today-empty")

    def on_mount(self) -> None:
        self.reload()
        self.set_interval(REFRESH_SECONDS, self.reload)

    @property
    def table(self) -> TodayTable:
        return self.query_one(TodayTable)

    def reload(self) -> None:
        app = self.app
        actor = getattr(app, "actor", None)
        if actor is None:
            return
        checklists = app.services.checklists  # type: ignore[attr-defined]
        try:
            self.items, self.runs = my_checklists(checklists, actor,
                                                  include_open=self.include_open)
        except (ServiceError, FieldError) as exc:
            self.notify(describe(exc), severity="error", timeout=8)
            return
        self._fill()

    def _fill(self) -> None:
        table = self.table
        keep = table.cursor_row if table.row_count else 0
        table.clear()
        tz = self.app.services.ctx.tz  # type: ignore[attr-defined]
        warning = self.app.current_theme.warning or "yellow"
        success = self.app.current_theme.success or "green"
        width = max(12, (self.size.width or self.app.size.width) - 6 - 11 - 5 - 8 - 2)
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
        today = self.app.services.ctx.today()  # type: ignore[attr-defined]
        now = self.app.clock.now()  # type: ignore[attr-defined]
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
        """Open the focused procedure (what Enter does)."""
        row = self.table.cursor_row
        if len(self.items) <= row < len(self.items) + len(self.runs):
            self._open(self.runs[row - len(self.items)].id)
            return
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        run_id = item.run_id
        if run_id is None:
            try:
                run = self.app.services.checklists.start(  # type: ignore[attr-defined]
                    self.app.actor, item.procedure.id)  # type: ignore[attr-defined]
            except (ServiceError, FieldError) as exc:
                self.notify(describe(exc), severity="error", timeout=8)
                return
            run_id = run.id
        self._open(run_id)

    def _open(self, run_id: int) -> None:
        self.post_message(self.Opened(self, run_id))
        if self.open_in_screen:
            self.app.push_screen(ChecklistScreen(run_id), lambda _run: self.reload())
        else:
            self.reload()

    def focus(self, scroll_visible: bool = True) -> TodayList:
        self.table.focus(scroll_visible)
        return self

