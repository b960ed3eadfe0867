"""The idle lock: an opaque modal screen that hides everything under it and asks for the PIN.

The staff member who was signed in unlocks with their PIN (the staff number is filled in);
another staff member may type their own staff number and PIN instead, which signs them in (the
app switches the actor and the role modes). Ctrl+O signs out to the login screen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from wealthtui.i18n import t, tl
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls
from wealthtui.ui.dialogs.pin_entry import PinEntry
from wealthtui.ui.text import Paragraph
from wealthtui.ui.widgets.header import ShellHeader


class LockScreen(Calls, TranslatedBindings, ModalScreen[None]):
    HELP_SECTIONS = (("ch.4.4", "lock.help.why"),)

    DEFAULT_CSS = """
    LockScreen {
        align: center middle;
        background: $background;
    }
    LockScreen > #lock-box {
        width: 44;
        max-width: 100%;
        height: auto;
        border: round $warning;
        padding: 0 1;
    }
    LockScreen #lock-title {
        text-style: bold;
        width: 1fr;
        content-align: center middle;
    }
    LockScreen #lock-who {
        color: $text-muted;
        margin-bottom: 1;
    }
    LockScreen #lock-hint {
        color: $text-muted;
    }
    """

    AUTO_FOCUS = "#lock-pin Input"
    BINDINGS = [
        Binding("ctrl+o", "sign_out", "lock.bind.sign_out", id="lock.sign_out"),
    ]

    def __init__(self, *, staff_no: str, name: str, locked_at: str) -> None:
        super().__init__()
        self.staff_no = staff_no
        self.staff_name = name
        self.locked_at = locked_at

    def compose(self) -> ComposeResult:
        settings = self.settings
        yield ShellHeader(show_staff=False)
        with Vertical(id="lock-box"):
            yield Static(t("lock.title"), id="lock-title")
            yield Static(t("lock.who", name=self.staff_name, staff_no=self.staff_no,
                           time=self.locked_at,
                           center=tl(settings.center.name, settings.center.name_en)),
                         id="lock-who")
            yield PinEntry(staff_id="lock-staff-no", pin_id="lock-pin", message_id="lock-message",
                           staff_no=self.staff_no, max_pin=settings.security.pin_max_length)
            yield Paragraph(t("lock.hint"), id="lock-hint")
        yield Footer()

    @property
    def message(self) -> str:
        return self.query_one(PinEntry).message

    def on_pin_entry_authenticated(self, event: PinEntry.Authenticated) -> None:
        """The same person unlocks; another one signs in here (the app switches)."""
        event.stop()
        self.wealth_app.unlock(event.actor)

    def action_sign_out(self) -> None:
        self.wealth_app.sign_out()
