"""Store faults (issue 15, item 6): a full disk, a read-only database, the database gone under a
running program and a lost connection each end a service call with one translated sentence
(services.errors.StoreFault) — never a raw driver error — and nothing of that call is written:
neither its rows nor its audit event, and the audit chain still verifies.

Each fault is made for real on both backends:

| fault      | SQLite                                            | PostgreSQL                          |
|------------|---------------------------------------------------|-------------------------------------|
| full       | `PRAGMA max_page_count` at the file's size        | the server answering SQLSTATE 53100 |
| readonly   | the file chmod 0444 (opened by an unprivileged    | a read-only session (as on a hot    |
|            | user when the tests run as root)                  | standby)                            |
| missing /  | the file moved away, deleted, replaced            | the server ending the connection in |
| connection |                                                   | the middle of the transaction       |
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, text

from tests.conftest import TEST_PIN
from wealthtui import i18n
from wealthtui.config import Settings
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Actor, Services
from wealthtui.services.audit import verify_engine
from wealthtui.services.errors import StoreFault
from wealthtui.store.engine import make_engine
from wealthtui.store.faults import KINDS

NOBODY = 65534


def add(services: Services, head: Actor, n: int) -> None:
    """One audited write: a staff member F<n>."""
    services.staff.add(head, f"F{n:03d}", "故障测试", ["cash_teller"])


def written(url: str) -> tuple[set[str], int]:
    """(staff numbers, the last audit event id) as a fresh connection reads them."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            staff = set(conn.execute(text("SELECT staff_no FROM staff")).scalars())
            last = conn.execute(text("SELECT max(id) FROM audit_event")).scalar() or 0
        assert verify_engine(engine).ok  # the chain is whole
    finally:
        engine.dispose()
    return staff, last


def assert_nothing_written(url: str, before: tuple[set[str], int]) -> None:
    assert written(url) == before


def test_every_fault_has_a_sentence_in_both_languages():
    for kind in KINDS:
        zh = i18n.catalog("zh_CN")[f"error.store.{kind}"]
        en = i18n.catalog("en")[f"error.store.{kind}"]
        assert zh and en and zh != en
        assert "未保存" in zh and "nothing was saved" in en


