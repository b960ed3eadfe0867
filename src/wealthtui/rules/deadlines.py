"""The complaint clock: when a decision is due, derived from the list of clock events.

Background: the 2020 rules on consumer complaints in banking (peer-systems §4.1) and the manual's
complaint handling (manual ch.4 §5, digest §4.5.3). Nothing here touches the database: the service
stores each clock event as a ComplaintEvent row and calls `derive()` to get the state back.

API (all pure):
- `ClockRules.of(cfg)` – the configured limits (decision, extension, further extension, warning
  window, calendar or working days).
- `ClockEvent(kind, on, ...)` – one change of the clock; kinds are RECEIVED, EXTEND, EXTEND_FURTHER,
  PAUSE, RESUME, RESTART, STOP.
- `check(events, new, rules)` – raises ClockError (a catalog key) when `new` may not follow
  `events`; `derive(events, rules, as_of)` – the ClockState on `as_of`.
- `standing(state, as_of, rules)` – "ok" | "warning" | "overdue" | "paused" | "stopped".
- `add_counting_days`, `counting_days_between`, `is_working_day` – the day arithmetic.
- `parse_day(text, field_key)` – a date typed by staff (2026-12-03, 2026/12/3, 20261203).

How the due date is counted:
- Day 1 is the day after receipt (or after the new-facts date that restarted the clock). The
  limit is `decision_days` (15); one extension raises it to `extension_days` (30, counted from the
  same start); a further extension adds `further_extension_days` (30), only with the head's
  approval and the client told. A restart (new facts or reasons) starts again from the new date
  at the base limit: the extensions may be granted again.
- With `working_days`, only Chinese working days count (chinese-calendar: weekends and public
  holidays are off, adjusted weekend working days are on). For a year the package does not know
  yet, Monday to Friday count.
- A pause for external appraisal, testing or evaluation from its start date to its end date
  (the end date counts again) does not count. While a pause is open the due date moves on with
  each day; `derive()` shows it as if the pause ended the day after `as_of`.
- The clock stops on the day of the decision (the reply), a withdrawal or a merge; `timely`
  says whether that was on or before the due date.
- Changes are dated in order (none before the previous one, none before the start); only new
  facts may be dated back to the day the material arrived, as long as it is not before the start.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import chinese_calendar

from wealthtui.rules.fields import FieldError

RECEIVED = "received"
EXTEND = "extend"
EXTEND_FURTHER = "extend_further"
PAUSE = "pause"
RESUME = "resume"
RESTART = "restart"
STOP = "stop"
KINDS = (RECEIVED, EXTEND, EXTEND_FURTHER, PAUSE, RESUME, RESTART, STOP)

# Levels of the limit: base, extended once, extended further.
BASE, EXTENDED, FURTHER = 0, 1, 2


class ClockError(ValueError):
    """A clock change that the rules forbid. `key` is a message-catalog key."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class ClockRules:
    decision_days: int = 15
    extension_days: int = 30
    further_extension_days: int = 30
    working_days: bool = False
    warn_days: int = 3

    @classmethod
    def of(cls, cfg: Any) -> ClockRules:
        """From the `[complaints]` settings section (any object with these attributes)."""
        return cls(cfg.decision_days, cfg.extension_days, cfg.further_extension_days,
                   cfg.working_days, cfg.warn_days)

    def limit(self, level: int) -> int:
        if level >= FURTHER:
            return self.extension_days + self.further_extension_days
        if level == EXTENDED:
            return self.extension_days
        return self.decision_days


@dataclass(frozen=True)
class ClockEvent:
    kind: str
    on: date
    reason: str = ""
    approved_by: int | None = None  # EXTEND_FURTHER: the head who approved
    client_told: bool = False       # EXTEND_FURTHER and PAUSE: the client was informed


