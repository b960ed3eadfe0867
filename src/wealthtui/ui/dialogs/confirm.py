"""A yes/no question as a modal dialog: `push_screen(ConfirmDialog(text), callback)` → bool.

Enter presses the focused button (Yes is focused first unless `default_no=True`); Escape answers
No; Tab / arrow keys move between the buttons.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wealthtui.i18n import t
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.text import Paragraph


class ConfirmDialog(TranslatedBindings, ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
    }
    ConfirmDialog > Vertical {
        width: auto;
        min-width: 40;
        max-width: 76;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    ConfirmDialog .confirm-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ConfirmDialog .confirm-text {
        width: auto;
        max-width: 70;
        margin-bottom: 1;
    }
    ConfirmDialog Horizontal {
        height: auto;
        width: auto;
        align-horizontal: center;
    }
    ConfirmDialog Button {
        margin: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "answer(False)", "dialog.bind.cancel", id="dialog.cancel"),
        Binding("left,right", "switch_button", show=False),
    ]

    def __init__(
        self, text: str, *, title: str = "", yes: str = "", no: str = "", default_no: bool = False
    ) -> None:
        super().__init__()
        self.text = text
        self.title_text = title
        self.yes_text = yes or t("common.yes")
        self.no_text = no or t("common.no")
        self.default_no = default_no

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.title_text:
                yield Static(self.title_text, classes="confirm-title")
            yield Paragraph(self.text, classes="confirm-text")
            with Horizontal():
                yield Button(self.yes_text, id="yes", variant="primary")
                yield Button(self.no_text, id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self.default_no else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def action_switch_button(self) -> None:
        target = "#no" if self.focused is self.query_one("#yes") else "#yes"
        self.query_one(target, Button).focus()
