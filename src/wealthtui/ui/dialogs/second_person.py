"""A second staff member confirms with their own staff number and PIN (four eyes).

Used for checklist sign-offs, and meant for every other "second person" moment: step-up
authorisation at a counter, the taking-over teller at a shift hand-over, a witness.

    def signed(other: Actor | None) -> None:
        ...  # None: cancelled

    self.app.push_screen(
        SecondPersonDialog("checklist.signoff", title=..., detail=...,
                           on_verified=lambda other: services.x.do(actor, ..., other)),
        signed,
    )

- The dialog verifies with `services.auth.second_person(actor, staff_no, pin, action)`: refused
  for the signed-in staff member themselves, for a wrong PIN (it counts towards that person's
  lockout), and for a person whose roles lack `action` (a permissions-matrix action).
- `on_verified(other)` (optional) is called with the verified Actor while the dialog is still
  open: do the service call there. When it raises a ServiceError or FieldError (e.g. the service's
  own four-eyes check), the message shows in the dialog, the staff number stays, the PIN is
  cleared, and the dialog stays open. What it returned is kept in `dialog.outcome`.
- The check and `on_verified` run together through the one call path (ui/calls.py): in a
  thread, never on the event loop; Enter again while they run does nothing.
- The dialog is dismissed with the verified Actor, or None on Escape.

The actor is the signed-in one (or `actor=`); the services are the app's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.services import Actor
from wealthtui.services.errors import AuthFailed
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.form import EnterAdvances, FormField
from wealthtui.ui.dialogs.frame import frame_css
from wealthtui.ui.text import Paragraph


class SecondPersonDialog(Calls, TranslatedBindings, EnterAdvances, ModalScreen[Actor | None]):
    DEFAULT_CSS = frame_css(
        'SecondPersonDialog', width=60, max_height=None, title='.sp-title') + """
    SecondPersonDialog .sp-detail {
        color: $text-muted;
        margin-bottom: 1;
    }
    SecondPersonDialog .sp-hint {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "second_person.bind.cancel", id="second_person.cancel"),
    ]

    def __init__(
        self,
        action: str,
        *,
        title: str = "",
        detail: str = "",
        actor: Actor | None = None,
        on_verified: Callable[[Actor], Any] | None = None,
    ) -> None:
        super().__init__()
        self.action = action
        self.title_text = title or t("second_person.title")
        self.detail = detail or t("second_person.detail")
        self._actor = actor
        self.on_verified = on_verified
        self.outcome: Any = None
        self.checking = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="sp-title")
            yield Paragraph(self.detail, classes="sp-detail")
            yield FormField("field.staff_no", max_length=20, id="sp-staff-no")
            yield FormField("field.pin", password=True, max_length=12, id="sp-pin")
            yield Paragraph(t("second_person.hint"), classes="sp-hint")

    def on_mount(self) -> None:
        self.staff_no.focus()

    @property
    def staff_no(self) -> FormField:
        return self.query_one("#sp-staff-no", FormField)

    @property
    def pin(self) -> FormField:
        return self.query_one("#sp-pin", FormField)

    @property
    def actor(self) -> Actor:
        return self._actor or super().actor

    def submit_form(self) -> None:
        if self.checking:
            return
        self.staff_no.clear_error()
        self.pin.clear_error()
        staff_no, pin = self.staff_no.value.strip(), self.pin.value
        if not staff_no:
            self.staff_no.show_error(FieldError("field.staff_no", "error.field.required"))
            self.staff_no.focus()
            return
        if not pin:
            self.pin.show_error(FieldError("field.pin", "error.field.required"))
            return
        self.checking = True
        self.call(self._verify, staff_no, pin, then=self._verified, failed=self._refused,
                  quiet=True)

    def _verify(self, actor: Actor, staff_no: str, pin: str) -> tuple[Actor, Any]:
        """In the call's thread: the second person's check, then `on_verified`."""
        other = self.services.auth.second_person(actor, staff_no, pin, self.action)
        outcome = self.on_verified(other) if self.on_verified is not None else None
        return other, outcome

    def _verified(self, answer: tuple[Actor, Any]) -> None:
        self.checking = False
        other, self.outcome = answer
        self.dismiss(other)

    def _refused(self, failure: Failed) -> None:
        """Show why under the staff number (it stays); clear the PIN, which is never kept."""
        self.checking = False
        self.pin.value = ""
        self.staff_no.show_error(failure.error)
        (self.pin if isinstance(failure.error, AuthFailed) else self.staff_no).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
