"""Who is using a SQLite database: a shared `flock` on `<db>.lock` per open connection.

Every connection the engine opens (store.engine: the app, every command, the lean readers) is a
`LockedConnection`, which holds a shared lock on the sidecar file `<db>.lock` from its opening to
its close. `db restore` takes the exclusive lock without waiting (`exclusive`): it is refused
while any process — this one included — has the database open, and while the restore runs no
new connection opens (a new one waits for the shared lock). SQLite's own locks are POSIX record
locks on the database file; `flock` on another file never touches them.

The sidecar file is made 0600 and never removed (removing a lock file others may hold open is
the classic race). A folder we cannot write to (a read-only copy) just means no lock is taken.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def lock_path(db_path: Path | str) -> Path:
    return Path(f"{db_path}.lock")


@contextmanager
def private_umask() -> Iterator[None]:
    """Files made inside are readable by their owner only (umask 077)."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _open(path: Path) -> int | None:
    try:
        with private_umask():
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        try:
            return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return None


def _database_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The file name of a sqlite3.connect call (a path, or a `file:` URI)."""
    database = str(args[0] if args else kwargs.get("database", ""))
    if database.startswith("file:"):
        from urllib.parse import unquote, urlsplit

        database = unquote(urlsplit(database).path)
    return database


class LockedConnection(sqlite3.Connection):
    """A sqlite3 connection that holds a shared lock on `<db>.lock` while it is open."""

    _lock_fd: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        database = _database_of(args, kwargs)
        fd = _open(lock_path(database)) if database and database != ":memory:" else None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits while a restore holds it exclusively
        try:
            super().__init__(*args, **kwargs)
        except BaseException:
            if fd is not None:
                os.close(fd)
            raise
        self._lock_fd = fd

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()

    def _release(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)

    def __del__(self) -> None:
        self._release()


@contextmanager
def exclusive(db_path: Path) -> Iterator[bool]:
    """The exclusive lock on `<db>.lock`, without waiting: yields True when held (no other
    connection is open), False when the database is in use."""
    fd = _open(lock_path(db_path))
    if fd is None:
        yield True  # nobody can have made a lock file we cannot open: nobody holds it
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
