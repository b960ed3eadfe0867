"""A first look at a SQLite center file with the standard library alone.

Opening the workstation shows the sign-in screen before SQLAlchemy and the model are loaded (they
load in the background while the staff number is typed), yet a missing, newer or older database
must still be refused before the screen opens. These reads answer that, and whether the center is
a demo one (its PINs are shown), with Python's sqlite3 module: a few milliseconds.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from wealthtui.store.schema import SchemaState, head_revision

#: the meta key that marks a demo or generated center (services.center.DEMO)
DEMO_KEY = "demo"


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)


def _has_table(con: sqlite3.Connection, name: str) -> bool:
    row = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                      (name,)).fetchone()
    return row is not None


def sqlite_state(path: Path) -> SchemaState:
    """The schema state of an existing SQLite file (the same answer as schema.state)."""
    with closing(_connect(path)) as con:
        empty = con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                            ).fetchone()[0] == 0
        current = None
        if _has_table(con, "alembic_version"):
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            current = row[0] if row else None
    return SchemaState(current=current, head=head_revision(), empty=empty)


def sqlite_meta(path: Path) -> dict[str, str]:
    """The center's meta values ({} when the file has no meta table)."""
    with closing(_connect(path)) as con:
        if not _has_table(con, "meta"):
            return {}
        return {str(k): str(v) for k, v in con.execute("SELECT key, value FROM meta")}


def is_demo(path: Path) -> bool:
    return sqlite_meta(path).get(DEMO_KEY) == "1"
