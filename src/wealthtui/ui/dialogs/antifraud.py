"""The anti-fraud questions at the counter (反诈提醒, issue 17), as a form: one answer per question
(yes / no / unclear), F2 saves and records the business, Escape cancels.

The business form (ui/dialogs/counter_dialogs.py) submits the business first; when the service
says the questions are needed (services.antifraud.QuestionsNeeded) the form closes with an
`AskAntifraud` and the counter screen opens this form with the same business:

    antifraud_form(ask, ticket_no=…, business=…, submit=lambda answers: …record(…, antifraud=answers))

`submit(answers)` records the business with the answers; a suspicious answer stops it (the
service writes the stop and the supervisor's hand-off) and the form closes with a `Stopped`; any
other error stays on the form with every answer kept. The questions are data
(data/compliance/antifraud.toml), shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wealthtui.i18n import t, tl
from wealthtui.rules.antifraud import AMOUNT, ANSWERS, Checklist
from wealthtui.rules.money import format_fen
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog, Look


@dataclass(frozen=True)
class AskAntifraud:
    """The business form's answer when the questions are needed: what was typed, and why."""

    values: dict[str, Any]
    reasons: tuple[str, ...]
    checklist: Checklist = field(compare=False)


@dataclass(frozen=True)
class Stopped:
    """The business was stopped by a suspicious answer and handed to the supervisor."""

    ticket_no: str
    handoff_id: int | None


def why_text(reasons: tuple[str, ...], threshold_fen: int | None) -> str:
    parts = [t("antifraud.reason.amount", amount=format_fen(threshold_fen or 0)) if r == AMOUNT
             else t(f"antifraud.reason.{r}") for r in reasons]
    return t("antifraud.reason.join").join(parts)


def antifraud_form(ask: AskAntifraud, *, ticket_no: str, business: str, amount_fen: int,
                   threshold_fen: int | None,
                   submit: Callable[[dict[str, str]], Any]) -> FormDialog:
    checklist = ask.checklist
    options = tuple((t(f"antifraud.answer.{a}"), a) for a in ANSWERS)
    fields = [Field(f"q_{q.id}", "antifraud.field.answers", kind="select",
                    label=t("antifraud.dialog.question", number=i, text=tl(q.text, q.text_en)),
                    options=options, blank="antifraud.answer.none")
              for i, q in enumerate(checklist.questions, 1)]

    def collect(values: dict[str, Any]) -> Any:
        answers = {q.id: values[f"q_{q.id}"] for q in checklist.questions
                   if values.get(f"q_{q.id}") is not None}
        return submit(answers)

    info = [t("antifraud.dialog.info", business=business, amount=format_fen(amount_fen),
              why=why_text(ask.reasons, threshold_fen)),
            t("antifraud.dialog.basis", basis=tl(checklist.basis_text, checklist.basis_text_en))]
    return FormDialog(t("antifraud.dialog.title", ticket=ticket_no), fields, submit=collect,
                      info=info, form_id="antifraud-form",
                      look=Look(width=78, fields_height=14, list_height=6, compact=True))
