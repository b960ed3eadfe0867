"""The head's modal forms: staff (add, roles, PIN), exclusive CM (one client, a whole book),
a monthly KPI figure, a date or month, and closing the business day.

`HeadForm(title, specs, submit=fn)`: `submit(values)` gets {name: value} and returns the result;
a FieldError whose field matches a spec is shown under that field (the text stays), any other
error on the form's error line; on success the form is dismissed with the result. F2 saves,
Enter on the last line field too, Escape cancels.

`CloseDayDialog(state, submit=fn)` lists what stands in the way of the close; the explainable
items get a line each for the head's written explanation. `submit(explanations)` closes the day;
a DayCloseRefused shows the remaining items."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Select, SelectionList, Static

from wealthtui.i18n import t, tl
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError
from wealthtui.services.day import CloseProblem, DayCloseRefused, DayState
from wealthtui.services.errors import ServiceError
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.dialogs.form import EnterAdvances, FormField, clear_errors, show_field_error
from wealthtui.ui.errors import describe


@dataclass(frozen=True)
class Spec:
    name: str
    field_key: str
    kind: str = "input"   # input | password | select | roles
    options: tuple[tuple[str, Any], ...] = ()
    value: Any = ""
    max_length: int = 0


FORM_CSS = """
{cls} {{
    align: center middle;
}}
{cls} > #form-box {{
    width: 72;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: thick $primary;
    background: $surface;
    padding: 0 1;
}}
{cls} #form-title {{
    text-style: bold;
}}
{cls} #form-detail {{
    color: $text-muted;
}}
{cls} #form-fields {{
    height: auto;
    max-height: 16;
}}
{cls} .spec-label {{
    color: $text-muted;
}}
{cls} SelectionList {{
    height: auto;
    max-height: 8;
}}
{cls} #form-error {{
    color: $error;
    height: auto;
}}
"""


class HeadForm(TranslatedBindings, EnterAdvances, ModalScreen[Any]):
    DEFAULT_CSS = FORM_CSS.format(cls="HeadForm")

    BINDINGS = [
        Binding("f2", "save", "head.bind.save", id="head.form.save"),
        Binding("escape", "cancel", "dialog.bind.cancel", id="head.form.cancel"),
    ]

    def __init__(self, title: str, specs: Sequence[Spec], *,
                 submit: Callable[[dict[str, Any]], Any], detail: str = "") -> None:
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
        if spec.kind in ("input", "password"):
            yield FormField(spec.field_key, value=str(spec.value or ""), id=wid,
                            password=spec.kind == "password", max_length=spec.max_length)
        elif spec.kind == "select":
            yield Label(t(spec.field_key), classes="spec-label")
            yield Select(spec.options, id=wid, allow_blank=False,
                         value=spec.value if spec.value not in ("", None) else spec.options[0][1])
        elif spec.kind == "roles":
            held = set(spec.value or ())
            yield Label(t(spec.field_key), classes="spec-label")
            yield SelectionList[str](
                *[(t(f"role.{r}"), r, r in held) for r in permissions.ROLES], id=wid)
        else:
            raise ValueError(f"unknown field kind {spec.kind!r}")

    def on_mount(self) -> None:
        if self.specs:
            self.query_one(f"#spec-{self.specs[0].name}").focus()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.specs:
            widget = self.query_one(f"#spec-{spec.name}")
            if isinstance(widget, FormField):
                out[spec.name] = widget.value
            elif isinstance(widget, Select):
                out[spec.name] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, SelectionList):
                out[spec.name] = list(widget.selected)
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


def problem_text(p: CloseProblem) -> str:
    if p.kind == "teller":
        return t("head.close.teller", staff_no=p.ref, name=p.label,
                 status=t(f"report.balance.{p.status}"))
    if p.kind == "checklist":
        return t("head.close.checklist", title=tl(p.label, p.label_en))
    return t("head.close.flow_log")


class CloseDayDialog(TranslatedBindings, EnterAdvances, ModalScreen[Any]):
    DEFAULT_CSS = FORM_CSS.format(cls="CloseDayDialog") + """
    CloseDayDialog .problem {
        color: $warning;
    }
    CloseDayDialog .problem.-hard {
        color: $error;
    }
    CloseDayDialog .close-note {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("f2", "save", "head.bind.close_day", id="head.close.save"),
        Binding("escape", "cancel", "dialog.bind.cancel", id="head.close.cancel"),
    ]

    def __init__(self, state: DayState, *, submit: Callable[[dict[str, str]], Any]) -> None:
        super().__init__()
        self.state = state
        self.problems = list(state.problems)
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(t("head.close.title", date=self.state.date.isoformat()), id="form-title")
            hard = [p for p in self.problems if not p.explainable]
            soft = [(i, p) for i, p in enumerate(self.problems) if p.explainable]
            if not self.problems:
                yield Static(t("head.close.ready"), id="form-detail")
            with VerticalScroll(id="form-fields"):
                if hard:
                    yield Static(t("head.close.blocked"), classes="close-note")
                    for p in hard:
                        yield Static("• " + problem_text(p), classes="problem -hard")
                if soft:
                    yield Static(t("head.close.explain"), classes="close-note")
                    for i, p in soft:
                        yield FormField("field.reason", label=problem_text(p), max_length=300,
                                        id=f"explain-{i}")
            yield Static("", id="form-error")
            yield Footer()

    def on_mount(self) -> None:
        fields = list(self.query(FormField))
        if fields:
            fields[0].focus()

    def explanations(self) -> dict[str, str]:
        out = {}
        for i, p in enumerate(self.problems):
            if p.explainable:
                out[p.key] = self.query_one(f"#explain-{i}", FormField).value
        return out

    def submit_form(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        clear_errors(self)
        error = self.query_one("#form-error", Static)
        error.update("")
        try:
            result = self.submit(self.explanations())
        except DayCloseRefused as exc:
            lines = [describe(exc)] + ["• " + problem_text(p) for p in exc.problems]
            error.update("\n".join(lines))
            for i, p in enumerate(self.problems):
                if p.explainable and any(q.key == p.key for q in exc.problems):
                    self.query_one(f"#explain-{i}", FormField).show_error(
                        t("head.close.needs_explanation"))
            return
        except (FieldError, ServiceError) as exc:
            error.update(describe(exc))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
