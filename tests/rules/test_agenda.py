"""The maintenance agenda as pure rules: working days (chinese-calendar), solar and lunar
birthdays (lunardate), festivals, cadence by tier, maturities, risk expiry, follow-ups and the
CM-change clock."""

from __future__ import annotations

from datetime import date

from lunardate import LunarDate

from wealthtui.rules import agenda as a

TODAY = date(2026, 11, 30)  # a Monday
RULES = a.AgendaRules(
    cadence_days={"key": 30, "premium": 30, "potential": 90},
    no_contact_alert_days=90, maturity_days_ahead=5, risk_valid_days=365, risk_warn_days=30,
    festivals=(a.Festival("spring_festival", "lunar", 1, 1, 2),
               a.Festival("mid_autumn", "lunar", 8, 15, 2),
               a.Festival("national_day", "solar", 10, 1, 1)),
)


def facts(**kw) -> a.ClientFacts:  # type: ignore[no-untyped-def]
    base = dict(client_id=1, name="张三", tier="premium", cm_since=date(2025, 1, 1),
                last_contact=TODAY)
    base.update(kw)
    return a.ClientFacts(**base)  # type: ignore[arg-type]


def kinds(items: list[a.AgendaItem]) -> list[str]:
    return [i.kind for i in items]


# --- working days -------------------------------------------------------------------------------
def test_maturity_reminder_counts_working_days_across_the_national_day_holiday() -> None:
    # 9 Oct 2026 matures; 5 working days before: 8 Oct, 30, 29, 28 Sep, then 24 Sep
    # (1–7 Oct is the National Day holiday, 25–27 Sep the Mid-Autumn one).
    assert a.workdays_before(date(2026, 10, 9), 5) == date(2026, 9, 24)
    items = a.client_items(
        facts(maturities=(a.Maturity(7, "稳健理财", date(2026, 10, 9)),)),
        RULES, date(2026, 9, 24), date(2026, 9, 24), date(2026, 9, 24))
    assert [(i.kind, i.due, i.until, i.ref) for i in items if i.kind == a.MATURITY] == [
        ("maturity", date(2026, 9, 24), date(2026, 10, 9), 7)]
    # on the calendar day before (23 Sep) it is not there yet
    before = a.client_items(facts(maturities=(a.Maturity(7, "x", date(2026, 10, 9)),)),
                            RULES, date(2026, 9, 23), date(2026, 9, 23), date(2026, 9, 23))
    assert a.MATURITY not in kinds(before)


def test_make_up_weekend_days_are_working_days() -> None:
    assert a.is_workday(date(2026, 9, 20))  # a Sunday worked for the National Day holiday
    assert not a.is_workday(date(2026, 10, 5))
    assert a.workdays_after(date(2026, 9, 18), 1) == date(2026, 9, 20)


def test_years_the_calendar_does_not_know_fall_back_to_monday_to_friday() -> None:
    assert a.workdays_before(date(2031, 1, 13), 1) == date(2031, 1, 10)  # Monday → Friday
    assert not a.is_workday(date(2031, 1, 11))


# --- birthdays ----------------------------------------------------------------------------------
def test_a_solar_birthday_on_29_february_falls_on_the_28th_in_ordinary_years() -> None:
    assert a.birthdays_between(date(1988, 2, 29), False, date(2027, 1, 1),
                               date(2027, 12, 31)) == [date(2027, 2, 28)]


def test_a_lunar_birthday_moves_with_the_lunar_calendar() -> None:
    born = date(1980, 9, 23)  # the Mid-Autumn day of 1980: lunar 8/15
    assert a.lunar_of(born) == (8, 15, False)
    year = (date(2026, 1, 1), date(2026, 12, 31))
    assert a.birthdays_between(born, True, *year) == [date(2026, 9, 25)]  # Mid-Autumn 2026
    assert a.birthdays_between(born, False, *year) == [date(2026, 9, 23)]


def test_a_late_lunar_year_birthday_falls_in_the_next_solar_year() -> None:
    born = date(1975, 1, 31)  # lunar 12/20 of the lunar year 1974
    got = a.birthdays_between(born, True, date(2027, 1, 1), date(2027, 2, 28))
    assert got == [LunarDate(2026, 12, 20).to_solar_date()]
    assert got[0].year == 2027