@dataclass(frozen=True)
class ClockState:
    received_on: date
    started_on: date              # receipt, or the date of the latest new facts
    level: int                    # BASE, EXTENDED or FURTHER
    limit_days: int
    pauses: tuple[tuple[date, date | None], ...]  # since the start; an open pause ends in None
    due_date: date
    stopped_on: date | None = None
    restarts: int = 0
    events: tuple[ClockEvent, ...] = field(default=(), repr=False)

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1][1] is None

    @property
    def paused_since(self) -> date | None:
        return self.pauses[-1][0] if self.paused else None

    @property
    def stopped(self) -> bool:
        return self.stopped_on is not None

    @property
    def timely(self) -> bool | None:
        """Whether the clock stopped on or before the due date (None while it runs)."""
        return None if self.stopped_on is None else self.stopped_on <= self.due_date


# --- day arithmetic ------------------------------------------------------------------------

def is_working_day(day: date) -> bool:
    """A Chinese working day (chinese-calendar); Monday to Friday for years it does not know."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def calendar_known(day: date) -> bool:
    """Whether chinese-calendar has the public holidays of `day`'s year."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def _in_pause(day: date, pauses: Iterable[tuple[date, date]]) -> bool:
    return any(start <= day < end for start, end in pauses)


def _counts(day: date, working_days: bool, pauses: Sequence[tuple[date, date]]) -> bool:
    if pauses and _in_pause(day, pauses):
        return False
    return is_working_day(day) if working_days else True


