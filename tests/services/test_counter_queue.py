"""A counter's waiting list (issue 22): a reload reads the first tickets in calling order and a
count per lane, not every waiting ticket of its lanes; the list shown and `call_next` never
disagree (one function orders them: rules.queue.order_waiting)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlmodel import col, select

from tests.conftest import T0
from tests.lobby_data import sign_on
from tests.read_probe import probe_engine
from wealthtui.model import Ticket
from wealthtui.services import Services
from wealthtui.ui.screens.counter import read_teller

SHOWN = 5


@pytest.fixture
def people(make_staff, engine):  # type: ignore[no-untyped-def]
    p = {
        "lobby": make_staff("lobby_manager", staff_no="L1", name="赵大堂"),
        "t1": make_staff("cash_teller", staff_no="T1", name="陈柜员"),
        "t2": make_staff("cash_teller", staff_no="T2", name="林柜员"),
    }
    sign_on(engine, p["t1"].staff_id, "01")
    sign_on(engine, p["t2"].staff_id, "02")
    return p


def _issue(services, lobby, clock, per_lane: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(per_lane):
        services.queue.issue(lobby, "A")
        services.queue.issue(lobby, "C")
        services.queue.issue(lobby, "V")  # not a lane of counter 01
        clock.advance(seconds=5)


def test_a_counter_reload_reads_what_it_shows_on_a_busy_day(services, people, clock, settings,
                                                            db_url) -> None:
    """The teller's reload (read_teller, what the counter screen runs at every change marker)
    reads as many rows with 60 waiting tickets in its lanes as with 240, some of them boosted
    by their wait and some directed at the counter, and lists the first in calling order."""
    lobby, t1, t2 = people["lobby"], people["t1"], people["t2"]
    small = settings.model_copy(update={"reads": settings.reads.model_copy(
        update={"counter_queue": SHOWN})})
    _issue(services, lobby, clock, 15)
    clock.advance(minutes=settings.queue.starvation_minutes + 1)  # these are boosted now
    _issue(services, lobby, clock, 15)
    for _ in range(2):  # two directed at counter 01
        called = services.queue.call_next(t2, "02")
        services.queue.transfer(t2, called.id, to_counter="01")
    probe = probe_engine(db_url)
    watched = Services(probe.engine, small, clock)
    try:
        quiet = read_teller(watched, t1, 80)
        rows, statements = probe.rows, len(probe.selects())
        _issue(services, lobby, clock, 90)  # the day gets busy: 240 waiting at counter 01
        probe.reset()
        busy = read_teller(watched, t1, 80)
        assert probe.rows == rows and len(probe.selects()) == statements
        # a screenful per group (directed, boosted, each lane), the shown rows, the counts
        assert rows < 60
        for view, total in ((quiet, 60), (busy, 240)):
            assert view.waiting_total == total and len(view.waiting) == SHOWN
        assert [tk.id for tk in busy.waiting] == [
            tk.id for tk in services.queue.waiting_for(t1, "01")[:SHOWN]]
        assert [tk.id for tk in quiet.waiting] == [tk.id for tk in busy.waiting]  # the first
    finally:
        probe.engine.dispose()


def test_the_counts_are_per_lane_in_sql(services, people, clock) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    _issue(services, lobby, clock, 7)
    services.queue.issue(lobby, "C")
    queue = services.queue.queue_for(t1, "01", limit=SHOWN)
    assert queue.per_lane == (("C", 8), ("A", 7)) and queue.waiting == 15
    assert len(queue.tickets) == SHOWN


#: what a step of a random day does: issue in a lane, or direct a ticket at counter 01
STEPS = st.lists(st.tuples(st.sampled_from(["A", "C", "V", "B", "direct"]),
                           st.integers(0, 9)), min_size=1, max_size=30)


@hsettings(max_examples=20, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, shown=st.integers(1, 4))
def test_the_list_shown_is_the_calling_order(services, people, clock, steps, shown) -> None:
    """Over random queues (lanes, waits across the anti-starvation limit, tickets directed at
    the counter), the first `shown` tickets listed are exactly those call_next calls, in order."""
    lobby, t1, t2 = people["lobby"], people["t1"], people["t2"]
    clock.set(T0)
    try:
        for step, minutes in steps:
            if step == "direct":
                called = services.queue.call_next(t2, "02")
                if called is not None:
                    services.queue.transfer(t2, called.id, to_counter="01")
            else:
                services.queue.issue(lobby, step)
            clock.advance(minutes=minutes)
        listed = [tk.id for tk in services.queue.queue_for(t1, "01", limit=shown).tickets]
        assert listed == [tk.id for tk in services.queue.waiting_for(t1, "01")][:shown]
        for ticket_id in listed:
            called = services.queue.call_next(t1, "01")
            assert called is not None and called.id == ticket_id
            services.queue.no_show(t1, called.id)
        if len(listed) < shown:
            assert services.queue.call_next(t1, "01") is None
    finally:
        for tk in services.queue.tickets(lobby, statuses=("waiting",)):
            services.queue.cancel(lobby, tk.id, "test")


# --- the call reads the same bounded candidates (issue 22) ---------------------------------------
def test_a_call_reads_as_many_rows_with_600_waiting_as_with_60(services, people, clock, settings,
                                                               db_url) -> None:
    """call_next reads the first candidates in calling order (queue.CALL_CANDIDATES per group),
    not every waiting ticket of its lanes: the rows and statements of a call are the same with
    60 tickets waiting at counter 01 (some boosted by their wait, some directed at it) as
    with 600, and it calls the first of the order each time."""
    lobby, t1, t2 = people["lobby"], people["t1"], people["t2"]
    _issue(services, lobby, clock, 15)
    clock.advance(minutes=settings.queue.starvation_minutes + 1)  # these are boosted now
    _issue(services, lobby, clock, 16)
    for _ in range(6):  # six directed at counter 01 (two are called here: four stay)
        called = services.queue.call_next(t2, "02")
        services.queue.transfer(t2, called.id, to_counter="01")
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, clock)

    def call() -> tuple[int, int]:
        first = services.queue.waiting_for(t1, "01")[0].id
        probe.reset()
        called = watched.queue.call_next(t1, "01")
        cost = probe.rows, len(probe.statements)
        assert called is not None and called.id == first
        services.queue.no_show(t1, called.id)
        return cost

    try:
        call()  # the first call of a process reads a few things once
        quiet = call()
        assert services.queue.queue_for(t1, "01").waiting == 60
        _issue(services, lobby, clock, 270)  # the day gets busy: 600 waiting at counter 01
        assert services.queue.queue_for(t1, "01").waiting == 600
        assert call() == quiet
        assert quiet[0] < 60
    finally:
        probe.engine.dispose()


def _holding(engine, ticket_ids: list[int]):  # type: ignore[no-untyped-def]
    """Another counter's open transaction holding the row locks of `ticket_ids` (PostgreSQL)."""
    conn = engine.connect()
    trans = conn.begin()
    if ticket_ids:
        conn.execute(select(Ticket.id).where(col(Ticket.id).in_(ticket_ids)).with_for_update())
    return conn, trans