def test_a_lunar_30th_in_a_29_day_month_is_kept_on_the_29th() -> None:
    assert a.lunar_to_solar(2026, 2, 30) == LunarDate(2026, 2, 29).to_solar_date()


def test_birthday_items_appear_in_the_week_and_close_with_a_greeting() -> None:
    client = facts(birthday=date(1966, 12, 3))
    week = a.client_items(client, RULES, TODAY, date(2026, 12, 6), TODAY)
    (item,) = [i for i in week if i.kind == a.BIRTHDAY]
    assert item.due == date(2026, 12, 3) and item.param("age") == 60
    assert [i for i in a.client_items(client, RULES, TODAY, TODAY, TODAY)
            if i.kind == a.BIRTHDAY] == []
    greeted = facts(birthday=date(1966, 12, 3), contacts=((TODAY, "birthday"),))
    (done,) = [i for i in a.client_items(greeted, RULES, TODAY, date(2026, 12, 6), TODAY)
               if i.kind == a.BIRTHDAY]
    assert done.done


# --- festivals ----------------------------------------------------------------------------------
def test_festival_greetings_fall_working_days_before_the_festival() -> None:
    # Mid-Autumn 2026 is Friday 25 Sep (a holiday): two working days before is Wednesday 23 Sep.
    items = a.client_items(facts(), RULES, date(2026, 9, 21), date(2026, 9, 27), date(2026, 9, 21))
    (fest,) = [i for i in items if i.kind == a.FESTIVAL]
    assert fest.param("festival") == "mid_autumn"
    assert (fest.due, fest.until) == (date(2026, 9, 23), date(2026, 9, 25))
    # Spring Festival 2026 is 17 Feb; 14 Feb (Saturday) is a make-up working day, so two working
    # days before the festival is Friday 13 Feb.
    spring = a.client_items(facts(), RULES, date(2026, 2, 9), date(2026, 2, 15), date(2026, 2, 9))
    (sf,) = [i for i in spring if i.kind == a.FESTIVAL]
    assert (sf.param("festival"), sf.due) == ("spring_festival", date(2026, 2, 13))


def test_festival_dates_come_from_the_lunar_calendar_in_any_year() -> None:
    spring = a.Festival("spring_festival", "lunar", 1, 1)
    assert a.festival_dates_between(spring, date(2027, 1, 1), date(2027, 12, 31)) == [
        date(2027, 2, 6)]


# --- cadence, no contact, follow-ups, risk, CM change -------------------------------------------
def test_the_tier_cadence_makes_a_contact_due() -> None:
    recent = facts(last_contact=date(2026, 11, 1))  # due 1 Dec
    assert kinds(a.client_items(recent, RULES, TODAY, TODAY, TODAY)) == []
    (item,) = a.client_items(recent, RULES, TODAY, date(2026, 12, 6), TODAY)
    assert (item.kind, item.due) == (a.CADENCE, date(2026, 12, 1))
    late = facts(last_contact=date(2026, 10, 20))
    (item,) = a.client_items(late, RULES, TODAY, TODAY, TODAY)
    assert item.kind == a.CADENCE and item.overdue(TODAY)
    assert kinds(a.client_items(facts(tier="potential", last_contact=date(2026, 10, 20)),
                                RULES, TODAY, TODAY, TODAY)) == []


def test_no_contact_for_too_long_replaces_the_cadence_item() -> None:
    quiet = facts(last_contact=date(2026, 8, 1))  # 121 days
    assert kinds(a.client_items(quiet, RULES, TODAY, TODAY, TODAY)) == [a.NO_CONTACT]
    ordinary = facts(tier="ordinary", last_contact=date(2026, 8, 1))
    assert kinds(a.client_items(ordinary, RULES, TODAY, TODAY, TODAY)) == [a.NO_CONTACT]
    never = facts(tier="ordinary", last_contact=None, cm_since=date(2026, 11, 1))
    assert kinds(a.client_items(never, RULES, TODAY, TODAY, TODAY)) == []


