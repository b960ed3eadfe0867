"""The business date of an instant, as the lean reads work it out (BusinessDays keeps the span of
the last day found) against the plain time-zone conversion, across midnights and clock changes;
and an instant as naive UTC by the epochs (the look-up's) against the plain conversion."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wealthtui.config import ConfigError, load_settings
from wealthtui.rules.clock import (
    NAIVE_EPOCH,
    UTC_EPOCH,
    BusinessDays,
    CalendarUnknown,
    OpenDays,
    business_date,
    zone,
)

#: the center's zone, and zones whose clocks change (São Paulo and Havana at midnight itself)
ZONES = ("Asia/Shanghai", "America/Sao_Paulo", "America/Havana", "Europe/London")

instants = st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 12, 31),
                        timezones=st.just(UTC))


@given(tz_name=st.sampled_from(ZONES), ats=st.lists(instants, min_size=1, max_size=40))
def test_the_kept_day_agrees_with_the_conversion_for_any_instants(tz_name: str,
                                                                  ats: list[datetime]) -> None:
    tz = zone(tz_name)
    days = BusinessDays(tz)
    for at in ats:
        assert days.of(at) == business_date(at, tz)


@given(tz_name=st.sampled_from(ZONES), start=instants,
       steps=st.lists(st.integers(1, 7200), min_size=1, max_size=60))
def test_walking_through_midnights_and_clock_changes(tz_name: str, start: datetime,
                                                     steps: list[int]) -> None:
    tz = zone(tz_name)
    days = BusinessDays(tz)
    at = start
    for seconds in steps:  # minutes to two hours at a time, as calls come in
        at += timedelta(seconds=seconds)
        assert days.of(at) == business_date(at, tz)


def test_the_instants_around_a_midnight_that_a_clock_change_skips() -> None:
    tz = zone("America/Sao_Paulo")  # 2018-11-04 00:00 local did not exist (clocks went to 01:00)
    days = BusinessDays(tz)
    for minutes in range(-90, 90, 7):
        at = datetime(2018, 11, 4, 3, 0, tzinfo=UTC) + timedelta(minutes=minutes)
        assert days.of(at) == business_date(at, tz)


@given(tz_name=st.sampled_from(ZONES),
       local=st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2199, 12, 30)))
def test_naive_utc_by_the_epochs_is_the_conversion(tz_name: str, local: datetime) -> None:
    at = local.replace(tzinfo=zone(tz_name))  # any aware instant, in any of the zones
    assert NAIVE_EPOCH + (at - UTC_EPOCH) == at.astimezone(UTC).replace(tzinfo=None)


# --- the business calendar ----------------------------------------------------------------------
KNOWN = st.dates(min_value=date(2005, 1, 1), max_value=date(2025, 12, 31))
WEEKDAY_SETS = st.frozensets(st.integers(1, 7), min_size=1)


@given(KNOWN, WEEKDAY_SETS)
def test_without_national_holidays_only_the_weekdays_count(day: date, days: frozenset[int]):
    assert OpenDays(days, national_holidays=False).is_open(day) == (day.isoweekday() in days)


@given(KNOWN, WEEKDAY_SETS)
def test_statutory_holidays_close_and_make_up_days_open_whatever_the_weekdays(
        day: date, days: frozenset[int]):
    import chinese_calendar

    off, name = chinese_calendar.get_holiday_detail(day)
    expected = (day.isoweekday() in days) if name is None else not off
    assert OpenDays(days).is_open(day) == expected


def test_a_center_open_on_saturdays():
    saturdays = OpenDays(frozenset({1, 2, 3, 4, 5, 6}))
    weekdays = OpenDays()
    ordinary_saturday = date(2025, 10, 18)
    assert saturdays.is_open(ordinary_saturday) and not weekdays.is_open(ordinary_saturday)
    assert not saturdays.is_open(date(2025, 10, 19))  # Sunday
    assert not saturdays.is_open(date(2025, 10, 4))  # a Saturday in the National Day holiday
    assert saturdays.is_open(date(2025, 9, 28)) and weekdays.is_open(date(2025, 9, 28))  # make-up
    # the previous open day of a Monday is the Saturday before it, not the Friday
    assert saturdays.previous_open(date(2025, 10, 20)) == ordinary_saturday
    assert weekdays.previous_open(date(2025, 10, 20)) == date(2025, 10, 17)
    assert weekdays.next_open(date(2025, 9, 30)) == date(2025, 10, 9)  # after the Golden Week


def test_a_year_the_library_does_not_know_falls_back_or_is_refused():
    far = date(2099, 5, 1)  # a Friday
    assert not OpenDays().known(far) and OpenDays(national_holidays=False).known(far)
    assert OpenDays().is_open(far)  # the weekday rule: no holiday calendar for 2099
    with pytest.raises(CalendarUnknown, match="2099"):
        OpenDays(unknown_years="refuse").is_open(far)


def test_hours_are_the_local_opening_hours_of_an_open_day():
    days = OpenDays(opens=time(8, 30), closes=time(17, 0))
    tz = zone("Asia/Shanghai")
    opens, closes = days.hours(date(2025, 10, 20), tz)
    assert (opens.hour, opens.minute, closes.hour) == (0, 30, 9)  # UTC
    assert days.hours(date(2025, 10, 1), tz) is None


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setattr("wealthtui.resources._cache_dir", lambda kind: tmp_path / "cache" / kind)


def test_the_calendar_section_is_read_and_checked(tmp_path, private_cache):
    default = load_settings(environ={}).calendar.open_days()
    assert default.weekdays == frozenset({1, 2, 3, 4, 5}) and default.national_holidays
    user = tmp_path / "user.toml"
    user.write_text('[calendar]\nopen_weekdays = [1, 2, 3, 4, 5, 6]\nopens = "08:30"\n', "utf-8")
    days = load_settings(config_file=user, environ={}).calendar.open_days()
    assert days.is_open(date(2025, 10, 18)) and days.opens == time(8, 30)
    for bad, what in (("open_weekdays = []", "at least one day"),
                      ("open_weekdays = [8]", "less than or equal to 7"),
                      ("open_weekdays = [1, 1]", "listed twice"),
                      ('opens = "9h"', 'a local time like "09:00"'),
                      ('opens = "18:00"', "opens must be before"),
                      ('unknown_years = "guess"', "unknown_years")):
        user.write_text(f"[calendar]\n{bad}\n", "utf-8")
        with pytest.raises(ConfigError) as caught:
            load_settings(config_file=user, environ={})
        assert what in str(caught.value), (bad, str(caught.value))


def test_the_start_warning_names_the_year_the_calendar_does_not_know(tmp_path, private_cache):
    from wealthtui import i18n
    from wealthtui.ui.calendar_notice import calendar_warning

    settings = load_settings(environ={})
    assert calendar_warning(settings, datetime(2025, 6, 2, 3, tzinfo=UTC)) is None
    line = calendar_warning(settings, datetime(2099, 6, 2, 3, tzinfo=UTC))
    assert line is not None and "2099" in line and "\n" not in line
    user = tmp_path / "user.toml"
    user.write_text('[calendar]\nunknown_years = "refuse"\n', "utf-8")
    refusing = load_settings(config_file=user, environ={})
    i18n.set_language("en")
    try:
        assert "refuses" in calendar_warning(refusing, datetime(2099, 6, 2, 3, tzinfo=UTC))
    finally:
        i18n.set_language("zh_CN")
    off = OpenDays(national_holidays=False)
    assert off.known(date(2099, 6, 2))
