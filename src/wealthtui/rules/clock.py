"""Time: stored in UTC, shown in the center's time zone; the business date is the local date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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
