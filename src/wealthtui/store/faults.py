"""Faults of the store that no retry cures, sorted into the few kinds people are told about.

`fault_kind(exc)` names the kind of a driver error (as SQLAlchemy wraps it, or raw), or None
when `exc` is not such a fault (a busy store, a constraint, a programming error):

- `full`      SQLite "database or disk is full" (also a full disk under the WAL), PostgreSQL 53100;
- `readonly`  SQLite "attempt to write a readonly database", PostgreSQL 25006 (a read-only
              transaction: a standby, a read-only role or database);
- `missing`   the database file deleted, moved or replaced under a running program, or opened
              empty ("unable to open database file", "no such table"), PostgreSQL 3D000/42P01;
- `io`        SQLite "disk I/O error", PostgreSQL 58030 and class 58;
- `damaged`   "file is not a database", "database disk image is malformed", PostgreSQL XX001/XX002;
- `connection` PostgreSQL: the connection lost or refused (class 08, 57P01-57P03, 53300, or a
              connection SQLAlchemy found invalidated).

The services turn a fault into `services.errors.StoreFault` (one translated sentence, key
`error.store.<kind>`) — the transaction was rolled back, nothing was written — and the command
line prints that sentence. Deliberately free of SQLAlchemy (the sign-in screen imports the
service errors and must start without it): the error is looked at by its attributes.
"""

from __future__ import annotations

import sqlite3

KINDS = ("full", "readonly", "missing", "io", "damaged", "connection")

#: SQLite error texts (lower case, as a prefix or part) and their kind
_SQLITE = (
    ("database or disk is full", "full"),
    ("attempt to write a readonly database", "readonly"),
    ("readonly database", "readonly"),
    ("unable to open database file", "missing"),
    ("no such table", "missing"),
    ("disk i/o error", "io"),
    ("file is not a database", "damaged"),
    ("database disk image is malformed", "damaged"),
)

#: PostgreSQL SQLSTATEs and their kind (a class by its first two characters)
_PG_CODES = {
    "53100": "full", "25006": "readonly", "3D000": "missing", "42P01": "missing",
    "58030": "io", "XX001": "damaged", "XX002": "damaged",
    "57P01": "connection", "57P02": "connection", "57P03": "connection", "53300": "connection",
}
_PG_CLASSES = {"08": "connection", "58": "io"}


def _sqlite_kind(error: sqlite3.Error) -> str | None:
    if not isinstance(error, sqlite3.OperationalError | sqlite3.DatabaseError):
        return None
    text = str(error).lower()
    for part, kind in _SQLITE:
        if part in text:
            return kind
    return None


def _pg_kind(error: BaseException) -> str | None:
    code = getattr(error, "sqlstate", None)
    if code:
        return _PG_CODES.get(code) or _PG_CLASSES.get(code[:2])
    # psycopg's OperationalError without a SQLSTATE: the server could not be reached or the
    # connection closed under the statement
    module = type(error).__module__ or ""
    if module.startswith("psycopg") and type(error).__name__ == "OperationalError":
        return "connection"
    return None


def fault_kind(exc: BaseException | None) -> str | None:
    """The kind of store fault `exc` is (see the module docstring), or None."""
    seen = 0
    while exc is not None and seen < 5:  # the error, or what it wraps / was raised from
        orig = getattr(exc, "orig", None)
        error = orig if isinstance(orig, BaseException) else exc
        if isinstance(error, sqlite3.Error):
            kind = _sqlite_kind(error)
        else:
            kind = _pg_kind(error)
        if kind is None and getattr(exc, "connection_invalidated", False):
            kind = "connection"
        if kind is not None:
            return kind
        exc = exc.__cause__
        seen += 1
    return None
