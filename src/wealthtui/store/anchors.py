"""Anchors: the audit chain's head written outside the database.

At every close of the business day and on `wealthtui audit anchor`, the head of the chain (last
event id, its hash, whether the chain is keyed and from which event, the time, the center code)
is appended as one JSON line to the database's anchor file in `<data dir>/anchors/` (beside
`backups/`; the same folder for a PostgreSQL database). The file is opened for appending only,
created 0600, and each line is flushed to disk. `audit verify` checks the chain against every
anchor it finds: an anchored event that is missing (the log was cut) or whose hash differs (the
log was rewritten) is reported with the anchor's date.

One file per database: its name is the center code and a short hash of where the database is
(the file's full path, or the PostgreSQL host, port and database name).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from wealthtui.store.tables import audit_head

FOLDER = "anchors"
#: off while a center is being built in a temporary file (the builder anchors the result)
_ENABLED: ContextVar[bool] = ContextVar("wealthtui_anchors", default=True)
log = logging.getLogger(__name__)


@contextmanager
def suspended() -> Iterator[None]:
    """No anchors from day closes inside (demo and synthetic builds)."""
    token = _ENABLED.set(False)
    try:
        yield
    finally:
        _ENABLED.reset(token)


def after_close(engine: Engine, center_code: str, now: datetime, business_date: str) -> None:
    """Anchor the chain once a day close has committed; a failure to write the file is logged
    (the day is closed; `wealthtui audit anchor` writes the anchor later)."""
    if not _ENABLED.get():
        return
    try:
        append(engine, center_code, now, f"close {business_date}")
    except OSError as exc:
        log.warning("audit anchor not written: %s", exc)


@dataclass(frozen=True)
class Anchor:
    at: str  # ISO time in the center's zone
    center: str
    last_id: int
    hash: str
    keyed_from: int
    reason: str
    line: int  # in the file, from 1


def folder() -> Path:
    from wealthtui.config import user_data_dir

    return user_data_dir() / FOLDER


def database_identity(engine: Engine) -> str:
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return str(Path(url.database or "").resolve())
    return f"{url.get_backend_name()}://{url.host or ''}:{url.port or ''}/{url.database or ''}"


def anchor_file(engine: Engine, center_code: str) -> Path:
    ident = hashlib.sha256(database_identity(engine).encode("utf-8")).hexdigest()[:12]
    safe = "".join(ch for ch in center_code if ch.isalnum()) or "center"
    return folder() / f"{safe}-{ident}.jsonl"


def head(conn: Connection) -> tuple[int, str, int]:
    row = conn.execute(select(audit_head.c.last_id, audit_head.c.last_hash,
                              audit_head.c.keyed_from).where(audit_head.c.id == 1)).one()
    return int(row[0]), str(row[1]), int(row[2] or 0)


def append(engine: Engine, center_code: str, now: datetime, reason: str) -> tuple[Path, Anchor]:
    """Append the chain's current head to the anchor file."""
    with engine.connect() as conn:
        last_id, last_hash, keyed_from = head(conn)
    path = anchor_file(engine, center_code)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path.parent, 0o700)
    except OSError:
        pass
    record = {"at": now.isoformat(), "center": center_code, "db": database_identity(engine),
              "last_id": last_id, "hash": last_hash, "keyed_from": keyed_from, "reason": reason}
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
                 .encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return path, Anchor(record["at"], center_code, last_id, last_hash, keyed_from, reason, 0)


def retire(engine: Engine, center_code: str, now: datetime) -> Path | None:
    """A new center replaces the database at this place (`demo --reset`, `gen --reset`,
    `init` on a new file): the old center's anchors are kept, renamed, and no longer checked."""
    path = anchor_file(engine, center_code)
    if not path.is_file():
        return None
    kept = path.with_name(f"{path.name}.retired-{now:%Y%m%d-%H%M%S-%f}")
    os.replace(path, kept)
    return kept


def read(engine: Engine, center_code: str) -> tuple[Path, list[Anchor], list[int]]:
    """(the file, its anchors, the numbers of the lines that could not be read)."""
    path = anchor_file(engine, center_code)
    anchors: list[Anchor] = []
    bad: list[int] = []
    if not path.is_file():
        return path, anchors, bad
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec: dict[str, Any] = json.loads(line)
            anchors.append(Anchor(str(rec["at"]), str(rec.get("center", "")),
                                  int(rec["last_id"]), str(rec["hash"]),
                                  int(rec.get("keyed_from", 0)), str(rec.get("reason", "")), n))
        except (ValueError, KeyError, TypeError):
            bad.append(n)
    return path, anchors, bad
