"""My complaints (我的投诉): every complaint the signed-in staff member is part of, on every role
screen (Ctrl+J; issue 16 item 4).

    self.app.push_screen(MyComplaintsScreen(), closed)      # closed(bool: something written)

One row per complaint (services.complaints.my_complaints): the number, what I am to it (first
receiver, handler, or complained about), the deadline with the days left (overdue in red,
warning in yellow), the status and the next step. Enter on a row I received or handle opens
`ComplaintDetailScreen` with the actions the service allows me; a complaint about me is
read-only (it carries no client detail: the service leaves it out). F2 records a new complaint
the signed-in person received (the intake form, ui/dialogs/complaint_intake.py: every role has it
with one key, the lobby's F8 stays); the list then shows it. Escape closes.

The list loads through the one call path (ui/calls.py: off the event loop, "加载中…" meanwhile).
Text from people is never markup here: every cell is a `rich.text.Text`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from wealthtui.i18n import t
from wealthtui.services.complaints import MyComplaint
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls
from wealthtui.ui.dialogs import complaint_labels as lbl
from wealthtui.ui.dialogs.complaint_intake import ComplaintIntakeDialog
from wealthtui.ui.screens.complaint_detail import ComplaintDetailScreen
from wealthtui.ui.text import Paragraph

COLUMNS = ("ref", "as", "due", "status", "next")


def due_text(m: MyComplaint) -> Text:
    """The deadline and the days left, styled by the clock's standing."""
    style = lbl.STANDING_STYLE.get(m.standing, "")
    if m.standing == "stopped":
        return Text(m.due_date.strftime("%m-%d"), style=style)
    if m.standing == "paused":
        return Text(t("my_complaints.paused", due=m.due_date.strftime("%m-%d")), style=style)
    return Text(t("my_complaints.due", due=m.due_date.strftime("%m-%d"), days=m.days_left),
                style=style)


class MyComplaintsTable(DataTable[Any]):
    BINDINGS = [
        Binding("enter", "select_cursor", "my_complaints.bind.open", id="my_complaints.open"),
    ]


class MyComplaintsScreen(Calls, TranslatedBindings, ModalScreen[bool]):
    DEFAULT_CSS = """
    MyComplaintsScreen {
        background: $background 60%;
    }
    MyComplaintsScreen > Vertical {
        border: thick $primary;
        background: $surface;
        height: 1fr;
    }
    MyComplaintsScreen #mc-title {
        height: 1;
        text-style: bold;
        padding: 0 1;
    }
    MyComplaintsScreen MyComplaintsTable {
        height: 1fr;
    }
    MyComplaintsScreen #mc-empty {
        color: $text-muted;
        padding: 0 1;
    }
    MyComplaintsScreen #mc-detail {
        height: auto;
        max-height: 4;
        border-top: solid $primary;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("f2", "intake", "my_complaints_intake.bind", id="my_complaints.intake"),
        Binding("escape", "close", "checklist.bind.close", id="my_complaints.close"),
    ]
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = (
        "my_complaints.open", "my_complaints.intake", "my_complaints.close")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[MyComplaint] = []
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("my_complaints.title"), id="mc-title")
            table = MyComplaintsTable(cursor_type="row", zebra_stripes=True)
            self._set_columns(table, [])
            yield table
            yield Static(Text(t("head.panel.loading"), style="dim"), id="mc-empty")
            yield Paragraph("", id="mc-detail")
        yield Footer()

    @staticmethod
    def _set_columns(table: DataTable[Any], lines: list[tuple[Text, ...]]) -> None:
        """Every column as wide as its header or its widest cell, given when the rows are:
        an auto-sized column is measured only when the table next idles, so a screen drawn
        before that showed every cell cut to its header's width."""
        for i, column in enumerate(COLUMNS):
            header = t(f"my_complaints.col.{column}")
            width = max([cell_len(header), *(line[i].cell_len for line in lines)])
            table.add_column(header, key=column, width=width)

    def on_mount(self) -> None:
        self.reload()
        self.query_one(MyComplaintsTable).focus()

    def reload(self) -> None:
        self.call(self.services.complaints.my_complaints, key="my-complaints",
                  then=self._mc_read, failed=lambda _f: self._mc_read([]))

    def _mc_read(self, rows: list[MyComplaint]) -> None:
        self.rows = rows
        self.query_one("#mc-empty", Static).update(t("my_complaints.empty"))
        table = self.query_one(MyComplaintsTable)
        keep = table.cursor_row if table.row_count else 0
        lines = [(Text(m.ref_no), Text(t(f"my_complaints.as.{m.as_}")), due_text(m),
                  Text(lbl.status_name(m.status)), Text(t(f"my_complaints.next.{m.next_step}")))
                 for m in self.rows]
        table.clear(columns=True)
        self._set_columns(table, lines)
        for m, cells in zip(self.rows, lines, strict=True):
            table.add_row(*cells, key=str(m.id))
        table.display = bool(self.rows)
        self.query_one("#mc-empty").display = not self.rows
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        self._show_detail()

    @property
    def selected(self) -> MyComplaint | None:
        table = self.query_one(MyComplaintsTable)
        row = table.cursor_row
        return self.rows[row] if self.rows and 0 <= row < len(self.rows) else None

    def _show_detail(self) -> None:
        m, box = self.selected, self.query_one("#mc-detail", Static)
        if m is None:
            box.update("")
            return
        settings = self.settings
        line = Text(lbl.category_name(settings, m.category, m.subcategory), style="bold")
        if m.client_name:
            line.append("  ")
            line.append(m.client_name)
        if m.handler_name:
            line.append("  ")
            line.append(t("my_complaints.handler", name=m.handler_name))
        if m.read_only:
            line.append("\n")
            line.append(t("my_complaints.read_only"), style="italic")
        elif m.description:
            line.append("\n")
            line.append(m.description.replace("\n", " "))
        box.update(line)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        m = self.selected
        if m is None:
            return
        if m.read_only:
            self.notify(t("my_complaints.read_only"), severity="warning")
            return
        self.app.push_screen(ComplaintDetailScreen(m.id), self._detail_closed)

    def _detail_closed(self, changed: bool | None) -> None:
        if changed:
            self.changed = True
        self.reload()

    def action_intake(self) -> None:
        """Record a complaint I received (首问负责: I am its first receiver)."""
        self.app.push_screen(ComplaintIntakeDialog(channel="on_site"), self._intake_closed)

    def _intake_closed(self, complaint: Any) -> None:
        if complaint is not None:
            self.changed = True
            self.reload()

    def action_close(self) -> None:
        self.dismiss(self.changed)
