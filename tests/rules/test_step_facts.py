"""What the system records into a checklist's text step is stored as codes (rules.step_facts) and
worded when shown, in the viewer's language (issue 19: `phone #268` on a Chinese screen); typed
text is never taken for a fact. Hypothesis over ids, dates, channels and typed text."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from wealthtui import i18n
from wealthtui.config import Settings
from wealthtui.rules import step_facts
from wealthtui.rules.agenda import CHANNELS
from wealthtui.ui.labels import step_fact_text

ids = st.integers(min_value=1, max_value=2 ** 31)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
levels = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
products = st.builds(step_facts.Proposed, st.text(min_size=1, max_size=8), st.integers(1, 5),
                     levels, st.sampled_from(("suitable", "acknowledged", "above_level")),
                     st.text(max_size=20))


@given(st.sampled_from((step_facts.CONTACT, step_facts.NOTICE)), ids, days,
       st.sampled_from(CHANNELS))
def test_a_recorded_contact_or_notice_reads_back(kind: str, record_id: int, day: date,
                                                 channel: str) -> None:
    value = step_facts.record(kind, record_id, day, channel)
    assert len(value) <= 2000
    assert step_facts.parse(value) == step_facts.Fact(kind, id=record_id, day=day,
                                                      channel=channel)


@given(st.lists(products, max_size=10))
def test_a_proposal_reads_back(proposed: list[step_facts.Proposed]) -> None:
    fact = step_facts.parse(step_facts.proposal(proposed))
    assert fact == step_facts.Fact(step_facts.PROPOSAL, products=tuple(proposed))


@given(st.text())
def test_typed_text_is_never_a_fact(text: str) -> None:
    fact = step_facts.parse(text)  # never raises
    assert fact is None or text.startswith('{"fact":') or text.startswith('{"')


def test_typed_text_that_only_looks_like_one_stays_text() -> None:
    for typed in ('{"fact":"contact"}', '{"fact":"contact","id":"x","date":"2026-11-30",'
                  '"channel":"phone"}', '{"fact":"other"}', "2026-11-30 phone #268",
                  '{"fact":"contact","id":1,"date":"2026-13-01","channel":"phone"}',
                  '{"fact":"proposal","products":[{"code":"A"}]}', "{not json}"):
        assert step_facts.parse(typed) is None, typed


def test_a_first_contact_reads_in_the_viewers_language(settings: Settings) -> None:
    fact = step_facts.parse(step_facts.record(step_facts.CONTACT, 268, date(2026, 11, 30), "phone"))
    assert fact is not None
    i18n.set_language("zh_CN")
    assert step_fact_text(settings, fact) == "2026-11-30 电话（接触记录 #268）"
    i18n.set_language("en")
    assert step_fact_text(settings, fact) == "2026-11-30 Phone (contact #268)"
    notice = step_facts.parse(step_facts.record(step_facts.NOTICE, 7, date(2026, 11, 30), "sms"))
    assert notice is not None and step_fact_text(settings, notice) == "2026-11-30 SMS (notice #7)"
    i18n.set_language("zh_CN")
    assert step_fact_text(settings, notice) == "2026-11-30 短信（通知 #7）"
