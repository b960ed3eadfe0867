"""Queue rules: numbers, the order a counter calls in (premium lanes, anti-starvation boost),
and waits derived from events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wealthtui.rules import queue as q

T = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)


def cand(tid: int, cat: str, minutes_ago: float, priority: int = 0, counter: str | None = None,
         number: int | None = None) -> q.Candidate:
    return q.Candidate(tid, cat, number or tid, priority, T - timedelta(minutes=minutes_ago),
                       counter)


def order(cands, counter="01", categories=("C", "V", "A"), limit=20) -> list[int]:
    return [c.ticket_id for c in q.order_waiting(cands, counter_no=counter, categories=categories,
                                                  now=T, starvation_minutes=limit)]


def test_display_numbers_are_padded_to_the_range() -> None:
    assert q.display_no("A", 12) == "A012"
    assert q.display_no("V", 7, 499) == "V007"
    assert q.display_no("K", 12, 9999) == "K0012"


def test_next_number_starts_at_first_and_stops_at_last() -> None:
    assert q.next_number(None, 1, 999) == 1
    assert q.next_number(None, 500, 999) == 500
    assert q.next_number(41, 1, 999) == 42
    with pytest.raises(q.RangeExhausted):
        q.next_number(999, 1, 999)


@given(st.lists(st.integers(1, 50), max_size=60))
def test_issuing_in_turn_never_skips_or_repeats(draws: list[int]) -> None:
    current = None
    issued = []
    for _ in draws:
        try:
            current = q.next_number(current, 1, 50)
        except q.RangeExhausted:
            break
        issued.append(current)
    assert issued == list(range(1, len(issued) + 1))


def test_premium_lane_goes_first_at_a_counter_that_serves_it() -> None:
    tickets = [cand(1, "A", 10), cand(2, "V", 2, priority=10), cand(3, "C", 5, priority=5)]
    assert order(tickets) == [2, 3, 1]


def test_a_counter_only_sees_lanes_it_serves() -> None:
    tickets = [cand(1, "A", 10), cand(2, "V", 2, priority=10), cand(3, "B", 15)]
    assert order(tickets, counter="02", categories=("A",)) == [1]


def test_within_a_lane_oldest_first_then_lowest_number() -> None:
    tickets = [cand(1, "A", 3, number=7), cand(2, "A", 9, number=9), cand(3, "A", 3, number=5)]
    assert order(tickets) == [2, 3, 1]


def test_equal_priority_follows_the_counters_own_order() -> None:
    tickets = [cand(1, "A", 5), cand(2, "C", 1)]
    assert order(tickets, categories=("C", "A")) == [2, 1]
    assert order(tickets, categories=("A", "C")) == [1, 2]


def test_an_ordinary_ticket_past_the_limit_is_boosted_ahead_of_premium() -> None:
    tickets = [cand(1, "A", 21), cand(2, "V", 1, priority=10)]
    assert order(tickets, limit=20) == [1, 2]
    # one minute less and the premium lane still goes first
    tickets = [cand(1, "A", 19), cand(2, "V", 1, priority=10)]
    assert order(tickets, limit=20) == [2, 1]


def test_boosted_tickets_are_served_oldest_first_whatever_their_lane() -> None:
    tickets = [cand(1, "A", 25), cand(2, "V", 30, priority=10), cand(3, "A", 40),
               cand(4, "V", 1, priority=10)]
    assert order(tickets, limit=20) == [3, 2, 1, 4]


def test_the_boost_starts_exactly_at_the_limit() -> None:
    assert q.is_boosted(cand(1, "A", 20), T, 20)
    assert not q.is_boosted(cand(1, "A", 19.99), T, 20)


def test_a_ticket_directed_at_a_counter_goes_first_there_and_nowhere_else() -> None:
    tickets = [cand(1, "V", 30, priority=10), cand(2, "B", 1, counter="04"),
               cand(3, "A", 1, counter="02")]
    assert order(tickets, counter="04", categories=("B",)) == [2]
    assert order(tickets, counter="01") == [1]
    assert order(tickets, counter="02", categories=("A",)) == [3]


@given(st.lists(st.tuples(st.sampled_from("AVCB"), st.floats(0, 120), st.integers(0, 10)),
                max_size=30))
def test_no_ordinary_ticket_past_the_limit_is_behind_one_that_is_not(rows) -> None:
    cands = [cand(i + 1, c, m, p) for i, (c, m, p) in enumerate(rows)]
    ordered = q.order_waiting(cands, counter_no="01", categories=("C", "V", "A"), now=T,
                              starvation_minutes=20)
    boosted = [q.is_boosted(c, T, 20) for c in ordered]
    assert boosted == sorted(boosted, reverse=True)


def at(minutes: float) -> datetime:
    return T + timedelta(minutes=minutes)


def test_durations_from_a_plain_timeline() -> None:
    d = q.durations([("issued", at(0)), ("called", at(7)), ("started", at(8)),
                     ("finished", at(13))])
    assert (d.waited, d.served, d.first_wait) == (420, 300, 420)


def test_durations_add_up_rounds_after_park_and_transfer() -> None:
    events = [("issued", at(0)), ("called", at(5)), ("started", at(6)), ("parked", at(8)),
              ("requeued", at(20)), ("called", at(22)), ("started", at(22)),
              ("transferred", at(25)), ("called", at(30)), ("started", at(31)),
              ("finished", at(33))]
    d = q.durations(events)
    assert d.waited == (5 + 2 + 5) * 60
    assert d.served == (2 + 3 + 2) * 60
    assert d.first_wait == 300


def test_a_transfer_while_waiting_does_not_restart_the_wait() -> None:
    d = q.durations([("issued", at(0)), ("transferred", at(4)), ("called", at(10))])
    assert d.waited == 600


def test_open_intervals_count_up_to_now() -> None:
    d = q.durations([("issued", at(0))], now=at(12))
    assert d.waited == 720 and d.first_wait is None
    d = q.durations([("issued", at(0)), ("called", at(2)), ("started", at(3))], now=at(10))
    assert d.served == 420
