"""A small form for one complaint action (extend, pause, reply, close, …) as a modal dialog.

    ComplaintFormDialog(title, [Spec("reason", "field.complaint.reason", required=True)],
                        submit=lambda values: services.complaints.extend(actor, cid,
                                                                          values["reason"]))

- `Spec(name, field_key, kind="input"|"text"|"select"|"check", options=((label, value), ...),
  value=...)`: one field; its label is the catalog text of `field_key`.
- `submit(values)` gets {name: str | bool | value-of-select} and returns the result. A FieldError
  whose field matches a Spec is shown next to that field (which gets the focus); any other error
  on the dialog's error line. What was typed stays; the dialog stays open. On success the dialog
  is dismissed with the result; Escape dismisses with None.
- F2 saves (binding id `complaint.form.save`), Enter in the last line field too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Footer, Label, Select, Static, TextArea

from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.services.errors import ServiceError
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.dialogs.form import EnterAdvances, FormField, clear_errors, show_field_error
from wealthtui.ui.errors import describe


@dataclass(frozen=True)
class Spec:
    name: str
    field_key: str
    kind: str = "input"  # input | text | select | check
    options: tuple[tuple[str, Any], ...] = ()
    value: Any = ""
    max_length: int = 0


def blink(widget: Widget) -> bool:
    """The configured cursor blink (off in tests, for stable snapshots)."""
    ui = getattr(getattr(widget.app, "settings", None), "ui", None)
    return bool(ui.blink_cursor) if ui is not None else True


class ComplaintFormDialog(TranslatedBindings, EnterAdvances, ModalScreen[Any]):
    DEFAULT_CSS = """
    ComplaintFormDialog {
        align: center middle;
    }
    ComplaintFormDialog > #form-box {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    ComplaintFormDialog #form-title {
        text-style: bold;
    }
    ComplaintFormDialog #form-detail {
        color: $text-muted;
    }
    ComplaintFormDialog #form-fields {
        height: auto;
        max-height: 16;
    }
    ComplaintFormDialog .spec-label {
        color: $text-muted;
    }
    ComplaintFormDialog TextArea {
        height: 4;
    }
    ComplaintFormDialog #form-error {
        color: $error;
        height: auto;
    }
    """

    BINDINGS = [
        Binding("f2", "save", "complaint.bind.save", id="complaint.form.save"),
        Binding("escape", "cancel", "dialog.bind.cancel", id="complaint.form.cancel"),
    ]

    def __init__(self, title: str, specs: Sequence[Spec], *, submit: Callable[[dict[str, Any]], Any],
                 detail: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.specs = list(specs)
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(self.title_text, id="form-title")
            if self.detail:
                yield Static(self.detail, id="form-detail")
            with VerticalScroll(id="form-fields"):
                for spec in self.specs:
                    yield from self._compose_spec(spec)
            yield Static("", id="form-error")
            yield Footer()

    def _compose_spec(self, spec: Spec) -> ComposeResult:
        wid = f"spec-{spec.name}"
        if spec.kind == "input":
            yield FormField(spec.field_key, value=str(spec.value or ""), id=wid,
                            max_length=spec.max_length)
        elif spec.kind == "text":
            yield Label(t(spec.field_key), classes="spec-label")
            yield TextArea(str(spec.value or ""), id=wid)
        elif spec.kind == "select":
            yield Label(t(spec.field_key), classes="spec-label")
            yield Select(spec.options, id=wid, allow_blank=spec.value in ("", None),
                         value=spec.value if spec.value not in ("", None) else Select.NULL,
                         prompt=t("complaint.choose"))
        elif spec.kind == "check":
            yield Checkbox(t(spec.field_key), bool(spec.value), id=wid)
        else:
            raise ValueError(f"unknown field kind {spec.kind!r}")

    def on_mount(self) -> None:
        for area in self.query(TextArea):
            area.cursor_blink = blink(self)
        if self.specs:
            self.query_one(f"#spec-{self.specs[0].name}").focus()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.specs:
            widget = self.query_one(f"#spec-{spec.name}")
            if isinstance(widget, FormField):
                out[spec.name] = widget.value
            elif isinstance(widget, TextArea):
                out[spec.name] = widget.text
            elif isinstance(widget, Select):
                out[spec.name] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, Checkbox):
                out[spec.name] = widget.value
        return out

    def show_error(self, exc: BaseException) -> None:
        error = self.query_one("#form-error", Static)
        if show_field_error(self, exc):
            error.update("")
            return
        error.update(describe(exc))
        if isinstance(exc, FieldError):
            spec = next((s for s in self.specs if s.field_key == exc.field), None)
            if spec is not None:
                self.query_one(f"#spec-{spec.name}").focus()

    def submit_form(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        clear_errors(self)
        self.query_one("#form-error", Static).update("")
        try:
            result = self.submit(self.values())
        except (FieldError, ServiceError) as exc:
            self.show_error(exc)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
