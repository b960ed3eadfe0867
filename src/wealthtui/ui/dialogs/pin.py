"""Ask another staff member for their staff number and PIN (kiosk exit and similar checks).

`PinDialog(title, allowed=fn, refusal_key=...)` signs the person in with the one PIN widget
(ui/widgets/pin_entry.py: `services.auth.login`, wrong PINs count towards the lockout as usual)
and returns their Actor when `allowed(actor)` is true; otherwise it says `refusal_key` and stays
open. Escape returns None.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from wealthtui.i18n import t
from wealthtui.services import Actor
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls
from wealthtui.ui.dialogs.pin_entry import PinEntry


class PinDialog(Calls, TranslatedBindings, ModalScreen["Actor | None"]):
    DEFAULT_CSS = """
    PinDialog {
        align: center middle;
    }
    PinDialog > Vertical {
        width: 48;
        max-width: 100%;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    PinDialog #pin-title {
        text-style: bold;
        margin-bottom: 1;
    }
    """

    AUTO_FOCUS = "#pin-staff-no Input"
    BINDINGS = [
        Binding("escape", "cancel", "dialog.bind.cancel", id="dialog.cancel"),
    ]

    def __init__(self, title: str, *, allowed: Callable[[Actor], bool], refusal_key: str) -> None:
        super().__init__()
        self.title_text = title
        self.allowed = allowed
        self.refusal_key = refusal_key

    def compose(self) -> ComposeResult:
        max_pin = self.settings.security.pin_max_length
        with Vertical():
            yield Static(self.title_text, id="pin-title")
            yield PinEntry(staff_id="pin-staff-no", pin_id="pin-pin", message_id="pin-message",
                           max_pin=max_pin)

    @property
    def message(self) -> str:
        return self.query_one(PinEntry).message

    def on_pin_entry_authenticated(self, event: PinEntry.Authenticated) -> None:
        event.stop()
        entry = event.entry
        if not self.allowed(event.actor):
            entry.show_message(t(self.refusal_key))
            entry.staff_field.focus()
            return
        self.dismiss(event.actor)

    def action_cancel(self) -> None:
        self.dismiss(None)
