"""Upgrades keep every record (issue 9 item 6): a center at the oldest schema (revision 0001),
filled with the demo center (built at the newest schema, then taken back to 0001 with its
records, since today's services write today's columns), upgraded to the newest loses nothing —
every table has the same rows, the audit chain still verifies — and a downgrade and a second upgrade keep it so. And the
models match the migrations, so that a model change without its migration fails here.

Since migration 0004 (row seals, issue 15) the program writes seals with every change, so the
demo center is built at the newest schema and taken back to the oldest first; the upgrade seals
every row again (one `audit.seal` event per batch) and `db check` finds nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, inspect, select
from sqlmodel import SQLModel

from tests.conftest import T0
from tests.demo_fixture import demo_template, fast_settings
from wealthtui.demo.center import build_demo
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Services
from wealthtui.services.audit import store_findings, verify_engine
from wealthtui.store import schema
from wealthtui.store.engine import make_engine

OLDEST = "0001"


def downgrade(engine: Engine, revision: str) -> None:
    cfg = schema._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


#: tables whose rows an upgrade adds to: the seals and the audit events carrying them
SEALING = ("row_seal", "audit_event", "audit_head")


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the models that the database has (an older schema lacks newer ones)."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in SQLModel.metadata.tables.items()
                if name in present and name not in SEALING}


def audit_events(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM audit_event").scalar_one()


def no_findings(engine: Engine, before: dict[str, int] | None = None) -> None:
    """No finding — but the rows of tables newer than the first schema (dropped by the downgrade
    to it, with the demo's rows in them) are reported as lost, rightly: left out with `before`."""
    assert verify_engine(engine).ok
    findings = store_findings(engine)
    if before is not None:
        findings = [f for f in findings if f.params.get("table", next(iter(before))) in before]
    assert findings == []


def old_center(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """The demo center taken back to the oldest schema: the models of today cannot write the
    first schema (they have columns it lacks), so the center is built at the newest schema and
    downgraded; the tables newer than the first schema must be empty then (the demo does not
    fill them). Returns the row counts at the oldest schema (seal tables left out).

    On PostgreSQL a smaller demo is built (every table the demo fills, fewer rows); a SQLite
    test works on a copy of the shared demo template instead (demo_center)."""
    if engine.dialect.name != "sqlite":
        build_demo(engine, fast_settings(tmp_path), clock=FixedClock(T0), clients=60,
                   arrivals=40, days=2)
    newest = row_counts(engine)
    downgrade(engine, OLDEST)
    assert schema.current_revision(engine) == OLDEST
    assert "row_seal" not in inspect(engine).get_table_names()
    old = row_counts(engine)
    assert {name: newest[name] for name in old} == old
    return old


def same_rows(engine: Engine, before: dict[str, int]) -> None:
    assert {k: v for k, v in row_counts(engine).items() if k in before} == before


def indexes(engine: Engine, table: str) -> set[str]:
    return {ix["name"] for ix in inspect(engine).get_indexes(table)}


@pytest.fixture
def demo_center(backend: str, request: pytest.FixtureRequest, tmp_path: Path,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The test's database with the demo center at the newest schema: on SQLite a copy of the
    shared demo template, on PostgreSQL the test database (old_center builds it)."""
    if backend != "sqlite":
        yield request.getfixturevalue("engine")
        return
    template, _ = demo_template(tmp_path_factory.getbasetemp())
    path = tmp_path / "demo.db"
    shutil.copyfile(template, path)
    engine = make_engine(str(path))
    yield engine
    engine.dispose()


def test_a_center_at_the_oldest_schema_upgrades_without_losing_a_record(
        demo_center: Engine, tmp_path: Path) -> None:
    engine = demo_center
    before = old_center(engine, tmp_path)  # the test database, at the first schema
    assert "ix_ticket_event_ticket_kind" not in indexes(engine, "ticket_event")
    assert before["client"] > 50 and before["ticket_event"] > 50
    events = audit_events(engine)
    assert schema.state(engine).older  # the program would ask for `wealthtui db upgrade`

    schema.upgrade(engine)
    assert schema.state(engine).up_to_date and schema.current_revision(engine) != OLDEST
    same_rows(engine, before)
    assert audit_events(engine) > events  # the rows sealed again, by audit.seal events
    no_findings(engine, before)
    assert "ix_ticket_event_ticket_kind" in indexes(engine, "ticket_event")

    downgrade(engine, OLDEST)  # and back, and up again: still everything
    assert row_counts(engine) == before
    schema.upgrade(engine)
    same_rows(engine, before)
    no_findings(engine, before)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_a_keyed_chain_is_not_downgraded(engine: Engine, services, head,
                                         monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An older program would append unkeyed events to a keyed chain: the downgrade refuses."""
    monkeypatch.setenv("WEALTHTUI_AUDIT_KEY", "k" * 40)
    keyed = Services(engine, services.settings, services.ctx.clock)
    keyed.staff.add(head, "S001", "钱多多", ["cash_teller"])
    with pytest.raises(RuntimeError, match="keyed"):
        downgrade(engine, "0003")
    assert schema.state(engine).up_to_date


def test_the_models_match_the_migrations(engine: Engine) -> None:
    """Every table, column and index of the models is made by the migrations: a model change
    needs its migration (a new file under store/migrations/versions)."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
