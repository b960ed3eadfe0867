"""Which PINs are too easy to guess: a pure rule, no database.

`weak_pin_reason(pin, staff_no=..., birthday=..., min_len=..., max_len=...)` returns None for
an acceptable PIN, or the name of the first rule it breaks:

- "format"    not min_len..max_len ASCII digits;
- "same"      one digit repeated (000000, 777777);
- "run"       each digit one more, or each one less, than the one before, wrapping after 9
              and 0 (123456, 654321, 890123, 109876);
- "staff_no"  the staff number (when it is 3 or more digits) inside the PIN;
- "birthday"  the staff member's own birthday inside the PIN (as YYYYMMDD, YYMMDD, MMDD or
              DDMM, when known);
- "date"      the whole PIN is a valid date: MMDD (4 digits), YYMMDD (6) or YYYYMMDD (8, years
              1900-2099) — the common birthday PINs.

Each reason has a message `error.field.pin_weak.<reason>` in the catalogs.
"""

from __future__ import annotations

import random
from datetime import date

REASONS = ("format", "same", "run", "staff_no", "birthday", "date")


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _steps(pin: str) -> set[int]:
    return {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}


def is_same_digit(pin: str) -> bool:
    return len(set(pin)) == 1


def is_run(pin: str) -> bool:
    """Ascending or descending by one, wrapping (890123, 210987)."""
    return _steps(pin) in ({1}, {9})


def is_date_like(pin: str) -> bool:
    """The whole PIN is a valid MMDD, YYMMDD or YYYYMMDD."""
    n = len(pin)
    if n == 4:
        return _is_date(2000, int(pin[:2]), int(pin[2:]))  # a leap year: 0229 counts
    if n == 6:
        month, day = int(pin[2:4]), int(pin[4:])
        return any(_is_date(century + int(pin[:2]), month, day) for century in (1900, 2000))
    if n == 8:
        year = int(pin[:4])
        return 1900 <= year <= 2099 and _is_date(year, int(pin[4:6]), int(pin[6:]))
    return False


def birthday_forms(birthday: date) -> tuple[str, ...]:
    """How a birthday is typed as digits: YYYYMMDD, YYMMDD, MMDD, DDMM."""
    return (birthday.strftime("%Y%m%d"), birthday.strftime("%y%m%d"),
            birthday.strftime("%m%d"), birthday.strftime("%d%m"))


def weak_pin_reason(pin: str, *, staff_no: str = "", birthday: date | None = None,
                    min_len: int = 6, max_len: int = 12) -> str | None:
    """None when `pin` is acceptable, else the first rule (of REASONS) it breaks."""
    if not (pin.isascii() and pin.isdigit() and min_len <= len(pin) <= max_len):
        return "format"
    if is_same_digit(pin):
        return "same"
    if is_run(pin):
        return "run"
    number = staff_no.strip()
    if len(number) >= 3 and number.isascii() and number.isdigit() and number in pin:
        return "staff_no"
    if birthday is not None and any(form in pin for form in birthday_forms(birthday)):
        return "birthday"
    if is_date_like(pin):
        return "date"
    return None


def one_time_pin(length: int, rng: random.Random | None = None, *, staff_no: str = "",
                 birthday: date | None = None) -> str:
    """A random PIN of `length` digits that passes every rule (drawn from the system's secure
    source unless `rng` is given)."""
    source = rng or random.SystemRandom()
    while True:
        pin = "".join(source.choice("0123456789") for _ in range(length))
        if weak_pin_reason(pin, staff_no=staff_no, birthday=birthday,
                           min_len=length, max_len=length) is None:
            return pin
