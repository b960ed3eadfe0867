"""Backups of the SQLite store: online copy, integrity check, rotation; restore refuses what it
must (a corrupted file, a foreign file, a newer schema) and keeps the current database first."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from wealthtui.store import schema
from wealthtui.store.backup import (
    BackupError,
    backup,
    backups_of,
    check_restorable,
    integrity,
    pg_commands,
    restore,
)
from wealthtui.store.engine import WRITE, make_engine

NOON = datetime(2026, 11, 30, 12, 0, 0)


def put(db: Path, key: str, value: str) -> None:
    engine = make_engine(str(db))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v)"), {"k": key, "v": value})
    engine.dispose()


def meta(db: Path) -> dict[str, str]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())
    finally:
        con.close()


def corrupt_copy(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    data[4096 * 2: 4096 * 2 + 3000] = b"\xa5" * 3000  # scribble over a b-tree page
    target.write_bytes(bytes(data))
    return target


def test_online_backup_copies_what_is_committed_while_a_writer_is_busy(db_path: Path,
                                                                        tmp_path: Path):
    put(db_path, "committed", "yes")
    engine = make_engine(str(db_path))
    with engine.connect().execution_options(**WRITE) as writer:
        tx = writer.begin()  # BEGIN IMMEDIATE: holds the write lock during the backup
        writer.execute(text("INSERT INTO meta (key, value) VALUES ('pending', 'no')"))
        result = backup(db_path, tmp_path / "backups", keep=3, now=NOON)
        tx.commit()
    engine.dispose()
    assert result.integrity == "ok" and result.path.is_file() and result.size > 0
    copied = meta(result.path)
    assert copied["committed"] == "yes" and "pending" not in copied
    assert not Path(f"{result.path}-wal").exists()  # one self-contained file


def test_backups_keep_only_the_newest(db_path: Path, tmp_path: Path):
    folder = tmp_path / "backups"
    made = [backup(db_path, folder, keep=2, now=NOON + timedelta(minutes=i)).path
            for i in range(4)]
    assert backups_of(db_path, folder) == made[2:]
    assert not made[0].exists() and not made[1].exists()


def test_backup_of_a_missing_database_is_refused(tmp_path: Path):
    with pytest.raises(BackupError) as refused:
        backup(tmp_path / "none.db", tmp_path / "backups", keep=2, now=NOON)
    assert refused.value.key == "cli.backup.no_database"


def test_integrity_check_names_the_problem(db_path: Path, tmp_path: Path):
    good = backup(db_path, tmp_path / "b", keep=2, now=NOON).path
    assert integrity(good) == "ok"
    assert integrity(corrupt_copy(good, tmp_path / "bad.db")) != "ok"
    (tmp_path / "text.db").write_text("not a database at all" * 100)
    assert "not a database" in integrity(tmp_path / "text.db")


def test_restore_refuses_a_corrupted_file_and_leaves_the_database_alone(db_path: Path,
                                                                         tmp_path: Path):
    put(db_path, "state", "current")
    good = backup(db_path, tmp_path / "b", keep=2, now=NOON).path
    bad = corrupt_copy(good, tmp_path / "bad.db")
    with pytest.raises(BackupError) as refused:
        restore(bad, db_path, tmp_path / "b", keep=5, now=NOON + timedelta(hours=1))
    assert refused.value.key == "cli.restore.corrupt"
    assert meta(db_path)["state"] == "current"
    assert backups_of(db_path, tmp_path / "b") == [good]  # nothing done before the refusal


def test_restore_refuses_a_foreign_file_and_a_newer_schema(db_path: Path, tmp_path: Path):
    foreign = tmp_path / "foreign.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE x (a)")
    con.commit()
    con.close()
    with pytest.raises(BackupError) as refused:
        check_restorable(foreign)
    assert refused.value.key == "cli.restore.not_wealthtui"

    newer = backup(db_path, tmp_path / "b", keep=2, now=NOON).path
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    con.commit()
    con.close()
    with pytest.raises(BackupError) as refused:
        restore(newer, db_path, tmp_path / "b", keep=5, now=NOON)
    assert refused.value.key == "cli.restore.newer"


def test_restore_puts_the_copy_back_and_saves_the_current_database_first(db_path: Path,
                                                                         tmp_path: Path):
    put(db_path, "state", "monday")
    monday = backup(db_path, tmp_path / "b", keep=5, now=NOON).path
    engine = make_engine(str(db_path))
    with engine.begin() as conn:  # the app keeps working after the backup
        conn.execute(text("UPDATE meta SET value = 'tuesday' WHERE key = 'state'"))
    before = restore(monday, db_path, tmp_path / "b", keep=5, now=NOON + timedelta(days=1),
                     force=True)  # the engine above is open: a forced restore
    with engine.connect() as conn:  # a connection of the running app sees the restored data
        assert conn.execute(text("SELECT value FROM meta WHERE key='state'")).scalar() == "monday"
    engine.dispose()
    assert before is not None and meta(before.path)["state"] == "tuesday"
    assert schema.state(make_engine(str(db_path))).up_to_date
    assert integrity(db_path, live=True) == "ok"


def test_postgres_commands_name_pg_dump_and_hide_the_password():
    cmds = pg_commands("postgresql+psycopg://u:secret@db.local:5432/center", "x.dump")
    assert cmds.backup.startswith("pg_dump ") and "secret" not in cmds.backup
    assert cmds.restore.startswith("pg_restore ") and "db.local:5432/center" in cmds.restore
