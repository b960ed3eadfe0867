"""The lean read path of services.lean (`@requires(..., write=False, lean=True)`, ReadUnit,
ReadStatement, LeanReader): the same guarantees as every service call — the actor's staff row
read on every call, refusals audited, values as Core gives them, a unit of work joined — without
the ORM; its connections are its own, read-only, replaced when dropped, closed with the engine.
Both backends."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import bindparam, event, func, select
from sqlmodel import Session

from tests.conftest import T0
from tests.lobby_data import add_client, attend, card_no
from wealthtui.model import Attendance, AuditEvent, Client, Staff
from wealthtui.services.base import REGISTRY, Service, requires
from wealthtui.services.errors import NotFound, PermissionDenied
from wealthtui.services.lean import LeanReader, ReadStatement, ReadUnit

CLIENT_FACTS = ReadStatement(lambda: select(
    Client.id, Client.name, Client.birthday, Client.lunar_birthday, Client.created_at,
    Client.risk_assessed_on, Client.aum_fen,
).where(Client.id == bindparam("id")))
PRESENT = ReadStatement(lambda: select(Attendance.staff_id, Attendance.present)
                        .where(Attendance.business_date == bindparam("day"))
                        .order_by(Attendance.staff_id))
STAFF_COUNT = ReadStatement(lambda: select(func.count(Staff.id)))


@pytest.fixture
def lobby(make_staff):  # type: ignore[no-untyped-def]
    return make_staff("lobby_manager", staff_no="L1", name="赵大堂")


@pytest.fixture
def client_id(engine) -> int:  # type: ignore[no-untyped-def]
    return add_client(engine, "张三", seq=1, card=card_no(1), birth=date(1980, 2, 29),
                      risk_assessed_on=date(2026, 1, 5), lunar_birthday=True)


@pytest.fixture
def admin_probe(services):  # type: ignore[no-untyped-def]
    """A lean method that needs staff.admin (defined here, kept out of the registry)."""
    before = len(REGISTRY)

    class Probe(Service):
        @requires("staff.admin", write=False, lean=True)
        def staff_count(self, unit: ReadUnit) -> int:
            return int(unit.rows(STAFF_COUNT)[0][0])

    del REGISTRY[before:]
    return Probe(services.ctx)


def refusals(engine) -> list[tuple[int | None, str, str]]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "security.refused")
                         .order_by(AuditEvent.id)).all()
    return [(r.actor_id, r.entity_id, json.loads(r.detail)["reason"]) for r in rows]


# --- security: checked on every call, refusals audited ------------------------------------------
def test_a_role_without_the_action_is_refused_and_the_refusal_audited(
        services, lobby, head, admin_probe, engine) -> None:
    with pytest.raises(PermissionDenied) as err:
        admin_probe.staff_count(lobby)
    assert err.value.key == "error.permission.denied"
    assert refusals(engine) == [(lobby.staff_id, "staff.admin", "error.permission.denied")]
    assert admin_probe.staff_count(head) >= 2


def test_deactivation_and_a_role_change_apply_at_the_very_next_call(
        services, lobby, head, admin_probe, engine, client_id, make_staff) -> None:
    assert [c.name for c in services.lookup.search(lobby, "张三")] == ["张三"]
    with pytest.raises(PermissionDenied):
        admin_probe.staff_count(lobby)
    # granting the head role waits for a second person (issue 15)
    grant = services.staff.set_roles(head, "L1", ["lobby_manager", "head"]).pending
    with pytest.raises(PermissionDenied):
        admin_probe.staff_count(lobby)
    services.staff.approve_grant(make_staff("supervisor"), grant.id)
    assert admin_probe.staff_count(lobby) >= 2  # the new role counts at once
    services.staff.deactivate(head, "L1")
    with pytest.raises(PermissionDenied) as err:
        services.lookup.search(lobby, "张三")
    assert err.value.key == "error.permission.inactive"
    with pytest.raises(PermissionDenied):
        services.lookup.get(lobby, client_id)
    assert refusals(engine)[-2:] == [
        (lobby.staff_id, "client.lookup", "error.permission.inactive")] * 2


def test_an_actor_whose_pin_was_reset_is_refused_until_a_new_pin(services, lobby, head,
                                                                 client_id) -> None:
    """Issue 15: a one-time PIN allows nothing but choosing a new PIN, on the lean path too."""
    one_time = services.staff.reset_pin(head, "L1", terminal="office").pin
    with pytest.raises(PermissionDenied):
        services.lookup.get(lobby, client_id)
    services.auth.complete_reset("L1", one_time, "592716", terminal="lobby")
    assert services.lookup.get(lobby, client_id) is not None


def test_an_unknown_staff_id_is_refused(services, head, client_id) -> None:
    ghost = type(head)(staff_id=987654, staff_no="X", name="nobody", roles=head.roles)
    with pytest.raises(PermissionDenied) as err:
        services.lookup.get(ghost, client_id)
    assert err.value.key == "error.permission.inactive"


# --- values and statements ----------------------------------------------------------------------
def test_rows_come_back_as_core_gives_them(services, lobby, engine, client_id) -> None:
    attend(engine, lobby.staff_id, present=False)
    day = T0.date()

    def read(unit: ReadUnit):  # type: ignore[no-untyped-def]
        return unit.rows(CLIENT_FACTS, {"id": client_id}), unit.rows(PRESENT, {"day": day})

    # the first run learns the column types; later ones run the generated fetch
    first = services.ctx.reader.run(lobby.staff_id, "client.lookup", read)
    lean = services.ctx.reader.run(lobby.staff_id, "client.lookup", read)
    with engine.connect() as conn:
        core = ([tuple(r) for r in conn.execute(CLIENT_FACTS.statement, {"id": client_id})],
                [tuple(r) for r in conn.execute(PRESENT.statement, {"day": day})])
    assert first == lean == core
    (_id, name, birthday, lunar, created_at, risk_on, aum), = lean[0]
    assert (name, birthday, lunar, risk_on, aum) == ("张三", date(1980, 2, 29), True,
                                                     date(2026, 1, 5), 0)
    assert created_at == T0 and created_at.utcoffset() == timedelta(0)
    assert lean[1] == [(lobby.staff_id, False)]


def test_each_date_given_reads_its_own_rows(services, lobby, engine) -> None:
    """A date parameter's conversion is kept for the last date converted: a new date, and
    then the earlier one again, each read their own day (also after a listener came and went:
    the other way of running a statement)."""
    first, second = T0.date(), T0.date() + timedelta(days=1)
    attend(engine, lobby.staff_id, present=False, day=first)
    attend(engine, lobby.staff_id, present=True, day=second)

    def read(unit: ReadUnit, day: date):  # type: ignore[no-untyped-def]
        return unit.rows(PRESENT, {"day": day})

    run = services.ctx.reader.run
    expected = {first: [(lobby.staff_id, False)], second: [(lobby.staff_id, True)],
                first - timedelta(days=1): []}
    for day in [first, second, first, first - timedelta(days=1), second, first]:
        assert run(lobby.staff_id, "client.lookup", read, day) == expected[day]
    event.listen(engine, "before_cursor_execute", lambda *args: None)
    assert run(lobby.staff_id, "client.lookup", read, second) == expected[second]


def test_every_statement_reaches_the_engines_listeners(services, lobby, engine,
                                                       client_id) -> None:
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("SELECT staff.active"):
            seen.append("actor check")
        elif "FROM client_account JOIN client" in statement:
            seen.append("cards by card number")
        else:
            seen.append(statement.strip())

    event.listen(engine, "before_cursor_execute", record)
    try:
        cards = services.lookup.search(lobby, card_no(1))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [c.name for c in cards] == ["张三"]
    expected = ["actor check", "cards by card number"]
    if engine.dialect.name == "sqlite":  # one read transaction there
        expected = ["BEGIN", *expected, "COMMIT"]
    assert seen == expected


def test_a_call_that_fails_leaves_its_connection_ready_for_the_next(services, lobby,
                                                                    client_id) -> None:
    for _ in range(3):  # NotFound inside the read transaction: rolled back, connection kept
        with pytest.raises(NotFound):
            services.lookup.get(lobby, 424242)
    assert services.lookup.get(lobby, client_id).name == "张三"
    assert len(services.ctx.reader._idle) == 1


def test_expanding_parameters_are_refused(services, lobby) -> None:
    listed = ReadStatement(lambda: select(Client.id).where(
        Client.id.in_(bindparam("ids", expanding=True))))  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="expanding"):
        services.ctx.reader.run(lobby.staff_id, "client.lookup",
                                lambda unit: unit.rows(listed, {"ids": [1, 2]}))


def test_a_lean_method_must_be_a_read() -> None:
    with pytest.raises(ValueError):
        requires("client.lookup", write=True, lean=True)


# --- inside a unit of work ----------------------------------------------------------------------
def test_called_with_a_unit_of_work_it_joins_that_transaction(services, lobby) -> None:
    def body(uow):  # type: ignore[no-untyped-def]
        client = Client(name="李四", name_pinyin="lisi", name_initials="ls", id_type="resident",
                        id_number="110105197001010011", created_at=uow.now)
        uow.session.add(client)
        uow.session.flush()  # written in this transaction, not committed
        return services.lookup.get(uow, client.id)

    card = services.lookup._write(body, staff_id=lobby.staff_id)
    assert card.name == "李四"


# --- connections --------------------------------------------------------------------------------
def test_lean_connections_cannot_write(services, lobby, client_id) -> None:
    services.lookup.get(lobby, client_id)
    reader: LeanReader = services.ctx.reader
    held = reader._idle.pop()  # the connection the look-up used
    try:
        with pytest.raises(Exception, match="(?i)read.?only|readonly"):
            held[1].execute("UPDATE staff SET name = name")
    finally:
        reader._release(held, clean=False)


def test_a_dropped_connection_is_replaced(services, lobby, client_id) -> None:
    services.lookup.get(lobby, client_id)
    reader: LeanReader = services.ctx.reader
    assert len(reader._idle) == 1
    reader._idle[0][0].close()  # the server went away, say
    assert services.lookup.get(lobby, client_id).name == "张三"


def test_engine_dispose_closes_the_idle_connections(services, lobby, engine, client_id) -> None:
    services.lookup.get(lobby, client_id)
    reader: LeanReader = services.ctx.reader
    conn = reader._idle[0][0]
    engine.dispose()
    assert reader._idle == []
    with pytest.raises(Exception):  # noqa: B017, PT011 - each driver says "closed" its own way
        conn.cursor().execute("SELECT 1")
    assert services.lookup.get(lobby, client_id).name == "张三"


def test_threads_read_at_once_each_on_its_own_connection(services, lobby, engine) -> None:
    ids = [add_client(engine, f"王{n}", seq=40 + n, card=card_no(40 + n)) for n in range(4)]
    errors: list[BaseException] = []
    found: dict[int, set[str]] = {}

    def work(n: int) -> None:
        try:
            for _ in range(25):
                found.setdefault(n, set()).update(
                    c.name for c in services.lookup.search(lobby, card_no(40 + n)))
                services.lookup.get(lobby, ids[n])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert found == {n: {f"王{n}"} for n in range(4)}
    assert len(services.ctx.reader._idle) <= LeanReader.KEEP


# --- the reader is made from the engine and the zone, not from a Context -------------------------
def test_a_reader_made_from_an_engine_and_a_zone_checks_and_reads(engine, clock, lobby,
                                                                   head) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    from wealthtui.rules.clock import FixedClock

    # 23:30 in Shanghai on 30 Nov is 1 Dec in Auckland: the reader's zone gives its business date
    late = FixedClock(T0.replace(hour=23))
    reader = LeanReader(engine, ZoneInfo("Pacific/Auckland"), clock=late, retries=0)
    try:
        day, count = reader.run(None, None,
                                lambda unit: (unit.today, int(unit.rows(STAFF_COUNT)[0][0])))
        assert day == date(2026, 12, 1)
        assert count >= 2
        assert reader.run(head.staff_id, "staff.admin",
                          lambda unit: sorted(unit.roles)) == ["head"]
        with pytest.raises(PermissionDenied) as err:
            reader.run(lobby.staff_id, "staff.admin", lambda unit: None)
        assert err.value.key == "error.permission.denied"
    finally:
        reader.close()
