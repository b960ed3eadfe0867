"""Backups of the SQLite store, restore, and integrity checks.

- `backup()` copies the live database with SQLite's online backup API (the app may keep running:
  in WAL mode the copy reads one consistent snapshot and writers are not blocked), turns the copy
  into a single self-contained file, checks it with `PRAGMA integrity_check` and keeps the newest
  `keep` copies of that database in the backup folder.
- `restore()` refuses a file that fails the integrity check, that is not a wealthtui database, or
  whose schema is newer than this program; it backs up the current database first, then copies
  the file in with the same backup API (so connections of a running app see the restored data).
- `restore()` is refused while the database is open anywhere (store.lock: every connection holds
  a shared lock on `<db>.lock`; the restore needs it exclusively), unless forced.
- Backups are files of their owner only (0600) in a folder made 0700. They are named after the
  time in the center's zone with its offset, `<stem>-20261207-083000+0800.db`; names without an
  offset (made before) are UTC. They are ordered by the instant the name gives, so old and new
  names sort together in the order they were made.
- PostgreSQL is backed up with its own tools: `pg_commands()` says which.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.engine import make_url

from wealthtui.store import schema
from wealthtui.store.lock import exclusive, private_umask

BUSY_TIMEOUT_S = 30


class BackupError(Exception):
    """A backup or restore was refused. `key` and `params` are for the message catalog."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    integrity: str  # "ok" or the first problem SQLite reported
    removed: list[Path] = field(default_factory=list)


def _open_readonly(path: Path) -> sqlite3.Connection:
    # immutable: no locks, no -wal/-shm files created next to a file we only inspect
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


def integrity(path: Path, *, live: bool = False) -> str:
    """`ok`, or the first problem `PRAGMA integrity_check` (or opening the file) reported.

    `live`: the database may be in use by the app (read it with normal locking)."""
    if not path.is_file():
        return f"{path}: no such file"
    try:
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S) if live else _open_readonly(path)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    problems = [str(r[0]) for r in rows if r and r[0] != "ok"]
    return problems[0] if problems else "ok"


def revision(path: Path) -> str | None:
    """The alembic revision stamped in a database file; None when it is not a wealthtui one."""
    try:
        con = _open_readonly(path)
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def _stem(db_path: Path) -> str:
    return db_path.stem or "wealthtui"


def _pattern(stem: str) -> re.Pattern[str]:
    """`<stem>-YYYYmmdd-HHMMSS[+HHMM|-HHMM][-n].db` (the offset: names in the center's time)."""
    return re.compile(rf"^{re.escape(stem)}-(\d{{8}}-\d{{6}})([+-]\d{{4}}(?=(?:-\d+)?\.db$))?"
                      rf"(?:-(\d+))?\.db$")


def _instant(match: re.Match[str]) -> datetime:
    """The moment a backup name gives: its local time and offset, or UTC without an offset."""
    stamp, offset = match.group(1), match.group(2)
    zone = UTC
    if offset:
        sign = -1 if offset[0] == "-" else 1
        zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
    try:
        return datetime.strptime(stamp, "%Y%m%d-%H%M%S").replace(tzinfo=zone)
    except ValueError:  # a name that only looks like ours
        return datetime.min.replace(tzinfo=UTC)


def backups_of(db_path: Path, folder: Path) -> list[Path]:
    """The backup copies of `db_path` in `folder`, oldest first (by the instant in the name,
    then the copy number)."""
    if not folder.is_dir():
        return []
    pattern = _pattern(_stem(db_path))
    found = [(p, m) for p in folder.iterdir() if (m := pattern.match(p.name))]
    found.sort(key=lambda pm: (_instant(pm[1]), int(pm[1].group(3) or 0), pm[0].stat().st_mtime))
    return [p for p, _ in found]


def _name_stamp(now: datetime) -> str:
    """`YYYYmmdd-HHMMSS` of `now` in its own zone, with the UTC offset when it has one."""
    offset = now.strftime("%z") if now.tzinfo is not None else ""
    return f"{now:%Y%m%d-%H%M%S}{offset[:5]}"


