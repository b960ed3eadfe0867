"""The risk questionnaire as data: the shipped file parses, scores add up, levels rise with the
score, every question must be answered, malformed files are refused (issue 17)."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wealthtui.resources import data_file
from wealthtui.rules.fields import FieldError
from wealthtui.rules.risk_questionnaire import LEVELS, Questionnaire

DOC = tomllib.loads(data_file("compliance", "questionnaire.toml").read_text(encoding="utf-8"))
Q = Questionnaire.parse(DOC)


def answers_strategy() -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({q.id: st.sampled_from([o.id for o in q.options])
                                  for q in Q.questions})


def test_the_shipped_questionnaire_reaches_every_level():
    assert len(Q.questions) >= 8 and Q.version
    lowest = {q.id: min(q.options, key=lambda o: o.score).id for q in Q.questions}
    highest = {q.id: max(q.options, key=lambda o: o.score).id for q in Q.questions}
    assert Q.level(Q.score(lowest)) == 1 and Q.level(Q.score(highest)) == 5
    assert Q.score(highest) == Q.max_score
    assert {Q.level(s) for s in range(Q.max_score + 1)} == set(LEVELS)


@given(answers_strategy())
def test_the_score_is_the_sum_of_the_chosen_options(answers: dict[str, str]):
    expected = sum(q.option(answers[q.id]).score for q in Q.questions)  # type: ignore[union-attr]
    assert Q.score(answers) == expected
    assert Q.level(expected) in LEVELS


@given(st.integers(0, 200), st.integers(0, 200))
def test_a_higher_score_never_gives_a_lower_level(a: int, b: int):
    low, high = sorted((a, b))
    assert Q.level(low) <= Q.level(high)
    assert Q.level(low) == 1 + sum(low >= band for band in Q.bands)


@given(answers_strategy(), st.data())
def test_an_unanswered_or_invented_answer_names_the_question(answers: dict[str, str], data):
    q = data.draw(st.sampled_from(Q.questions))
    missing = {k: v for k, v in answers.items() if k != q.id}
    with pytest.raises(FieldError) as err:
        Q.score(missing)
    assert err.value.field == "field.risk.answers"
    assert err.value.params["number"] == Q.questions.index(q) + 1
    wrong = {**answers, q.id: "zz"}
    with pytest.raises(FieldError):
        Q.score(wrong)
    with pytest.raises(FieldError) as extra:
        Q.score({**answers, "astrology": "a"})
    assert extra.value.key == "error.risk.unknown_question"


@pytest.mark.parametrize("broken,says", [
    ({**DOC, "version": ""}, "version"),
    ({**DOC, "bands": {"C2": 30, "C3": 20, "C4": 60, "C5": 80}}, "bands"),
    ({**DOC, "bands": {"C2": 30}}, "band"),
    ({**DOC, "questions": [DOC["questions"][0], DOC["questions"][0]]}, "distinct"),
    ({**DOC, "questions": [{**DOC["questions"][0], "options": DOC["questions"][0]["options"][:1]}]},
     "two or more"),
])
def test_a_malformed_questionnaire_is_refused_with_a_sentence(broken, says):
    with pytest.raises(ValueError, match=says):
        Questionnaire.parse(broken)
