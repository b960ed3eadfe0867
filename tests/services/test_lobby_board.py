"""The lobby's visits list at scale (issue 22): the latest N of today's visits read by index with
the day's count, and an incremental reload that reads only the visits written since a change
marker. The rows equal what `visits()` gives (one truth); the rows read do not grow with the day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.lobby_data import add_client
from tests.read_probe import probe_engine
from wealthtui.services import Services
from wealthtui.services.errors import PermissionDenied
from wealthtui.services.lobby import merge_visits
from wealthtui.services.lobby_board import read_board
from wealthtui.store.engine import is_sqlite


@pytest.fixture
def people(make_staff):
    return {
        "lobby": make_staff("lobby_manager", staff_no="L1", name="赵大堂"),
        "cm": make_staff("wealth_cm", staff_no="C1", name="李理财"),
    }


def _day(services: Services, clock, engine, lobby, cm, visitors: int, *, first_seq: int = 1):
    """`visitors` visits a minute apart: every third a premium client of the CM, every third a
    known ordinary client guided to a ticket, the rest walk-ins."""
    ids = []
    for i in range(visitors):
        clock.advance(minutes=1)
        kind = i % 3
        if kind == 0:
            cid = add_client(engine, f"贵宾{first_seq + i}", seq=first_seq + i, tier="premium",
                             cm_id=cm.staff_id)
            ids.append(services.lobby.arrive(lobby, client_id=cid).id)
        elif kind == 1:
            cid = add_client(engine, f"客户{first_seq + i}", seq=first_seq + i)
            visit = services.lobby.arrive(lobby, client_id=cid)
            services.lobby.guide(lobby, visit.id, business="non_cash")
            ids.append(visit.id)
        else:
            ids.append(services.lobby.arrive(lobby).id)
    return ids


def test_the_board_is_the_first_rows_of_the_day_and_its_count(services, engine, clock,
                                                              people) -> None:
    lobby, cm = people["lobby"], people["cm"]
    clock.advance(days=-1)
    _day(services, clock, engine, lobby, cm, 4, first_seq=500)   # yesterday: not on the board
    clock.advance(days=1)
    _day(services, clock, engine, lobby, cm, 12)
    everything = services.lobby.visits(lobby)
    board = services.lobby.visits_board(lobby, limit=5)
    assert board.complete and board.total == len(everything) == 12
    assert board.rows == tuple(everything[:5])
    assert services.lobby.visits_board(lobby).rows == tuple(everything)  # 200 by default
    assert board.marker == services.audit.change_marker()


def test_a_reload_after_a_marker_reads_only_what_changed(services, engine, clock,
                                                         people) -> None:
    lobby, cm = people["lobby"], people["cm"]
    ids = _day(services, clock, engine, lobby, cm, 9)
    board = services.lobby.visits_board(lobby, limit=6)
    assert services.lobby.visits_board(lobby, since=board.marker).rows == ()  # nothing since
    walk_in = ids[-1]                              # a walk-in, on the board
    premium = ids[3]                               # a premium client's visit, on the board
    clock.advance(minutes=1)
    newcomer = services.lobby.arrive(lobby).id
    services.lobby.guide(lobby, walk_in, business="non_cash")      # its ticket changes the row
    arrival = services.lobby.visit(lobby, premium).arrival
    services.handoffs.accept(cm, arrival.handoff_id)               # the arrival accepted
    delta = services.lobby.visits_board(lobby, limit=6, since=board.marker)
    assert not delta.complete and delta.total == 10
    assert {v.id for v in delta.rows} == {newcomer, walk_in, premium}
    fresh = services.lobby.visits_board(lobby, limit=6)
    assert merge_visits(board.rows, delta, 6) == fresh.rows
    assert delta.marker == fresh.marker
    # a marker from before a long gap, or from the future: the whole board again
    assert services.lobby.visits_board(lobby, limit=6, since=None).rows == fresh.rows
    assert services.lobby.visits_board(lobby, limit=6, since=fresh.marker + 10).complete


def test_rows_read_do_not_grow_with_the_day(services, settings, engine, clock, people,
                                            db_url) -> None:
    lobby, cm = people["lobby"], people["cm"]
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, clock)
    try:
        _day(services, clock, engine, lobby, cm, 12)
        probe.reset()
        watched.lobby.visits_board(lobby, limit=5)
        small_day = probe.rows
        marker = watched.lobby.visits_board(lobby, limit=5).marker
        _day(services, clock, engine, lobby, cm, 36, first_seq=100)
        probe.reset()
        big = watched.lobby.visits_board(lobby, limit=5)
        assert big.total == 48
        assert probe.rows == small_day          # 4× the visits, the same rows read
        assert probe.rows <= 40                 # the five shown, their tickets and arrivals
        clock.advance(minutes=1)
        services.lobby.arrive(lobby)
        marker = big.marker
        probe.reset()
        delta = watched.lobby.visits_board(lobby, limit=5, since=marker)
        assert len(delta.rows) == 1 and probe.rows <= 12
    finally:
        probe.engine.dispose()


def test_a_reload_reads_at_most_the_shown_rows_however_much_changed(
        services, settings, engine, clock, people, db_url) -> None:
    lobby, cm = people["lobby"], people["cm"]
    _day(services, clock, engine, lobby, cm, 6)
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, clock)
    try:
        board = watched.lobby.visits_board(lobby, limit=4)
        _day(services, clock, engine, lobby, cm, 30, first_seq=100)  # 30 written since
        probe.reset()
        delta = watched.lobby.visits_board(lobby, limit=4, since=board.marker)
        assert not delta.complete and len(delta.rows) == 4 and delta.total == 36
        few = probe.rows
        tickets_read = [params for sql, params in probe.selects()
                        if "FROM ticket" in sql and "visit_id IN" in sql]
        assert tickets_read and all(len(p) <= 4 for p in tickets_read)  # the shown rows' only
        assert merge_visits(board.rows, delta, 4) == services.lobby.visits_board(
            lobby, limit=4).rows
        probe.reset()
        assert len(watched.lobby.visits_board(lobby, limit=36, since=board.marker).rows) == 30
        # the same changes read for 36 shown rows: the 26 more views are the difference
        assert probe.rows - few >= 26
    finally:
        probe.engine.dispose()


def test_an_empty_day_and_who_may_read(services, people, make_staff) -> None:
    board = services.lobby.visits_board(people["lobby"], limit=5)
    assert (board.total, board.rows, board.complete) == (0, (), True)
    assert services.lobby.visits_board(people["lobby"], limit=0).rows == ()
    with pytest.raises(PermissionDenied):
        services.lobby.visits_board(make_staff("marketing_cm", staff_no="C9"), limit=3)


def test_the_board_reads_by_index(services, settings, engine, clock, people, db_url) -> None:
    if not is_sqlite(engine):
        pytest.skip("query plans are checked on SQLite (EXPLAIN QUERY PLAN)")
    lobby, cm = people["lobby"], people["cm"]
    _day(services, clock, engine, lobby, cm, 9)
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, clock)
    try:
        marker = watched.lobby.visits_board(lobby, limit=5).marker
        clock.advance(minutes=1)
        services.lobby.arrive(lobby)
        watched.lobby.visits_board(lobby, limit=5, since=marker)
        plans = probe.plans()
        assert probe.full_scans({"visit", "ticket", "handoff", "row_seal", "client"}) == []
        text = "\n".join(line for _sql, lines in plans for line in lines)
        assert "ix_visit_day_arrived" in text and "ix_ticket_visit_id" in text
        assert "ix_row_seal_audit_id" in text
        visits_sql = [lines for sql, lines in plans if "LIMIT" in sql and "FROM visit" in sql]
        assert visits_sql and not any("TEMP B-TREE" in line for line in visits_sql[0])
    finally:
        probe.engine.dispose()


def test_visits_of_another_day_shown_are_replaced(services, engine, clock, people) -> None:
    lobby, cm = people["lobby"], people["cm"]
    _day(services, clock, engine, lobby, cm, 3)
    yesterday = services.lobby.visits_board(lobby)
    clock.advance(days=1)
    clock.set(clock.now().replace(hour=1) + timedelta(hours=0))  # 09:00 local the next day
    delta = services.lobby.visits_board(lobby, since=yesterday.marker)
    assert merge_visits(yesterday.rows, delta, 10) == ()


def _few_arrivals(settings, n: int):
    return settings.model_copy(update={"reads": settings.reads.model_copy(
        update={"lobby_arrivals": n})})


def test_a_whole_board_reload_reads_the_same_however_busy_the_day(
        services, settings, engine, clock, people, db_url) -> None:
    """read_board (queue, arrivals, visits, flow counts): the rows read on a day with 5
    premium arrivals and on one with 15 are the same; the open arrivals stay on the list."""
    lobby, cm = people["lobby"], people["cm"]
    probe = probe_engine(db_url)
    watched = Services(probe.engine, _few_arrivals(settings, 5), clock)
    try:
        _day(services, clock, engine, lobby, cm, 15)             # 5 premium arrivals
        services.handoffs.complete(cm, services.lobby.arrivals(lobby)[0].handoff_id)
        probe.reset()
        read_board(watched, lobby, 5, None)
        quiet = probe.rows
        first = services.lobby.arrivals(lobby)[-1]                   # the day's first, open
        _day(services, clock, engine, lobby, cm, 30, first_seq=100)  # 10 more, all received
        for a in services.lobby.arrivals(lobby)[:10]:
            services.handoffs.complete(cm, a.handoff_id)
        probe.reset()
        board = read_board(watched, lobby, 5, None)
        assert probe.rows == quiet                    # 3× the arrivals, the same rows read
        assert board.arrivals is not None and board.counts is not None
        assert board.arrivals.waiting == 4 and len(board.arrivals.rows) == 5
        # the four still open stay on the list below ten newer ones done, and the newest
        assert [a.status for a in board.arrivals.rows].count("open") == 4
        assert first.handoff_id in [a.handoff_id for a in board.arrivals.rows]
        assert board.arrivals.rows[0].status == "done"
        assert board.visits.total == board.counts.visitors == 45
        clock.advance(minutes=1)
        services.lobby.arrive(lobby)
        probe.reset()
        delta = read_board(watched, lobby, 5, board.visits.marker)
        assert len(delta.visits.rows) == 1 and probe.rows <= quiet
    finally:
        probe.engine.dispose()


def test_the_whole_board_reads_by_index(services, settings, engine, clock, people,
                                        db_url) -> None:
    """The board's latest-N reads (last calls, arrivals, visits) walk an index newest first and
    stop at N: no table read whole, no sort of the day's rows."""
    if not is_sqlite(engine):
        pytest.skip("query plans are checked on SQLite (EXPLAIN QUERY PLAN)")
    lobby, cm = people["lobby"], people["cm"]
    _day(services, clock, engine, lobby, cm, 6)
    probe = probe_engine(db_url)
    try:
        read_board(Services(probe.engine, settings, clock), lobby, 5, None)
        assert probe.full_scans({"visit", "ticket", "ticket_event", "handoff", "client"}) == []
        limited = [(sql, lines) for sql, lines in probe.plans() if "LIMIT" in sql]
        text = "\n".join(line for _sql, lines in limited for line in lines)
        assert "ix_ticket_event_at" in text and "ix_handoff_kind_day" in text
        assert [sql for sql, lines in limited if any("TEMP B-TREE" in x for x in lines)] == []
    finally:
        probe.engine.dispose()


def test_the_whole_board_is_one_call_reading_the_actor_once(
        services, settings, engine, clock, people, db_url) -> None:
    """read_board is one service call (LobbyService.board): one transaction that reads the
    signed-in staff member and their roles once, not once per part (queue, arrivals, visits,
    flow counts: four reads of the actor, four transactions); the parts still check their own
    action, and a staff member who may not see the arrivals or the flow counts gets None."""
    lobby, cm = people["lobby"], people["cm"]
    _day(services, clock, engine, lobby, cm, 6)
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, clock)
    try:
        probe.reset()
        board = read_board(watched, lobby, 5, None)
        actor_reads = [sql for sql, _ in probe.statements
                       if "FROM staff LEFT OUTER JOIN staff_role" in " ".join(sql.split())]
        assert len(actor_reads) == 1, actor_reads
        assert board.arrivals is not None and board.counts is not None
        assert board.visits.total == board.counts.visitors == 6
        assert board == services.lobby.board(lobby, limit=5, last_calls=4)  # the same read
    finally:
        probe.engine.dispose()
