"""Verifying the audit trail, and the operator's checks (`wealthtui audit verify|anchor`,
`wealthtui db check`), on Core tables (store.tables) so the commands load no models.

`verify_chain` walks the chain in id order and checks each event's link and hash (plain SHA-256
before the chain was keyed, HMAC-SHA-256 with the audit key from `keyed_from` on), the head row,
and every anchor found outside the database (store.anchors): an anchored event that is gone
(truncation) or has another hash (rewriting) is reported with the anchor's date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, select

from wealthtui.store.anchors import Anchor
from wealthtui.store.chain import GENESIS, audit_hash, event_key
from wealthtui.store.tables import audit_event, audit_head

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Problem:
    key: str  # catalog key: audit.problem.*
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    bad_id: int | None = None
    problem: str = ""  # catalog key of the first problem: audit.problem.*
    #: every problem found, the first one included (one line each in the CLI)
    problems: tuple[Problem, ...] = ()
    keyed_from: int = 0
    anchors: int = 0  # how many anchors were checked


def verify_chain(session: Connection | Session, batch: int = 5000, *,
                 key: bytes | None = None, anchors: Sequence[Anchor] = ()) -> ChainReport:
    """Walk the chain in id order (on a connection, or a unit of work's session); report the
    first row whose link or hash is wrong, and every anchor the chain does not match."""
    head = session.execute(select(audit_head).where(audit_head.c.id == 1)).first()
    keyed_from = int(head.keyed_from or 0) if head is not None else 0
    problems: list[tuple[int | None, Problem]] = []
    if keyed_from and key is None:
        problems.append((None, Problem("tamper.problem.no_key", {"id": keyed_from})))
    anchored: dict[int, list[Anchor]] = {}
    for a in anchors:
        if a.last_id > 0:
            anchored.setdefault(a.last_id, []).append(a)
    prev, expected_id, checked = GENESIS, 1, 0
    last = 0
    broken = False
    while not broken:
        rows = session.execute(
            select(audit_event).where(audit_event.c.id > last).order_by(audit_event.c.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            for a in anchored.pop(event.id, ()):
                if a.hash != event.hash:
                    problems.append((event.id, Problem("tamper.problem.anchor_rewritten",
                                                       {"id": event.id, "date": a.at})))
            if broken:
                continue
            ev_key = event_key(event.id, keyed_from, key)
            if event.id != expected_id:
                problems.append((expected_id, Problem("audit.problem.missing",
                                                      {"id": expected_id})))
                broken = True
            elif event.prev_hash != prev:
                problems.append((event.id, Problem("audit.problem.link", {"id": event.id})))
                broken = True
            elif (ev_key is not None or not keyed_from or event.id < keyed_from) and \
                    audit_hash(prev, event, ev_key) != event.hash:
                problems.append((event.id, Problem("audit.problem.hash", {"id": event.id})))
                broken = True
            if not broken:
                prev, expected_id, checked = event.hash, expected_id + 1, checked + 1
        last = rows[-1].id
    if not broken and (head is None or head.last_id != checked or head.last_hash != prev):
        problems.append((checked + 1 if head else None,
                         Problem("audit.problem.head", {"id": checked + 1})))
    for _id, left in sorted(anchored.items()):  # anchored events that are not there any more
        for a in left:
            problems.append((a.last_id, Problem("tamper.problem.anchor_truncated",
                                                {"id": a.last_id, "date": a.at})))
    for a in anchors:
        if a.keyed_from and a.keyed_from != keyed_from:
            problems.append((a.keyed_from, Problem("tamper.problem.anchor_keyed",
                                                   {"id": a.keyed_from, "date": a.at})))
    if not problems:
        return ChainReport(True, checked, keyed_from=keyed_from, anchors=len(anchors))
    first_id, first = problems[0]
    return ChainReport(False, checked, first_id, first.key, tuple(p for _, p in problems),
                       keyed_from, len(anchors))


def verify_engine(engine: Engine, *, key: bytes | None = None,
                  anchors: Sequence[Anchor] = ()) -> ChainReport:
    with engine.connect() as conn:
        return verify_chain(conn, key=key, anchors=anchors)


# --- the operator's checks -----------------------------------------------------------------
def verify_store(engine: Engine, center_code: str, key: bytes | None) -> ChainReport:
    """The chain checked with the audit key and against every anchor of this database; an
    unreadable anchor line is a problem too."""
    from wealthtui.store import anchors

    _path, found, bad = anchors.read(engine, center_code)
    report = verify_engine(engine, key=key, anchors=found)
    if not bad:
        return report
    extra = tuple(Problem("tamper.problem.anchor_unreadable", {"line": n}) for n in bad)
    return ChainReport(False, report.checked, report.bad_id,
                       report.problem or extra[0].key, report.problems + extra,
                       report.keyed_from, report.anchors)


def store_findings(engine: Engine) -> list[Problem]:
    """Rows against their seals, seals against their events, and the append-only triggers."""
    from wealthtui.store import seals, triggers

    with engine.connect() as conn:
        found = triggers.check(conn) + seals.check(conn)
    return [Problem(f.key, f.params) for f in found]


def anchor_now(engine: Engine, center_code: str, now: Any, reason: str) -> Any:
    """Append the chain's head to this database's anchor file; (file, anchor)."""
    from wealthtui.store import anchors

    return anchors.append(engine, center_code, now, reason)
