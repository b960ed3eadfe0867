"""Upgrades keep every record (issue 9 item 6): a center at the oldest schema (revision 0001),
filled with the demo center, upgraded to the newest loses nothing — every table has the same
rows, the audit chain still verifies — and a downgrade and a second upgrade keep it so. And the
models match the migrations, so that a model change without its migration fails here."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, inspect, select
from sqlmodel import SQLModel

from tests.conftest import T0
from tests.demo_fixture import fast_settings
from wealthtui.demo.center import build_demo
from wealthtui.rules.clock import FixedClock
from wealthtui.services.audit import verify_engine
from wealthtui.store import schema
from wealthtui.store.engine import make_engine

OLDEST = "0001"


def downgrade(engine: Engine, revision: str) -> None:
    cfg = schema._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the models that the database's schema has (a table added by a later
    migration is not there at the oldest schema)."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in SQLModel.metadata.tables.items() if name in present}


def same_rows(after: dict[str, int], before: dict[str, int]) -> bool:
    return {k: after[k] for k in before} == before


def build_at_oldest(engine: Engine, tmp_path: Path) -> None:
    """The demo center (built by today's services, which write tables of later migrations),
    taken back to the oldest schema: the later tables go, every older record stays."""
    build_demo(engine, fast_settings(tmp_path), clock=FixedClock(T0))
    downgrade(engine, OLDEST)


def indexes(engine: Engine, table: str) -> set[str]:
    return {ix["name"] for ix in inspect(engine).get_indexes(table)}


def test_a_center_at_the_oldest_schema_upgrades_without_losing_a_record(
        engine: Engine, tmp_path: Path) -> None:
    build_at_oldest(engine, tmp_path)  # the test database, taken back to the first schema
    assert schema.current_revision(engine) == OLDEST
    assert "ix_ticket_event_ticket_kind" not in indexes(engine, "ticket_event")
    before = row_counts(engine)
    assert before["client"] > 100 and before["ticket_event"] > 100 and before["audit_event"] > 0

    schema.upgrade(engine)
    assert schema.state(engine).up_to_date and schema.current_revision(engine) != OLDEST
    assert same_rows(row_counts(engine), before)
    assert verify_engine(engine).ok
    assert "ix_ticket_event_ticket_kind" in indexes(engine, "ticket_event")

    downgrade(engine, OLDEST)  # and back, and up again: still everything
    assert row_counts(engine) == before
    schema.upgrade(engine)
    assert same_rows(row_counts(engine), before) and verify_engine(engine).ok


def test_a_new_file_built_at_the_oldest_schema_upgrades_in_place(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "old.db"))
    try:
        schema.upgrade(engine)
        build_at_oldest(engine, tmp_path)
        assert schema.state(engine).older  # the program would ask for `wealthtui db upgrade`
        before = row_counts(engine)
        schema.upgrade(engine)
        assert schema.state(engine).up_to_date
        assert same_rows(row_counts(engine), before) and verify_engine(engine).ok
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        engine.dispose()


def test_the_models_match_the_migrations(engine: Engine) -> None:
    """Every table, column and index of the models is made by the migrations: a model change
    needs its migration (a new file under store/migrations/versions)."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
