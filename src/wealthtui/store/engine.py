"""Engine factory: SQLite by default (WAL, synchronous=FULL, foreign keys, busy timeout),
PostgreSQL by URL (postgresql+psycopg://…).

Write transactions on SQLite start with BEGIN IMMEDIATE, so two processes never both read and then
try to upgrade to a write lock (which SQLite answers with "database is locked" at once).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

WRITE = {"wt_begin": "IMMEDIATE"}


def resolve_url(db: str) -> str:
    """A SQLAlchemy URL from a URL or a file path."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
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


def _sqlite_engine(url: str, busy_timeout_ms: int, create_dir: bool) -> Engine:
    database = make_url(url).database
    if create_dir and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
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
