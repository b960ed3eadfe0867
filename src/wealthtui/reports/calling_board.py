"""The calling board's figures (叫号屏): the day's last calls and how many wait per lane, read
through the Core tables (store.tables), without the ORM models or the services (issue 22).

One read for every place that shows them: `QueueService.board` and the queue snapshot of the
lobby and counter boards (`QueueService.snapshot_in`) run these functions in their unit of work
(a Session), and the calling board in the waiting area (`wealthtui display`, ui/screens/
display.py) runs them on a Core connection of its own, so that it starts without loading the
model — the same statements, the same figures.

The board is an unauthenticated wall screen (as `QueueService.board` has always been): what it
reads is ticket numbers, counter numbers, times and counts — nothing that names a client or a
member of staff, and, a read, it writes no audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from wealthtui.rules.clock import business_date, day_bounds_utc, zone
from wealthtui.rules.status import TicketStatus
from wealthtui.store.tables import audit_head, ticket, ticket_event

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy import Engine

    from wealthtui.config import Settings
    from wealthtui.reports.sql import Db

#: the ticket events that call a ticket to a counter
CALL_KINDS = ("called", "recalled")


@dataclass(frozen=True)
class CallView:
    display_no: str
    counter_no: str
    at: datetime
    recall: bool


@dataclass(frozen=True)
class BoardView:
    """What the calling board in the waiting area shows: no names, nothing about clients."""

    at: datetime
    now_calling: CallView | None
    recent: tuple[CallView, ...]
    waiting: tuple[tuple[str, str, str, int], ...]  # (prefix, name, name_en, waiting)


def last_calls(db: Db, today: date, tz: ZoneInfo, limit: int) -> tuple[CallView, ...]:
    """The day's last `limit` calls, newest first: the events are walked back from now by
    their time (ix_ticket_event_at, migration 0021) within today's span and the walk stops
    at the `limit`-th call, so a busy day costs what its last few minutes cost. (Today's
    span holds the calls of today's tickets only: a ticket lives within its business day.
    Filtering on the ticket's day as well would lead the planner to read the whole day's
    tickets and sort their calls.)"""
    if limit <= 0:
        return ()
    start, end = day_bounds_utc(today, tz)
    rows = db.execute(
        select(ticket.c.display_no, ticket_event.c.counter_no, ticket_event.c.at,
               ticket_event.c.kind)
        .join(ticket, ticket.c.id == ticket_event.c.ticket_id)
        .where(ticket_event.c.at >= start, ticket_event.c.at < end,
               ticket_event.c.kind.in_(CALL_KINDS))
        .order_by(ticket_event.c.at.desc(), ticket_event.c.id.desc())
        .limit(limit)
    ).all()
    return tuple(CallView(no, counter or "", at, kind == "recalled")
                 for no, counter, at, kind in rows)


def waiting_by_lane(db: Db, today: date) -> dict[str, tuple[int, datetime]]:
    """Lane code → (tickets waiting, the earliest queued_at, UTC) for `today`; lanes with none
    waiting are absent."""
    rows = db.execute(
        select(ticket.c.category, func.count(), func.min(ticket.c.queued_at))
        .where(ticket.c.business_date == today, ticket.c.status == TicketStatus.WAITING.value)
        .group_by(ticket.c.category)
    ).all()
    return {code: (count, aware(oldest)) for code, count, oldest in rows}


def board_in(db: Db, settings: Settings, now: datetime, today: date, tz: ZoneInfo,
             recent: int) -> BoardView:
    """The calling board at `now`: the call shown large, the `recent` calls before it and the
    number waiting per configured lane (in the configuration's order)."""
    calls = last_calls(db, today, tz, recent + 1)
    waiting = waiting_by_lane(db, today)
    lanes = tuple((cat.prefix, cat.name, cat.name_en, waiting.get(cat.code, (0, None))[0])
                  for cat in settings.queue.categories)
    return BoardView(at=now, now_calling=calls[0] if calls else None, recent=calls[1:],
                     waiting=lanes)


def change_marker_in(db: Db) -> int:
    """The id of the last audit event (as services.audit `change_marker`): it moves whenever
    anything is written anywhere."""
    return int(db.execute(select(audit_head.c.last_id).where(audit_head.c.id == 1)).scalar_one())


def read(engine: Engine, settings: Settings, now: datetime, recent: int,
         shown_marker: int | None = None, shown_day: date | None = None,
         ) -> tuple[int, BoardView | None]:
    """For the wall board: the change marker and, unless it is `shown_marker` on `shown_day`
    (nothing written since the board shown was read, the same business day), the board — on
    one connection of `engine`, in one read transaction. (marker, None) when nothing changed."""
    tz = zone(settings.center.timezone)
    today = business_date(now, tz)
    with engine.connect() as conn:
        marker = change_marker_in(conn)
        if marker == shown_marker and today == shown_day:
            return marker, None
        return marker, board_in(conn, settings, now, today, tz, recent)


def aware(at: datetime | str) -> datetime:
    """MIN() over a UTC column comes back without the column type's conversion on SQLite."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at if at.tzinfo else at.replace(tzinfo=UTC)
