"""The app's one generic modal form, built on the fields of `ui/dialogs/form.py`.

    FormDialog(title, [Field(...), ...], submit=fn, info=[...])

A title, lines of information, fields (`Field.kind`: input | password | text | select | checks |
box), an error line; F2 or ctrl+s saves (Enter on the last line field too), Escape cancels.
`submit(values)` gets {name: value} (ticks as a list, a box as a bool, an empty select as None)
and returns the result that dismisses the form. It runs through the one call path
(ui/calls.py), in a thread, never on the event loop: it calls services (with the actor it
closed over) and must not touch widgets. While it runs the form keeps what was typed and a
second F2 is ignored and the error line says it is saving; a FieldError is shown under the field whose catalog key is the error's
field (what was typed stays), anything else on the error line (`#form-error`). Field widgets are `#f-<name>`, info lines `#form-info-<i>`. `on_change(form)`
runs when a field changes; `focus` names the field focused first; `look` sets the size
(`Look(width, fields_height, list_height, compact)`); `keep_open_on_none` keeps the form open
when `submit` returns None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Checkbox,
    Footer,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.selection_list import Selection

from wealthtui.i18n import t
from wealthtui.services.errors import FieldError
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.form import (
    EnterAdvances,
    FormField,
    blink,
    clear_errors,
    show_field_error,
)
from wealthtui.ui.dialogs.frame import frame_css
from wealthtui.ui.errors import describe
from wealthtui.ui.text import Paragraph, plain, plain_options, plain_text


@dataclass(frozen=True)
class Field:
    """One field of a FormDialog."""

    name: str
    field_key: str                  # catalog key of the label and of the FieldError's field
    kind: str = "input"             # input | password | text | select | checks | box
    options: tuple[tuple[str, Any], ...] = ()
    value: Any = ""                 # select: the value chosen first; checks: the values ticked
    max_length: int = 0
    placeholder: str = ""
    label: str = ""                 # shown instead of the field key's text
    blank: str = ""                 # select: catalog key of the prompt; allows no choice


@dataclass(frozen=True)
class Look:
    """The size of a FormDialog; `compact` puts each input, select and list on one row."""

    width: int = 76
    fields_height: int = 16
    list_height: int = 7
    compact: bool = False


class FormDialog(Calls, TranslatedBindings, EnterAdvances, ModalScreen[Any]):
    DEFAULT_CSS = frame_css('FormDialog', '#form-box', width=None, title='#form-title') + """
    FormDialog .form-info {
        color: $text-muted;
    }
    FormDialog #form-fields {
        height: auto;
    }
    FormDialog.-compact #form-fields {
        scrollbar-gutter: stable;
    }
    FormDialog .field-label {
        color: $text-muted;
    }
    FormDialog Select {
        width: 1fr;
    }
    FormDialog.-compact FormField > Input {
        background: $boost;
    }
    FormDialog.-compact FormField.-invalid > Input {
        background: $error 30%;
    }
    FormDialog SelectionList {
        height: auto;
    }
    FormDialog.-compact SelectionList {
        width: 1fr;
    }
    FormDialog TextArea {
        height: 4;
    }
    FormDialog #form-error {
        color: $error;
        height: auto;
    }
    FormDialog #form-error.-saving {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("f2", "save", "common.save", id="form.save"),
        Binding("ctrl+s", "save", "common.save", id="form.save_ctrl", show=False),
        Binding("escape", "cancel", "dialog.bind.cancel", id="form.cancel"),
    ]

    def __init__(self, title: str, fields: Sequence[Field], *,
                 submit: Callable[[dict[str, Any]], Any], info: Sequence[str] = (),
                 form_id: str = "", on_change: Callable[[FormDialog], None] | None = None,
                 focus: str = "", look: Look = Look(),
                 keep_open_on_none: bool = False) -> None:
        super().__init__(id=form_id or None, classes="-compact" if look.compact else None)
        self.title_text = title
        self.info = list(info)
        self.fields = list(fields)
        self.submit = submit
        self.on_change = on_change
        self.first_focus = focus
        self.look = look
        self.keep_open_on_none = keep_open_on_none
        #: a submit on its way (a second F2 meanwhile is ignored)
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.styles.width = self.look.width
            yield Static(self.title_text, id="form-title")
            for i, line in enumerate(self.info):
                yield Paragraph(line, classes="form-info", id=f"form-info-{i}")
            with VerticalScroll(id="form-fields") as scroll:
                scroll.styles.max_height = self.look.fields_height
                for spec in self.fields:
                    yield from self._compose_field(spec)
            yield Static("", id="form-error")
            yield Footer()

    def _label(self, spec: Field) -> Label:
        return Label(plain(spec.label or t(spec.field_key)), classes="field-label")

    def _compose_field(self, spec: Field) -> ComposeResult:
        wid = f"f-{spec.name}"
        compact = self.look.compact
        if spec.kind in ("input", "password"):
            yield FormField(spec.field_key, value=str(spec.value or ""), id=wid,
                            password=spec.kind == "password", max_length=spec.max_length,
                            placeholder=spec.placeholder, label=spec.label or None)
        elif spec.kind == "text":
            yield self._label(spec)
            yield TextArea(str(spec.value or ""), id=wid)
        elif spec.kind == "select":
            yield self._label(spec)
            chosen = spec.value not in ("", None)
            if spec.blank:
                yield Select(plain_options(spec.options), id=wid, allow_blank=not chosen,
                             value=spec.value if chosen else Select.NULL,
                             prompt=t(spec.blank), compact=compact)
            else:
                yield Select(plain_options(spec.options), id=wid, allow_blank=False, compact=compact,
                             value=spec.value if chosen else spec.options[0][1])
        elif spec.kind == "checks":
            yield self._label(spec)
            ticked = set(spec.value or ())
            selection = SelectionList(*(Selection(plain_text(label), value, value in ticked)
                                        for label, value in spec.options),
                                      id=wid, compact=compact)
            selection.styles.max_height = self.look.list_height
            yield selection
        elif spec.kind == "box":
            yield Checkbox(spec.label or t(spec.field_key), value=bool(spec.value), id=wid)
        else:
            raise ValueError(f"unknown field kind {spec.kind!r}")

    def on_mount(self) -> None:
        if self.look.compact:
            for form_field in self.query(FormField):
                form_field.input.compact = True  # one row per input: the form fits 80x24
        for area in self.query(TextArea):
            area.cursor_blink = blink(self)
        if self.first_focus:
            self.widget(self.first_focus).focus()
            return
        for widget in self.query("#form-fields > *"):
            if widget.focusable or isinstance(widget, FormField):
                widget.focus()
                return

    @on(Input.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if self.on_change is not None and self.is_mounted:
            self.on_change(self)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.fields:
            widget = self.widget(spec.name)
            if isinstance(widget, TextArea):
                out[spec.name] = widget.text
            elif isinstance(widget, Select):
                out[spec.name] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, SelectionList):
                out[spec.name] = list(widget.selected)
            else:
                out[spec.name] = widget.value
        return out

    def widget(self, name: str) -> Any:
        return self.query_one(f"#f-{name}")

    def set_info(self, index: int, text: str) -> None:
        self.query_one(f"#form-info-{index}", Static).update(plain(text))

    def show_error(self, exc: BaseException) -> None:
        error = self.query_one("#form-error", Static)
        if show_field_error(self, exc):
            error.update("")
            return
        error.update(plain(describe(exc)))
        if isinstance(exc, FieldError):
            spec = next((s for s in self.fields if s.field_key == exc.field), None)
            if spec is not None:
                self.widget(spec.name).focus()

    def submit_form(self) -> None:
        if self.saving:
            return
        clear_errors(self)
        self.query_one("#form-error", Static).update("")
        self.saving = True
        self._saving_line(True)  # a slow store: the form says it is saving, and still echoes
        self.call_actorless(self.submit, self.values(), then=self._submitted,
                            failed=self._refused, quiet=True)

    def _saving_line(self, on: bool) -> None:
        error = self.query_one("#form-error", Static)
        error.set_class(on, "-saving")
        error.update(t("compliance_wait.saving") if on else "")

    def _submitted(self, result: Any) -> None:
        self.saving = False
        self._saving_line(False)
        if result is not None or not self.keep_open_on_none:
            self.dismiss(result)

    def _refused(self, failure: Failed) -> None:
        self.saving = False
        self._saving_line(False)
        self.show_error(failure.error)

    def action_save(self) -> None:
        self.submit_form()

    def action_cancel(self) -> None:
        self.dismiss(None)
