"""The anti-fraud questions (反诈提醒) as data, and when they are asked (issue 17).

`Checklist.parse(doc)` reads the TOML document (data/compliance/antifraud.toml, or the branch's own
file named by `[antifraud] questions_file`) and refuses a malformed one with a sentence.
`reasons(...)` says why a business must be asked about (its amount reached the business type's
threshold; a transfer to a payee the client has not paid before), `Checklist.judge(answers)`
checks that every question has one of the answers and names the suspicious ones.
Pure: no I/O, no clock.

Regulatory practice, not our manual's text: 银发〔2016〕261号 and 银发〔2019〕85号 (see the data file).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wealthtui.rules.fields import FieldError

ANSWERS = ("yes", "no", "unclear")
#: why a business is asked about
AMOUNT, NEW_PAYEE = "amount", "new_payee"
FIELD = "antifraud.field.answers"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    text_en: str
    suspicious: frozenset[str]


@dataclass(frozen=True)
class Verdict:
    """Answers judged: `suspicious` are the ids of the questions whose answer stops the business."""

    answers: dict[str, str]
    suspicious: tuple[str, ...]

    @property
    def stopped(self) -> bool:
        return bool(self.suspicious)


@dataclass(frozen=True)
class Checklist:
    version: str
    basis_text: str
    basis_text_en: str
    questions: tuple[Question, ...]

    @classmethod
    def parse(cls, doc: Mapping[str, Any]) -> Checklist:
        """The checklist of a parsed TOML document; ValueError says what is wrong."""
        version = str(doc.get("version", "")).strip()
        if not version:
            raise ValueError("anti-fraud questions: `version` is missing")
        questions = []
        for q in doc.get("questions", ()):
            qid = str(q.get("id", "")).strip()
            text = str(q.get("text", "")).strip()
            if not qid or not text:
                raise ValueError("anti-fraud questions: each question needs an `id` and a `text`")
            suspicious = frozenset(str(a) for a in q.get("suspicious", ()))
            if not suspicious or suspicious - set(ANSWERS) or suspicious == set(ANSWERS):
                raise ValueError(f"anti-fraud questions: question {qid!r}: `suspicious` lists some "
                                 f"(not all) of {', '.join(ANSWERS)}")
            questions.append(Question(qid, text, str(q.get("text_en", "")).strip() or text,
                                      suspicious))
        if not questions:
            raise ValueError("anti-fraud questions: no questions")
        if len({q.id for q in questions}) != len(questions):
            raise ValueError("anti-fraud questions: question ids must be distinct")
        return cls(version, str(doc.get("basis_text", "")), str(doc.get("basis_text_en", "")),
                   tuple(questions))

    def judge(self, answers: Mapping[str, str]) -> Verdict:
        """Every question answered yes / no / unclear (a FieldError names the first that is not;
        answers to unknown questions are refused too); which answers are suspicious."""
        known = {q.id for q in self.questions}
        unknown = sorted(set(answers) - known)
        if unknown:
            raise FieldError(FIELD, "antifraud.error.unknown_question", question=unknown[0])
        for number, q in enumerate(self.questions, 1):
            if answers.get(q.id) not in ANSWERS:
                raise FieldError(FIELD, "antifraud.error.unanswered", number=number)
        kept = {q.id: answers[q.id] for q in self.questions}
        return Verdict(kept, tuple(q.id for q in self.questions if kept[q.id] in q.suspicious))


def reasons(*, min_amount_fen: int | None, new_payee_rule: bool, amount_fen: int, payee: str,
            known_payees: Sequence[str] | frozenset[str]) -> tuple[str, ...]:
    """Why the business must be asked about: AMOUNT when a threshold is configured for its type
    (`min_amount_fen`, None: no threshold) and the amount reaches it; NEW_PAYEE when the type's
    rule asks about new payees and a payee is named that is not among `known_payees`. Empty:
    not asked."""
    out = []
    if min_amount_fen is not None and amount_fen >= min_amount_fen:
        out.append(AMOUNT)
    if new_payee_rule and payee and payee not in known_payees:
        out.append(NEW_PAYEE)
    return tuple(out)


def parse_payee(raw: str) -> str:
    """A payee's account number: digits (full-width ones too), spaces and hyphens dropped,
    8–32 digits; empty stays empty."""
    text = unicodedata.normalize("NFKC", raw or "").replace(" ", "").replace("-", "")
    if not text:
        return ""
    if not text.isdigit() or not 8 <= len(text) <= 32:
        raise FieldError("antifraud.field.payee", "antifraud.error.payee")
    return text
