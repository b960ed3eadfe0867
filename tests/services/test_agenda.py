"""The agenda service reads the desk's clients from the store: cadence by tier, birthdays (lunar
too), festivals, maturities in working days across a holiday, the CM-change clock, and whose desk
one may see."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.conftest import SHANGHAI, T0
from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from wealthtui.services.errors import PermissionDenied

TODAY = date(2026, 11, 30)


def by_kind(items, kind):  # type: ignore[no-untyped-def]
    return [i for i in items if i.kind == kind]


def test_contacts_fall_due_by_the_tier_cadence(desk: Desk) -> None:
    due = desk.client("钱多多", cm=desk.cm1)
    desk.past_contact(due, desk.cm1, T0 - timedelta(days=35))
    fresh = desk.client("周新鲜", cm=desk.cm1)
    desk.past_contact(fresh, desk.cm1, T0 - timedelta(days=3))
    quiet = desk.client("吴久违", tier="ordinary", cm=desk.cm1, aum_fen=1_000_000)
    desk.past_contact(quiet, desk.cm1, T0 - timedelta(days=120))
    items = desk.services.agenda.today(desk.cm1)
    assert [(i.client_id, i.kind) for i in items] == [(quiet, "no_contact"), (due, "cadence")]
    assert all(i.overdue(TODAY) for i in items)


def test_lunar_and_solar_birthdays_on_the_weeks_agenda(desk: Desk) -> None:
    # born 1980-12-03, lunar 10/26; lunar 10/26 of 2026 is 4 Dec (the solar day would be 3 Dec)
    lunar = desk.client("冯农历", cm=desk.cm1, birthday=date(1980, 12, 3), lunar=True)
    solar = desk.client("陈公历", cm=desk.cm1, birthday=date(1970, 12, 2))
    for c in (lunar, solar):
        desk.past_contact(c, desk.cm1, T0 - timedelta(days=1))
    week = by_kind(desk.services.agenda.week(desk.cm1), "birthday")
    assert [(i.client_id, i.due, i.param("lunar")) for i in week] == [
        (solar, date(2026, 12, 2), False), (lunar, date(2026, 12, 4), True)]
    # today (30 Nov) shows the birthdays of the next `birthday_lead_days` (3): the solar one
    assert desk.services.settings.contact.birthday_lead_days == 3
    assert [(i.client_id, i.due) for i in by_kind(desk.services.agenda.today(desk.cm1),
                                                  "birthday")] == [(solar, date(2026, 12, 2))]


def test_maturities_remind_working_days_ahead_across_the_national_day(desk: Desk) -> None:
    desk.services.ctx.clock.set(datetime(2026, 9, 24, 9, 0, tzinfo=SHANGHAI))  # type: ignore[attr-defined]
    client = desk.client("钱多多", cm=desk.cm1, since=datetime(2026, 9, 1, tzinfo=SHANGHAI))
    desk.past_contact(client, desk.cm1, datetime(2026, 9, 20, 10, 0, tzinfo=SHANGHAI))
    holding = desk.holding(client, date(2026, 10, 9))
    (item,) = by_kind(desk.services.agenda.today(desk.cm1), "maturity")
    assert (item.ref, item.due, item.until) == (holding, date(2026, 9, 24), date(2026, 10, 9))
    assert by_kind(desk.services.agenda.items(desk.cm1, start=date(2026, 9, 23)), "maturity") == []
    (fest,) = by_kind(desk.services.agenda.items(desk.cm1, start=date(2026, 9, 23)), "festival")
    assert fest.param("festival") == "mid_autumn"
    desk.services.contacts.log(desk.cm1, client, channel="phone", purpose="maturity")
    (done,) = by_kind(desk.services.agenda.today(desk.cm1), "maturity")
    assert done.done


def test_a_cm_changes_first_contact_clock_is_on_the_new_cms_agenda(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    desk.services.assignments.assign(desk.head, client, desk.cm2.staff_id, "李理财调岗")
    (item,) = by_kind(desk.services.agenda.today(desk.cm2), "cm_change")
    assert (item.client_id, item.due, item.param("from_cm")) == (
        client, TODAY + timedelta(days=30), "李理财")
    assert by_kind(desk.services.agenda.today(desk.cm1), "cm_change") == []
    desk.services.contacts.log(desk.cm2, client, channel="sms", purpose="cm_change")
    assert by_kind(desk.services.agenda.today(desk.cm2), "cm_change")  # a message is not direct
    desk.services.contacts.log(desk.cm2, client, channel="phone", purpose="cm_change")
    assert by_kind(desk.services.agenda.today(desk.cm2), "cm_change") == []


def test_whose_agenda_one_may_see(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    desk.past_contact(client, desk.cm1, T0 - timedelta(days=40))
    with pytest.raises(PermissionDenied):
        desk.services.agenda.today(desk.cm2, cm_id=desk.cm1.staff_id)
    assert desk.services.agenda.today(desk.asst) == []
    desk.services.assignments.attach_assistant(desk.head, desk.asst.staff_id, desk.cm1.staff_id)
    assert [i.client_id for i in desk.services.agenda.today(desk.asst)] == [client]
    assert [i.client_id for i in desk.services.agenda.today(desk.head, cm_id=desk.cm1.staff_id)
            ] == [client]
