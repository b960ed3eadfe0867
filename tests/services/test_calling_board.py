"""The calling board's one read (reports.calling_board, issue 22): the wall board
(`wealthtui display`, on the engine alone) and `QueueService.board` / the lobby's queue snapshot
(in the services' unit of work) show the same figures on a busy queue, on both backends."""

from __future__ import annotations

import pytest

from tests.lobby_data import sign_on
from tests.reports.test_core_readers import _statements, full_scans
from wealthtui.reports import calling_board
from wealthtui.ui.screens.display import DisplayApp


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


def busy_queue(services, people, clock) -> list[str]:
    """Many tickets in several lanes, calls at three counters, a recall, a no-show, served and
    finished tickets, and tickets still waiting; the display numbers called, in order."""
    lobby, t1, t2, t3 = people["lobby"], people["t1"], people["t2"], people["t3"]
    for lane, count in (("A", 12), ("B", 7), ("V", 3)):
        for _ in range(count):
            services.queue.issue(lobby, lane)
            clock.advance(seconds=7)
    called: list[str] = []
    for round_ in range(4):
        for teller, counter in ((t1, "01"), (t2, "02"), (t3, "03")):
            ticket = services.queue.call_next(teller, counter)
            assert ticket is not None
            called.append(ticket.display_no)
            clock.advance(seconds=11)
            if round_ == 1 and counter == "02":
                services.queue.recall(teller, ticket.id)
                called.append(ticket.display_no)
                clock.advance(seconds=5)
            if round_ == 2 and counter == "03":
                services.queue.no_show(teller, ticket.id)
            elif round_ < 3:
                services.queue.start(teller, ticket.id)
                services.queue.finish(teller, ticket.id)
            clock.advance(seconds=13)
    return called


@pytest.mark.parametrize("recent", [0, 3, 6, 40])
def test_the_wall_board_and_the_queue_service_read_the_same_board(services, people, clock,
                                                                  engine, recent) -> None:
    called = busy_queue(services, people, clock)
    wall = calling_board.read(engine, services.settings, clock.now(), recent)[1]
    assert wall is not None
    assert wall == services.queue.board(recent=recent)
    shown = [wall.now_calling.display_no] + [c.display_no for c in wall.recent]
    assert shown == called[::-1][:recent + 1]
    assert any(c.recall for c in (wall.now_calling, *wall.recent)) == (recent >= 7)
    # the lobby's queue snapshot shows the same waiting counts and last calls
    snap = services.queue.snapshot(people["lobby"], last_calls=recent + 1)
    assert tuple((c.prefix, c.name, c.name_en, c.waiting) for c in snap.categories) == wall.waiting
    assert snap.last_calls == ((wall.now_calling, *wall.recent))
    waiting = {prefix: count for prefix, _n, _e, count in wall.waiting}
    assert waiting["A"] + waiting["B"] + waiting["V"] > 0 and sum(waiting.values()) == 22 - 12


def test_the_wall_board_reads_again_only_when_something_changed(services, people, clock,
                                                                engine) -> None:
    busy_queue(services, people, clock)
    settings = services.settings
    marker, board = calling_board.read(engine, settings, clock.now(), 6)
    assert board is not None and marker == services.audit.change_marker()
    assert calling_board.read(engine, settings, clock.now(), 6, marker,
                              board.at.astimezone(services.ctx.tz).date()) == (marker, None)
    services.queue.issue(people["lobby"], "A")
    again, board = calling_board.read(engine, settings, clock.now(), 6, marker,
                                      clock.now().astimezone(services.ctx.tz).date())
    assert again > marker and board == services.queue.board(recent=6)


async def test_the_display_shows_what_the_queue_service_reads(services, people, clock) -> None:
    busy_queue(services, people, clock)
    app = DisplayApp(services=services, settings=services.settings)
    async with app.run_test(size=(80, 24)):
        await app.workers.wait_for_complete()
        await app.calls_settled()
        assert app.board == services.queue.board(recent=app.recent)


def test_the_board_reads_the_tickets_and_their_events_through_indexes(backend, services, people,
                                                                      clock, engine) -> None:
    """The wall board is read every few seconds all day: its statements reach the tickets and
    their events by an index (the day's last calls walked back by time, the waiting tickets by
    day and status), never by a scan of the whole table."""
    if backend != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    busy_queue(services, people, clock)
    statements = _statements(engine, lambda conn: calling_board.board_in(
        conn, services.settings, clock.now(), services.ctx.today(), services.ctx.tz, 6))
    assert len([sql for sql, _ in statements if sql.startswith("SELECT")]) == 2
    assert full_scans(engine, statements) == []
