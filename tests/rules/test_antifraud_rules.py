"""The anti-fraud rules (issue 17), property-based: when a business is asked about (amount, new
payee), how answers are judged, and the shipped questions file."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wealthtui.resources import data_file
from wealthtui.rules.antifraud import (
    AMOUNT,
    ANSWERS,
    NEW_PAYEE,
    Checklist,
    parse_payee,
    reasons,
)
from wealthtui.rules.fields import FieldError

amounts = st.integers(min_value=0, max_value=10**12)
payees = st.sampled_from(["", "6222020200112233445", "6222020200998877665", "62170000123"])


@given(threshold=st.none() | amounts, new_payee_rule=st.booleans(), amount=amounts,
       payee=payees, known=st.frozensets(payees))
def test_asked_exactly_when_the_amount_reaches_the_threshold_or_the_payee_is_new(
        threshold: int | None, new_payee_rule: bool, amount: int, payee: str,
        known: frozenset[str]) -> None:
    got = reasons(min_amount_fen=threshold, new_payee_rule=new_payee_rule, amount_fen=amount,
                  payee=payee, known_payees=known)
    by_amount = threshold is not None and amount >= threshold
    by_payee = new_payee_rule and payee != "" and payee not in known
    assert (AMOUNT in got) == by_amount
    assert (NEW_PAYEE in got) == by_payee
    assert bool(got) == (by_amount or by_payee)


def shipped() -> Checklist:
    return Checklist.parse(tomllib.loads(data_file("compliance", "antifraud.toml")
                                        .read_text(encoding="utf-8")))


def test_the_shipped_questions_are_bilingual_and_cite_the_regulatory_practice() -> None:
    c = shipped()
    assert len(c.questions) >= 4
    assert all(q.text and q.text_en and q.text != q.text_en for q in c.questions)
    assert "261" in c.basis_text and "regulatory practice" in c.basis_text_en


@given(st.data())
def test_stopped_exactly_when_an_answer_is_marked_suspicious(data: st.DataObject) -> None:
    c = shipped()
    answers = {q.id: data.draw(st.sampled_from(ANSWERS)) for q in c.questions}
    verdict = c.judge(answers)
    expected = tuple(q.id for q in c.questions if answers[q.id] in q.suspicious)
    assert verdict.suspicious == expected and verdict.stopped == bool(expected)


@given(st.data())
def test_an_incomplete_sheet_is_refused_naming_the_first_missing_question(
        data: st.DataObject) -> None:
    c = shipped()
    answers = {q.id: data.draw(st.sampled_from((*ANSWERS, "", "maybe"))) for q in c.questions}
    missing = [i for i, q in enumerate(c.questions, 1) if answers[q.id] not in ANSWERS]
    if not missing:
        assert c.judge(answers).answers == answers
        return
    with pytest.raises(FieldError) as exc:
        c.judge(answers)
    assert exc.value.params == {"number": missing[0]}


@pytest.mark.parametrize("doc, says", [
    ({"questions": [{"id": "a", "text": "?", "suspicious": ["yes"]}]}, "version"),
    ({"version": "1"}, "no questions"),
    ({"version": "1", "questions": [{"id": "a", "text": "?", "suspicious": ["maybe"]}]},
     "suspicious"),
    ({"version": "1", "questions": [{"id": "a", "text": "?"}]}, "suspicious"),
    ({"version": "1", "questions": [{"id": "a", "text": "?", "suspicious": ["yes"]},
                                    {"id": "a", "text": "!", "suspicious": ["no"]}]}, "distinct"),
])
def test_a_malformed_file_is_refused_with_a_sentence(doc: dict, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        Checklist.parse(doc)


@given(st.text(alphabet="0123456789 -０１２３", max_size=40))
def test_a_payee_is_8_to_32_digits_or_nothing(raw: str) -> None:
    import unicodedata

    digits = unicodedata.normalize("NFKC", raw).replace(" ", "").replace("-", "")
    if not digits:
        assert parse_payee(raw) == ""
    elif 8 <= len(digits) <= 32:
        assert parse_payee(raw) == digits
    else:
        with pytest.raises(FieldError):
            parse_payee(raw)
