"""The head's close of the business day: the problems the close finds, explained or fixed.

    self.app.push_screen(CloseDayDialog(state), closed)    # closed(DayState | None)

F2 closes the day with the explanations typed (services.day.close, through the one call path:
off the event loop); F3 carries the open hand-offs over to the following day and closes (one
transaction), so they need no explanation. Of many open hand-offs the state lists the oldest
few and counts the rest (a line says how many more); F3 carries every one, provided they are
still the set shown (the count and newest id, `DayState.handoffs_seen`): when one arrived or
ended since, the close is refused with that sentence, the count is read again, and F3 once
more carries what is now shown. A refusal lists what still stands in the way and marks the
explanations missing; what was typed stays."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from wealthtui.i18n import t, tl
from wealthtui.services.day import CloseProblem, DayCloseRefused, DayState
from wealthtui.services.errors import Conflict
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.form import EnterAdvances, FormField, clear_errors
from wealthtui.ui.dialogs.frame import frame_css
from wealthtui.ui.text import Paragraph, plain


def problem_text(p: CloseProblem) -> str:
    if p.kind == "teller":
        return t("head.close.teller", staff_no=p.ref, name=p.label,
                 status=t(f"report.balance.{p.status}"))
    if p.kind == "checklist":
        return t("head.close.checklist", title=tl(p.label, p.label_en))
    if p.kind == "handoff":
        return t("routines.close.handoff", id=p.ref, kind=t(f"handoff.kind.{p.label_en}"),
                 who=p.label, status=t(f"handoff.status.{p.status}"))
    return t("head.close.flow_log")


class CloseDayDialog(Calls, TranslatedBindings, EnterAdvances, ModalScreen[Any]):
    DEFAULT_CSS = frame_css("CloseDayDialog", "#form-box", width=72, title="#form-title") + """
    CloseDayDialog #form-detail {
        color: $text-muted;
    }
    CloseDayDialog #form-fields {
        height: auto;
        max-height: 16;
    }
    CloseDayDialog #form-error {
        color: $error;
        height: auto;
    }
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
        Binding("f3", "carry_over", "routines.bind.carry_over", id="head.close.carry_over"),
        Binding("escape", "cancel", "dialog.bind.cancel", id="head.close.cancel"),
    ]

    def __init__(self, state: DayState) -> None:
        super().__init__()
        self.state = state
        self.problems = list(state.problems)
        self.closing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(t("head.close.title", date=self.state.date.isoformat()), id="form-title")
            hard = [p for p in self.problems if not p.explainable]
            soft = [(i, p) for i, p in enumerate(self.problems) if p.explainable]
            if not self.problems:
                yield Static(t("head.close.ready"), id="form-detail")
            with VerticalScroll(id="form-fields"):
                if hard:
                    yield Paragraph(t("head.close.blocked"), classes="close-note")
                    for p in hard:
                        yield Static(plain("• " + problem_text(p)), classes="problem -hard")
                if soft:
                    yield Paragraph(t("head.close.explain"), classes="close-note")
                    for i, p in soft:
                        yield FormField("field.reason", label=problem_text(p), max_length=300,
                                        id=f"explain-{i}")
                yield Paragraph(self._more_text(), id="close-more", classes="close-note")
            yield Static("", id="form-error")
            yield Footer()

    def _more_text(self) -> str:
        """The open hand-offs not listed (the state lists the oldest few), or nothing."""
        listed = sum(1 for p in self.problems if p.kind == "handoff")
        more = self.state.handoffs_seen.count - listed
        return t("close_handoffs.more_handoffs", count=more) if more > 0 else ""

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "carry_over":
            return any(p.kind == "handoff" for p in self.problems)
        return True

    def action_carry_over(self) -> None:
        """Carry every open hand-off over to the following day and close (F3)."""
        explanations = {k: v for k, v in self.explanations().items()
                        if not k.startswith("handoff:")}
        self._close(explanations, carry_over=True)

    def action_save(self) -> None:
        self._close(self.explanations())

    def _close(self, explanations: dict[str, str], *, carry_over: bool = False) -> None:
        if self.closing:
            return  # one close at a time
        clear_errors(self)
        self.query_one("#form-error", Static).update("")
        self.closing = True
        self.call(self.services.day.close, self.state.date, explanations=explanations,
                  carry_over=carry_over, seen=self.state.handoffs_seen if carry_over else None,
                  then=self._day_closed, failed=self._close_refused, quiet=True)

    def _day_closed(self, state: Any) -> None:
        self.closing = False
        self.dismiss(state)

    def _close_refused(self, failure: Failed) -> None:
        self.closing = False
        exc = failure.error
        error = self.query_one("#form-error", Static)
        if not isinstance(exc, DayCloseRefused):
            error.update(plain(failure.message))
            if isinstance(exc, Conflict) and exc.key == "close_handoffs.handoffs_changed":
                # what is open now becomes what the head has seen: the count line follows
                self.call(self.services.day.state, self.state.date, then=self._seen_again,
                          key="close-state")
            return
        lines = [failure.message] + ["• " + problem_text(p) for p in exc.problems]
        error.update(plain("\n".join(lines)))
        for i, p in enumerate(self.problems):
            if p.explainable and any(q.key == p.key for q in exc.problems):
                self.query_one(f"#explain-{i}", FormField).show_error(
                    t("head.close.needs_explanation"))

    def _seen_again(self, state: DayState) -> None:
        self.state = state
        self.query_one("#close-more", Paragraph).update(self._more_text())
        self.refresh_bindings()

    def action_cancel(self) -> None:
        self.dismiss(None)
