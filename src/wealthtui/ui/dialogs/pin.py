"""Ask another staff member for their staff number and PIN (kiosk exit and similar checks).

`PinDialog(title, allowed=fn, refusal_key=...)` signs the person in with `services.auth.login`
(wrong PINs count towards the lockout as usual) and returns their Actor when `allowed(actor)` is
true; otherwise it says `refusal_key` and stays open. Escape returns None.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.services import Actor
from wealthtui.services.errors import ServiceError
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.dialogs.form import EnterAdvances, FormField, clear_errors
from wealthtui.ui.errors import describe


class PinDialog(TranslatedBindings, EnterAdvances, ModalScreen["Actor | None"]):
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
    PinDialog #pin-message {
        color: $error;
        height: auto;
        min-height: 1;
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
        max_pin = self.app.settings.security.pin_max_length  # type: ignore[attr-defined]
        with Vertical():
            yield Static(self.title_text, id="pin-title")
            yield FormField("field.staff_no", id="pin-staff-no", max_length=20)
            yield FormField("field.pin", id="pin-pin", password=True, max_length=max_pin)
            yield Static("", id="pin-message")

    @property
    def message(self) -> str:
        return str(self.query_one("#pin-message", Static).render())

    def submit_form(self) -> None:
        clear_errors(self)
        message = self.query_one("#pin-message", Static)
        staff_field = self.query_one("#pin-staff-no", FormField)
        pin_field = self.query_one("#pin-pin", FormField)
        staff_no = staff_field.value.strip()
        if not staff_no:
            staff_field.show_error(FieldError("field.staff_no", "error.field.required"))
            staff_field.focus()
            return
        try:
            actor = self.app.services.auth.login(staff_no, pin_field.value)  # type: ignore[attr-defined]
        except (ServiceError, FieldError) as exc:
            message.update(describe(exc))
            pin_field.value = ""
            pin_field.focus()
            return
        pin_field.value = ""
        if not self.allowed(actor):
            message.update(t(self.refusal_key))
            staff_field.focus()
            return
        self.dismiss(actor)

    def action_cancel(self) -> None:
        self.dismiss(None)
