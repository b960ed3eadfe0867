"""Backups of the SQLite store: online copy, integrity check, rotation; restore refuses what it
must (a corrupted file, a foreign file, a newer schema) and keeps the current database first."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
        conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                     {"k": key, "v": value})
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


# --- issue 15: files of their owner only, names in the center's time, no restore under users ----
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_wal_lock_and_backups_are_private_and_folders_0700(tmp_path: Path):
    data = tmp_path / "data" / "wealthtui"
    db = data / "center.db"
    engine = make_engine(str(db))
    schema.upgrade(engine)
    with engine.connect() as conn:  # open: the -wal and -shm files exist
        conn.execute(text("SELECT 1"))
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}.lock")):
            assert mode(path) == 0o600, path
    engine.dispose()
    assert mode(data) == 0o700 and mode(data.parent) == 0o700
    result = backup(db, data / "backups", keep=3, now=datetime(2026, 12, 7, 8, 30, tzinfo=SHANGHAI))
    assert mode(result.path) == 0o600 and mode(data / "backups") == 0o700
    before = restore(result.path, db, data / "backups", keep=3,
                     now=datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))
    assert before is not None and mode(before.path) == 0o600 and mode(db) == 0o600


def test_an_existing_folder_keeps_its_mode(tmp_path: Path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    make_engine(str(shared / "c.db")).dispose()
    assert mode(shared) == 0o755  # a folder someone made on purpose is not changed


def test_backup_names_are_in_the_centers_time_with_its_offset(db_path: Path, tmp_path: Path):
    at = datetime(2026, 12, 7, 8, 30, 5, tzinfo=SHANGHAI)  # 00:30:05 UTC
    made = backup(db_path, tmp_path / "b", keep=5, now=at).path
    assert made.name == f"{db_path.stem}-20261207-083005+0800.db"
    again = backup(db_path, tmp_path / "b", keep=5, now=at).path
    assert again.name == f"{db_path.stem}-20261207-083005+0800-1.db"
    west = backup(db_path, tmp_path / "b", keep=5, now=at.astimezone(NEW_YORK)).path
    assert west.name == f"{db_path.stem}-20261206-193005-0500.db"


def test_old_utc_names_and_new_local_names_sort_by_when_they_were_made(db_path: Path,
                                                                       tmp_path: Path):
    folder = tmp_path / "b"
    folder.mkdir()
    stem = db_path.stem
    # made before: UTC names without an offset, the last one at 23:00 UTC on 6 December
    old = [folder / f"{stem}-20261206-{h:02d}0000.db" for h in (21, 22, 23)]
    for path in old:
        shutil.copyfile(db_path, path)
    # New York is 5 hours behind: a local name made after the old ones reads "earlier" (18:30)
    west = backup(db_path, folder, keep=10,
                  now=datetime(2026, 12, 6, 18, 30, tzinfo=NEW_YORK)).path  # 23:30 UTC
    # Shanghai is 8 hours ahead: a local name made before the last old one reads "later"
    east = folder / f"{stem}-20261207-063000+0800.db"  # 22:30 UTC
    shutil.copyfile(db_path, east)
    assert backups_of(db_path, folder) == [old[0], old[1], east, old[2], west]
    # keeping three drops the two made first, whatever their names look like
    newest = backup(db_path, folder, keep=3,
                    now=datetime(2026, 12, 7, 8, 0, tzinfo=SHANGHAI)).path  # 00:00 UTC
    assert backups_of(db_path, folder) == [old[2], west, newest]
    assert not old[0].exists() and not east.exists() and west.exists()


HOLDER = """
import sys
from sqlalchemy import text
from wealthtui.store.engine import make_engine
engine = make_engine(sys.argv[1])
with engine.connect() as conn:
    conn.execute(text("SELECT count(*) FROM meta")).scalar()
    print("open", flush=True)
    sys.stdin.readline()
"""


@contextmanager
def another_process_using(db: Path) -> Iterator[subprocess.Popen[str]]:
    """A second program with the database open (as a running workstation has)."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        yield holder
    finally:
        if holder.poll() is None:
            assert holder.stdin is not None
            holder.stdin.write("\n")
            holder.stdin.flush()
        holder.wait(timeout=60)


def test_restore_is_refused_while_another_process_uses_the_database(db_path: Path,
                                                                     tmp_path: Path):
    put(db_path, "state", "monday")
    monday = backup(db_path, tmp_path / "b", keep=5, now=NOON).path
    put(db_path, "state", "tuesday")
    with another_process_using(db_path):
        with pytest.raises(BackupError) as refused:
            restore(monday, db_path, tmp_path / "b", keep=5, now=NOON + timedelta(hours=1))
        assert refused.value.key == "restore_guard.in_use"
        assert meta(db_path)["state"] == "tuesday"  # untouched, and nothing backed up either
        assert backups_of(db_path, tmp_path / "b") == [monday]
    # the other program has ended: the restore runs
    restore(monday, db_path, tmp_path / "b", keep=5, now=NOON + timedelta(hours=2))
    assert meta(db_path)["state"] == "monday"


def test_a_forced_restore_runs_while_the_database_is_in_use(db_path: Path, tmp_path: Path):
    put(db_path, "state", "monday")
    monday = backup(db_path, tmp_path / "b", keep=5, now=NOON).path
    put(db_path, "state", "tuesday")
    with another_process_using(db_path):
        before = restore(monday, db_path, tmp_path / "b", keep=5,
                         now=NOON + timedelta(hours=1), force=True)
    assert meta(db_path)["state"] == "monday"
    assert before is not None and meta(before.path)["state"] == "tuesday"


def test_db_restore_command_says_why_it_refuses(db_path: Path, tmp_path: Path):
    from typer.testing import CliRunner

    from wealthtui import i18n
    from wealthtui.cli import app

    copy = backup(db_path, tmp_path / "b", keep=5, now=NOON).path
    runner = CliRunner()
    with another_process_using(db_path):
        result = runner.invoke(app, ["db", "restore", str(copy), "--db", str(db_path), "--yes"])
        assert result.exit_code == 1
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and "Traceback" not in result.output
        assert i18n.t("restore_guard.in_use", path=str(db_path)) in lines[0]
        forced = runner.invoke(app, ["db", "restore", str(copy), "--db", str(db_path), "--yes",
                                     "--force"])
        assert forced.exit_code == 0, forced.output
