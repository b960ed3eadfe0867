"""Row seals, the keyed chain and anchors (issue 15) on a real SQLite file and on PostgreSQL:
service writes leave nothing to report; a row, a seal or a trigger changed behind the services'
back is named; the chain is checked against anchors written outside the database; a keyed chain
cannot be appended to, or checked whole, without the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.counter_ready import sign_on_ready
from wealthtui.services import Actor, Services
from wealthtui.services.audit import store_findings, verify_engine, verify_store
from wealthtui.services.errors import Conflict
from wealthtui.store import anchors, seals

KEY = "0123456789abcdef" * 4


def keys(problems) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(p.key, str(p.params.get("table", p.params.get("name", ""))),
             str(p.params.get("id", ""))) for p in problems]


@pytest.fixture
def worked(services: Services, head: Actor, make_staff) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """A few writes through the services: staff, roles, tickets issued and one cancelled."""
    lobby = make_staff("lobby_manager", staff_no="L1", name="赵大堂")
    teller = make_staff("cash_teller", staff_no="T1", name="陈柜员")
    services.staff.set_roles(head, "T1", ["cash_teller", "non_cash_teller"])
    first = services.queue.issue(lobby, "A")
    services.queue.issue(lobby, "A")
    services.queue.cancel(lobby, first.id, "客户离开")
    return {"lobby": lobby, "teller": teller, "ticket": first.id}


def test_service_writes_are_sealed_and_check_clean(engine: Engine, worked) -> None:  # type: ignore[no-untyped-def]
    assert verify_engine(engine).ok
    assert store_findings(engine) == []
    with engine.connect() as conn:
        sealed = dict(conn.execute(text(
            "SELECT tbl, count(*) FROM row_seal GROUP BY tbl")).all())
        carried = conn.execute(text(
            "SELECT seals FROM audit_event WHERE action = 'queue.cancel'")).scalar_one()
    assert sealed["staff"] == 3 and sealed["ticket"] == 2 and sealed["ticket_event"] >= 3
    # the cancel's own event carries the ticket's new state (and its timeline event)
    assert f"ticket\t{worked['ticket']}\t" in carried


def test_a_direct_update_is_named_with_its_row(engine: Engine, worked) -> None:  # type: ignore[no-untyped-def]
    """Roles given behind the services' back (a held role turned into another, one added) are
    named, as a changed row of any table is."""
    with engine.begin() as conn:
        teller_id = conn.execute(text("SELECT id FROM staff WHERE staff_no = 'T1'")).scalar_one()
        changed = conn.execute(text("SELECT id FROM staff_role WHERE staff_id = :s AND "
                                    "role = 'cash_teller'"), {"s": teller_id}).scalar_one()
        conn.execute(text("UPDATE staff_role SET role = 'head' WHERE id = :id"), {"id": changed})
        conn.execute(text("INSERT INTO staff_role (staff_id, role) VALUES (:s, 'supervisor')"),
                     {"s": teller_id})
        added = conn.execute(text("SELECT id FROM staff_role WHERE staff_id = :s AND "
                                  "role = 'supervisor'"), {"s": teller_id}).scalar_one()
        conn.execute(text("UPDATE ticket SET note = 'x' WHERE id = :id"), {"id": worked["ticket"]})
    found = keys(store_findings(engine))
    assert sorted(found) == sorted([
        ("tamper.seal.row_changed", "staff_role", str(changed)),
        ("tamper.seal.no_seal", "staff_role", str(added)),
        ("tamper.seal.row_changed", "ticket", str(worked["ticket"]))])


def test_rows_inserted_or_deleted_behind_the_services_are_named(engine: Engine, worked) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        event_id = conn.execute(text(
            "SELECT id FROM ticket_event WHERE ticket_id = :t ORDER BY id DESC LIMIT 1"),
            {"t": worked["ticket"]}).scalar_one()
        conn.execute(text("DELETE FROM ticket_event WHERE id = :id"), {"id": event_id})
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('x', 'not sealed: fine')"))
        conn.execute(text(
            "INSERT INTO manual_figure (month, indicator, staff_id, value, entered_by, entered_at)"
            " VALUES ('2026-11', 'sales', NULL, 1.5, 1, '2026-11-30 01:00:00')"))
        figure = conn.execute(text("SELECT max(id) FROM manual_figure")).scalar_one()
    found = keys(store_findings(engine))
    assert sorted(found) == sorted([
        ("tamper.seal.row_missing", "ticket_event", str(event_id)),
        ("tamper.seal.no_seal", "manual_figure", str(figure))])


def test_a_forged_or_rolled_back_seal_is_named(engine: Engine, services: Services, head: Actor,
                                                worked) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        role_id, teller_id, before, old_digest = conn.execute(text(
            "SELECT sr.id, s.id, r.audit_id, r.digest FROM staff s "
            "JOIN staff_role sr ON sr.staff_id = s.id AND sr.role = 'non_cash_teller' "
            "JOIN row_seal r ON r.tbl = 'staff_role' AND r.row_id = CAST(sr.id AS VARCHAR(40)) "
            "WHERE s.staff_no = 'T1'")).one()
    services.staff.set_roles(head, "T1", ["cash_teller"])  # a later, audited change
    assert store_findings(engine) == []
    # put the role row and its seal back to the earlier state (both agree with an old event)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO staff_role (id, staff_id, role) "
                          "VALUES (:i, :s, 'non_cash_teller')"), {"i": role_id, "s": teller_id})
        conn.execute(text("UPDATE row_seal SET digest = :d, audit_id = :a "
                          "WHERE tbl = 'staff_role' AND row_id = :r"),
                     {"d": old_digest, "a": before, "r": str(role_id)})
    assert ("tamper.seal.stale", "staff_role", str(role_id)) in keys(store_findings(engine))
    # a seal recomputed for a new state is not the one its event carries
    with engine.begin() as conn:
        conn.execute(text("UPDATE staff_role SET role = 'head' WHERE id = :i"), {"i": role_id})
    from sqlmodel import Session

    from wealthtui.model import StaffRole

    with Session(engine) as s:
        forged = seals.seal_of_instance(s.get(StaffRole, role_id))
    assert forged is not None
    with engine.begin() as conn:
        conn.execute(text("UPDATE row_seal SET digest = :d "
                          "WHERE tbl = 'staff_role' AND row_id = :r"),
                     {"d": forged[2], "r": str(role_id)})
    found = keys(store_findings(engine))
    assert ("tamper.seal.not_in_event", "staff_role", str(role_id)) in found
    assert not [f for f in found if f[0] == "tamper.seal.row_changed"]


def test_dropped_or_altered_triggers_are_named(engine: Engine, worked) -> None:  # type: ignore[no-untyped-def]
    assert store_findings(engine) == []
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
            conn.execute(text("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                              "WHEN 0 BEGIN SELECT RAISE(ABORT, 'no'); END"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update ON audit_event"))
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_delete"))
    found = keys(store_findings(engine))
    assert ("tamper.trigger.missing", "audit_event_no_update", "") in found
    assert ("tamper.trigger.altered", "audit_event_no_delete", "") in found
    assert len(found) == 2


def _drop_triggers(conn) -> None:  # type: ignore[no-untyped-def]
    for verb in ("update", "delete"):
        if conn.dialect.name == "sqlite":
            conn.execute(text(f"DROP TRIGGER audit_event_no_{verb}"))
        else:
            conn.execute(text(f"DROP TRIGGER audit_event_no_{verb} ON audit_event"))


def test_truncation_before_an_anchor_is_reported_with_its_date(engine: Engine, services: Services,
                                                              worked) -> None:  # type: ignore[no-untyped-def]
    code = services.settings.center.code
    path, anchor = anchors.append(engine, code, services.ctx.now(), "manual")
    assert path.parent == anchors.folder() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert verify_store(engine, code, None).ok
    keep = anchor.last_id - 3
    with engine.begin() as conn:
        _drop_triggers(conn)
        conn.execute(text("DELETE FROM audit_event WHERE id > :k"), {"k": keep})
        conn.execute(text("UPDATE audit_head SET last_id = :k, last_hash = "
                          "(SELECT hash FROM audit_event WHERE id = :k)"), {"k": keep})
    assert verify_engine(engine).ok  # the chain alone looks intact ...
    report = verify_store(engine, code, None)  # ... the anchor does not
    assert not report.ok
    assert [(p.key, p.params["id"], p.params["date"]) for p in report.problems] == [
        ("tamper.problem.anchor_truncated", anchor.last_id, anchor.at)]


def test_a_day_close_writes_an_anchor(engine: Engine, services: Services, head: Actor,
                                      clock) -> None:  # type: ignore[no-untyped-def]
    services.day.open(head)
    state = services.day.state(head)
    services.day.close(head, explanations={p.key: f"说明{p.ref}" for p in state.problems
                                           if p.explainable})
    _path, found, bad = anchors.read(engine, services.settings.center.code)
    with engine.connect() as conn:
        last_id, last_hash, _ = anchors.head(conn)
    assert not bad and [(a.last_id, a.hash, a.reason) for a in found] == [
        (last_id, last_hash, f"close {services.ctx.today().isoformat()}")]


def test_a_keyed_chain_needs_the_key(engine: Engine, settings, clock, head: Actor,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEALTHTUI_AUDIT_KEY", KEY)
    keyed = Services(engine, settings, clock)
    keyed.staff.add(head, "S1", "钱多多", ["cash_teller"])
    with engine.connect() as conn:
        keyed_from = conn.execute(text("SELECT keyed_from FROM audit_head")).scalar_one()
        action = conn.execute(text("SELECT action FROM audit_event WHERE id = :i"),
                              {"i": keyed_from}).scalar_one()
    assert keyed_from > 1 and action == "audit.keyed"
    assert verify_engine(engine, key=KEY.encode()).ok
    assert [p.key for p in verify_engine(engine).problems] == ["tamper.problem.no_key"]
    assert not verify_engine(engine, key=b"another key that is long enough!!").ok
    assert store_findings(engine) == []
    monkeypatch.delenv("WEALTHTUI_AUDIT_KEY")
    keyless = Services(engine, settings, clock)
    with pytest.raises(Conflict) as refused:
        keyless.staff.add(head, "S2", "孙小小", ["cash_teller"])
    assert refused.value.key == "tamper.error.key_missing"
    with engine.connect() as conn:  # nothing was written
        assert conn.execute(text("SELECT count(*) FROM staff WHERE staff_no = 'S2'")).scalar() == 0


def test_the_anchor_file_is_per_database(tmp_path: Path) -> None:
    from wealthtui.store.engine import make_engine

    one, two = make_engine(str(tmp_path / "a.db")), make_engine(str(tmp_path / "b.db"))
    try:
        assert anchors.anchor_file(one, "0102") != anchors.anchor_file(two, "0102")
        assert anchors.anchor_file(one, "0102").name.startswith("0102-")
        assert anchors.anchor_file(one, "0102").parent == anchors.folder()
    finally:
        one.dispose()
        two.dispose()


def test_imported_clients_are_sealed(services: Services, head: Actor, engine: Engine,
                                     tmp_path: Path) -> None:
    from tests.services.test_client_import import card, rid, write_csv

    path = write_csv(tmp_path / "in.csv", [
        ["张三", "resident", rid(1), "138 0013 8000", card(1), "premium", "1,200,000.00", ""],
        ["李四", "resident", rid(2), "", card(2), "", "", "1980-01-01"],
        ["王五", "resident", rid(3), "", "", "ordinary", "0", ""],
    ])
    summary = services.client_import.import_file(head, path, batch_size=2)
    assert summary.imported == 3
    assert store_findings(engine) == []
    with engine.connect() as conn:
        sealed = conn.execute(text(
            "SELECT count(*) FROM row_seal WHERE tbl IN ('client', 'client_account')")).scalar()
    assert sealed == 5  # three clients, two cards


def test_a_ticket_called_by_compare_and_set_is_sealed(services: Services, engine: Engine,
                                                      worked) -> None:  # type: ignore[no-untyped-def]
    """Calling takes the ticket with a Core UPDATE (compare-and-set), not through the ORM's
    unit of work: the row is sealed as stored, by the call's own event."""
    teller = worked["teller"]
    sign_on_ready(services, teller, "01")  # the opening cash and the sign-on checklist
    called = services.queue.call_next(teller, "01")
    assert called is not None
    assert store_findings(engine) == []
    with engine.connect() as conn:
        carried = conn.execute(text(
            "SELECT seals FROM audit_event WHERE action = 'queue.call'")).scalar_one()
    assert f"ticket\t{called.id}\t" in carried


