"""The complaint clock (rules.deadlines): 15 / 30 / +30 days, pauses, restarts, working days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wealthtui.rules import deadlines as dl
from wealthtui.rules.deadlines import ClockError, ClockEvent, ClockRules

CAL = ClockRules(decision_days=15, extension_days=30, further_extension_days=30,
                 working_days=False, warn_days=3)
WORK = ClockRules(decision_days=15, extension_days=30, further_extension_days=30,
                  working_days=True, warn_days=3)
NOV30 = date(2026, 11, 30)  # a Monday


def received(on: date = NOV30) -> ClockEvent:
    return ClockEvent(dl.RECEIVED, on)


def due(events: list[ClockEvent], rules: ClockRules = CAL, as_of: date | None = None) -> date:
    return dl.derive(events, rules, as_of or events[-1].on).due_date


# --- 15 / 30 / +30 -----------------------------------------------------------------------

def test_decision_due_fifteen_calendar_days_after_receipt() -> None:
    state = dl.derive([received()], CAL, NOV30)
    assert state.due_date == date(2026, 12, 15)
    assert state.limit_days == 15 and state.level == dl.BASE


def test_extension_makes_thirty_days_from_receipt_not_from_the_extension() -> None:
    events = [received(), ClockEvent(dl.EXTEND, date(2026, 12, 10), reason="需调取监控录像")]
    assert due(events) == date(2026, 12, 30)


def test_further_extension_adds_thirty_with_approval_and_client_told() -> None:
    events = [
        received(),
        ClockEvent(dl.EXTEND, date(2026, 12, 10), reason="复杂"),
        ClockEvent(dl.EXTEND_FURTHER, date(2026, 12, 28), reason="特别复杂", approved_by=1,
                   client_told=True),
    ]
    state = dl.derive(events, CAL, date(2026, 12, 28))
    assert state.due_date == date(2027, 1, 29)  # 60 days after 30 November
    assert state.level == dl.FURTHER and state.limit_days == 60


def test_further_extension_refused_without_approval() -> None:
    events = [received(), ClockEvent(dl.EXTEND, date(2026, 12, 1), reason="复杂")]
    new = ClockEvent(dl.EXTEND_FURTHER, date(2026, 12, 20), reason="特别复杂", client_told=True)
    with pytest.raises(ClockError) as err:
        dl.check(events, new, CAL)
    assert err.value.key == "error.complaint.further_needs_approval"


def test_further_extension_refused_when_client_not_told() -> None:
    events = [received(), ClockEvent(dl.EXTEND, date(2026, 12, 1), reason="复杂")]
    new = ClockEvent(dl.EXTEND_FURTHER, date(2026, 12, 20), reason="特别复杂", approved_by=1)
    with pytest.raises(ClockError) as err:
        dl.check(events, new, CAL)
    assert err.value.key == "error.complaint.further_client_told"


def test_further_extension_needs_a_first_extension_and_happens_once() -> None:
    further = ClockEvent(dl.EXTEND_FURTHER, date(2026, 12, 2), reason="x", approved_by=1,
                         client_told=True)
    with pytest.raises(ClockError) as err:
        dl.check([received()], further, CAL)
    assert err.value.key == "error.complaint.further_needs_extension"
    events = [received(), ClockEvent(dl.EXTEND, date(2026, 12, 1), reason="复杂"), further]
    with pytest.raises(ClockError) as err:
        dl.check(events, further, CAL)
    assert err.value.key == "error.complaint.further_done"


def test_extension_needs_a_reason_and_happens_once() -> None:
    with pytest.raises(ClockError) as err:
        dl.check([received()], ClockEvent(dl.EXTEND, date(2026, 12, 1), reason="  "), CAL)
    assert err.value.key == "error.complaint.reason_required"
    events = [received(), ClockEvent(dl.EXTEND, date(2026, 12, 1), reason="复杂")]
    with pytest.raises(ClockError) as err:
        dl.check(events, ClockEvent(dl.EXTEND, date(2026, 12, 2), reason="again"), CAL)
    assert err.value.key == "error.complaint.already_extended"


def test_no_extension_once_overdue() -> None:
    with pytest.raises(ClockError) as err:
        dl.check([received()], ClockEvent(dl.EXTEND, date(2026, 12, 16), reason="晚了"), CAL)
    assert err.value.key == "error.complaint.extend_overdue"
    # on the due date itself it is still in time
    dl.check([received()], ClockEvent(dl.EXTEND, date(2026, 12, 15), reason="当天"), CAL)


# --- pause ---------------------------------------------------------------------------------

def test_pause_for_appraisal_moves_the_due_date_by_the_paused_days() -> None:
    events = [
        received(),
        ClockEvent(dl.PAUSE, date(2026, 12, 3), reason="送司法鉴定", client_told=True),
        ClockEvent(dl.RESUME, date(2026, 12, 10)),
    ]
    state = dl.derive(events, CAL, date(2026, 12, 10))
    assert state.due_date == date(2026, 12, 22)  # 15 December + 7 paused days
    assert state.pauses == ((date(2026, 12, 3), date(2026, 12, 10)),)
    assert not state.paused


def test_open_pause_keeps_moving_the_due_date_and_is_not_overdue() -> None:
    events = [received(), ClockEvent(dl.PAUSE, date(2026, 12, 3), reason="鉴定", client_told=True)]
    on_dec5 = dl.derive(events, CAL, date(2026, 12, 5))
    assert on_dec5.paused and on_dec5.paused_since == date(2026, 12, 3)
    assert on_dec5.due_date == date(2026, 12, 18)  # 3, 4 and 5 December did not count
    much_later = date(2027, 1, 20)
    assert dl.standing(dl.derive(events, CAL, much_later), much_later, CAL) == dl.PAUSED


def test_pause_rules() -> None:
    with pytest.raises(ClockError) as err:
        dl.check([received()], ClockEvent(dl.PAUSE, date(2026, 12, 3), reason="鉴定"), CAL)
    assert err.value.key == "error.complaint.pause_client_told"
    with pytest.raises(ClockError) as err:
        dl.check([received()], ClockEvent(dl.RESUME, date(2026, 12, 3)), CAL)
    assert err.value.key == "error.complaint.not_paused"
    paused = [received(), ClockEvent(dl.PAUSE, date(2026, 12, 3), reason="鉴定", client_told=True)]
    for new, key in [
        (ClockEvent(dl.PAUSE, date(2026, 12, 4), reason="x", client_told=True),
         "error.complaint.already_paused"),
        (ClockEvent(dl.EXTEND, date(2026, 12, 4), reason="x"), "error.complaint.extend_paused"),
        (ClockEvent(dl.RESUME, date(2026, 12, 2)), "error.complaint.clock_date_order"),
    ]:
        with pytest.raises(ClockError) as err:
            dl.check(paused, new, CAL)
        assert err.value.key == key


# --- restart ---------------------------------------------------------------------------------

def test_new_facts_restart_the_clock_from_their_date_at_the_base_limit() -> None:
    events = [
        received(),
        ClockEvent(dl.EXTEND, date(2026, 12, 1), reason="复杂"),
        ClockEvent(dl.PAUSE, date(2026, 12, 2), reason="鉴定", client_told=True),
        ClockEvent(dl.RESUME, date(2026, 12, 5)),
        ClockEvent(dl.RESTART, date(2026, 12, 10), reason="客户补充新的交易记录"),
    ]
    state = dl.derive(events, CAL, date(2026, 12, 10))
    assert state.started_on == date(2026, 12, 10) and state.received_on == NOV30
    assert state.due_date == date(2026, 12, 25)
    assert state.level == dl.BASE and state.pauses == () and state.restarts == 1
    # the extension may be granted again in the new period
    dl.check(events, ClockEvent(dl.EXTEND, date(2026, 12, 11), reason="仍复杂"), CAL)


# --- working days ----------------------------------------------------------------------------

def test_working_days_skip_national_day_2026_and_count_the_adjusted_saturday() -> None:
    # Received Monday 28 September 2026. chinese-calendar: 1–7 October off (National Day),
    # Saturday 10 October a working day. Working days 1–15: 29, 30 Sep; 8, 9, 10 Oct;
    # 12–16 Oct; 19–23 Oct.
    start = date(2026, 9, 28)
    assert dl.is_working_day(date(2026, 10, 10)) and not dl.is_working_day(date(2026, 10, 5))
    assert due([received(start)], WORK) == date(2026, 10, 23)
    assert due([received(start)], CAL) == date(2026, 10, 13)


def test_working_day_pause_counts_only_the_working_days_it_covers() -> None:
    start = date(2026, 9, 28)
    events = [
        received(start),
        ClockEvent(dl.PAUSE, date(2026, 9, 30), reason="鉴定", client_told=True),
        ClockEvent(dl.RESUME, date(2026, 10, 9)),
    ]
    # 30 Sep and 8 Oct were working days inside the pause: the due date moves by two
    # working days, from 23 to 27 October.
    assert due(events, WORK) == date(2026, 10, 27)


def test_working_days_fall_back_to_monday_to_friday_for_an_unknown_year() -> None:
    assert not dl.calendar_known(date(2100, 1, 4))
    # Thursday 7 January 2100 + 15 weekdays = Thursday 28 January 2100
    assert due([received(date(2100, 1, 7))], WORK) == date(2100, 1, 28)


# --- standing, stop --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 12, 11), dl.OK),
        (date(2026, 12, 12), dl.WARNING),  # three days left
        (date(2026, 12, 15), dl.WARNING),  # due today
        (date(2026, 12, 16), dl.OVERDUE),
    ],
)
def test_warning_window_then_overdue(as_of: date, expected: str) -> None:
    state = dl.derive([received()], CAL, as_of)
    assert dl.standing(state, as_of, CAL) == expected


def test_warning_window_counts_working_days_when_configured() -> None:
    # Due Monday 21 December 2026 (15 working days after 30 November). On Wednesday 16 December
    # three working days are left (17, 18, 21): a warning; on Tuesday 15th four: not yet.
    state = dl.derive([received()], WORK, date(2026, 12, 16))
    assert state.due_date == date(2026, 12, 21)
    assert dl.standing(state, date(2026, 12, 16), WORK) == dl.WARNING
    assert dl.standing(state, date(2026, 12, 15), WORK) == dl.OK


def test_stop_records_timeliness_and_freezes_the_clock() -> None:
    on_time = [received(), ClockEvent(dl.STOP, date(2026, 12, 14))]
    state = dl.derive(on_time, CAL, date(2027, 3, 1))
    assert state.stopped and state.timely is True
    assert dl.standing(state, date(2027, 3, 1), CAL) == dl.STOPPED
    late = dl.derive([received(), ClockEvent(dl.STOP, date(2026, 12, 16))], CAL, date(2026, 12, 16))
    assert late.timely is False
    with pytest.raises(ClockError) as err:
        dl.check(on_time, ClockEvent(dl.EXTEND, date(2026, 12, 14), reason="x"), CAL)
    assert err.value.key == "error.complaint.clock_stopped"


def test_stop_during_a_pause_closes_the_pause() -> None:
    events = [
        received(),
        ClockEvent(dl.PAUSE, date(2026, 12, 3), reason="鉴定", client_told=True),
        ClockEvent(dl.STOP, date(2026, 12, 8)),
    ]
    state = dl.derive(events, CAL, date(2027, 1, 1))
    assert state.pauses == ((date(2026, 12, 3), date(2026, 12, 8)),)
    assert state.due_date == date(2026, 12, 20)


def test_events_must_start_with_receipt_and_stay_in_order() -> None:
    with pytest.raises(ClockError):
        dl.derive([ClockEvent(dl.EXTEND, NOV30, reason="x")], CAL, NOV30)
    with pytest.raises(ClockError) as err:
        dl.check([received()], ClockEvent(dl.RESTART, date(2026, 11, 29), reason="x"), CAL)
    assert err.value.key == "error.complaint.clock_date_order"
    with pytest.raises(ClockError) as err:
        dl.check([received()], received(), CAL)
    assert err.value.key == "error.complaint.clock_started"


def test_parse_day_accepts_common_spellings_and_names_the_field() -> None:
    assert dl.parse_day("2026-12-03", "field.complaint.date") == date(2026, 12, 3)
    assert dl.parse_day("２０２６/１２/３", "field.complaint.date") == date(2026, 12, 3)
    assert dl.parse_day("20261203", "field.complaint.date") == date(2026, 12, 3)
    for bad in ("", "2026-13-01", "昨天", "3/12/2026"):
        with pytest.raises(dl.FieldError) as err:
            dl.parse_day(bad, "field.complaint.date")
        assert err.value.field == "field.complaint.date"


# --- properties ------------------------------------------------------------------------------

@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    pause_at=st.integers(min_value=1, max_value=14),
    pause_len=st.integers(min_value=0, max_value=40),
)
def test_calendar_due_date_is_limit_plus_paused_days(start: date, pause_at: int,
                                                     pause_len: int) -> None:
    p0 = start + timedelta(days=pause_at)
    events = [
        received(start),
        ClockEvent(dl.PAUSE, p0, reason="鉴定", client_told=True),
        ClockEvent(dl.RESUME, p0 + timedelta(days=pause_len)),
    ]
    assert due(events) == start + timedelta(days=15 + pause_len)


@given(
    start=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 1)),
    days=st.integers(min_value=0, max_value=60),
)
def test_working_day_due_date_is_a_working_day_exactly_n_working_days_on(start: date,
                                                                         days: int) -> None:
    end = dl.add_counting_days(start, days, working_days=True)
    assert dl.counting_days_between(start, end, working_days=True) == days
    if days:
        assert dl.is_working_day(end)


def test_changes_follow_in_time_but_new_facts_may_be_dated_back() -> None:
    events = [received(), ClockEvent(dl.EXTEND, date(2026, 12, 5), reason="复杂")]
    with pytest.raises(ClockError) as err:
        dl.check(events, ClockEvent(dl.STOP, date(2026, 12, 4)), CAL)
    assert err.value.key == "error.complaint.clock_date_order"
    # new material that arrived on the 3rd and was recorded after the extension
    late_facts = ClockEvent(dl.RESTART, date(2026, 12, 3), reason="补充材料")
    dl.check(events, late_facts, CAL)
    assert due([*events, late_facts]) == date(2026, 12, 18)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_parse_day_reads_back_every_date_it_could_be_given(day: date) -> None:
    for text in (day.isoformat(), f"{day.year}/{day.month}/{day.day}", day.strftime("%Y%m%d"),
                 f"{day.year}年{day.month}月{day.day}日"):
        assert dl.parse_day(text, "field.complaint.date") == day


@given(st.text(max_size=20))
def test_parse_day_fails_only_with_a_field_error(text: str) -> None:
    try:
        dl.parse_day(text, "field.complaint.date")
    except dl.FieldError as exc:
        assert exc.field == "field.complaint.date"
