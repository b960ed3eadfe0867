"""The tickets a counter may call, in the order it would call them, and the tickets its teller
parked (which can be re-queued when the client comes back)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wealthtui.i18n import t
from wealthtui.services.queue import TicketView
from wealthtui.ui.text import PlainTable, minutes


class QueueList(Vertical):
    DEFAULT_CSS = """
    QueueList {
        height: 1fr;
        border-left: solid $primary;
    }
    QueueList #ql-title {
        height: 1;
        background: $boost;
        padding: 0 1;
    }
    QueueList DataTable {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.tickets: list[TicketView] = []
        #: the title and rows shown (None: nothing yet)
        self._shown: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static(t("counter.queue.title", count=0), id="ql-title")
        table: DataTable[str | Text] = PlainTable(id="ql-table", cursor_type="row")
        yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(t("counter.col.ticket"), key="ticket")
        table.add_column(t("counter.col.wait"), key="wait")
        table.add_column(t("counter.col.note"), key="note")

    @property
    def selected(self) -> TicketView | None:
        table = self.query_one(DataTable)
        if not self.tickets or table.cursor_row < 0:
            return None
        return self.tickets[min(table.cursor_row, len(self.tickets) - 1)]

    def show(self, waiting: list[TicketView], parked: list[TicketView], now: datetime, *,
             total: int | None = None) -> bool:
        """List the tickets (`waiting`: the first in calling order; the title counts `total`,
        all the counter may call, or `waiting`'s); the same rows as those shown (a change marker that changed
        nothing here, the waits in the same minutes) leave the table alone: a busy day's queue
        is not cleared and refilled on the event loop at every write of another terminal
        (returns whether it refilled)."""
        self.tickets = [*waiting, *parked]
        rows: list[tuple[str, tuple[str | Text, ...]]] = []
        for tk in waiting:
            note = ""
            if tk.counter_no:
                note = t("counter.queue.directed")
            elif tk.client_tier and tk.priority > 0:
                note = t("counter.queue.priority")
            rows.append((f"w{tk.id}", (tk.display_no, t(
                "counter.queue.minutes", minutes=minutes(tk.waiting_seconds(now))), note)))
        for tk in parked:
            rows.append((f"p{tk.id}", (Text(tk.display_no, style="dim"), "",
                                       Text(t("queue.status.parked"), style="yellow"))))
        title = t("counter.queue.title", count=len(waiting) if total is None else total)
        shown = (title, tuple(rows))
        if shown == self._shown:
            return False
        self._shown = shown
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.query_one("#ql-title", Static).update(title)
        for key, cells in rows:
            table.add_row(*cells, key=key)
        if self.tickets:
            table.move_cursor(row=min(max(row, 0), len(self.tickets) - 1))
        return True
