"""The risk-tolerance questionnaire (风险承受能力评估) as data: questions, options and their
scores, and the score bands that give the client's level C1–C5 (issue 17).

`Questionnaire.parse(doc)` reads the TOML document (data/compliance/questionnaire.toml, or the
branch's own file named by `[compliance] questionnaire_file`) and refuses a malformed one with a
sentence; `score(answers)` adds the chosen options' scores (every question must be answered with
one of its options: a FieldError names the first one that is not); `level(score)` is the band.
Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wealthtui.rules.fields import FieldError

LEVELS = (1, 2, 3, 4, 5)  # C1..C5


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    text_en: str
    score: int


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    text_en: str
    options: tuple[Option, ...]

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Questionnaire:
    version: str
    questions: tuple[Question, ...]
    #: the lowest score of C2..C5 (C1 starts at 0), ascending
    bands: tuple[int, int, int, int]

    @classmethod
    def parse(cls, doc: Mapping[str, Any]) -> Questionnaire:
        """The questionnaire of a parsed TOML document; ValueError says what is wrong."""
        version = str(doc.get("version", "")).strip()
        if not version:
            raise ValueError("questionnaire: `version` is missing")
        questions = []
        for q in doc.get("questions", ()):
            options = tuple(Option(str(o["id"]), str(o["text"]), str(o.get("text_en", o["text"])),
                                   int(o["score"])) for o in q.get("options", ()))
            if len(options) < 2 or len({o.id for o in options}) != len(options):
                raise ValueError(f"questionnaire: question {q.get('id')!r} needs two or more "
                                 "options with distinct ids")
            if any(o.score < 0 for o in options):
                raise ValueError(f"questionnaire: question {q.get('id')!r} has a negative score")
            questions.append(Question(str(q["id"]), str(q["text"]),
                                      str(q.get("text_en", q["text"])), options))
        if not questions or len({q.id for q in questions}) != len(questions):
            raise ValueError("questionnaire: needs questions with distinct ids")
        raw = doc.get("bands", {})
        try:
            bands = tuple(int(raw[f"C{n}"]) for n in (2, 3, 4, 5))
        except KeyError as missing:
            raise ValueError(f"questionnaire: band {missing} is missing") from None
        if not 0 < bands[0] < bands[1] < bands[2] < bands[3]:
            raise ValueError("questionnaire: bands C2 < C3 < C4 < C5 must rise above 0")
        return cls(version, tuple(questions), bands)  # type: ignore[arg-type]

    @property
    def max_score(self) -> int:
        return sum(max(o.score for o in q.options) for q in self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def score(self, answers: Mapping[str, str]) -> int:
        """The sum of the chosen options' scores. Every question needs one of its options; an
        answer to a question that is not asked is refused too."""
        total = 0
        for number, q in enumerate(self.questions, start=1):
            chosen = q.option(answers.get(q.id, ""))
            if chosen is None:  # named by its number: the form shows them in this order
                raise FieldError("field.risk.answers", "error.risk.unanswered", number=number)
            total += chosen.score
        unknown = sorted(set(answers) - {q.id for q in self.questions})
        if unknown:
            raise FieldError("field.risk.answers", "error.risk.unknown_question",
                             question=", ".join(unknown))
        return total

    def level(self, score: int) -> int:
        """C1..C5 (1..5) for a score."""
        return 1 + sum(1 for low in self.bands if score >= low)
