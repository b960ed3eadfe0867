"""Reusable form pieces: a labelled input with its own error line, and form helpers.

    yield FormField("field.staff_no", id="staff-no")
    yield FormField("field.pin", id="pin", password=True)

- `FormField(field_key, ...)`: a label (the field's catalog text), an `Input`, and an error line
  under it. `.value` reads/writes the input; `.show_error(exc_or_text)` shows
  `describe(FieldError)` (field name and what is accepted) and keeps what was typed;
  `.clear_error()`.
- `show_field_error(root, exc)`: puts a FieldError under the FormField of `root` whose
  `field_key` matches `exc.field`; returns False when there is none (then show it as a toast).
- `clear_errors(root)`: empties every error line under `root`.
- `EnterAdvances`: the base of a form screen; Enter in a FormField's input moves to the next
  FormField, and on the last one calls `self.submit_form()` (define it in the screen). Enter is
  a priority binding (`enter_moves`), so keys sent in one burst land in their fields.
- `enter_moves(screen, fields, submit)`: that Enter, for a form part with its own fields (the
  sign-in's PinEntry).

The generic modal form built on these is `ui/dialogs/form_dialog.FormDialog` (imported only
when a form opens: the sign-in screen needs just the fields).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from wealthtui.i18n import t
from wealthtui.services.errors import FieldError
from wealthtui.ui.errors import describe
from wealthtui.ui.hooks import require
from wealthtui.ui.text import plain


class FormField(Vertical):
    """A labelled Input with an error line under it."""

    DEFAULT_CSS = """
    FormField {
        height: auto;
        margin-bottom: 0;
    }
    FormField > .form-label {
        height: 1;
        color: $text-muted;
    }
    FormField > Input {
        width: 1fr;
    }
    FormField > .form-error {
        height: auto;
        color: $error;
        display: none;
    }
    FormField.-invalid > .form-error {
        display: block;
    }
    FormField.-invalid > Input {
        border: tall $error;
    }
    """

    def __init__(
        self,
        field_key: str,
        *,
        value: str = "",
        password: bool = False,
        placeholder: str = "",
        max_length: int = 0,
        restrict: str | None = None,
        label: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.field_key = field_key
        self._label = label
        self._input_kwargs: dict[str, Any] = {
            "value": value, "password": password, "placeholder": placeholder,
            "max_length": max_length, "restrict": restrict,
        }

    def compose(self) -> ComposeResult:
        yield Label(plain(self._label if self._label is not None else t(self.field_key)),
                    classes="form-label")
        yield Input(**self._input_kwargs, select_on_focus=False)
        yield Static("", classes="form-error")

    def on_mount(self) -> None:
        blink = getattr(getattr(self.app, "settings", None), "ui", None)
        if blink is not None:
            self.input.cursor_blink = blink.blink_cursor

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    @property
    def error_text(self) -> str:
        """The error shown under the field ("" when none)."""
        if not self.has_class("-invalid"):
            return ""
        return str(self.query_one(".form-error", Static).render())

    def show_error(self, error: BaseException | str) -> None:
        text = error if isinstance(error, str) else describe(error)
        self.query_one(".form-error", Static).update(plain(text))
        self.add_class("-invalid")

    def clear_error(self) -> None:
        self.query_one(".form-error", Static).update("")
        self.remove_class("-invalid")

    def focus(self, scroll_visible: bool = True) -> FormField:
        for widget in self.query(Input):
            widget.focus(scroll_visible)
        return self

    @on(Input.Changed)
    def _typed(self) -> None:
        if self.has_class("-invalid"):
            self.clear_error()


def show_field_error(root: DOMNode, exc: BaseException) -> bool:
    """Show a FieldError under the matching FormField in `root`; False when there is none."""
    if not isinstance(exc, FieldError):
        return False
    for form_field in root.query(FormField):
        if form_field.field_key == exc.field:
            form_field.show_error(exc)
            form_field.focus()
            return True
    return False


def clear_errors(root: DOMNode) -> None:
    for form_field in root.query(FormField):
        form_field.clear_error()


def enter_moves(screen: Screen[Any], fields: Sequence[FormField],
                submit: Callable[[], object]) -> None:
    """Enter in one of `fields` (issue 19: keys sent in one burst — a fast typist, a browser
    terminal): the next field takes the focus now, before the app hands the next key to a
    widget; on the last field `submit` runs after the keys that field was already handed (its
    own queue), so what was typed is whole. Run it from a priority binding: as the Input's
    Submitted message the move came after keys already handed to the first field, and "8031",
    Enter, "246831" typed the PIN into the staff number. Enter anywhere else goes on to the
    focused widget (a Select, a checkbox, a button, a text area)."""
    focused = screen.focused
    shown = [f for f in fields if f.display]
    owner = next((f for f in shown if f.input is focused), None)
    if owner is None or focused is None:
        raise SkipAction()
    index = shown.index(owner)
    if index + 1 < len(shown):
        screen.set_focus(shown[index + 1].input)
    else:
        focused.call_later(submit)


class LookupInput(Input):
    """A look-up box (the lobby's, the CM's find) whose Enter is a priority binding of its own,
    run before the app hands on the keys typed after it (issue 19: keys sent in one burst): its
    screen's `action_lookup_enter` moves the focus on at once and calls `submit_after_typed`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.lookup_enter", "keys.lookup_enter",
                id="lookup.enter", show=False, priority=True),
    ]


def submit_after_typed(field: Input) -> None:
    """Enter in a look-up box, run from a priority binding once the focus has left the box
    (issue 19: keys sent in one burst). The box's Submitted is posted after the keys it was
    already handed and after their Changed messages, so its handler sees the text typed before
    the Enter and that text's look-up asked; keys typed after the Enter never reach the box."""
    field.call_later(lambda: field.post_message(Input.Submitted(field, field.value)))


class EnterAdvances(Screen[Any]):
    """The base of a form screen: Enter moves to the next FormField; on the last one it calls
    `self.submit_form()`, which the screen defines (see `enter_moves`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "form_enter", "keys.form_enter", id="form.enter",
                show=False, priority=True),
    ]

    HOOKS: ClassVar[tuple[str, ...]] = ("submit_form",)
    #: what Enter on the last field does (the form's own save)
    submit_form: Callable[[], None]

    def __init_subclass__(cls, *, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        require(cls, abstract=abstract)

    def action_form_enter(self) -> None:
        enter_moves(self, list(self.query(FormField)), self.submit_form)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if any(f.input is event.input for f in self.query(FormField)):
            event.stop()  # Enter is the screen's own binding (above)


def blink(widget: Widget) -> bool:
    """The configured cursor blink (off in tests, for stable snapshots)."""
    ui = getattr(getattr(widget.app, "settings", None), "ui", None)
    return bool(ui.blink_cursor) if ui is not None else True


