"""`wealthtui db copy`: a center moved from its SQLite file into an empty PostgreSQL database
(store/copy.py) — every row equal, the audit chain and row seals verifying on the copy, its
sequences past the copied ids, its planner statistics made."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from tests.cli_runner import cli_runner, demo_copy
from tests.conftest import PG_MISSING, PG_URL
from tests.lobby_data import add_client
from wealthtui import i18n
from wealthtui.store import tables
from wealthtui.store.engine import make_engine

en = i18n.catalog("en")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    return cli_runner(monkeypatch)


@pytest.fixture
def demo_db(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path, tmp_path_factory)


@pytest.fixture
def empty_pg() -> Iterator[str]:
    """A new, empty PostgreSQL database (no tables)."""
    if not PG_URL:
        pytest.skip(PG_MISSING)
    name = f"wt_copy_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def _rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, read through the Core tables (the same Python values from
    either backend), in primary-key order."""
    out = {}
    with engine.connect() as conn:
        for table in tables.metadata.sorted_tables:
            key = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*key))]
    return out


def test_a_center_copied_to_postgresql_is_the_same_center(cli, demo_db: Path,
                                                          empty_pg: str) -> None:
    result = cli("--lang", "en", "db", "copy", "--db", str(demo_db), "--to", empty_pg)
    assert result.exit_code == 0, result.output
    assert "rows, in" in result.output
    assert en["cli.audit.ok"].split("{")[0] in result.output  # the copy's chain verified

    source, copy = make_engine(str(demo_db)), make_engine(empty_pg)
    try:
        before, after = _rows(source), _rows(copy)
        assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
        assert sum(len(r) for r in before.values()) > 1000  # a real center, not an empty one
        assert after == before  # every value of every row

        # the copy is a working center: `db check` (schema, chain, seals, triggers) passes
        assert cli("db", "check", "--db", empty_pg).exit_code == 0
        # ANALYZE ran on the loaded tables
        with copy.connect() as conn:
            analysed = {t for (t,) in conn.execute(text(
                "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"))}
        assert {"client", "ticket", "audit_event"} <= analysed
        # the id sequences are past the copied ids: a new row gets the next id
        top = max(row[0] for row in before["client"])
        assert add_client(copy, "复制后新客户", seq=99_001) == top + 1
    finally:
        source.dispose()
        copy.dispose()


def test_a_copy_never_writes_into_a_database_that_holds_tables(cli, demo_db: Path,
                                                               empty_pg: str) -> None:
    assert cli("db", "copy", "--db", str(demo_db), "--to", empty_pg).exit_code == 0
    copy = make_engine(empty_pg)
    try:
        with copy.connect() as conn:
            clients = conn.execute(text("SELECT count(*) FROM client")).scalar()
        again = cli("--lang", "en", "db", "copy", "--db", str(demo_db), "--to", empty_pg)
        assert again.exit_code == 1
        assert "already holds" in again.output
        with copy.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM client")).scalar() == clients
    finally:
        copy.dispose()


def test_a_copy_goes_from_a_sqlite_file_to_postgresql_only(cli, demo_db: Path,
                                                          tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    result = cli("--lang", "en", "db", "copy", "--db", str(demo_db), "--to", str(other))
    assert result.exit_code == 1
    assert "must be a PostgreSQL database" in result.output
    assert not other.exists() or other.stat().st_size == 0


def test_a_copy_that_fails_half_way_leaves_the_target_empty(demo_db: Path, empty_pg: str,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    from wealthtui.store import copy as store_copy

    def broken(cur) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("the server went away")

    monkeypatch.setattr(store_copy, "_fix_sequences", broken)  # after every table's COPY
    target = make_engine(empty_pg)
    try:
        with pytest.raises(RuntimeError):
            store_copy.copy_center(demo_db, target)
        with target.connect() as conn:
            assert conn.execute(text(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                "current_schema()")).scalar() == 0
        monkeypatch.undo()
        assert store_copy.copy_center(demo_db, target).total > 1000  # and it can run again
    finally:
        target.dispose()