def _target(db_path: Path, folder: Path, now: datetime) -> Path:
    base = f"{_stem(db_path)}-{_name_stamp(now)}"
    target = folder / f"{base}.db"
    n = 1
    while target.exists():
        target = folder / f"{base}-{n}.db"
        n += 1
    return target


def _private_folder(folder: Path) -> None:
    """The backup folder, made 0700 when it is made here."""
    if not folder.is_dir():
        with private_umask():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)


def _copy(src: sqlite3.Connection, dst: sqlite3.Connection) -> None:
    src.backup(dst)  # all pages in one step: one consistent snapshot of the source


def backup(db_path: Path, folder: Path, *, keep: int, now: datetime,
           require_ok: bool = True) -> BackupResult:
    """Copy the live database at `db_path` into `folder` and keep the newest `keep` copies.

    Refused (BackupError) when there is no database, or (with `require_ok`) when the copy fails
    its integrity check — the bad copy is then removed and the older ones are left alone."""
    if not db_path.is_file():
        raise BackupError("cli.backup.no_database", path=str(db_path))
    _private_folder(folder)
    target = _target(db_path, folder, now)
    try:
        src = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_S)
        try:
            with private_umask():  # the copy (and its journal) readable by its owner only
                dst = sqlite3.connect(target)
            try:
                os.chmod(target, 0o600)
                _copy(src, dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        target.unlink(missing_ok=True)
        raise BackupError("cli.backup.failed", detail=str(exc)) from exc
    result = integrity(target)
    if result != "ok" and require_ok:
        target.unlink(missing_ok=True)
        raise BackupError("cli.backup.copy_corrupt", detail=result)
    removed = []
    copies = backups_of(db_path, folder)
    for old in copies[: max(0, len(copies) - keep)]:
        old.unlink(missing_ok=True)
        removed.append(old)
    return BackupResult(target, target.stat().st_size, result, removed)


def check_restorable(path: Path) -> str:
    """The revision of a file that may be restored; BackupError when it must not be."""
    if not path.is_file():
        raise BackupError("cli.restore.no_file", path=str(path))
    result = integrity(path)
    if result != "ok":
        raise BackupError("cli.restore.corrupt", path=str(path), detail=result)
    rev = revision(path)
    if rev is None:
        raise BackupError("cli.restore.not_wealthtui", path=str(path))
    if rev not in schema.known_revisions():
        raise BackupError("cli.restore.newer", path=str(path), revision=rev)
    return rev


def restore(source: Path, db_path: Path, folder: Path, *, keep: int,
            now: datetime, force: bool = False) -> BackupResult | None:
    """Replace the database at `db_path` by the checked copy `source`. The current database (if
    any) is backed up first and that backup is returned.

    Refused (`restore_guard.in_use`) while any process has the database open (store.lock),
    unless `force`; no new connection opens while the restore runs."""
    check_restorable(source)
    with exclusive(db_path) as alone:
        if not alone and not force:
            raise BackupError("restore_guard.in_use", path=str(db_path))
        return _restore(source, db_path, folder, keep=keep, now=now)


def _restore(source: Path, db_path: Path, folder: Path, *, keep: int,
             now: datetime) -> BackupResult | None:
    before = None
    if db_path.is_file():
        # keep whatever is there, even a damaged database
        before = backup(db_path, folder, keep=keep, now=now, require_ok=False)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        src = _open_readonly(source)
        try:
            with private_umask():
                dst = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_S)
            try:
                _copy(src, dst)
                dst.execute("PRAGMA journal_mode=WAL")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError("cli.restore.failed", detail=str(exc)) from exc
    return before


@dataclass(frozen=True)
class PgCommands:
    backup: str
    restore: str


def pg_commands(url: str, dump_file: str) -> PgCommands:
    """The pg_dump / pg_restore command lines for a PostgreSQL URL (password hidden: give it
    with PGPASSWORD or ~/.pgpass)."""
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    return PgCommands(
        backup=f"pg_dump --format=custom --file={dump_file} '{libpq}'",
        restore=f"pg_restore --clean --if-exists --dbname='{libpq}' {dump_file}",
    )
