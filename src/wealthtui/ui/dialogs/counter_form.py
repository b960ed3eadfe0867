"""The counter's modal form: a title, lines of information, and fields (typed text, a choice from
a list, ticks), saved with F2 (or Enter on the last text field), cancelled with Escape.

    CounterForm(title, [Spec("amount", "field.amount"), Spec("kind", "counter.field.x",
                kind="select", options=(("label", "value"), ...))], submit=fn, info=[...])

`on_change(form)` (optional) runs whenever a text field changes (a live total); `focus` names
the field that has the focus first (else the first field).
`submit(values)` gets {name: value} (a list of the ticked values for `checks`) and returns the
result, which dismisses the form with it. A FieldError is shown under the text field whose
catalog key is the error's field (what was typed stays), any other FieldError or ServiceError on
the form's error line. Used by the sign-on, business, finish, transfer, retention, hand-over,
balancing and difference dialogs of the counter screen.
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
from textual.widgets import Footer, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.services.errors import ServiceError
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.dialogs.form import EnterAdvances, FormField, clear_errors, show_field_error
from wealthtui.ui.errors import describe


@dataclass(frozen=True)
class Spec:
    name: str
    field_key: str                 # catalog key of the label (and of the FieldError's field)
    kind: str = "input"            # input | select | checks
    options: tuple[tuple[str, Any], ...] = ()
    value: Any = ""                # select: the value chosen first; checks: the values ticked
    max_length: int = 0
    placeholder: str = ""
    label: str = ""                # shown instead of the field key's text


class CounterForm(TranslatedBindings, EnterAdvances, ModalScreen[Any]):
    DEFAULT_CSS = """
    CounterForm {
        align: center middle;
    }
    CounterForm > #cf-box {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    CounterForm #cf-title {
        text-style: bold;
    }
    CounterForm .cf-info {
        color: $text-muted;
    }
    CounterForm #cf-fields {
        height: auto;
        max-height: 17;
    }
    CounterForm .cf-label {
        color: $text-muted;
        height: 1;
    }
    CounterForm Select {
        width: 1fr;
    }
    CounterForm SelectionList {
        height: auto;
        max-height: 7;
    }
    CounterForm #cf-error {
        color: $error;
        height: auto;
    }
    """

    BINDINGS = [
        Binding("f2", "save", "counter.bind.save", id="counter.form.save"),
        Binding("escape", "cancel", "dialog.bind.cancel", id="counter.form.cancel"),
    ]

    def __init__(self, title: str, specs: Sequence[Spec], *,
                 submit: Callable[[dict[str, Any]], Any], info: Sequence[str] = (),
                 form_id: str = "",
                 on_change: Callable[[CounterForm], None] | None = None,
                 focus: str = "") -> None:
        super().__init__(id=form_id or None)
        self.focus_spec = focus
        self.title_text = title
        self.info = list(info)
        self.specs = list(specs)
        self.submit = submit
        self.on_change = on_change

    def compose(self) -> ComposeResult:
        with Vertical(id="cf-box"):
            yield Static(self.title_text, id="cf-title")
            for i, line in enumerate(self.info):
                yield Static(line, classes="cf-info", id=f"cf-info-{i}")
            with VerticalScroll(id="cf-fields"):
                for spec in self.specs:
                    yield from self._compose_spec(spec)
            yield Static("", id="cf-error")
            yield Footer()

    def _compose_spec(self, spec: Spec) -> ComposeResult:
        wid = f"spec-{spec.name}"
        if spec.kind == "input":
            yield FormField(spec.field_key, value=str(spec.value or ""), id=wid,
                            max_length=spec.max_length, placeholder=spec.placeholder,
                            label=spec.label or None)
        elif spec.kind == "select":
            yield Label(spec.label or t(spec.field_key), classes="cf-label")
            first = spec.value if spec.value not in ("", None) else spec.options[0][1]
            yield Select(spec.options, id=wid, allow_blank=False, value=first)
        elif spec.kind == "checks":
            yield Label(spec.label or t(spec.field_key), classes="cf-label")
            ticked = set(spec.value or ())
            yield SelectionList(*(Selection(label, value, value in ticked)
                                  for label, value in spec.options), id=wid)

    def on_mount(self) -> None:
        if self.focus_spec:
            self.field(self.focus_spec).focus()
            return
        for widget in self.query("#cf-fields > *"):
            if isinstance(widget, FormField):
                widget.focus()
                return
            if widget.focusable:
                widget.focus()
                return

    @on(Input.Changed)
    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.specs:
            widget = self.query_one(f"#spec-{spec.name}")
            if isinstance(widget, FormField):
                out[spec.name] = widget.value
            elif isinstance(widget, Select):
                out[spec.name] = widget.value
            elif isinstance(widget, SelectionList):
                out[spec.name] = list(widget.selected)
        return out

    def field(self, name: str) -> Any:
        return self.query_one(f"#spec-{name}")

    def set_info(self, index: int, text: str) -> None:
        self.query_one(f"#cf-info-{index}", Static).update(text)

    def submit_form(self) -> None:
        clear_errors(self)
        error = self.query_one("#cf-error", Static)
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