def test_a_migration_that_adds_columns_reseals_only_the_rows_nobody_touched(
        engine: Engine, worked) -> None:  # type: ignore[no-untyped-def]
    """store.seals.migrate_layout: rows sealed before a column existed get their new seal when
    their old one still holds; a row altered meanwhile keeps its old seal and is reported."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from wealthtui.model import Staff
    from wealthtui.store import audit_key

    staff = Staff.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:  # as if the staff rows were sealed before `pin_must_change`
        rows = conn.execute(select(staff)).all()
        event_id = conn.execute(text("SELECT max(id) FROM audit_event")).scalar_one()
        seals.upsert(conn, [("staff", seals.row_id(r.id),
                             seals.digest_without("staff", r, ["pin_must_change"]))
                            for r in rows], event_id)
        conn.execute(text("UPDATE staff SET name = '改名' WHERE staff_no = 'T1'"))
        teller_id = conn.execute(text("SELECT id FROM staff WHERE staff_no = 'T1'")).scalar_one()
    with engine.begin() as conn:
        resealed, left = seals.migrate_layout(conn, "staff", added=["pin_must_change"],
                                              at=datetime.now(UTC), key=audit_key.load())
    assert (resealed, left) == (len(rows) - 1, 1)
    found = keys(store_findings(engine))
    assert ("tamper.seal.row_changed", "staff", str(teller_id)) in found
    assert all(f[2] == str(teller_id) for f in found if f[1] == "staff"), found


def test_an_old_database_upgrades_through_the_seals_to_new_tables(tmp_path: Path) -> None:
    """0009 seals only the tables the database holds in full; tables made later are sealed as
    they are written."""
    from wealthtui.store import schema
    from wealthtui.store.engine import make_engine

    old = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        schema.upgrade(old, "0008")
        with old.begin() as conn:
            conn.execute(text("INSERT INTO staff (staff_no, name, roles, pin_hash, active, "
                              "failed_pins, created_at) VALUES "
                              "('9001', '老员工', 'head,officer', 'x', 1, 0, "
                              "'2026-01-01 00:00:00')"))
        schema.upgrade(old)
        assert schema.current_revision(old) == schema.head_revision()
        assert store_findings(old) == []
    finally:
        old.dispose()


def test_the_events_are_checked_in_rounds_of_about_a_batch_of_seals(
        engine: Engine, services: Services, head: Actor, worked) -> None:  # type: ignore[no-untyped-def]
    """`db check` holds about `batch` seals of the events at a time, cut by the seals' text, not
    by a number of events (a bulk writer's event carries thousands); each sealing event is read
    once, in id order, and a seal lost or put back is named wherever the rounds are cut."""
    for n in range(6):  # more events, a few seals each
        services.queue.issue(worked["lobby"], "A" if n % 2 else "B")
    with engine.connect() as conn:
        sealing = [(int(i), seals.parse_seals(t)) for i, t in conn.execute(text(
            "SELECT id, seals FROM audit_event WHERE seals <> '' ORDER BY id"))]
        rounds = list(seals._event_rounds(conn, 4))
    assert [i for r in rounds for i, _ in r] == [i for i, _ in sealing]
    in_hand = [sum(len(seals.parse_seals(t)) for _, t in r) for r in rounds]
    assert all(n <= 4 * 2 or len(r) == 1 for n, r in zip(in_hand, rounds, strict=True)), in_hand
    assert len(rounds) > 3
    # a seal gone and a seal put back to an earlier event, found the same in small rounds
    (ticket_id,) = [rid for _, s in sealing for (t, rid) in s if t == "ticket"][-1:]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM row_seal WHERE tbl = 'ticket_event'"))
        conn.execute(text("UPDATE row_seal SET audit_id = 1 WHERE tbl = 'ticket' "
                          "AND row_id = :r"), {"r": ticket_id})
    with engine.connect() as conn:
        small = seals._events_against_seals(conn, 4)
        whole = seals._events_against_seals(conn, 2000)
    assert keys(small) == keys(whole)
    assert ("tamper.seal.stale", "ticket", ticket_id) in keys(small)
    assert len([k for k in keys(small) if k[:2] == ("tamper.seal.lost", "ticket_event")]) >= 6
