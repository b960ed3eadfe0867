"""The start-up warning when the holiday calendar does not know the current year."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wealthtui.i18n import t


def calendar_warning(settings: Any, now: datetime) -> str | None:
    """A translated line when [calendar] uses national holidays the library does not have for
    this year; None otherwise."""
    from wealthtui.rules.clock import business_date, zone  # chinese-calendar after start-up

    days = settings.calendar.open_days()
    today = business_date(now, zone(settings.center.timezone))
    if days.known(today):
        return None
    key = "calendar.unknown_refuse" if days.unknown_years == "refuse" else "calendar.unknown_year"
    return t(key, year=today.year)
