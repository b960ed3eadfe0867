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
