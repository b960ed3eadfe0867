"""The business date of an instant, as the lean reads work it out (BusinessDays keeps the span of
the last day found) against the plain time-zone conversion, across midnights and clock changes;
and an instant as naive UTC by the epochs (the look-up's) against the plain conversion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from wealthtui.rules.clock import NAIVE_EPOCH, UTC_EPOCH, BusinessDays, business_date, zone

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