@pytest.mark.parametrize("held", [0, 3, 5, 13, 15])
def test_a_call_passes_the_tickets_other_counters_are_taking(services, people, clock, engine,
                                                             backend, held) -> None:
    """While other counters hold the first `held` tickets of the order (their calls still in
    flight), call_next calls the first one nobody holds — in the first read of candidates, in
    a later one when all it read were held (queue.CALL_CANDIDATES = 4), or after
    queue.CALL_ROUNDS reads in all that wait — and none when every ticket is held."""
    if backend != "postgres":
        pytest.skip("row locks: SQLite's write transaction holds the whole file")
    lobby, t1 = people["lobby"], people["t1"]
    _issue(services, lobby, clock, 8)  # 16 waiting at counter 01
    order = [tk.id for tk in services.queue.waiting_for(t1, "01")]
    assert len(order) == 16
    conn, trans = _holding(engine, order[:held])
    try:
        called = services.queue.call_next(t1, "01")
        assert called is not None and called.id == order[held]
    finally:
        trans.rollback()
        conn.close()
    services.queue.no_show(t1, called.id)
    conn, trans = _holding(engine, order[:held] + order[held + 1:])
    try:
        assert services.queue.call_next(t1, "01") is None
    finally:
        trans.rollback()
        conn.close()


@hsettings(max_examples=20, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, held=st.lists(st.booleans(), max_size=30))
def test_under_contention_a_call_takes_the_first_ticket_nobody_holds(services, people, clock,
                                                                     engine, backend, steps,
                                                                     held) -> None:
    """Over random queues, while other counters hold a random set of the waiting tickets
    (their calls in flight), call_next calls the first of the calling order that nobody holds,
    whether the candidates it reads first are free or not; none when all are held."""
    if backend != "postgres":
        pytest.skip("row locks: SQLite's write transaction holds the whole file")
    lobby, t1, t2 = people["lobby"], people["t1"], people["t2"]
    clock.set(T0)
    try:
        for step, minutes in steps:
            if step == "direct":
                called = services.queue.call_next(t2, "02")
                if called is not None:
                    services.queue.transfer(t2, called.id, to_counter="01")
            else:
                services.queue.issue(lobby, step)
            clock.advance(minutes=minutes)
        order = [tk.id for tk in services.queue.waiting_for(t1, "01")]
        locked = [tid for tid, hold in zip(order, held, strict=False) if hold]
        free = [tid for tid in order if tid not in locked]
        conn, trans = _holding(engine, locked)
        try:
            called = services.queue.call_next(t1, "01")
        finally:
            trans.rollback()
            conn.close()
        assert (called.id if called is not None else None) == (free[0] if free else None)
        if called is not None:
            services.queue.no_show(t1, called.id)
    finally:
        for tk in services.queue.tickets(lobby, statuses=("waiting",)):
            services.queue.cancel(lobby, tk.id, "test")
