"""A CM's agenda over a whole book (issue 22): the festivals' dates and the lunar birthdays are
worked out once, not once per client — lunardate walks the months from 1900 at each conversion,
and a 500-client book asked for the same seven festivals 3,500 times at every sign-in."""

from __future__ import annotations

from datetime import date

import pytest
from lunardate import LunarDate

from wealthtui.rules import agenda as a

TODAY = date(2026, 11, 30)
RULES = a.AgendaRules(festivals=(
    a.Festival("spring", "lunar", 1, 1), a.Festival("mid_autumn", "lunar", 8, 15),
    a.Festival("dragon_boat", "lunar", 5, 5), a.Festival("national", "solar", 10, 1),
))


def book(size: int) -> list[a.ClientFacts]:
    """Clients who keep the same lunar birthday (as many in a big book share one)."""
    return [a.ClientFacts(client_id=n, name=f"客户{n}", tier="premium",
                          birthday=date(1970, 3, 9), lunar_birthday=True)
            for n in range(1, size + 1)]


def conversions(monkeypatch: pytest.MonkeyPatch, size: int) -> int:
    """Lunar → solar conversions lunardate makes for the agenda of a book of `size`."""
    a.lunar_to_solar.cache_clear()
    a.lunar_of.cache_clear()
    a._festival_dates.cache_clear()  # noqa: SLF001 - the kept dates, cleared for a fair count
    made: list[int] = []
    real = LunarDate.to_solar_date

    def counted(self: LunarDate) -> date:
        made.append(1)
        return real(self)

    monkeypatch.setattr(LunarDate, "to_solar_date", counted)
    a.build(book(size), RULES, TODAY, TODAY, TODAY)
    return len(made)


def test_a_books_festivals_and_lunar_birthdays_are_converted_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    one = conversions(monkeypatch, 1)
    assert one > 0
    assert conversions(monkeypatch, 200) == one  # not 200 times as many


def test_kept_dates_are_the_dates() -> None:
    spring = a.Festival("spring", "lunar", 1, 1)
    first = a.festival_dates_between(spring, date(2027, 1, 1), date(2027, 12, 31))
    first.append(date(2000, 1, 1))  # the caller's list is its own
    assert a.festival_dates_between(spring, date(2027, 1, 1), date(2027, 12, 31)) == [
        LunarDate(2027, 1, 1).to_solar_date()]
    assert a.lunar_to_solar(2027, 1, 1) == LunarDate(2027, 1, 1).to_solar_date()
