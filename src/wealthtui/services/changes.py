"""What changed since a change marker, for incremental reloads of the screens (issue 22).

The change marker the screens poll is the id of the last audit event (services.audit
`change_marker`). Every business row a write inserts or changes is sealed by that write's last
event, and `row_seal` keeps, per row, the id of the event carrying its last seal, indexed
(store.seals). So the rows of a table written after marker M and up to marker N are

    SELECT tbl, row_id FROM row_seal WHERE audit_id > M AND audit_id <= N

— an index range over the events since M, however large the table. A screen that knows the
marker its rows are current to reads only those rows again; after a long gap
(`FULL_AFTER` events) it reads what it shows in full instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from sqlmodel import Session, col, select

from wealthtui.model import AuditHead, RowSeal

#: more events than this since the marker: read the shown rows in full, not the changes
FULL_AFTER = 2000


def current_marker(session: Session) -> int:
    """The change marker now (the id of the last audit event; 0 before the first). Read it
    before the rows it vouches for: on PostgreSQL each statement sees what was committed when it
    began, so a row written in between is read again next time, never missed."""
    last = session.exec(select(AuditHead.last_id).where(AuditHead.id == 1)).first()
    return int(last or 0)


def incremental(after: int | None, upto: int) -> bool:
    """True when the changes between the markers are worth reading one by one (rather than
    everything shown again)."""
    return after is not None and 0 <= after <= upto and upto - after <= FULL_AFTER


def changed(session: Session, after: int, upto: int) -> dict[str, set[int]]:
    """table → ids of its rows inserted or changed by the events after `after` up to `upto`
    (their last seal is in that range). One range read of the index on the event id: a
    condition on the table would tempt the planner into the key (every row of the table)."""
    out: dict[str, set[int]] = {}
    if upto <= after:
        return out
    for table, row_id in session.exec(
        select(RowSeal.tbl, RowSeal.row_id).where(col(RowSeal.audit_id) > after,
                                                  col(RowSeal.audit_id) <= upto)
    ):
        if row_id.isdigit():
            out.setdefault(table, set()).add(int(row_id))
    return out


class _Row(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=_Row)


def merge(shown: Sequence[R], changed_rows: Sequence[R], *, key, limit: int) -> tuple[R, ...]:  # type: ignore[no-untyped-def]
    """The rows to show after an incremental read: the changed rows replace the shown ones with
    the same id, new ones come in, ordered by `key` descending (newest first), at most `limit`."""
    by_id = {r.id: r for r in shown}
    by_id.update({r.id: r for r in changed_rows})
    return tuple(sorted(by_id.values(), key=key, reverse=True)[:limit])