# --- disk full ------------------------------------------------------------------------------------
def make_full(engine: Engine, backend: str) -> None:
    if backend == "sqlite":
        @event.listens_for(engine, "connect")
        def _no_growth(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        engine.dispose()  # every connection from now on: the file cannot grow
    else:  # the server's answer when it cannot extend a table's file
        with engine.begin() as conn:
            conn.exec_driver_sql("""
                CREATE FUNCTION disk_is_full() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'could not extend file: No space left on device'
                        USING ERRCODE = 'disk_full';
                END $$ LANGUAGE plpgsql""")
            conn.exec_driver_sql("CREATE TRIGGER disk_is_full BEFORE INSERT ON staff "
                                 "FOR EACH ROW EXECUTE FUNCTION disk_is_full()")


def test_a_full_disk_is_one_sentence_and_the_call_leaves_nothing(
        services: Services, head: Actor, engine: Engine, db_url: str, backend: str) -> None:
    add(services, head, 0)
    make_full(engine, backend)
    before = written(db_url)
    failed = None
    for n in range(1, 400):  # until the file would have to grow
        try:
            add(services, head, n)
        except StoreFault as fault:
            failed = (n, fault)
            break
        before = written(db_url)
    assert failed is not None, "the store never filled up"
    n, fault = failed
    assert fault.kind == "full" and fault.key == "error.store.full"
    assert f"F{n:03d}" not in written(db_url)[0]
    assert_nothing_written(db_url, before)
    i18n.set_language("en")
    from wealthtui.ui.errors import describe

    assert describe(fault).startswith("The disk is full: nothing was saved.")


# --- read-only ------------------------------------------------------------------------------------
@contextmanager
def unprivileged() -> Iterator[None]:
    """Run as an ordinary user when the tests run as root (root writes to any file)."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder everyone may use (an unprivileged user must reach the database in it)."""
    folder = Path(tempfile.mkdtemp(prefix="wt-faults-", dir="/tmp"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_read_only_sqlite_file_is_one_sentence(
        db_path: Path, open_folder: Path, settings: Settings, clock: FixedClock) -> None:
    path = open_folder / "center.db"
    shutil.copyfile(db_path, path)
    engine = make_engine(str(path))
    services = Services(engine, settings, clock)
    services.staff.bootstrap_head("H001", "王主任", TEST_PIN)
    head = services.auth.login("H001", TEST_PIN)
    engine.dispose()  # the last connection closed: no -wal / -shm left behind
    before = written(str(path))
    path.chmod(0o444)
    with unprivileged():  # the program opens the file as a user who may only read it
        engine.raw_connection().close()
    with pytest.raises(StoreFault) as refused:
        add(services, head, 1)
    assert refused.value.kind == "readonly"
    assert services.staff.roster(head)  # reading goes on
    engine.dispose()
    path.chmod(0o600)
    assert_nothing_written(str(path), before)


def test_a_read_only_postgres_session_is_one_sentence(
        services: Services, head: Actor, engine: Engine, db_url: str, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite's read-only file: test_a_read_only_sqlite_file_is_one_sentence")

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        with dbapi_connection.cursor() as cursor:  # as a hot standby answers
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        dbapi_connection.commit()

    engine.dispose()
    before = written(db_url)
    with pytest.raises(StoreFault) as refused:
        add(services, head, 1)
    assert refused.value.kind == "readonly"
    assert_nothing_written(db_url, before)


# --- the database gone under a running program ----------------------------------------------------
def test_a_database_moved_away_deleted_or_replaced_is_a_sentence_never_a_new_file(
        services: Services, head: Actor, db_path: Path, tmp_path: Path) -> None:
    add(services, head, 1)
    before = written(str(db_path))
    away = tmp_path / "moved.db"
    os.rename(db_path, away)  # moved while the program holds it open
    with pytest.raises(StoreFault) as refused:
        add(services, head, 2)
    assert refused.value.kind == "missing"
    with pytest.raises(StoreFault):  # a read, on a new connection too
        services.ctx.engine.dispose()
        services.staff.roster(head)
    assert not db_path.exists()  # no empty database made in its place
    os.rename(away, db_path)
    assert_nothing_written(str(db_path), before)
    add(services, head, 3)  # back in place: the program carries on
    assert "F003" in written(str(db_path))[0]

    # replaced by another file (someone copied a database over it)
    shutil.copyfile(db_path, tmp_path / "copy.db")
    os.replace(tmp_path / "copy.db", db_path)
    with pytest.raises(StoreFault) as refused:
        add(services, head, 4)
    assert refused.value.kind == "missing"

    # deleted
    db_path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(StoreFault) as refused:
        add(services, head, 5)
    assert refused.value.kind == "missing"
    assert not db_path.exists()


def test_a_connection_lost_mid_transaction_is_one_sentence(
        services: Services, head: Actor, engine: Engine, db_url: str, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("PostgreSQL only: a SQLite file has no connection to lose")
    add(services, head, 1)
    before = written(db_url)
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")

    @event.listens_for(engine, "before_cursor_execute")
    def _server_goes(conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO STAFF"):
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    try:
        with pytest.raises(StoreFault) as refused:
            add(services, head, 2)
        assert refused.value.kind == "connection"
        event.remove(engine, "before_cursor_execute", _server_goes)
        assert_nothing_written(db_url, before)
        add(services, head, 3)  # a new connection: the program carries on
    finally:
        admin.dispose()


def test_a_raw_driver_error_is_recognised_however_it_is_wrapped(tmp_path: Path) -> None:
    con = sqlite3.connect(tmp_path / "x.db")
    con.execute("CREATE TABLE t (x)")
    con.execute("PRAGMA max_page_count = 1")
    try:
        con.execute("INSERT INTO t VALUES (?)", ("x" * 20000,))
    except sqlite3.OperationalError as exc:
        raw = exc
    else:  # pragma: no cover
        pytest.fail("the database did not fill up")
    finally:
        con.close()
    assert StoreFault.of(raw).kind == "full"
    try:
        raise RuntimeError("wrapped") from raw
    except RuntimeError as outer:
        assert StoreFault.of(outer).kind == "full"
    assert StoreFault.of(sqlite3.OperationalError("database is locked")) is None  # busy: retried
    assert StoreFault.of(ValueError("no such table")) is None  # not a driver error
