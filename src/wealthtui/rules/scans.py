"""What a keyboard-wedge reader types into the lobby's look-up (issue 18), as pure functions.

An ID card reader or a card/QR scanner types a whole number followed by Enter. Deciding "scan"
by the time between keys would make the look-up depend on the machine's load, so a scan is
decided by what arrived: a complete, valid number.

- `scan_kind(text)`: "id" for an 18-digit resident ID whose check digit holds (python-stdnum),
  "card" for a 16–19 digit bank card number whose Luhn digit holds, "appointment" for an
  appointment reference, "" for anything else (a person typing a name, a phone's last digits).
- An appointment reference (`reference(id)`) is what the confirmation's QR code holds: no
  personal data, only "99", the appointment's number in 8 digits and a Luhn check digit — 11
  digits, which no mainland mobile (they start with 1), card or ID number can be. Digits only,
  because a reader's letters would go to the Chinese input method.
- `LookupPacer`: when the look-up asks the store as keys come. A person's keys each look up
  what was typed so far (the last request wins). Keys of a number that come while a look-up
  runs wait for it: the newest number is looked up once when it answers, or at its Enter if
  that comes first. So a reader's burst (or a mobile typed fast, or pasted) costs a look-up per
  answer of the store, not one per key: its first number worth asking (4 digits:
  SHORTEST_NUMBER), then the whole number. Decided by what arrived while the store was asked,
  not by a clock. A burst is never held for an Enter: a person who types a mobile quickly
  sends none, and must see the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REFERENCE_PREFIX = "99"
REFERENCE_DIGITS = 8
_REFERENCE = re.compile(rf"{REFERENCE_PREFIX}([0-9]{{{REFERENCE_DIGITS}}})([0-9])")


def _luhn_digit(digits: str) -> str:
    from stdnum import luhn

    return luhn.calc_check_digit(digits)


def reference(appointment_id: int) -> str:
    """The appointment's reference (the QR code's payload): 99 + 8 digits + Luhn digit."""
    if not 0 < appointment_id < 10 ** REFERENCE_DIGITS:
        raise ValueError(f"appointment id out of range: {appointment_id}")
    body = f"{REFERENCE_PREFIX}{appointment_id:0{REFERENCE_DIGITS}d}"
    return body + _luhn_digit(body)


def parse_reference(text: str) -> int | None:
    """The appointment id of a reference (spaces around it ignored); None if `text` is not one
    or its check digit is wrong."""
    value = (text or "").strip()
    found = _REFERENCE.fullmatch(value)
    if found is None or _luhn_digit(value[:-1]) != found.group(2):
        return None
    number = int(found.group(1))
    return number or None


def is_resident_id(text: str) -> bool:
    """A complete 18-digit resident ID number with a valid check digit (and birth date)."""
    from stdnum.cn import ric

    value = (text or "").strip().upper()
    if len(value) != 18:
        return False
    try:
        ric.get_birth_date(value)
    except Exception:  # noqa: BLE001 — stdnum raises several kinds; any of them: not an ID
        return False
    return _ric_check(value)


def _ric_check(value: str) -> bool:
    from stdnum.cn import ric

    body = value[:17]  # stdnum's calc_check_digit takes the whole number, check digit included
    return body.isascii() and body.isdigit() and ric.calc_check_digit(body + "0") == value[17]


def is_card(text: str) -> bool:
    """A complete bank card number: 16 to 19 digits with a valid Luhn check digit."""
    from stdnum import luhn

    value = (text or "").strip()
    return bool(re.fullmatch(r"[0-9]{16,19}", value)) and luhn.is_valid(value)


def scan_kind(text: str) -> str:
    """"appointment", "id", "card" or "" (not a complete number a reader would type)."""
    if parse_reference(text) is not None:
        return "appointment"
    if is_resident_id(text):
        return "id"
    if is_card(text):
        return "card"
    return ""


#: a number shorter than a mobile's last digits (model.client.PHONE_TAIL_DIGITS) finds nobody:
#: the look-up is not asked for it
SHORTEST_NUMBER = 4
_SCAN_SHAPED = re.compile(r"[0-9]+[Xx]?")


def scan_shaped(text: str) -> bool:
    """What a reader types: digits, an ID's last character may be X."""
    return bool(_SCAN_SHAPED.fullmatch(text or ""))


def finds_nothing(text: str) -> bool:
    """Nothing to look up: blank, or a number too short to match anyone."""
    value = (text or "").strip()
    return not value or (value.isascii() and value.isdigit() and len(value) < SHORTEST_NUMBER)


@dataclass
class LookupPacer:
    """When the lobby's look-up asks the store (see the module). Each method returns the text to
    look up now, or None:

        pacer.typed(text)      # the look-up's text changed
        pacer.answered(text)   # the look-up of `text` answered (or failed)
        pacer.submitted(text)  # Enter

    A newer look-up supersedes the one running (the caller keeps only the last request's
    answer); a number's keys never pile look-ups up."""

    #: the text whose look-up runs (None: none runs)
    asking: str | None = None
    #: the newest text not looked up yet
    waiting: str | None = None

    def typed(self, text: str) -> str | None:
        if finds_nothing(text):
            self.waiting = None
            return None
        if self.asking is None or not scan_shaped(text):
            return self._ask(text)  # a person's key (a name, letters): looked up at once
        self.waiting = text
        return None

    def answered(self, text: str) -> str | None:
        if text != self.asking:
            return None  # a look-up superseded meanwhile
        self.asking = None
        waiting, self.waiting = self.waiting, None
        if waiting is None or waiting == text:
            return None
        return self._ask(waiting)

    def submitted(self, text: str) -> str | None:
        """Enter: the text still waiting for the running look-up is looked up now."""
        if self.waiting is None or finds_nothing(text):
            return None
        self.waiting = None
        return self._ask(text)

    def _ask(self, text: str) -> str:
        self.asking, self.waiting = text, None  # a newer text than any waiting
        return text
