"""The audit hash chain: how an event is hashed and how events are appended (Core level).

Each event's hash covers the previous event's hash and every field of the event, the row seals
it carries included (`seals`, see store.seals). Up to the event `audit_head.keyed_from - 1` the
hash is plain SHA-256; from `keyed_from` on (when it is not 0) it is HMAC-SHA-256 with the
audit key (store.audit_key), which is never stored in the database: without the key nobody can
recompute the chain after changing an event. A database switches to the keyed chain at the
first event written by a program that holds a key; the switch is the event `audit.keyed`.

`append_events` works on a Connection, so bulk writers (the generator, migrations) and the unit
of work append the same way: the head row is read with a row lock (FOR UPDATE on PostgreSQL; a
SQLite write transaction holds the database), events get the next ids, the head moves. The
statements are built once (every service write sends them).

A caller that already read the head in its transaction (the unit of work reads it with the
actor, under the write lock: services.uow) passes it as `head`: then the head is not read again,
and it moves by a compare-and-set (`WHERE last_id = <the id read>`). When something else in the
same transaction appended meanwhile (the set finds no row), the head is read again and the
events hashed again from it, so the chain is exactly what a fresh read would have made.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from wealthtui.store.tables import audit_event, audit_head

GENESIS = "0" * 64
KEYED_ACTION = "audit.keyed"


class AuditKeyMissing(Exception):
    """The chain is keyed and this program holds no audit key: nothing can be appended."""


def _parts(prev_hash: str, event: Any) -> bytes:
    at = event.at.astimezone(UTC).isoformat() if event.at else ""  # as read back from the store
    parts = [prev_hash, str(event.id), at, str(event.actor_id or ""), event.action, event.entity,
             event.entity_id, event.detail, event.manual_section]
    seals = getattr(event, "seals", "") or ""
    if seals:  # events written before seals existed hash as they always did
        parts.append(seals)
    return "\x1f".join(parts).encode("utf-8")


def audit_hash(prev_hash: str, event: Any, key: bytes | None = None) -> str:
    """SHA-256 (or, with `key`, HMAC-SHA-256) over the previous hash and the event's content,
    in a fixed order."""
    data = _parts(prev_hash, event)
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def event_key(event_id: int, keyed_from: int, key: bytes | None) -> bytes | None:
    """The key an event's hash uses: None before the switch; `key` from it on."""
    return key if keyed_from and event_id >= keyed_from else None


@dataclass
class NewEvent:
    """An event to append: everything but its id and hashes."""

    at: datetime
    actor_id: int | None
    action: str
    entity: str = ""
    entity_id: str = ""
    detail: str = "{}"
    manual_section: str = ""
    seals: str = ""
    # filled by append_events
    id: int = 0
    prev_hash: str = ""
    hash: str = field(default="")


def new_event(*, at: datetime, actor_id: int | None, action: str, entity: str = "",
              entity_id: object = "", detail: dict[str, Any] | None = None,
              manual_section: str = "", seals: str = "") -> NewEvent:
    return NewEvent(
        at=at, actor_id=actor_id, action=action, entity=entity,
        entity_id=str(entity_id if entity_id is not None else ""),
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
        manual_section=manual_section, seals=seals)


#: the head, locked; the events' insert; the head moved (built once: every write sends them)
_HEAD = (select(audit_head.c.last_id, audit_head.c.last_hash, audit_head.c.keyed_from)
         .where(audit_head.c.id == 1).with_for_update())
_INSERT = insert(audit_event)
_MOVE = update(audit_head).where(audit_head.c.id == 1)
#: the head moved only if it is still where the caller read it (compare-and-set)
_MOVE_FROM = _MOVE.where(audit_head.c.last_id == bindparam("expected_id"))
#: the head's columns, for a caller that reads them with its own statement (services.uow)
HEAD_COLUMNS = (audit_head.c.last_id, audit_head.c.last_hash, audit_head.c.keyed_from)


@dataclass(frozen=True, slots=True)
class Head:
    """The chain's head as read in the current transaction."""

    last_id: int
    last_hash: str
    keyed_from: int

    @classmethod
    def of(cls, row: Any) -> Head:
        return cls(int(row[0]), str(row[1]), int(row[2] or 0))


def _at(value: datetime) -> datetime:
    # the store keeps microseconds; hash what will be read back
    return value.astimezone(UTC)


def append_events(conn: Connection, events: Sequence[NewEvent], key: bytes | None,
                  head: Head | None = None) -> Head | None:
    """Append `events` in order inside the caller's transaction. With a key, a chain that is
    not keyed yet switches first (an `audit.keyed` event, the first keyed one); without a key,
    a keyed chain refuses (AuditKeyMissing). `head`: the head as the caller read it in this
    transaction (see the module docstring). Returns the head after the events (None when there
    were none)."""
    if not events:
        return head
    todo = list(events)
    if head is not None:
        rows, moved = _chained(todo, head, key)
        if conn.execute(_MOVE_FROM, {**moved, "expected_id": head.last_id}).rowcount == 1:
            conn.execute(_INSERT, rows[0] if len(rows) == 1 else rows)
            return Head(moved["last_id"], moved["last_hash"], moved["keyed_from"])
    head = Head.of(conn.execute(_HEAD).one())  # read (again): the head moved meanwhile
    rows, moved = _chained(todo, head, key)
    conn.execute(_INSERT, rows[0] if len(rows) == 1 else rows)
    conn.execute(_MOVE, moved)
    return Head(moved["last_id"], moved["last_hash"], moved["keyed_from"])


def _chained(events: list[NewEvent], head: Head,
             key: bytes | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The rows of `events` chained onto `head` (ids, hashes; a switch to the keyed chain first
    when `key` is given and the chain is not keyed yet), and the head's new values."""
    last_id, last_hash, keyed_from = head.last_id, head.last_hash, head.keyed_from
    if keyed_from and key is None:
        raise AuditKeyMissing("tamper.error.key_missing")
    todo = list(events)
    if key is not None and not keyed_from:
        keyed_from = last_id + 1
        first = events[0]
        todo.insert(0, new_event(at=first.at, actor_id=first.actor_id, action=KEYED_ACTION,
                                 entity="audit", entity_id=keyed_from,
                                 detail={"from": keyed_from, "algorithm": "HMAC-SHA-256"}))
    rows = []
    for ev in todo:
        last_id += 1
        ev.at = _at(ev.at)
        ev.id, ev.prev_hash = last_id, last_hash
        ev.hash = audit_hash(last_hash, ev, event_key(ev.id, keyed_from, key))
        last_hash = ev.hash
        rows.append({"id": ev.id, "at": ev.at, "actor_id": ev.actor_id, "action": ev.action,
                     "entity": ev.entity, "entity_id": ev.entity_id, "detail": ev.detail,
                     "manual_section": ev.manual_section, "seals": ev.seals,
                     "prev_hash": ev.prev_hash, "hash": ev.hash})
    return rows, {"last_id": last_id, "last_hash": last_hash, "keyed_from": keyed_from}


def append_event(conn: Connection, *, at: datetime, actor_id: int | None, action: str,
                 entity: str = "", entity_id: object = "", detail: dict[str, Any] | None = None,
                 manual_section: str = "", key: bytes | None) -> NewEvent:
    """Append one event inside the caller's transaction (locks the head row); see
    append_events."""
    event = new_event(at=at, actor_id=actor_id, action=action, entity=entity,
                      entity_id=entity_id, detail=detail, manual_section=manual_section)
    append_events(conn, [event], key)
    return event
