"""How a business that needs authorisation gets it: the checker comes to the counter and enters
their staff number and PIN (approve, or reject with a reason), or the request waits in the
checkers' authorisation inbox. Returns "approve", "reject", "inbox", or None on Escape."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wealthtui.i18n import t
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.text import plain


class AuthorizationChoice(TranslatedBindings, ModalScreen[str | None]):
    DEFAULT_CSS = """
    AuthorizationChoice {
        align: center middle;
    }
    AuthorizationChoice > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    AuthorizationChoice .az-title {
        text-style: bold;
    }
    AuthorizationChoice .az-info {
        color: $text-muted;
        margin-bottom: 1;
    }
    AuthorizationChoice Button {
        width: 1fr;
        margin: 0 0 0 0;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "dialog.bind.cancel", id="counter.authz.cancel"),
        Binding("up", "app.focus_previous", show=False),
        Binding("down", "app.focus_next", show=False),
    ]

    def __init__(self, lines: list[str]) -> None:
        super().__init__(id="authz-choice")
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("counter.authz.title"), classes="az-title")
            for line in self.lines:
                yield Static(plain(line), classes="az-info")
            yield Button(t("counter.authz.approve_here"), id="approve", variant="primary")
            yield Button(t("counter.authz.reject_here"), id="reject", variant="error")
            yield Button(t("counter.authz.to_inbox"), id="inbox")

    def on_mount(self) -> None:
        self.query_one("#approve", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
