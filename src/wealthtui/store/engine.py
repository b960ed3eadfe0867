"""Engine factory: SQLite by default (WAL, synchronous=FULL, foreign keys, busy timeout),
PostgreSQL by URL (postgresql+psycopg://…).

Write transactions on SQLite start with BEGIN IMMEDIATE, so two processes never both read and then
try to upgrade to a write lock (which SQLite answers with "database is locked" at once).

A SQLite file and what SQLite creates beside it (-wal, -shm) are made 0600, a data folder the
engine creates 0700 (the umask is 077 while a connection opens). Each connection holds a shared
`flock` on `<db>.lock` while it is open (store.lock), so `db restore` can tell that the database
is in use. Once the file has been opened, it is never created again: a new connection opens it
with `mode=rw`, and every transaction first checks that the file at the path is still the one
the engine opened — a database deleted, moved or replaced under a running program is a fault
(`fault_kind` "missing"), never a new empty database or writes into an unlinked file.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from wealthtui.store.lock import LockedConnection, private_umask

WRITE = {"wt_begin": "IMMEDIATE"}
#: the text of the error raised when the database file is not the one the engine opened
MOVED = "unable to open database file: the database file was moved, deleted or replaced"


def resolve_url(db: str) -> str:
    """A SQLAlchemy URL from a URL or a file path."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    """The database file of a SQLite engine (None for PostgreSQL or an in-memory database)."""
    if not is_sqlite(engine):
        return None
    database = engine.url.database
    return Path(database) if database and database != ":memory:" else None


def make_engine(db: str, *, busy_timeout_ms: int = 5000, create_dir: bool = True) -> Engine:
    url = resolve_url(db)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, busy_timeout_ms, create_dir)
    return _postgres_engine(url)


def _postgres_engine(url: str) -> Engine:
    from psycopg.types.numeric import NumericLoader

    class WholeNumericLoader(NumericLoader):
        """SUM() of a bigint column is numeric on PostgreSQL: give whole numbers back as int
        (money is integer fen everywhere, as on SQLite), fractions (AVG) as float."""

        def load(self, data):  # type: ignore[no-untyped-def]
            value = super().load(data)
            return int(value) if value == value.to_integral_value() else float(value)

    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.adapters.register_loader("numeric", WholeNumericLoader)

    return engine


def _make_folder(folder: Path) -> None:
    """The folder of a database, made 0700 when it is made here (an existing one is left as
    it is: it may be shared on purpose)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=0o700, exist_ok=True)
        os.chmod(made, 0o700)


class _FileIdentity:
    """The device and inode of the database file the engine first opened."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.identity: tuple[int, int] | None = None

    def check(self) -> None:
        """Raise sqlite3.OperationalError when the file at the path is not the one opened."""
        if self.path is None:
            return
        try:
            st = os.stat(self.path)
        except OSError:
            raise sqlite3.OperationalError(MOVED) from None
        now = (st.st_dev, st.st_ino)
        if self.identity is None:
            self.identity = now
        elif now != self.identity:
            raise sqlite3.OperationalError(MOVED)


def _sqlite_engine(url: str, busy_timeout_ms: int, create_dir: bool) -> Engine:
    database = make_url(url).database
    path = Path(database) if database and database != ":memory:" else None
    if create_dir and path is not None:
        _make_folder(path.parent)
    identity = _FileIdentity(path)
    connect_args: dict[str, object] = {"check_same_thread": False,
                                       "timeout": busy_timeout_ms / 1000}
    if path is not None:
        connect_args["factory"] = LockedConnection
    engine = create_engine(url, connect_args=connect_args)

    @event.listens_for(engine, "do_connect")
    def _do_connect(dialect, _record, cargs, cparams):  # type: ignore[no-untyped-def]
        if path is not None and identity.identity is not None:
            # opened before: never create it again (a deleted file stays a fault)
            cargs[0] = f"file:{quote(str(path))}?mode=rw"
            cparams["uri"] = True
        with private_umask():
            return dialect.connect(*cargs, **cparams)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        with private_umask():  # the -wal and -shm files
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()
        try:
            identity.check()
        except sqlite3.OperationalError:
            dbapi_connection.close()  # a connection to some other file: not kept
            raise

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        identity.check()
        mode = conn.get_execution_options().get("wt_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def is_busy_error(exc: BaseException) -> bool:
    """True for errors that a retry of the whole transaction may cure (locks, serialisation)."""
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower()
        if "locked" in text or "busy" in text:
            return True
    if isinstance(exc, DBAPIError):
        code = getattr(getattr(exc, "orig", None), "sqlstate", None)
        return code in ("40001", "40P01", "55P03")  # serialization, deadlock, lock not available
    return False
