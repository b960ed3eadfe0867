"""The note of an anti-fraud stop's hand-off, stored as codes and worded when shown (issue 19).

A stopped business goes to the supervisors' shared inbox as a hand-off whose note says what was
stopped and how each question was answered. The note holds codes only — a small JSON object with
`fact` = "antifraud_stop": the business type code, the amount in fen, the payee as masked when
recorded, and per question its id, the answer code (rules.antifraud.ANSWERS) and whether it was
suspicious — so the inbox words it in the viewer's language (ui/labels.stop_note_text), never in
the center's language at the time of the stop. Notes written before this (text) are not such an
object and are shown as they are. Pure: no I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wealthtui.rules.antifraud import ANSWERS

KIND = "antifraud_stop"
#: the hand-off note's column (model.handoff.Handoff.note)
MAX_LEN = 1000


@dataclass(frozen=True)
class Answered:
    question: str  # the question's id in the questions file
    answer: str    # yes | no | unclear
    suspicious: bool


@dataclass(frozen=True)
class StopNote:
    business_type: str
    amount_fen: int
    payee: str  # masked when recorded ("" when none)
    answers: tuple[Answered, ...]


def _dump(note: StopNote, answers: list[Answered]) -> str:
    return json.dumps({"fact": KIND, "type": note.business_type, "amount": note.amount_fen,
                       "payee": note.payee,
                       "answers": [[a.question, a.answer, a.suspicious] for a in answers]},
                      ensure_ascii=False, separators=(",", ":"))


def record(note: StopNote) -> str:
    """The stored note. Should the answers not fit the column, the unsuspicious ones are left
    out from the last (the stop's own row keeps every answer)."""
    answers = list(note.answers)
    text = _dump(note, answers)
    while len(text) > MAX_LEN:
        plain = [i for i, a in enumerate(answers) if not a.suspicious]
        if not plain:
            raise ValueError("an anti-fraud stop's note does not fit its column")
        del answers[plain[-1]]
        text = _dump(note, answers)
    return text


def _answered(item: Any) -> Answered:
    question, answer, suspicious = item
    if not isinstance(question, str) or answer not in ANSWERS or not isinstance(suspicious, bool):
        raise ValueError(item)
    return Answered(question, answer, suspicious)


def parse(value: str) -> StopNote | None:
    """The stop a stored note holds, or None when it is text as typed (or written before)."""
    if not value.startswith('{"fact"') or not value.endswith("}"):
        return None
    try:
        data = json.loads(value)
        if not isinstance(data, dict) or data.get("fact") != KIND or \
                set(data) != {"fact", "type", "amount", "payee", "answers"}:
            return None
        kind, amount, payee = data["type"], data["amount"], data["payee"]
        if not isinstance(kind, str) or not isinstance(payee, str) or \
                not isinstance(amount, int) or isinstance(amount, bool):
            return None
        return StopNote(kind, amount, payee, tuple(_answered(a) for a in data["answers"]))
    except (ValueError, TypeError, KeyError):
        return None
