"""The client manager's modal form: a title, lines of information, and fields (typed text, a
choice from a list, ticks, a yes/no box); saved with F2 or ctrl+s (or Enter on the last text
field), cancelled with Escape.

    CMForm(title, [Field("channel", "cm.field.channel", kind="select", options=...), ...],
           submit=fn, info=[...])

`submit(values)` gets {name: value} (ticks as a list, a box as a bool) and returns the result
that dismisses the form; a FieldError is shown under the text field whose catalog key is the
error's field (what was typed stays), anything else on the form's error line. `on_change(form)`
runs when a field changes (hints that depend on what was chosen).
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
from textual.widgets import Checkbox, Footer, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.services.errors import ServiceError
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.dialogs.form import EnterAdvances, FormField, clear_errors, show_field_error
from wealthtui.ui.errors import describe


@dataclass(frozen=True)
class Field:
    name: str
    field_key: str                  # catalog key of the label and of the FieldError's field
    kind: str = "input"             # input | select | checks | box
    options: tuple[tuple[str, Any], ...] = ()
    value: Any = ""
    max_length: int = 0
    placeholder: str = ""


class CMForm(TranslatedBindings, EnterAdvances, ModalScreen[Any]):
    DEFAULT_CSS = """
    CMForm {
        align: center middle;
    }
    CMForm > #cmf-box {
        width: 78;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    CMForm #cmf-title {
        text-style: bold;
    }
    CMForm .cmf-info {
        color: $text-muted;
    }
    CMForm #cmf-fields {
        height: auto;
        max-height: 30;
        scrollbar-gutter: stable;
    }
    CMForm .cmf-label {
        color: $text-muted;
        height: 1;
    }
    CMForm Select {
        width: 1fr;
    }
    CMForm FormField > Input {
        background: $boost;
    }
    CMForm FormField.-invalid > Input {
        background: $error 30%;
    }
    CMForm SelectionList {
        width: 1fr;
        height: auto;
        max-height: 9;
    }
    CMForm #cmf-error {
        color: $error;
        height: auto;
    }
    """

    BINDINGS = [
        Binding("f2", "save", "cm.bind.save", id="cm.form.save"),
        Binding("ctrl+s", "save", "cm.bind.save", id="cm.form.save_ctrl", show=False),
        Binding("escape", "cancel", "dialog.bind.cancel", id="cm.form.cancel"),
    ]

    def __init__(self, title: str, fields: Sequence[Field], *,
                 submit: Callable[[dict[str, Any]], Any], info: Sequence[str] = (),
                 form_id: str = "", on_change: Callable[[CMForm], None] | None = None,
                 focus: str = "") -> None:
        super().__init__(id=form_id or None)
        self.first_focus = focus
        self.title_text = title
        self.info = list(info)
        self.fields = list(fields)
        self.submit = submit
        self.on_change = on_change

    def compose(self) -> ComposeResult:
        with Vertical(id="cmf-box"):
            yield Static(self.title_text, id="cmf-title")
            for i, line in enumerate(self.info):
                yield Static(line, classes="cmf-info", id=f"cmf-info-{i}")
            with VerticalScroll(id="cmf-fields"):
                for spec in self.fields:
                    yield from self._compose_field(spec)
            yield Static("", id="cmf-error")
            yield Footer()

    def _compose_field(self, spec: Field) -> ComposeResult:
        wid = f"f-{spec.name}"
        if spec.kind == "input":
            yield FormField(spec.field_key, value=str(spec.value or ""), id=wid,
                            max_length=spec.max_length, placeholder=spec.placeholder)
        elif spec.kind == "select":
            yield Label(t(spec.field_key), classes="cmf-label")
            first = spec.value if spec.value not in ("", None) else spec.options[0][1]
            yield Select(spec.options, id=wid, allow_blank=False, value=first, compact=True)
        elif spec.kind == "checks":
            yield Label(t(spec.field_key), classes="cmf-label")
            ticked = set(spec.value or ())
            yield SelectionList(*(Selection(label, value, value in ticked)
                                  for label, value in spec.options), id=wid, compact=True)
        elif spec.kind == "box":
            yield Checkbox(t(spec.field_key), value=bool(spec.value), id=wid)

    def on_mount(self) -> None:
        for form_field in self.query(FormField):
            form_field.input.compact = True  # one row per input: the form fits 80x24
        if self.first_focus:
            self.widget(self.first_focus).focus()
            return
        for widget in self.query("#cmf-fields > *"):
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
            widget = self.query_one(f"#f-{spec.name}")
            if isinstance(widget, FormField):
                out[spec.name] = widget.value
            elif isinstance(widget, Select):
                out[spec.name] = widget.value
            elif isinstance(widget, SelectionList):
                out[spec.name] = list(widget.selected)
            elif isinstance(widget, Checkbox):
                out[spec.name] = widget.value
        return out

    def widget(self, name: str) -> Any:
        return self.query_one(f"#f-{name}")

    def set_info(self, index: int, text: str) -> None:
        self.query_one(f"#cmf-info-{index}", Static).update(text)

    def submit_form(self) -> None:
        clear_errors(self)
        error = self.query_one("#cmf-error", Static)
        error.update("")
        try:
            result = self.submit(self.values())
        except (FieldError, ServiceError) as exc:
            if not show_field_error(self, exc):
                error.update(describe(exc))
            return
        if result is not None:
            self.dismiss(result)

    def action_save(self) -> None:
        self.submit_form()

    def action_cancel(self) -> None:
        self.dismiss(None)
