"""Time: stored in UTC, shown in the center's time zone; the business date is the local date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo


class Clock:
    """The real clock. Tests pass a FixedClock instead."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock that stands still until moved; for tests and demo generation."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        self._at += timedelta(**delta)
        return self._at


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def business_date(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def local(at: datetime, tz: ZoneInfo) -> datetime:
    return at.astimezone(tz)


#: the epoch, aware and naive: an aware instant `at` is `NAIVE_EPOCH + (at - UTC_EPOCH)` as a
#: naive UTC datetime (how SQLite's columns come back), a tenth of the cost of
#: `at.astimezone(UTC).replace(tzinfo=None)`
UTC_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NAIVE_EPOCH = datetime(1970, 1, 1)


def day_bounds_utc(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where the local `day` starts and the next one starts."""
    start = datetime.combine(day, datetime.min.time(), tz)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


class BusinessDays:
    """`business_date(at, tz)` for many instants: the UTC span of the last day worked out is
    kept, so an instant within it costs two comparisons instead of a time-zone conversion
    (a lean read asks on every call). The span is replaced whole, so threads may share it."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._span: tuple[datetime, datetime, date] | None = None

    def of(self, at: datetime) -> date:
        span = self._span
        if span is not None and span[0] <= at < span[1]:
            return span[2]
        day = business_date(at, self.tz)
        start, end = day_bounds_utc(day, self.tz)
        if start <= at < end:  # not kept when a clock change makes the span uncertain
            self._span = (start, end, day)
        return day


# --- the business calendar ---------------------------------------------------------------------
class CalendarUnknown(ValueError):
    """The national calendar does not know `year` and the configuration says to refuse."""

    def __init__(self, year: int) -> None:
        super().__init__(f"the holiday calendar does not know the year {year}")
        self.year = year


@lru_cache(maxsize=8192)
def holiday_detail(day: date) -> tuple[bool, str | None] | None:
    """chinese-calendar's (holiday?, its name) of `day`, kept once asked (a CM's agenda asks
    for the same working days for every client of the book); None for a year it does not
    know."""
    import chinese_calendar  # not on the start-up path (rules.clock is)

    try:
        off, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return bool(off), name


@dataclass(frozen=True)
class OpenDays:
    """Which days the center is open: its open weekdays (ISO 1 = Monday … 7 = Sunday), then, when
    `national_holidays` is on, the statutory holidays (closed) and make-up working days on a
    weekend (open) of chinese-calendar. A year chinese-calendar does not know falls back to the
    weekday rule (`unknown_years = "weekdays"`) or raises CalendarUnknown (`"refuse"`)."""

    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    national_holidays: bool = True
    unknown_years: Literal["weekdays", "refuse"] = "weekdays"

    def known(self, day: date) -> bool:
        """Whether the holidays of `day`'s year are known (always, with national holidays off)."""
        if not self.national_holidays:
            return True
        import chinese_calendar  # not on the start-up path (rules.clock is)

        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            return False
        return True

    def is_open(self, day: date) -> bool:
        by_weekday = day.isoweekday() in self.weekdays
        if not self.national_holidays:
            return by_weekday
        detail = holiday_detail(day)
        if detail is None:  # a year chinese-calendar does not know
            if self.unknown_years == "refuse":
                raise CalendarUnknown(day.year) from None
            return by_weekday
        off, name = detail
        if name is None:  # an ordinary day: the center's own weekdays decide
            return by_weekday
        if off:  # a statutory holiday
            return False
        return True  # a make-up working day (调休上班), weekend or not

    def next_open(self, day: date, *, after: bool = True) -> date:
        """The first open day after `day` (before it with after=False); within a year."""
        step = timedelta(days=1 if after else -1)
        current = day
        for _ in range(366):
            current += step
            if self.is_open(current):
                return current
        raise ValueError("the calendar has no open day within a year")

    def previous_open(self, day: date) -> date:
        return self.next_open(day, after=False)

    def hours(self, day: date, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
        """Opening and closing instants (UTC) of `day`; None when closed."""
        if not self.is_open(day):
            return None
        return (datetime.combine(day, self.opens, tz).astimezone(UTC),
                datetime.combine(day, self.closes, tz).astimezone(UTC))
