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

    def show(self, waiting: list[TicketView], parked: list[TicketView], now: datetime) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.tickets = [*waiting, *parked]
        self.query_one("#ql-title", Static).update(
            t("counter.queue.title", count=len(waiting)))
        for tk in waiting:
            note = ""
            if tk.counter_no:
                note = t("counter.queue.directed")
            elif tk.client_tier and tk.priority > 0:
                note = t("counter.queue.priority")
            table.add_row(tk.display_no, t("counter.queue.minutes",
                                           minutes=minutes(tk.waiting_seconds(now))),
                          note, key=f"w{tk.id}")
        for tk in parked:
            table.add_row(Text(tk.display_no, style="dim"), "",
                          Text(t("queue.status.parked"), style="yellow"), key=f"p{tk.id}")
        if self.tickets:
            table.move_cursor(row=min(max(row, 0), len(self.tickets) - 1))
