"""The weak-PIN rules (rules.pins), property-based: every PIN of a rule's shape is refused with
that rule's name, random PINs outside the shapes pass, and the one-time PINs always pass."""

from __future__ import annotations

import random
from datetime import date

from hypothesis import assume, given
from hypothesis import strategies as st

from wealthtui.rules.pins import (
    REASONS,
    birthday_forms,
    is_date_like,
    is_run,
    one_time_pin,
    weak_pin_reason,
)

lengths = st.integers(min_value=6, max_value=12)
digit = st.integers(min_value=0, max_value=9)


@given(digit, lengths)
def test_one_digit_repeated_is_refused(d: int, n: int) -> None:
    assert weak_pin_reason(str(d) * n) == "same"


@given(digit, lengths, st.sampled_from([1, -1]))
def test_runs_up_or_down_wrapping_are_refused(start: int, n: int, step: int) -> None:
    pin = "".join(str((start + step * i) % 10) for i in range(n))
    assert weak_pin_reason(pin) == "run"


def test_the_issue_examples() -> None:
    assert weak_pin_reason("000000") == "same"
    assert weak_pin_reason("123456") == "run"
    assert weak_pin_reason("654321") == "run"
    assert weak_pin_reason("890123") == "run"
    assert weak_pin_reason("800101") == "date"  # the old demo PINs were birthdays
    assert weak_pin_reason("801111") == "date"
    assert weak_pin_reason("246801", staff_no="8001") is None  # the new demo PINs are not


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_whole_pin_dates_are_refused(d: date) -> None:
    assert weak_pin_reason(d.strftime("%y%m%d")) in ("date", "same", "run")
    assert weak_pin_reason(d.strftime("%Y%m%d")) in ("date", "same", "run")
    assert weak_pin_reason(d.strftime("%m%d"), min_len=4) in ("date", "same", "run")


@given(st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31)),
       st.text("0123456789", min_size=0, max_size=4), st.text("0123456789", min_size=0, max_size=4))
def test_the_own_birthday_anywhere_in_the_pin_is_refused(born: date, before: str, after: str) -> None:
    for form in birthday_forms(born):
        pin = before + form + after
        assume(6 <= len(pin) <= 12)
        assert weak_pin_reason(pin, birthday=born) is not None


@given(st.integers(min_value=100, max_value=99_999_999),
       st.text("0123456789", max_size=3), st.text("0123456789", max_size=3))
def test_the_staff_number_inside_is_refused(number: int, before: str, after: str) -> None:
    staff_no = str(number)
    pin = before + staff_no + after
    assume(6 <= len(pin) <= 12)
    assert weak_pin_reason(pin, staff_no=staff_no) is not None
    assert weak_pin_reason(pin, staff_no=staff_no) in ("staff_no", "same", "run", "date")


@given(st.text(min_size=0, max_size=14))
def test_anything_else_than_6_to_12_digits_is_a_format_error(text: str) -> None:
    assume(not (text.isascii() and text.isdigit() and 6 <= len(text) <= 12))
    assert weak_pin_reason(text) == "format"


@given(st.text("0123456789", min_size=6, max_size=12))
def test_every_answer_is_none_or_a_named_rule_and_matches_the_shapes(pin: str) -> None:
    reason = weak_pin_reason(pin)
    assert reason is None or reason in REASONS
    if reason is None:
        assert len(set(pin)) > 1 and not is_run(pin) and not is_date_like(pin)


@given(st.integers(min_value=6, max_value=12), st.integers(min_value=0, max_value=2**32))
def test_one_time_pins_always_pass(length: int, seed: int) -> None:
    pin = one_time_pin(length, random.Random(seed), staff_no="8001", birthday=date(1980, 1, 1))
    assert len(pin) == length
    assert weak_pin_reason(pin, staff_no="8001", birthday=date(1980, 1, 1), min_len=length,
                           max_len=length) is None
