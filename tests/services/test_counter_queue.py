"""A counter's waiting list (issue 22): a reload reads the first tickets in calling order and a
count per lane, not every waiting ticket of its lanes; the list shown and `call_next` never
disagree (one function orders them: rules.queue.order_waiting)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.conftest import T0
from tests.lobby_data import sign_on
from tests.read_probe import probe_engine
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
