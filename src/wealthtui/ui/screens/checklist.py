"""A checklist panel over the current screen (ui/widgets/checklist.py), with the footer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer

from wealthtui.services.checklists import RunView
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.widgets.checklist import ChecklistPanel


class ChecklistScreen(TranslatedBindings, ModalScreen[RunView | None]):
    """A checklist panel over the current screen, with the footer; Escape closes it and
    returns the run as it stands (None when it could not be read)."""

    DEFAULT_CSS = """
    ChecklistScreen {
        background: $background 60%;
    }
    ChecklistScreen > Vertical {
        border: thick $primary;
        background: $surface;
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "checklist.bind.close", id="checklist.close"),
    ]

    def __init__(self, run_id: int) -> None:
        super().__init__()
        self.run_id = run_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield ChecklistPanel(self.run_id)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ChecklistPanel).focus()

    def action_close(self) -> None:
        self.dismiss(self.query_one(ChecklistPanel).run)
