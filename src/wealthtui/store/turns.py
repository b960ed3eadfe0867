"""Fair turns for the writers of one SQLite file: first come, first served.

Why (issue 22: eight counters calling, 3 calls by one process and 251 by another): SQLite hands
its write lock to whoever asks while it is free. A process that finds it taken waits in SQLite's
busy handler, which sleeps 1, 2, 5 … up to 100 ms between looks; the process that has just
committed begins its next write at once, finds the lock free and takes it again. So whoever is
writing keeps writing and the others starve (the retry back-off of services.base, up to a
second, makes a starved process wait longer still).

The fix is a queue of writers in front of BEGIN IMMEDIATE. A writer takes a number and waits
until the writer before it has finished its transaction; then it begins its own. The queue lives
in the sidecar file `<db>.turns` (0600, never removed) and is made of POSIX record locks, which
the kernel drops when a process ends, however it ends:

- the number: an 8-byte counter at the start of the file, read and advanced under a lock of its
  bytes;
- each writer holds the one-byte lock of its own place (`PLACES` + n modulo `PLACES`), taken
  while it holds the counter, so its successor can never find that place free too early;
- it then waits for the place before it (n - 1): free once its predecessor has finished (or
  died). It looks without blocking, sleeping a little between looks (a blocking wait could not
  give up): a predecessor that does not finish within `patience` seconds (a stopped process) is
  passed over, and SQLite's own lock decides as before — the queue only orders, it never makes
  a write wait longer than its busy timeout would have.

Record locks belong to a process, not to a thread: the threads of one process take their turns
one at a time (a mutex), and a thread already holding the turn (a write inside a write) passes.
Correctness never rests on this module: a write still runs in SQLite's exclusive transaction;
without the sidecar file (a read-only folder) writers simply do not queue.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from wealthtui.store.engine import sqlite_path
from wealthtui.store.lock import private_umask

#: the places of the queue are bytes PLACES … 2·PLACES-1 of the (sparse) file
PLACES = 1 << 20
#: the longest sleep between two looks at the place before one's own
LOOK_EVERY = 0.002


def turns_path(db_path: Path | str) -> Path:
    return Path(f"{db_path}.turns")


class Turns:
    """The writers' queue of one database file (see the module docstring)."""

    def __init__(self, path: Path, patience: float) -> None:
        self.path = path
        self.patience = patience
        self._mutex = threading.Lock()
        self._holder: int | None = None  # the thread holding this process's turn
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int | None:
        if self._fd is None or self._pid != os.getpid():  # a forked child opens its own
            try:
                with private_umask():
                    self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:
                return None
            self._pid = os.getpid()
        return self._fd

    def close(self) -> None:
        with self._mutex:
            if self._fd is not None and self._pid == os.getpid():
                os.close(self._fd)
            self._fd = None

    @contextmanager
    def turn(self) -> Iterator[int | None]:
        """Wait for this writer's turn, hold it for the body, pass it on. Yields the writer's
        number in the queue (None when it does not queue)."""
        me = threading.get_ident()
        if self._holder == me:  # a write inside this thread's own write
            yield None
            return
        with self._mutex:
            self._holder = me
            try:
                fd = self._file()
                number = _take_number(fd) if fd is not None else None
                if fd is None or number is None:
                    yield None
                    return
                try:
                    _wait_for(fd, number - 1, self.patience)
                    yield number
                finally:
                    _unlock(fd, _place(number))
            finally:
                self._holder = None


def _place(number: int) -> int:
    return PLACES + number % PLACES


def _take_number(fd: int) -> int | None:
    """Advance the counter and take the place of the number drawn; None when the file cannot
    be locked (a file system without record locks)."""
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX, 8, 0, os.SEEK_SET)
    except OSError:
        return None
    try:
        raw = os.pread(fd, 8, 0)
        number = int.from_bytes(raw, "big") + 1 if len(raw) == 8 else 1
        os.pwrite(fd, number.to_bytes(8, "big"), 0)
        fcntl.lockf(fd, fcntl.LOCK_EX, 1, _place(number), os.SEEK_SET)
        return number
    except OSError:
        return None
    finally:
        _unlock(fd, 0, 8)


def _wait_for(fd: int, number: int, patience: float) -> None:
    """Until the writer holding `number` has finished (its place is free), or `patience`
    seconds have passed."""
    place = _place(number)
    deadline = time.monotonic() + patience
    nap = 0.0001
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, place, os.SEEK_SET)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                return  # no record locks here: SQLite's lock decides
            if time.monotonic() >= deadline:
                return  # a predecessor that does not finish (stopped) is passed over
            time.sleep(nap)
            nap = min(nap * 2, LOOK_EVERY)
            continue
        _unlock(fd, place)
        return


def _unlock(fd: int, start: int, length: int = 1) -> None:
    try:
        fcntl.lockf(fd, fcntl.LOCK_UN, length, start, os.SEEK_SET)
    except OSError:
        pass


# One queue per database file per process (record locks are the process's: two queues on one
# file would not exclude each other, and closing either's descriptor would drop the other's
# locks). It is closed when the last engine on the file is gone.
_QUEUES: dict[Path, Turns] = {}
_USERS: dict[Path, int] = {}
_SEEN: weakref.WeakKeyDictionary[Engine, Path | None] = weakref.WeakKeyDictionary()
_QUEUES_LOCK = threading.Lock()


def of(engine: Engine, patience: float = 5.0) -> Turns | None:
    """The writers' queue of the engine's SQLite file; None for PostgreSQL and in-memory
    databases (PostgreSQL queues the writers on the audit head's row lock)."""
    with _QUEUES_LOCK:
        if engine not in _SEEN:
            db = sqlite_path(engine)
            path = turns_path(db.resolve()) if db is not None else None
            _SEEN[engine] = path
            if path is not None:
                if path not in _QUEUES:
                    _QUEUES[path] = Turns(path, patience)
                _USERS[path] = _USERS.get(path, 0) + 1
                weakref.finalize(engine, _release, path)
        path = _SEEN[engine]
        return _QUEUES[path] if path is not None else None


def _release(path: Path) -> None:
    with _QUEUES_LOCK:
        _USERS[path] -= 1
        if _USERS[path] == 0:
            del _USERS[path]
            _QUEUES.pop(path).close()


def write_turn(engine: Engine, patience: float = 5.0) -> Any:
    """A context manager: the writer's turn on the engine's database (nothing on PostgreSQL)."""
    turns = of(engine, patience)
    return turns.turn() if turns is not None else nullcontext()
