"""Appointment rules (issue 18): slots that overlap, a slot within opening hours, late arrivals,
no-shows, and the cash to prepare for large-cash appointments. Pure functions: no database.

Manual digest: appointments come from 95588 and online banking; the CM prepares for appointed
clients. Practice, not our manual's text: a large cash withdrawal is booked the day before so the
outlet can prepare the notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

SOURCES = ("cm", "lobby", "phone_95588", "online")
BOOKED, CHECKED_IN, NO_SHOW, CANCELLED, DONE = (
    "booked", "checked_in", "no_show", "cancelled", "done")
STATUSES = (BOOKED, CHECKED_IN, NO_SHOW, CANCELLED, DONE)
#: an appointment that still holds its slot
HOLDING = (BOOKED, CHECKED_IN)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Whether two half-open slots [start, end) share a moment (back to back does not)."""
    return a_start < b_end and b_start < a_end


def within_hours(local_start: datetime, local_end: datetime, opens: time, closes: time) -> bool:
    """Whether a slot (in local time) lies inside one day's opening hours."""
    if local_end.date() != local_start.date():
        return False
    return opens <= local_start.time() and local_end.time() <= closes and local_start < local_end


def is_late(start: datetime, arrived: datetime, late_minutes: int) -> bool:
    """Arrived after the start plus the tolerance."""
    return arrived > start + timedelta(minutes=late_minutes)


def is_no_show(end: datetime, now: datetime, grace_minutes: int) -> bool:
    """Still not come once the slot and the grace are over."""
    return now >= end + timedelta(minutes=grace_minutes)


def cash_by_denomination(items: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Sums of (denominations text, amount in fen), by the text as written (trimmed; "" kept),
    largest sum first, then by the text."""
    sums: dict[str, int] = {}
    for text, fen in items:
        key = " ".join(text.split())
        sums[key] = sums.get(key, 0) + fen
    return sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
