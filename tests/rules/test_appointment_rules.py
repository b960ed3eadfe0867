"""The appointment rules (issue 18): a checked-in appointment's ticket goes ahead of the walk-ins
of its lane and nothing else changes (premium lanes, the counter's lane order, the anti-starvation
boost, directed tickets); slots that overlap; opening hours; late; no-show; cash by denomination."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from wealthtui.rules import appointments as a
from wealthtui.rules import queue as q

T = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)
LANES = ("C", "V", "A", "B")
SERVED = ("C", "V", "A")
PRIORITY = {"C": 5, "V": 10, "A": 0, "B": 0}
LIMIT = 20


@st.composite
def candidates(draw: st.DrawFn) -> list[q.Candidate]:
    n = draw(st.integers(0, 14))
    out = []
    for tid in range(1, n + 1):
        lane = draw(st.sampled_from(LANES))
        out.append(q.Candidate(
            tid, lane, tid, PRIORITY[lane] + draw(st.sampled_from((0, 0, 1))),
            T - timedelta(minutes=draw(st.integers(0, 40))),
            draw(st.sampled_from((None, None, None, "01", "02"))),
            appointment=draw(st.booleans())))
    return out


def order(cands: list[q.Candidate]) -> list[q.Candidate]:
    return q.order_waiting(cands, counter_no="01", categories=SERVED, now=T,
                           starvation_minutes=LIMIT)


def plain(c: q.Candidate) -> bool:
    """Ordered by the lane rules (neither directed at the counter nor boosted)."""
    return c.counter_no is None and not q.is_boosted(c, T, LIMIT)


@given(candidates())
def test_an_appointment_goes_before_every_walk_in_of_its_lane_and_priority(
        cands: list[q.Candidate]) -> None:
    ordered = order(cands)
    pos = {c.ticket_id: i for i, c in enumerate(ordered)}
    for x in ordered:
        for y in ordered:
            if (plain(x) and plain(y) and x.appointment and not y.appointment
                    and (x.category, x.priority) == (y.category, y.priority)):
                assert pos[x.ticket_id] < pos[y.ticket_id]


@given(candidates())
def test_an_appointment_never_passes_a_higher_priority_a_directed_or_a_boosted_ticket(
        cands: list[q.Candidate]) -> None:
    ordered = order(cands)
    pos = {c.ticket_id: i for i, c in enumerate(ordered)}
    for x in ordered:
        if not (plain(x) and x.appointment):
            continue
        for y in ordered:
            if not plain(y) or y.priority > x.priority:
                assert pos[y.ticket_id] < pos[x.ticket_id]


@given(candidates())
def test_without_the_flag_the_order_is_as_before(cands: list[q.Candidate]) -> None:
    """Appointments only move within their lane's group: taking the flag away gives the order
    of the rules before appointments (priority, lane order, age, number); and the same set of
    tickets is eligible either way."""
    flagless = [q.Candidate(c.ticket_id, c.category, c.number, c.priority, c.queued_at,
                            c.counter_no) for c in cands]
    ordered, before = order(cands), order(flagless)
    assert {c.ticket_id for c in ordered} == {c.ticket_id for c in before}
    group = {c.ticket_id: (not plain(c), c.priority, c.category) for c in cands}
    # the sequence of groups (directed/boosted first, then priority, then lane) is the same
    assert [group[c.ticket_id] for c in ordered] == [group[c.ticket_id] for c in before]
    # inside a group, walk-ins keep their order
    walk_ins = [c.ticket_id for c in ordered if not c.appointment]
    assert walk_ins == [c.ticket_id for c in before
                        if not next(x for x in cands if x.ticket_id == c.ticket_id).appointment]


slots = st.tuples(st.integers(0, 600), st.integers(1, 120)).map(
    lambda p: (T + timedelta(minutes=p[0]), T + timedelta(minutes=p[0] + p[1])))


@given(slots, slots)
def test_overlap_is_symmetric_and_back_to_back_is_not_an_overlap(x, y) -> None:
    assert a.overlaps(*x, *y) == a.overlaps(*y, *x)
    assert not a.overlaps(x[0], x[1], x[1], x[1] + timedelta(minutes=5))
    assert a.overlaps(*x, *x)
    minutes = {x[0] + timedelta(minutes=i) for i in range(int((x[1] - x[0]).seconds / 60))}
    shared = any(y[0] <= m < y[1] for m in minutes)
    assert a.overlaps(*x, *y) == shared


def test_opening_hours_late_and_no_show() -> None:
    day = datetime(2026, 12, 1, tzinfo=UTC)
    opens, closes = time(9), time(17)
    assert a.within_hours(day.replace(hour=9), day.replace(hour=9, minute=30), opens, closes)
    assert a.within_hours(day.replace(hour=16, minute=30), day.replace(hour=17), opens, closes)
    assert not a.within_hours(day.replace(hour=8, minute=59), day.replace(hour=9, minute=30),
                              opens, closes)
    assert not a.within_hours(day.replace(hour=16, minute=45), day.replace(hour=17, minute=15),
                              opens, closes)
    assert not a.within_hours(day.replace(hour=16), day.replace(hour=16) + timedelta(days=1),
                              opens, closes)
    start = day.replace(hour=10)
    assert not a.is_late(start, start + timedelta(minutes=15), 15)
    assert a.is_late(start, start + timedelta(minutes=15, seconds=1), 15)
    end = start + timedelta(minutes=30)
    assert not a.is_no_show(end, end + timedelta(minutes=29), 30)
    assert a.is_no_show(end, end + timedelta(minutes=30), 30)


@given(st.lists(st.tuples(st.sampled_from(("100元", " 100元", "50元", "", "100元 ×2000")),
                          st.integers(0, 10**9)), max_size=20))
def test_cash_by_denomination_keeps_the_total(items) -> None:
    sums = a.cash_by_denomination(items)
    assert sum(v for _k, v in sums) == sum(v for _k, v in items)
    assert len({k for k, _v in sums}) == len(sums)
    assert [v for _k, v in sums] == sorted((v for _k, v in sums), reverse=True)
