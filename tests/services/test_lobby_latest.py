"""The lobby's visits table reads what it shows (issue 22): the day's latest N visits, newest
first, equal to the head of the whole day's list, and the day's count; statements do not grow
with the day."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.lobby_data import add_client
from wealthtui.services.errors import PermissionDenied


@pytest.fixture
def lobby(make_staff):
    return make_staff("lobby_manager", staff_no="L1", name="赵大堂")


def test_latest_visits_are_the_head_of_the_day(services, lobby, engine, clock) -> None:
    client = add_client(engine, "张三", seq=1, tier="premium")
    for i in range(7):
        services.lobby.arrive(lobby, client_id=client if i == 3 else None)
        clock.advance(minutes=1)
    page = services.lobby.latest_visits(lobby, limit=3)
    everything = services.lobby.visits(lobby)
    assert page.total == 7 == len(everything)
    assert page.rows == everything[:3]
    assert [v.arrived_at for v in page.rows] == sorted((v.arrived_at for v in page.rows),
                                                       reverse=True)
    assert services.lobby.latest_visits(lobby, limit=50).rows == everything
    assert services.lobby.latest_visits(lobby, limit=0).rows == everything[:1]  # at least one


def test_an_empty_day(services, lobby) -> None:
    page = services.lobby.latest_visits(lobby, limit=5)
    assert (page.total, page.rows) == (0, [])


def test_reads_do_not_grow_with_the_day(services, lobby, engine) -> None:
    counted: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            counted.append(statement)

    def statements(limit: int) -> int:
        counted.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            services.lobby.latest_visits(lobby, limit=limit)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(counted)

    for _ in range(3):
        services.lobby.arrive(lobby)
    few = statements(2)
    for _ in range(30):
        services.lobby.arrive(lobby)
    assert statements(2) == few


def test_only_who_records_visits_reads_them(services, make_staff) -> None:
    cm = make_staff("marketing_cm", staff_no="C9")
    with pytest.raises(PermissionDenied):
        services.lobby.latest_visits(cm, limit=3)
