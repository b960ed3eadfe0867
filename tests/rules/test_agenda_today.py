"""The agenda as the CM reads it in the morning (issue 19): birthdays ahead by the configured
lead, today's work before the overdue backlog, which folds into one line per kind."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from wealthtui.rules import agenda as a

TODAY = date(2026, 11, 30)


def item(kind: str, due: date, client_id: int = 1, *, done: bool = False) -> a.AgendaItem:
    return a.AgendaItem(kind=kind, client_id=client_id, client_name=f"客户{client_id}",
                        tier="premium", start=min(due, TODAY), due=due, until=None, done=done,
                        purpose=a.PURPOSE_OF[kind])


@given(lead=st.integers(min_value=0, max_value=30), ahead=st.integers(min_value=-5, max_value=40))
def test_a_birthday_shows_on_todays_agenda_from_lead_days_ahead(lead: int, ahead: int) -> None:
    """A birthday `ahead` days from today is on today's agenda exactly when 0 <= ahead <= lead;
    it is due on the day itself (never overdue before it)."""
    day = TODAY + timedelta(days=ahead)
    born = date(1970, day.month, day.day) if (day.month, day.day) != (2, 29) else date(1972, 2, 29)
    facts = a.ClientFacts(client_id=1, name="钱多多", tier="premium", birthday=born)
    rules = a.AgendaRules(birthday_lead_days=lead)
    items = [i for i in a.build([facts], rules, TODAY, TODAY, TODAY) if i.kind == a.BIRTHDAY]
    if 0 <= ahead <= lead:
        (found,) = items
        assert found.due == day and found.start == day - timedelta(days=lead)
        assert not found.overdue(TODAY)
    else:
        assert items == []


def test_without_a_lead_a_birthday_shows_on_the_day_only() -> None:
    facts = a.ClientFacts(client_id=1, name="钱多多", tier="premium", birthday=date(1966, 12, 3))
    rules = a.AgendaRules()
    assert [i.due for i in a.build([facts], rules, TODAY, TODAY, TODAY)] == []
    on_day = TODAY + timedelta(days=3)
    assert [i.due for i in a.build([facts], rules, on_day, on_day, on_day)] == [on_day]


def test_clocks_and_todays_work_come_before_the_folded_backlog() -> None:
    items = [
        item(a.NO_CONTACT, TODAY - timedelta(days=100), 1),
        item(a.CADENCE, TODAY - timedelta(days=40), 2),
        item(a.FOLLOW_UP, TODAY, 3),
        item(a.CM_CHANGE, TODAY - timedelta(days=2), 4),  # an overdue clock stays on top
        item(a.NO_CONTACT, TODAY - timedelta(days=120), 5),
        item(a.BIRTHDAY, TODAY + timedelta(days=2), 6),
        item(a.MATURITY, TODAY, 7, done=True),
        item(a.CM_CHANGE, TODAY + timedelta(days=20), 8),
    ]
    first, folds, done = a.today_first(items, TODAY)
    assert [(i.kind, i.client_id) for i in first] == [
        (a.CM_CHANGE, 4), (a.CM_CHANGE, 8), (a.FOLLOW_UP, 3), (a.BIRTHDAY, 6)]
    assert [(f.kind, f.count, [i.client_id for i in f.items]) for f in folds] == [
        (a.NO_CONTACT, 2, [5, 1]), (a.CADENCE, 1, [2])]
    assert [i.client_id for i in done] == [7]


kinds = st.sampled_from(a.KINDS)
days = st.integers(min_value=-60, max_value=10)


@given(st.lists(st.tuples(kinds, days, st.booleans()), max_size=30))
def test_folding_keeps_every_item_once(specs: list[tuple[str, int, bool]]) -> None:
    items = [item(kind, TODAY + timedelta(days=d), n, done=done)
             for n, (kind, d, done) in enumerate(specs)]
    first, folds, done_items = a.today_first(items, TODAY)
    folded = [i for f in folds for i in f.items]
    assert sorted(id(i) for i in [*first, *folded, *done_items]) == sorted(id(i) for i in items)
    # what is folded is overdue and not a clock; one fold per kind, in urgency order
    assert all(i.overdue(TODAY) and i.kind != a.CM_CHANGE for i in folded)
    assert [f.kind for f in folds] == sorted({f.kind for f in folds}, key=a.KINDS.index)
    # nothing on top is an overdue item other than a clock
    assert all(i.kind == a.CM_CHANGE or not i.overdue(TODAY) for i in first)
    assert all(i.done for i in done_items)
