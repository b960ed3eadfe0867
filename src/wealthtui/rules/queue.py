"""Queue rules (排队叫号), shared by the lobby and the counters: ticket numbers, the order in which a
counter calls waiting tickets, and the waits and service times derived from a ticket's events.

Manual ch.2 §2.7 (lobby manager: divert and give premium clients priority), manual digest §2.3
(premium window / premium lanes) and §5.3 (waiting time). Pure functions: no database, no clock.

Order at a counter (`order_waiting`):
1. tickets directed at this very counter (a transfer to it, a re-queue back to it);
2. tickets that have waited `starvation_minutes` or more since they were (re-)queued — the
   anti-starvation boost — oldest first, whatever their lane;
3. the rest by priority (premium lanes carry a higher priority than ordinary ones), then by the
   counter's own order of its categories, then checked-in appointments before walk-ins of the
   same lane (issue 18: the appointment jumps its lane's queue, not the premium lanes), then
   oldest first, then lowest number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

#: ticket states
WAITING, CALLED, SERVING, PARKED, NO_SHOW, DONE, CANCELLED = (
    "waiting", "called", "serving", "parked", "no_show", "done", "cancelled")
STATUSES = (WAITING, CALLED, SERVING, PARKED, NO_SHOW, DONE, CANCELLED)
#: a ticket at a counter (being called or served)
AT_COUNTER = (CALLED, SERVING)
#: a ticket that is over
CLOSED = (NO_SHOW, DONE, CANCELLED)

#: event kinds of the ticket timeline
EVENT_KINDS = ("issued", "called", "recalled", "started", "transferred", "parked", "requeued",
               "no_show", "finished", "cancelled")


class RangeExhausted(ValueError):
    """Every number of the category's range is used for the day."""


def number_width(last: int) -> int:
    """Digits shown for a category whose numbers run up to `last` (999 → 3)."""
    return max(3, len(str(last)))


def display_no(prefix: str, number: int, last: int = 999) -> str:
    """What the ticket and the calling board show: prefix + zero-padded number (A + 12 → A012)."""
    return f"{prefix}{number:0{number_width(last)}d}"


def next_number(current_max: int | None, first: int, last: int) -> int:
    """The next ticket number of a category for the day, given the highest one issued so far."""
    if first > last:
        raise ValueError("first must not exceed last")
    if current_max is None or current_max < first:
        return first
    if current_max >= last:
        raise RangeExhausted(f"{first}..{last}")
    return current_max + 1


@dataclass(frozen=True)
class Candidate:
    """What the ordering needs to know of a waiting ticket."""

    ticket_id: int
    category: str
    number: int
    priority: int
    queued_at: datetime
    counter_no: str | None = None  # set when the ticket is directed at one counter
    appointment: bool = False  # issued at a checked-in appointment: ahead of its lane's walk-ins


def eligible(c: Candidate, counter_no: str, categories: Sequence[str]) -> bool:
    """Whether the counter may call the ticket: directed at it, or undirected in a lane it serves."""
    if c.counter_no is not None:
        return c.counter_no == counter_no
    return c.category in categories


def is_boosted(c: Candidate, now: datetime, starvation_minutes: int) -> bool:
    return now - c.queued_at >= timedelta(minutes=starvation_minutes)


def order_waiting(
    candidates: Iterable[Candidate],
    *,
    counter_no: str,
    categories: Sequence[str],
    now: datetime,
    starvation_minutes: int,
) -> list[Candidate]:
    """The tickets `counter_no` (serving `categories`, in its preferred order) may call, in the
    order it should call them. See the module docstring."""
    rank = {code: i for i, code in enumerate(categories)}

    def key(c: Candidate) -> tuple:
        directed = c.counter_no is not None
        boosted = is_boosted(c, now, starvation_minutes)
        if directed or boosted:
            return (0 if directed else 1, 0, 0, False, c.queued_at, c.number)
        return (2, -c.priority, rank.get(c.category, len(rank)), not c.appointment, c.queued_at,
                c.number)

    return sorted((c for c in candidates if eligible(c, counter_no, categories)), key=key)


@dataclass(frozen=True)
class Durations:
    """Times derived from a ticket's events, in seconds."""

    waited: float          # total time waiting (issue or re-queue → call), over all rounds
    served: float          # total time being served (start → finish/park/transfer/no-show)
    first_wait: float | None  # issue → first call; None while never called


_WAIT_STARTS = {"issued", "requeued", "transferred"}
_WAIT_ENDS = {"called", "cancelled", "parked", "no_show"}
_SERVICE_ENDS = {"finished", "parked", "transferred", "no_show", "cancelled"}


def durations(events: Iterable[tuple[str, datetime]], now: datetime | None = None) -> Durations:
    """Waits and service times from (kind, at) events in time order. An interval still open is
    counted up to `now` when given, else left out."""
    waited = served = 0.0
    first_wait: float | None = None
    issued_at: datetime | None = None
    wait_from: datetime | None = None
    serve_from: datetime | None = None
    for kind, at in events:
        if kind == "issued":
            issued_at = at
        if kind in _SERVICE_ENDS and serve_from is not None:
            served += (at - serve_from).total_seconds()
            serve_from = None
        if kind in _WAIT_ENDS and wait_from is not None:
            waited += (at - wait_from).total_seconds()
            wait_from = None
            if kind == "called" and first_wait is None and issued_at is not None:
                first_wait = (at - issued_at).total_seconds()
        if kind in _WAIT_STARTS and wait_from is None:  # a waiting ticket moved keeps waiting
            wait_from = at
        if kind == "started":
            serve_from = at
    if now is not None:
        if wait_from is not None:
            waited += (now - wait_from).total_seconds()
        if serve_from is not None:
            served += (now - serve_from).total_seconds()
    return Durations(waited=waited, served=served, first_wait=first_wait)
