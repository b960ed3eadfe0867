"""Suitability of a product for a client's risk level (manual digest §4.3 steps 4–6)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wealthtui.rules import suitability as s

TODAY = date(2026, 11, 30)


def check(product: int, client: int | None, assessed: date | None = TODAY - timedelta(days=10),
          *, ack: bool = False, valid: int = 365) -> str:
    return s.check(product_level=product, client_level=client, assessed_on=assessed,
                   today=TODAY, valid_days=valid, acknowledged=ack).outcome


def test_a_product_at_or_below_the_clients_level_is_suitable() -> None:
    assert check(3, 3) == s.SUITABLE
    assert check(2, 4) == s.SUITABLE


def test_a_product_above_the_level_is_refused_without_a_signed_acknowledgement() -> None:
    assert check(4, 3) == s.ABOVE_LEVEL
    assert s.check(product_level=4, client_level=3, assessed_on=TODAY, today=TODAY,
                   valid_days=365).refused


def test_the_signed_acknowledgement_lets_a_product_above_the_level_through() -> None:
    verdict = s.check(product_level=5, client_level=2, assessed_on=TODAY, today=TODAY,
                      valid_days=365, acknowledged=True)
    assert verdict.outcome == s.ACKNOWLEDGED
    assert not verdict.refused and verdict.above_level


def test_no_assessment_refuses_everything_above_r1_even_with_an_acknowledgement() -> None:
    assert check(2, None, None) == s.NO_ASSESSMENT
    assert check(2, None, None, ack=True) == s.NO_ASSESSMENT
    assert check(1, None, None) == s.SUITABLE


def test_the_assessment_expires_on_the_day_the_valid_period_ends() -> None:
    assessed = TODAY - timedelta(days=365)
    assert s.assessment_expires_on(assessed, 365) == TODAY
    assert check(2, 5, assessed) == s.ASSESSMENT_EXPIRED
    assert check(2, 5, assessed + timedelta(days=1)) == s.SUITABLE
    assert check(3, 1, assessed, ack=True) == s.ASSESSMENT_EXPIRED


def test_levels_outside_one_to_five_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        check(6, 3)
    with pytest.raises(ValueError):
        check(3, 0)


@given(product=st.integers(1, 5), client=st.one_of(st.none(), st.integers(1, 5)),
       age=st.integers(0, 800), ack=st.booleans())
def test_nothing_riskier_than_the_client_passes_unacknowledged(product, client, age, ack) -> None:
    verdict = s.check(product_level=product, client_level=client,
                      assessed_on=TODAY - timedelta(days=age), today=TODAY, valid_days=365,
                      acknowledged=ack)
    if not verdict.refused and product > 1:
        assert client is not None and age < 365
        assert product <= client or (ack and verdict.outcome == s.ACKNOWLEDGED)


# --- decide: the branch's rules (issue 17) -----------------------------------------------------
RULES = s.SaleRules(valid_days=365, unassessed_max_level=1, senior_age=65, senior_max_level=3)


def allowed_by_table(product: int, client: int | None, age_days: int | None, age: int | None,
                     walk_in: bool, ack: bool, rules: s.SaleRules) -> bool:
    """The rule table of the issue, written out independently of `decide`."""
    if walk_in:
        return False
    if age is not None and age >= rules.senior_age and product > rules.senior_max_level:
        return False
    valid = client is not None and age_days is not None and age_days < rules.valid_days
    if not valid:
        return product <= rules.unassessed_max_level
    assert client is not None
    return product <= client or (ack and (client, product) in rules.exceptions)


@given(product=st.integers(1, 5), client=st.one_of(st.none(), st.integers(1, 5)),
       age_days=st.one_of(st.none(), st.integers(0, 800)),
       age=st.one_of(st.none(), st.integers(18, 100)), walk_in=st.booleans(), ack=st.booleans(),
       exceptions=st.frozensets(st.tuples(st.integers(1, 4), st.integers(2, 5))
                                .filter(lambda p: p[1] > p[0]), max_size=3),
       unassessed=st.integers(1, 3), senior_max=st.integers(1, 5))
def test_decide_agrees_with_the_rule_table(product, client, age_days, age, walk_in, ack,
                                           exceptions, unassessed, senior_max) -> None:
    rules = s.SaleRules(valid_days=365, unassessed_max_level=unassessed, senior_age=65,
                        senior_max_level=senior_max, exceptions=exceptions)
    assessed = TODAY - timedelta(days=age_days) if age_days is not None else None
    verdict = s.decide(product_level=product, client_level=client, assessed_on=assessed,
                       today=TODAY, rules=rules, age=age, walk_in=walk_in, acknowledged=ack)
    assert (not verdict.refused) == allowed_by_table(product, client, age_days, age, walk_in,
                                                     ack, rules)
    if verdict.outcome == s.ACKNOWLEDGED:
        assert ack and (client, product) in exceptions


def test_walk_ins_and_seniors_are_refused_by_name() -> None:
    def outcome(**kw) -> str:  # type: ignore[no-untyped-def]
        args = dict(product_level=2, client_level=5, assessed_on=TODAY, today=TODAY, rules=RULES)
        return s.decide(**(args | kw)).outcome
    assert outcome(walk_in=True, product_level=1) == s.WALK_IN
    assert outcome(age=65, product_level=4) == s.SENIOR_LIMIT
    assert outcome(age=64, product_level=4) == s.SUITABLE
    assert outcome(age=80, product_level=3) == s.SUITABLE
    assert outcome(product_level=5, client_level=4, acknowledged=True) == s.ABOVE_LEVEL


@given(born=st.dates(date(1900, 1, 1), date(2010, 12, 31)))
def test_age_counts_full_years(born: date) -> None:
    age = s.age_on(born, TODAY)
    assert age is not None
    anniversary = born.replace(year=born.year + age) if not (born.month == 2 and born.day == 29) \
        else date(born.year + age, 3, 1)
    assert anniversary <= TODAY
    assert s.age_on(born, TODAY - timedelta(days=1)) in (age, age - 1)
