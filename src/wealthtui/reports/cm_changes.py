"""CM changes whose first contact is overdue (manual ch.2 §5.1): one definition, in Core
(store.tables), that the end-of-day report counts (reports.eod, also through the lean `eod`'s
Connection) and the head's staff tab lists (services.assignments) — DESIGN §7 "one truth per
figure".

A CM change is an active assignment that took over from an earlier one (it started when the
earlier one ended). Its new CM owes the client a first direct contact within
[contact] cm_change_first_contact_days of the start; the change is overdue when none was made
and the day after that is past (the start's local date + the days < today).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, distinct, exists, func, select

from wealthtui.config import Settings
from wealthtui.reports.sql import Db
from wealthtui.rules.agenda import DIRECT_CHANNELS
from wealthtui.rules.clock import day_bounds_utc
from wealthtui.store.tables import client, cm_assignment, contact_log, staff


def _overdue(settings: Settings, now: datetime) -> tuple[Any, Any]:
    """(the earlier assignments, WHERE): the ended assignments an overdue change took over
    from. Driven from the ended assignments, the active one that took over looked up per client
    (ix_cm_assignment_client_end): as a join, SQLite drove it from every active assignment and
    probed the contact log for each (0.96 s at 1,000,000 clients, 50 ms this way)."""
    earlier = cm_assignment.alias()  # cm_assignment_1 in the SQL (the plan tests look for it)
    tz = ZoneInfo(settings.center.timezone)
    today = now.astimezone(tz).date()
    limit = day_bounds_utc(today - timedelta(days=settings.contact.cm_change_first_contact_days),
                           tz)[0]
    took_over = exists().where(
        cm_assignment.c.client_id == earlier.c.client_id, cm_assignment.c.end_at.is_(None),
        cm_assignment.c.start_at == earlier.c.end_at,
        ~exists().where(contact_log.c.client_id == cm_assignment.c.client_id,
                        contact_log.c.staff_id == cm_assignment.c.cm_id,
                        contact_log.c.at >= cm_assignment.c.start_at,
                        contact_log.c.channel.in_(DIRECT_CHANNELS)))
    return earlier, and_(earlier.c.end_at.is_not(None), earlier.c.end_at < limit, took_over)


def overdue_count(session: Db, settings: Settings, now: datetime) -> int:
    """How many CM changes are overdue at `now` (a client has one active assignment, so the
    clients counted are the changes counted)."""
    earlier, where = _overdue(settings, now)
    return int(session.execute(
        select(func.count(distinct(earlier.c.client_id))).where(where)).scalar_one())


@dataclass(frozen=True)
class OverdueChange:
    assignment_id: int          # the active assignment (the new CM's)
    client_id: int
    client_name: str
    client_tier: str
    from_cm_id: int
    from_cm_name: str
    to_cm_id: int
    to_cm_name: str
    start_at: datetime          # when the new CM took over (UTC)


def overdue_changes(session: Db, settings: Settings, now: datetime) -> list[OverdueChange]:
    """The CM changes overdue at `now` (those overdue_count counts), with the client and both
    CMs: the overdue clients found as overdue_count finds them, then their active assignment
    and the one it took over from, per client by the index."""
    earlier, where = _overdue(settings, now)
    prev, old_cm, new_cm = cm_assignment.alias(), staff.alias(), staff.alias()
    rows = session.execute(
        select(cm_assignment.c.id, cm_assignment.c.client_id, client.c.name, client.c.tier,
               prev.c.cm_id, old_cm.c.name, cm_assignment.c.cm_id, new_cm.c.name,
               cm_assignment.c.start_at)
        .select_from(cm_assignment)
        .join(client, client.c.id == cm_assignment.c.client_id)
        .join(prev, and_(prev.c.client_id == cm_assignment.c.client_id,
                         prev.c.end_at == cm_assignment.c.start_at))
        .join(old_cm, old_cm.c.id == prev.c.cm_id)
        .join(new_cm, new_cm.c.id == cm_assignment.c.cm_id)
        .where(cm_assignment.c.end_at.is_(None),
               cm_assignment.c.client_id.in_(select(earlier.c.client_id).where(where)))
    ).all()
    return [OverdueChange(int(a), int(c), name, tier, int(f), from_name, int(to), to_name, start)
            for a, c, name, tier, f, from_name, to, to_name, start in rows]
