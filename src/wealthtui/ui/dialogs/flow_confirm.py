"""The flow-log confirmation of the lobby's closing routine (manual ch.2 §2.7 item 8; issue 16).

    self.app.push_screen(FlowLogConfirmDialog(run), done)   # done(RunView | None)

Opened by the checklist panel for a step that `confirms = "flow_log"`: it shows the day's flow log
as reports/flow_log.py computes it (services.reports.flow_log — the same figures as the head's
flow-log tab and `wealthtui eod`), and F2 confirms it through `services.day.confirm_flow_log`,
which records the step of the run in the same transaction. Escape leaves without confirming.
A refusal (the day closed, not the lobby manager) is shown in the dialog. Both the reading and
the confirming go through the one call path (ui/calls.py): in a thread; "加载中…" until the
figures are there.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from wealthtui.i18n import t
from wealthtui.reports import export
from wealthtui.reports.render import display
from wealthtui.services import Actor
from wealthtui.services.checklists import RunView
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.text import PlainRichTable, plain

#: column kinds shown right-aligned
NUMERIC = ("int", "fen", "seconds", "number", "mixed")


def section_view(section: export.Section) -> Group:
    """A report section as its title and a plain table (no markup read from any cell)."""
    title = Text(section.title, style="bold")
    if not section.rows:
        return Group(title, Text(t("report.empty"), style="dim"))
    shown = [j for j, c in enumerate(section.columns) if c.key != "key"]
    table = PlainRichTable(expand=True, show_edge=False, pad_edge=False)
    for j in shown:
        column = section.columns[j]
        table.add_column(Text(column.title), justify="right" if column.kind in NUMERIC else "left")
    for row in section.rows:
        table.add_row(*(display(row[j], section.columns[j].kind) for j in shown))
    return Group(title, table)


class FlowLogConfirmDialog(Calls, TranslatedBindings, ModalScreen[RunView | None]):
    DEFAULT_CSS = """
    FlowLogConfirmDialog {
        background: $background 60%;
    }
    FlowLogConfirmDialog > Vertical {
        border: thick $primary;
        background: $surface;
        height: 1fr;
    }
    FlowLogConfirmDialog #fl-title {
        height: auto;
        text-style: bold;
        padding: 0 1;
    }
    FlowLogConfirmDialog #fl-state {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    FlowLogConfirmDialog #fl-tables {
        height: 1fr;
        padding: 0 1;
    }
    FlowLogConfirmDialog #fl-error {
        height: auto;
        color: $error;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("f2", "confirm", "routines.bind.confirm_flow_log", id="routines.confirm_flow_log"),
        Binding("escape", "cancel", "dialog.bind.cancel", id="routines.flow_log_cancel"),
    ]

    def __init__(self, run: RunView) -> None:
        super().__init__()
        self.run = run
        self.flow: Any = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("routines.flow_log.title", date=self.run.business_date.isoformat()),
                         id="fl-title")
            yield Static(t("checklist2.loading"), id="fl-state")
            with VerticalScroll(id="fl-tables"):
                yield Static("", id="fl-sections")
            yield Static("", id="fl-error")
        yield Footer()

    def on_mount(self) -> None:
        self.call(self.services.reports.flow_log, self.run.business_date, then=self._show,
                  failed=self._refused, quiet=True, key="flow-log")

    def _show(self, flow: Any) -> None:
        self.flow = flow
        doc = export.flow_dict(self.settings, flow)
        self.query_one("#fl-sections", Static).update(
            Group(*(section_view(s) for s in export.flow_log_sections(doc))))
        state = (t("routines.flow_log.confirmed", who=flow.confirmed_by)
                 if flow.confirmed_by else t("routines.flow_log.unconfirmed"))
        self.query_one("#fl-state", Static).update(plain(state))
        self.refresh_bindings()

    def _refused(self, failure: Failed) -> None:
        self.query_one("#fl-error", Static).update(plain(failure.message))
        if self.flow is None:
            self.query_one("#fl-state", Static).update("")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return self.flow is not None  # what is confirmed has been shown first
        return True

    def action_confirm(self) -> None:
        self.query_one("#fl-error", Static).update("")
        self.call(self._confirm, then=self._confirmed, failed=self._refused, quiet=True,
                  key="confirm")

    def _confirm(self, actor: Actor) -> RunView:
        """In the call's thread: confirm the flow log (it records the step), read the run."""
        self.services.day.confirm_flow_log(actor, self.run.business_date, run_id=self.run.id)
        return self.services.checklists.get(actor, self.run.id)

    def _confirmed(self, run: RunView) -> None:
        self.notify(t("routines.flow_log.done"))
        self.dismiss(run)

    def action_cancel(self) -> None:
        self.dismiss(None)
