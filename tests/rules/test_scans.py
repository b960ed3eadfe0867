"""What a keyboard-wedge reader types, as the look-up decides it (rules.scans, issue 18), and the
appointment reminders on the agenda (rules.agenda.appointment_items): hypothesis over numbers."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from wealthtui.rules import agenda, scans

ids = st.integers(min_value=1, max_value=10 ** scans.REFERENCE_DIGITS - 1)


@given(ids)
def test_a_reference_reads_back_as_its_appointment_and_is_nothing_else(appointment_id: int) -> None:
    ref = scans.reference(appointment_id)
    assert len(ref) == 11 and ref.isdigit() and ref.startswith("99")
    assert scans.parse_reference(ref) == appointment_id
    assert scans.parse_reference(f" {ref} ") == appointment_id
    assert scans.scan_kind(ref) == "appointment"


@given(ids, st.integers(min_value=2, max_value=10), st.integers(min_value=1, max_value=9))
def test_one_mistyped_digit_is_no_reference(appointment_id: int, at: int, plus: int) -> None:
    ref = scans.reference(appointment_id)
    wrong = ref[:at] + str((int(ref[at]) + plus) % 10) + ref[at + 1:]
    assert scans.parse_reference(wrong) is None  # the Luhn digit catches every single error


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_mobile_number_is_never_a_scan(mobile: str) -> None:
    assert scans.scan_kind(mobile) == ""


@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31)),
       st.integers(min_value=0, max_value=999))
def test_a_valid_resident_id_is_an_id_scan_and_a_wrong_check_digit_is_not(
        birth: date, seq: int) -> None:
    body = f"110105{birth:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")
    assert scans.scan_kind(number) == "id"
    wrong = body + next(d for d in "0123456789X" if d != number[-1])
    assert scans.scan_kind(wrong) != "id"  # (18 digits may still be a valid card number)
    assert scans.scan_kind(number[:-1]) != "id"  # still typing: not a complete ID


@given(st.from_regex(r"62[0-9]{13,16}", fullmatch=True))
def test_a_luhn_valid_card_number_is_a_card_scan(body: str) -> None:
    number = body + luhn.calc_check_digit(body)
    assert scans.scan_kind(number) in ("card", "id")  # 18 digits may also read as an ID
    if len(number) != 18:
        assert scans.scan_kind(number) == "card"
    assert scans.scan_kind(number[:-1] + str((int(number[-1]) + 1) % 10)) in ("", "id")


TODAY = date(2026, 11, 30)


@given(st.lists(st.tuples(st.integers(min_value=-3, max_value=10),
                          st.sampled_from(("booked", "checked_in", "no_show", "done"))),
                max_size=12),
       st.sampled_from((1, 7)))
def test_appointments_show_from_the_day_before_and_are_done_once_not_booked(
        booked: list[tuple[int, str]], days: int) -> None:
    items = agenda.appointment_items(
        (agenda.Booked(i + 1, i + 1, f"客户{i}", "ordinary", TODAY + timedelta(days=ahead),
                       "10:00", "理财咨询", "Wealth", status)
         for i, (ahead, status) in enumerate(booked)),
        TODAY, TODAY + timedelta(days=days - 1))
    shown = {i.ref for i in items}
    for i, (ahead, _status) in enumerate(booked):
        assert (i + 1 in shown) == (0 <= ahead <= days)  # today's and tomorrow's on day one
    for item in items:
        ahead, status = booked[item.ref - 1]  # type: ignore[operator]
        assert item.kind == agenda.APPOINTMENT and item.done == (status != "booked")
        assert item.start == item.due - timedelta(days=1) and not item.overdue(TODAY)
