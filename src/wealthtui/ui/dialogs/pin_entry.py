"""The one PIN check of the screens (issue 20; a form part like dialogs/form.py): staff number, PIN (masked), the failure message.

Used by the sign-in screen, the idle lock and the PIN dialog (kiosk exit). Enter in the staff
number moves to the PIN; Enter in the PIN signs in with `services.auth.login`. Every refusal
shows one translated sentence under the fields (the same for unknown numbers, wrong PINs,
locked and inactive accounts; a terminal that must wait says how long); the PIN is cleared, the
staff number stays. A one-time PIN (a new account's or a reset's) opens the new-PIN dialog,
where the person chooses their own PIN first. When someone is signed in, the widget posts
`PinEntry.Authenticated(entry, actor)`; what follows (sign in, unlock, allow) is the screen's.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.services.errors import PinChangeRequired
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.form import FormField, clear_errors, enter_moves


class PinEntry(Calls, Vertical):
    DEFAULT_CSS = """
    PinEntry {
        height: auto;
    }
    PinEntry > .pin-entry-message {
        color: $error;
        height: auto;
        min-height: 1;
    }
    """

    #: Enter as a priority binding: the app runs it before it hands the next key to a widget,
    #: so a staff number, Enter and a PIN typed (or sent by a browser) in one burst land in
    #: their fields. Handled as the Input's Submitted message, the move to the PIN field came
    #: after keys already handed to the staff-number field ("803124683", seen under load); the
    #: sign-in itself waits for the keys the PIN field was already handed.
    BINDINGS = [Binding("enter", "enter", "login.hint", id="login.enter", show=False,
                        priority=True)]

    class Authenticated(Message):
        """Someone signed in here: `actor` (after choosing their own PIN, `new_pin`)."""

        def __init__(self, entry: PinEntry, actor: Any, *, new_pin: bool = False) -> None:
            super().__init__()
            self.entry = entry
            self.actor = actor
            self.new_pin = new_pin

    def __init__(self, *, staff_id: str, pin_id: str, message_id: str, staff_no: str = "",
                 message: str = "", max_pin: int = 12, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ids = (staff_id, pin_id, message_id)
        self._staff_no, self._message, self._max_pin = staff_no, message, max_pin
        self.checking = False  # a PIN check on its way (argon2 takes a moment: in a thread)

    def compose(self) -> ComposeResult:
        staff_id, pin_id, message_id = self._ids
        yield FormField("field.staff_no", id=staff_id, value=self._staff_no, max_length=20)
        yield FormField("field.pin", id=pin_id, password=True, max_length=self._max_pin)
        yield Static(self._message, id=message_id, classes="pin-entry-message", markup=False)

    @property
    def staff_field(self) -> FormField:
        return self.query_one(f"#{self._ids[0]}", FormField)

    @property
    def pin_field(self) -> FormField:
        return self.query_one(f"#{self._ids[1]}", FormField)

    @property
    def message(self) -> str:
        return str(self.query_one(f"#{self._ids[2]}", Static).render())

    def show_message(self, text: str) -> None:
        self.query_one(f"#{self._ids[2]}", Static).update(text)

    def reset(self, message: str = "") -> None:
        """Empty the fields (nothing of the last person stays) and show `message`."""
        clear_errors(self)
        self.staff_field.value = ""
        self.pin_field.value = ""
        self.show_message(message)
        self.staff_field.focus()

    def action_enter(self) -> None:
        enter_moves(self.screen, [self.staff_field, self.pin_field], self.submit)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter is this widget's own binding (above)

    def submit(self) -> None:
        staff_field, pin_field = self.staff_field, self.pin_field
        clear_errors(self)
        self.show_message("")
        staff_no, pin = staff_field.value.strip(), pin_field.value
        for field, empty, key in ((staff_field, not staff_no, "field.staff_no"),
                                  (pin_field, not pin, "field.pin")):
            if empty:
                field.show_error(FieldError(key, "error.field.required"))
                field.focus()
                return
        if self.checking:
            return  # one check at a time: Enter again while it runs does nothing
        pin_field.value = ""  # never kept
        self.checking = True

        def refused(failure: Failed) -> None:
            self.checking = False
            if isinstance(failure.error, PinChangeRequired):
                # a one-time PIN: their own new PIN first (rarely needed: not imported at start)
                from wealthtui.ui.dialogs.new_pin import choose_pin_dialog

                self.app.push_screen(choose_pin_dialog(self.services, staff_no, pin,
                                                       failure.message), self._pin_chosen)
                return
            self.show_message(failure.message)
            pin_field.focus()

        self.call_actorless(self.services.auth.login, staff_no, pin, then=self._signed_in,
                            failed=refused, quiet=True)

    def _signed_in(self, actor: Any) -> None:
        self.checking = False
        self.post_message(self.Authenticated(self, actor))

    def _pin_chosen(self, actor: Any) -> None:
        """After the new-PIN dialog: signed in with the new PIN, or back to the PIN."""
        if actor is None:
            self.pin_field.focus()
            return
        self.app.notify(t("insiders.change.done"))
        self.post_message(self.Authenticated(self, actor, new_pin=True))