def test_follow_ups_show_on_their_day_and_stay_until_kept() -> None:
    promised = facts(follow_ups=(a.FollowUp(9, date(2026, 12, 7), "回电"),))
    assert kinds(a.client_items(promised, RULES, TODAY, TODAY, TODAY)) == []
    (item,) = a.client_items(promised, RULES, date(2026, 12, 7), date(2026, 12, 7), TODAY)
    assert (item.kind, item.ref, item.param("action")) == (a.FOLLOW_UP, 9, "回电")
    (late,) = a.client_items(promised, RULES, date(2026, 12, 9), date(2026, 12, 9),
                             date(2026, 12, 9))
    assert late.overdue(date(2026, 12, 9))


def test_a_risk_assessment_expiring_shows_a_month_ahead_and_stays_until_renewed() -> None:
    client = facts(risk_assessed_on=date(2025, 12, 15))  # expires 15 Dec 2026
    (item,) = a.client_items(client, RULES, TODAY, TODAY, TODAY)
    assert (item.kind, item.due, item.overdue(TODAY)) == (a.RISK_EXPIRING, date(2026, 12, 15),
                                                         False)
    assert a.client_items(facts(risk_assessed_on=date(2026, 3, 1)), RULES, TODAY, TODAY,
                          TODAY) == []


def test_the_cm_change_clock_is_due_in_a_month_and_overdue_after() -> None:
    clock = a.ChangeClock(4, date(2026, 11, 20), date(2026, 12, 20), None, "李理财")
    (item,) = a.client_items(facts(change=clock), RULES, TODAY, TODAY, TODAY)
    assert (item.kind, item.due, item.overdue(TODAY)) == (a.CM_CHANGE, date(2026, 12, 20), False)
    assert item.overdue(date(2026, 12, 21))
    met = a.ChangeClock(4, date(2026, 11, 20), date(2026, 12, 20), date(2026, 11, 25), "李理财")
    assert a.client_items(facts(change=met), RULES, TODAY, TODAY, TODAY) == []


def test_the_agenda_lists_overdue_items_first_and_done_ones_last() -> None:
    clients = [
        facts(client_id=1, name="甲", last_contact=date(2026, 10, 1)),          # cadence overdue
        facts(client_id=2, name="乙", follow_ups=(a.FollowUp(1, TODAY, "x"),)),  # due today
        facts(client_id=3, name="丙", birthday=date(1970, 11, 30),
              contacts=((TODAY, "birthday"),)),                                   # done
    ]
    items = a.build(clients, RULES, TODAY, TODAY, TODAY)
    assert [(i.client_name, i.kind, i.done) for i in items] == [
        ("甲", a.CADENCE, False), ("乙", a.FOLLOW_UP, False), ("丙", a.BIRTHDAY, True)]


def test_the_next_contact_date_is_typed_as_days_or_a_date() -> None:
    import pytest

    from wealthtui.rules.fields import FieldError

    assert a.parse_next_date("", TODAY) is None
    assert a.parse_next_date("7", TODAY) == a.parse_next_date("+7天", TODAY) == date(2026, 12, 7)
    assert a.parse_next_date("１２-０７", TODAY) == date(2026, 12, 7)  # full-width digits
    assert a.parse_next_date("01-05", TODAY) == date(2027, 1, 5)  # the next 5 January
    assert a.parse_next_date("2026-12-07", TODAY) == date(2026, 12, 7)
    for bad in ("next week", "02-30", "2026-13-01"):
        with pytest.raises(FieldError) as error:
            a.parse_next_date(bad, TODAY)
        assert (error.value.field, error.value.key) == ("cm.field.next_date",
                                                        "error.contact.next_date_format")


def test_workdays_follow_the_centers_calendar_when_given():
    from datetime import date

    from wealthtui.rules.agenda import workdays_after, workdays_before
    from wealthtui.rules.clock import OpenDays

    monday = date(2025, 10, 20)
    saturdays = OpenDays(frozenset({1, 2, 3, 4, 5, 6}))
    assert workdays_before(monday, 1) == date(2025, 10, 17)  # mainland China: Friday
    assert workdays_before(monday, 1, saturdays) == date(2025, 10, 18)  # open on Saturdays
    assert workdays_after(date(2025, 10, 17), 1, saturdays) == date(2025, 10, 18)
    far = OpenDays(frozenset({1, 2, 3, 4, 5, 6}), unknown_years="refuse")
    assert workdays_before(date(2099, 5, 4), 1, far) == date(2099, 5, 2)  # weekday rule
