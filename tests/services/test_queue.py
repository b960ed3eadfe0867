"""The queue service on the real SQLite file: numbering per business date and lane (also with two
processes issuing at once), calling in rule order (premium lanes, anti-starvation boost), the
ticket's steps and their events, transfers that keep the number, and the board snapshots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests import processes
from tests.conftest import T0
from tests.lobby_data import sign_on
from wealthtui.model import Ticket, TicketEvent
from wealthtui.services.errors import Conflict, FieldError, PermissionDenied


@pytest.fixture
def people(make_staff, engine):
    p = {
        "lobby": make_staff("lobby_manager", staff_no="L1", name="赵大堂"),
        "t1": make_staff("cash_teller", staff_no="T1", name="陈柜员"),
        "t2": make_staff("cash_teller", staff_no="T2", name="林柜员"),
        "t3": make_staff("non_cash_teller", staff_no="T3", name="吴柜员"),
    }
    sign_on(engine, p["t1"].staff_id, "01")
    sign_on(engine, p["t2"].staff_id, "02")
    sign_on(engine, p["t3"].staff_id, "03")
    return p


def events_of(engine, ticket_id: int) -> list[str]:
    with Session(engine) as s:
        return [e.kind for e in s.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
                                       .order_by(TicketEvent.id))]


# --- numbering ------------------------------------------------------------------------------
def test_numbers_run_per_lane_from_the_first_of_the_range(services, people) -> None:
    lobby = people["lobby"]
    a = [services.queue.issue(lobby, "A").display_no for _ in range(3)]
    b = services.queue.issue(lobby, "B").display_no
    c = services.queue.issue(lobby, "C").display_no
    v = services.queue.issue(lobby, "V").display_no
    assert a == ["A001", "A002", "A003"]
    assert (b, c, v) == ("B001", "C500", "V001")


def test_numbering_starts_again_on_the_next_business_date(services, people, clock) -> None:
    lobby = people["lobby"]
    services.queue.issue(lobby, "A")
    services.queue.issue(lobby, "A")
    clock.advance(days=1)
    ticket = services.queue.issue(lobby, "A")
    assert (ticket.display_no, ticket.business_date) == ("A001", (T0 + timedelta(days=1)).date())


def test_the_business_date_is_the_centers_local_date(services, people, clock) -> None:
    # 00:30 in Shanghai is still the previous day in UTC
    clock.set(T0.replace(hour=0, minute=30) + timedelta(days=1))
    ticket = services.queue.issue(people["lobby"], "A")
    assert ticket.business_date == (T0 + timedelta(days=1)).date()


def test_an_exhausted_range_is_refused_with_the_range(services, people, settings) -> None:
    lobby = people["lobby"]
    with Session(services.ctx.engine) as s:
        s.add(Ticket(business_date=T0.date(), category="V", series="V", number=499,
                     display_no="V499", issued_at=T0, queued_at=T0))
        s.commit()
    with pytest.raises(Conflict) as err:
        services.queue.issue(lobby, "V")
    assert err.value.key == "error.queue.range_exhausted"
    assert err.value.params["last"] == 499


def test_unknown_category_names_what_is_accepted(services, people) -> None:
    with pytest.raises(FieldError) as err:
        services.queue.issue(people["lobby"], "Z")
    assert err.value.field == "queue.field.category" and "A, B, V, C" in err.value.params["accepted"]


def test_issue_reports_how_many_wait_ahead(services, people, clock) -> None:
    lobby = people["lobby"]
    services.queue.issue(lobby, "A")
    clock.advance(seconds=30)
    services.queue.issue(lobby, "B")
    clock.advance(seconds=30)
    third = services.queue.issue(lobby, "A")
    assert third.ahead == 1


def _issue_many(db_path: str, staff_id: int, count: int, barrier) -> list[str]:
    from wealthtui.config import load_settings
    from wealthtui.rules.clock import FixedClock
    from wealthtui.services import Actor, Services
    from wealthtui.store.engine import make_engine

    engine = make_engine(db_path)
    services = Services(engine, load_settings(), FixedClock(T0))
    actor = Actor(staff_id, "L1", "赵大堂", frozenset({"lobby_manager"}))
    barrier.wait()
    issued = [services.queue.issue(actor, "A").display_no for _ in range(count)]
    engine.dispose()
    return issued


def _call_all(db_path: str, staff_id: int, counter_no: str, barrier) -> list[str]:
    from wealthtui.config import load_settings
    from wealthtui.rules.clock import FixedClock
    from wealthtui.services import Actor, Services
    from wealthtui.store.engine import make_engine

    engine = make_engine(db_path)
    services = Services(engine, load_settings(), FixedClock(T0 + timedelta(minutes=1)))
    actor = Actor(staff_id, "T", "柜员", frozenset({"cash_teller"}))
    called = []
    barrier.wait()
    while True:
        ticket = services.queue.call_next(actor, counter_no)
        if ticket is None:
            break
        called.append(ticket.display_no)
        services.queue.finish(actor, ticket.id)
    engine.dispose()
    return called


def test_two_processes_issuing_at_once_leave_no_gaps_or_duplicates(services, people,
                                                                   db_path) -> None:
    with processes.context().Manager() as manager, processes.pool(2) as pool:
        barrier = manager.Barrier(2)
        runs = [pool.apply_async(_issue_many, (str(db_path), people["lobby"].staff_id, 25, barrier))
                for _ in range(2)]
        results = [r.get(timeout=120) for r in runs]
    issued = results[0] + results[1]
    assert len(issued) == 50
    assert sorted(issued) == [f"A{n:03d}" for n in range(1, 51)]
    with Session(services.ctx.engine) as s:
        numbers = sorted(t.number for t in s.exec(select(Ticket)))
    assert numbers == list(range(1, 51))


def test_two_counters_in_two_processes_never_get_the_same_ticket(services, people,
                                                                 db_path) -> None:
    lobby = people["lobby"]
    issued = [services.queue.issue(lobby, "A").display_no for _ in range(30)]
    with processes.context().Manager() as manager, processes.pool(2) as pool:
        barrier = manager.Barrier(2)
        runs = [pool.apply_async(_call_all, (str(db_path), people[t].staff_id, no, barrier))
                for t, no in (("t1", "01"), ("t2", "02"))]
        results = [r.get(timeout=120) for r in runs]
    called = results[0] + results[1]
    assert sorted(called) == sorted(issued)  # none twice, none lost
    assert len(set(called)) == len(called)


# --- calling order --------------------------------------------------------------------------
def test_premium_lanes_first_at_counters_that_serve_them(services, people, clock) -> None:
    lobby, t1, t2 = people["lobby"], people["t1"], people["t2"]
    services.queue.issue(lobby, "A")
    clock.advance(minutes=1)
    services.queue.issue(lobby, "C")
    clock.advance(minutes=1)
    services.queue.issue(lobby, "V")
    clock.advance(minutes=1)
    first = services.queue.call_next(t1, "01")
    assert first.display_no == "C500"  # the large/premium cash lane before ordinary cash
    # counter 02 (A, C, B) takes the A ticket: C is called, V is not one of its lanes
    assert services.queue.call_next(t2, "02").display_no == "A001"
    services.queue.finish(t1, first.id)
    assert services.queue.call_next(t1, "01") is None  # V waits for a non-cash counter
    assert services.queue.call_next(people["t3"], "03").display_no == "V001"


def test_an_ordinary_ticket_waiting_past_the_limit_is_boosted(services, people, clock,
                                                              settings) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    old = services.queue.issue(lobby, "A")
    clock.advance(minutes=settings.queue.starvation_minutes)
    services.queue.issue(lobby, "C")
    ordered = services.queue.waiting_for(t1, "01")
    assert [t.display_no for t in ordered] == [old.display_no, "C500"]
    assert services.queue.call_next(t1, "01").id == old.id


def test_before_the_limit_premium_still_goes_first(services, people, clock, settings) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    services.queue.issue(lobby, "A")
    clock.advance(minutes=settings.queue.starvation_minutes - 1)
    services.queue.issue(lobby, "C")
    assert services.queue.call_next(t1, "01").display_no == "C500"


def test_calling_needs_a_session_at_that_counter(services, people) -> None:
    services.queue.issue(people["lobby"], "A")
    with pytest.raises(Conflict) as err:
        services.queue.call_next(people["t1"], "02")  # t1 is signed on to 01, not 02
    assert err.value.key == "error.queue.not_signed_on"


def test_lobby_cannot_call(services, people) -> None:
    with pytest.raises(PermissionDenied):
        services.queue.call_next(people["lobby"], "01")


def test_one_ticket_at_a_time_per_counter(services, people) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    services.queue.issue(lobby, "A")
    services.queue.issue(lobby, "A")
    services.queue.call_next(t1, "01")
    with pytest.raises(Conflict) as err:
        services.queue.call_next(t1, "01")
    assert err.value.key == "error.queue.counter_busy"


def test_nobody_waiting_returns_none(services, people) -> None:
    assert services.queue.call_next(people["t1"], "01") is None


def test_call_a_particular_ticket_out_of_order(services, people, clock) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    services.queue.issue(lobby, "A")
    clock.advance(minutes=1)
    second = services.queue.issue(lobby, "A")
    called = services.queue.call(t1, "01", second.id)
    assert (called.display_no, called.status, called.counter_no) == ("A002", "called", "01")
    b = services.queue.issue(lobby, "B")
    services.queue.finish(t1, called.id)
    with pytest.raises(Conflict) as err:
        services.queue.call(t1, "01", b.id)  # counter 01 does not serve B
    assert err.value.key == "error.queue.not_this_counter"


# --- the steps of a ticket -----------------------------------------------------------------
def test_full_timeline_and_derived_times(services, people, clock, engine) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    ticket = services.queue.issue(lobby, "A", note="取款")
    clock.advance(minutes=6)
    services.queue.call_next(t1, "01")
    clock.advance(minutes=1)
    services.queue.recall(t1, ticket.id)
    clock.advance(minutes=1)
    services.queue.start(t1, ticket.id)
    clock.advance(minutes=4)
    done = services.queue.finish(t1, ticket.id)
    assert done.status == "done" and done.recalls == 1 and done.served_by == t1.staff_id
    assert events_of(engine, ticket.id) == ["issued", "called", "recalled", "started", "finished"]
    d = services.queue.durations(t1, ticket.id)
    assert (d.waited, d.served, d.first_wait) == (360, 240, 360)
    history = services.queue.events(lobby, ticket.id)
    assert [e.by_name for e in history] == ["赵大堂"] + ["陈柜员"] * 4


def test_only_the_serving_teller_may_step_the_ticket(services, people) -> None:
    lobby, t1, t2 = people["lobby"], people["t1"], people["t2"]
    services.queue.issue(lobby, "A")
    ticket = services.queue.call_next(t1, "01")
    with pytest.raises(PermissionDenied):
        services.queue.start(t2, ticket.id)
    with pytest.raises(PermissionDenied):
        services.queue.finish(t2, ticket.id)


def test_no_show_after_recalls(services, people, engine) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    services.queue.issue(lobby, "A")
    ticket = services.queue.call_next(t1, "01")
    services.queue.recall(t1, ticket.id)
    gone = services.queue.no_show(t1, ticket.id)
    assert gone.status == "no_show" and gone.finished_at is not None
    assert services.queue.at_counter(t1, "01") is None
    with pytest.raises(Conflict):
        services.queue.start(t1, ticket.id)


def test_park_and_requeue_keeps_the_number(services, people, clock, engine) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    ticket = services.queue.issue(lobby, "A")
    services.queue.call_next(t1, "01")
    services.queue.start(t1, ticket.id)
    parked = services.queue.park(t1, ticket.id, "回家取身份证")
    assert parked.status == "parked"
    assert services.queue.at_counter(t1, "01") is None  # the counter is free again
    with pytest.raises(Conflict):
        services.queue.requeue(lobby, services.queue.issue(lobby, "A").id)  # not parked
    clock.advance(minutes=30)
    back = services.queue.requeue(lobby, ticket.id, counter_no="01")
    assert (back.display_no, back.status, back.counter_no) == ("A001", "waiting", "01")
    assert back.queued_at == clock.now()
    # directed at counter 01: it comes before the other waiting ticket there, and 02 cannot take it
    assert services.queue.call_next(people["t2"], "02").display_no == "A002"
    assert services.queue.call_next(t1, "01").display_no == "A001"
    assert events_of(engine, ticket.id) == ["issued", "called", "started", "parked", "requeued",
                                            "called"]


def test_transfer_keeps_the_number_and_moves_the_lane(services, people, clock, engine) -> None:
    lobby, t1, t3 = people["lobby"], people["t1"], people["t3"]
    ticket = services.queue.issue(lobby, "A")
    services.queue.issue(lobby, "B")  # B001 exists: the transferred A001 must not clash
    services.queue.call_next(t1, "01")
    services.queue.start(t1, ticket.id)
    moved = services.queue.transfer(t1, ticket.id, to_category="B", note="需办理挂失")
    assert (moved.display_no, moved.category, moved.series, moved.status) == (
        "A001", "B", "A", "waiting")
    assert moved.note == "需办理挂失" and moved.counter_no is None
    assert services.queue.issue(lobby, "A").display_no == "A002"  # the A series goes on
    assert services.queue.issue(lobby, "B").display_no == "B002"
    ev = services.queue.events(t3, ticket.id)[-1]
    assert (ev.kind, ev.from_category, ev.to_category, ev.note) == (
        "transferred", "A", "B", "需办理挂失")


def test_transfer_to_a_counter_directs_the_ticket_there(services, people) -> None:
    lobby, t1, t3 = people["lobby"], people["t1"], people["t3"]
    services.queue.issue(lobby, "B")
    ticket = services.queue.issue(lobby, "A")
    services.queue.call(t1, "01", ticket.id)
    services.queue.transfer(t1, ticket.id, to_category="B", to_counter="03")
    assert services.queue.call_next(t3, "03").id == ticket.id  # ahead of the older B001


def test_the_lobby_may_move_a_waiting_ticket_but_not_one_at_a_counter(services, people) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    waiting = services.queue.issue(lobby, "A")
    moved = services.queue.transfer(lobby, waiting.id, to_category="C")
    assert moved.category == "C" and moved.priority == 5
    services.queue.issue(lobby, "A")
    at_counter = services.queue.call_next(t1, "01")
    with pytest.raises(PermissionDenied):
        services.queue.transfer(lobby, at_counter.id, to_category="B")


def test_cancel_needs_a_reason(services, people) -> None:
    lobby = people["lobby"]
    ticket = services.queue.issue(lobby, "A")
    with pytest.raises(FieldError):
        services.queue.cancel(lobby, ticket.id, "  ")
    gone = services.queue.cancel(lobby, ticket.id, "客户离开")
    assert gone.status == "cancelled"
    assert services.queue.tickets(lobby) == []


def test_find_by_printed_number(services, people) -> None:
    lobby = people["lobby"]
    ticket = services.queue.issue(lobby, "V")
    assert services.queue.find(lobby, "v001").id == ticket.id


def test_every_step_is_audited(services, people, head) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    ticket = services.queue.issue(lobby, "A")
    services.queue.call_next(t1, "01")
    services.queue.finish(t1, ticket.id)
    assert services.audit.verify(head).ok
    with Session(services.ctx.engine) as s:
        from wealthtui.model import AuditEvent

        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.entity == "ticket"))]
    assert actions == ["queue.issue", "queue.call", "queue.start", "queue.finish"]


# --- boards ---------------------------------------------------------------------------------
def test_snapshot_counts_waits_counters_and_calls(services, people, clock) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    services.queue.issue(lobby, "A")
    clock.advance(minutes=4)
    services.queue.issue(lobby, "A")
    services.queue.issue(lobby, "B")
    clock.advance(minutes=2)
    called = services.queue.call_next(t1, "01")
    snap = services.queue.snapshot(lobby)
    loads = {c.code: c for c in snap.categories}
    assert (loads["A"].waiting, loads["B"].waiting, loads["V"].waiting) == (1, 1, 0)
    assert loads["A"].longest_wait_seconds == 120 and loads["B"].longest_wait_seconds == 120
    counters = {c.no: c for c in snap.counters}
    assert (counters["01"].state, counters["01"].staff_name, counters["01"].ticket_no) == (
        "open", "陈柜员", called.display_no)
    assert counters["04"].state == "closed"
    assert [c.display_no for c in snap.last_calls] == [called.display_no]
    assert snap.waiting_total == 2


def test_board_needs_no_login_and_shows_no_names(services, people, clock) -> None:
    lobby, t1 = people["lobby"], people["t1"]
    for _ in range(3):
        services.queue.issue(lobby, "A")
    first = services.queue.call_next(t1, "01")
    services.queue.finish(t1, first.id)
    clock.advance(seconds=10)
    second = services.queue.call_next(t1, "01")
    board = services.queue.board()
    assert board.now_calling.display_no == second.display_no and board.now_calling.counter_no == "01"
    assert [c.display_no for c in board.recent] == [first.display_no]
    assert ("A", "现金业务", "Cash", 1) in board.waiting
    assert "陈柜员" not in repr(board)
