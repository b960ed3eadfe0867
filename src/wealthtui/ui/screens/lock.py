"""The idle lock: an opaque modal screen that hides everything under it and asks for the PIN.

The staff member who was signed in unlocks with their PIN (the staff number is filled in);
another staff member may type their own staff number and PIN instead, which signs them in (the
app switches the actor and the role modes). Ctrl+O signs out to the login screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from wealthtui.i18n import t, tl
from wealthtui.rules.fields import FieldError
from wealthtui.services.errors import PinChangeRequired, ServiceError
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.dialogs.form import EnterAdvances, FormField, clear_errors
from wealthtui.ui.errors import describe
from wealthtui.ui.widgets.header import ShellHeader

if TYPE_CHECKING:
    from wealthtui.services import Actor


class LockScreen(TranslatedBindings, EnterAdvances, ModalScreen[None]):
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
    LockScreen #lock-message {
        color: $error;
        height: auto;
        min-height: 1;
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
        settings = self.app.settings  # type: ignore[attr-defined]
        yield ShellHeader(show_staff=False)
        with Vertical(id="lock-box"):
            yield Static(t("lock.title"), id="lock-title")
            yield Static(t("lock.who", name=self.staff_name, staff_no=self.staff_no,
                           time=self.locked_at,
                           center=tl(settings.center.name, settings.center.name_en)),
                         id="lock-who")
            yield FormField("field.staff_no", id="lock-staff-no", value=self.staff_no,
                            max_length=20)
            yield FormField("field.pin", id="lock-pin", password=True,
                            max_length=settings.security.pin_max_length)
            yield Static("", id="lock-message")
            yield Static(t("lock.hint"), id="lock-hint")
        yield Footer()

    @property
    def message(self) -> str:
        return str(self.query_one("#lock-message", Static).render())

    def submit_form(self) -> None:
        staff_field = self.query_one("#lock-staff-no", FormField)
        pin_field = self.query_one("#lock-pin", FormField)
        clear_errors(self)
        message = self.query_one("#lock-message", Static)
        message.update("")
        staff_no = staff_field.value.strip()
        if not staff_no:
            staff_field.show_error(FieldError("field.staff_no", "error.field.required"))
            staff_field.focus()
            return
        services = self.app.services  # type: ignore[attr-defined]
        pin = pin_field.value
        try:
            actor = services.auth.login(staff_no, pin)
        except PinChangeRequired as exc:
            # a one-time PIN: their own new PIN first (rarely needed: not imported at start)
            from wealthtui.ui.dialogs.new_pin import choose_pin_dialog

            pin_field.value = ""
            self.app.push_screen(choose_pin_dialog(services, staff_no, pin, describe(exc)),
                                 self._pin_chosen)
            return
        except (ServiceError, FieldError) as exc:
            message.update(describe(exc))
            pin_field.value = ""
            pin_field.focus()
            return
        pin_field.value = ""
        self.app.unlock(actor)  # type: ignore[attr-defined]

    def _pin_chosen(self, actor: Actor | None) -> None:
        if actor is None:
            self.query_one("#lock-pin", FormField).focus()
            return
        self.app.notify(t("insiders.change.done"))
        self.app.unlock(actor)  # type: ignore[attr-defined]

    def action_sign_out(self) -> None:
        self.app.sign_out()  # type: ignore[attr-defined]