def add_counting_days(
    start: date, days: int, *, working_days: bool = False,
    pauses: Sequence[tuple[date, date]] = (),
) -> date:
    """The day on which the `days`-th counting day after `start` falls (`start` itself is day 0)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if _counts(day, working_days, pauses):
            counted += 1
    return day


def counting_days_between(
    after: date, until: date, *, working_days: bool = False,
    pauses: Sequence[tuple[date, date]] = (),
) -> int:
    """How many counting days lie in (after, until]; negative when `until` is before `after`."""
    if until < after:
        return -counting_days_between(until, after, working_days=working_days, pauses=pauses)
    n, day = 0, after
    while day < until:
        day += timedelta(days=1)
        if _counts(day, working_days, pauses):
            n += 1
    return n


_DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$|^(\d{4})(\d{2})(\d{2})$")


def parse_day(text: str, field_key: str) -> date:
    """A calendar date typed by staff: 2026-12-03, 2026/12/3, 2026年12月3日 or 20261203."""
    value = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    if not value:
        raise FieldError(field_key, "error.field.required")
    match = _DAY.match(value)
    if match is None:
        raise FieldError(field_key, "error.complaint.date")
    y, m, d = (int(g) for g in match.groups() if g is not None)
    try:
        return date(y, m, d)
    except ValueError as exc:
        raise FieldError(field_key, "error.complaint.date") from exc


# --- the state machine ---------------------------------------------------------------------

@dataclass
class _Run:
    received_on: date
    started_on: date
    level: int = BASE
    pauses: list[tuple[date, date | None]] = field(default_factory=list)
    stopped_on: date | None = None
    restarts: int = 0
    last_on: date | None = None

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1][1] is None


def _closed_pauses(run: _Run, as_of: date | None) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for start, end in run.pauses:
        if end is None:
            # An open pause lasts at least until the end of as_of (or of its own first day).
            end = max(start, as_of or start) + timedelta(days=1)
        out.append((start, end))
    return out


def _due(run: _Run, rules: ClockRules, as_of: date | None) -> date:
    return add_counting_days(
        run.started_on, rules.limit(run.level), working_days=rules.working_days,
        pauses=_closed_pauses(run, as_of),
    )


def _step(run: _Run | None, ev: ClockEvent, rules: ClockRules) -> _Run:
    """Apply one event, or raise ClockError saying why it cannot follow."""
    out = _apply(run, ev, rules)
    out.last_on = ev.on
    return out


def _apply(run: _Run | None, ev: ClockEvent, rules: ClockRules) -> _Run:
    if ev.kind not in KINDS:
        raise ClockError("error.complaint.clock_kind", kind=ev.kind)
    if run is None:
        if ev.kind != RECEIVED:
            raise ClockError("error.complaint.clock_not_started")
        return _Run(received_on=ev.on, started_on=ev.on)
    if ev.kind == RECEIVED:
        raise ClockError("error.complaint.clock_started")
    if run.stopped_on is not None:
        raise ClockError("error.complaint.clock_stopped")
    if ev.on < run.started_on:
        raise ClockError("error.complaint.clock_date_order")
    # Events follow one another in time; only new facts may be dated back (they are often
    # recorded a day or two after they arrived), and they start a fresh period anyway.
    if ev.kind != RESTART and run.last_on is not None and ev.on < run.last_on:
        raise ClockError("error.complaint.clock_date_order")
    if ev.kind == STOP:
        if run.paused:
            start, _ = run.pauses[-1]
            run.pauses[-1] = (start, ev.on)
        run.stopped_on = ev.on
        return run
    if ev.kind == RESTART:
        # New facts or reasons: a fresh period from their date; earlier pauses no longer matter.
        return _Run(received_on=run.received_on, started_on=ev.on, restarts=run.restarts + 1)
    if ev.kind == PAUSE:
        if run.paused:
            raise ClockError("error.complaint.already_paused")
        if not ev.client_told:
            raise ClockError("error.complaint.pause_client_told")
        if not ev.reason.strip():
            raise ClockError("error.complaint.reason_required")
        run.pauses.append((ev.on, None))
        return run
    if ev.kind == RESUME:
        if not run.paused:
            raise ClockError("error.complaint.not_paused")
        start, _ = run.pauses[-1]
        run.pauses[-1] = (start, ev.on)
        return run
    # extensions
    if run.paused:
        raise ClockError("error.complaint.extend_paused")
    if not ev.reason.strip():
        raise ClockError("error.complaint.reason_required")
    due = _due(run, rules, ev.on)
    if ev.on > due:
        raise ClockError("error.complaint.extend_overdue", due=due.isoformat())
    if ev.kind == EXTEND:
        if run.level != BASE:
            raise ClockError("error.complaint.already_extended")
        run.level = EXTENDED
        return run
    # EXTEND_FURTHER
    if run.level == BASE:
        raise ClockError("error.complaint.further_needs_extension")
    if run.level >= FURTHER:
        raise ClockError("error.complaint.further_done")
    if ev.approved_by is None:
        raise ClockError("error.complaint.further_needs_approval")
    if not ev.client_told:
        raise ClockError("error.complaint.further_client_told")
    run.level = FURTHER
    return run


def _replay(events: Sequence[ClockEvent], rules: ClockRules) -> _Run:
    run: _Run | None = None
    for ev in events:
        run = _step(run, ev, rules)
    if run is None:
        raise ClockError("error.complaint.clock_not_started")
    return run


def check(events: Sequence[ClockEvent], new: ClockEvent, rules: ClockRules) -> None:
    """Raise ClockError when `new` may not follow `events`."""
    run = _replay(events, rules) if events else None
    _step(run, new, rules)


def derive(events: Sequence[ClockEvent], rules: ClockRules, as_of: date) -> ClockState:
    """The clock on `as_of` from its events (in the order they happened)."""
    run = _replay(events, rules)
    return ClockState(
        received_on=run.received_on,
        started_on=run.started_on,
        level=run.level,
        limit_days=rules.limit(run.level),
        pauses=tuple(run.pauses),
        due_date=_due(run, rules, as_of),
        stopped_on=run.stopped_on,
        restarts=run.restarts,
        events=tuple(events),
    )


OK, WARNING, OVERDUE, PAUSED, STOPPED = "ok", "warning", "overdue", "paused", "stopped"


def days_left(state: ClockState, as_of: date, rules: ClockRules) -> int:
    """Counting days from `as_of` to the due date (0 on the due date, negative when overdue)."""
    return counting_days_between(as_of, state.due_date, working_days=rules.working_days)


def standing(state: ClockState, as_of: date, rules: ClockRules) -> str:
    """Where the clock stands on `as_of`: ok, warning (due within warn_days), overdue, paused,
    stopped."""
    if state.stopped:
        return STOPPED
    if state.paused:
        return PAUSED
    if as_of > state.due_date:
        return OVERDUE
    if days_left(state, as_of, rules) <= rules.warn_days:
        return WARNING
    return OK
