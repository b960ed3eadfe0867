"""The lobby's routing table (manual digest §2.4), row by row."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wealthtui.rules import routing as r

TABLE = r.RoutingTable(
    cash="A", cash_premium="C", non_cash="B", wealth="B", premium="V",
    large_cash_fen=5_000_000, self_service_cash_max_fen=500_000,
    category_zone={"A": "cash", "B": "non_cash", "C": "cash", "V": "vip"},
    waiting_zone="consultation", self_service_zone="self_service",
)


def go(**kw) -> r.Route:
    kw.setdefault("premium", False)
    return r.route(TABLE, **kw)


def test_premium_non_cash_and_wealth_go_to_the_vip_lane_and_tell_the_cm() -> None:
    for business in ("non_cash", "wealth"):
        route = go(business=business, premium=True)
        assert (route.zone, route.category, route.notify_cm, route.priority) == (
            "vip", "V", True, True)
        assert not route.divert and route.reason == "premium"


def test_premium_cash_goes_to_the_premium_cash_window() -> None:
    route = go(business="cash", premium=True, amount_fen=100_00)
    assert (route.zone, route.category, route.notify_cm, route.reason) == (
        "cash", "C", True, "cash_premium")


def test_large_cash_of_an_ordinary_client_goes_to_the_premium_window_too() -> None:
    route = go(business="cash", amount_fen=5_000_000)
    assert (route.category, route.notify_cm, route.priority, route.reason) == (
        "C", False, True, "cash_large")
    assert go(business="cash", amount_fen=4_999_999).category == "A"


def test_ordinary_cash_goes_to_the_cash_queue() -> None:
    route = go(business="cash")
    assert (route.zone, route.category, route.notify_cm, route.divert) == (
        "cash", "A", False, False)


def test_small_cash_is_offered_the_machines_and_counted_as_a_diversion() -> None:
    route = go(business="cash", amount_fen=200_000)
    assert (route.zone, route.category, route.divert, route.reason) == (
        "self_service", None, True, "cash_small")
    assert go(business="cash", amount_fen=500_001).category == "A"
    assert go(business="cash", amount_fen=0).category == "A"  # no amount asked: no guess


def test_ordinary_non_cash_and_wealth_go_to_the_low_counters() -> None:
    assert (go(business="non_cash").category, go(business="non_cash").zone) == ("B", "non_cash")
    assert go(business="wealth").reason == "wealth"


def test_simple_business_is_diverted_to_self_service() -> None:
    route = go(business="self_service")
    assert (route.zone, route.category, route.divert) == ("self_service", None, True)
    premium = go(business="self_service", premium=True)
    assert premium.divert and premium.notify_cm  # a premium client's CM is told all the same


def test_consultation_only_stays_in_the_waiting_area_without_a_ticket() -> None:
    route = go(business="consult")
    assert (route.zone, route.category, route.divert) == ("consultation", None, False)


def test_potential_premium_adds_a_lead_but_not_for_a_premium_client() -> None:
    assert go(business="cash", potential=True).lead
    assert go(business="self_service", potential=True).lead
    assert not go(business="wealth", potential=True, premium=True).lead
    assert not go(business="cash").lead


def test_unknown_business_is_refused() -> None:
    with pytest.raises(ValueError):
        go(business="loans")


@given(business=st.sampled_from(r.BUSINESS_KINDS), premium=st.booleans(),
       potential=st.booleans(), amount=st.none() | st.integers(0, 10**12))
def test_every_route_is_consistent(business, premium, potential, amount) -> None:
    route = go(business=business, premium=premium, potential=potential, amount_fen=amount)
    if route.category is not None:
        assert route.zone == TABLE.category_zone[route.category] and not route.divert
    if route.divert:
        assert route.zone == "self_service" and route.category is None
    assert route.notify_cm == premium or (route.reason == "cash_small" and not premium)
    if premium and business in ("non_cash", "wealth", "cash"):
        assert route.priority
