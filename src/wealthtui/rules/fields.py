"""Parsers and validators for what staff type: identity numbers, mobiles, card numbers, names.

Each parser takes raw input (full-width digits, spaces and hyphens allowed), returns the normalised
value, or raises FieldError naming the field and what is accepted (as message keys).

python-stdnum and phonenumbers are imported by the parsers that use them, not with this module
(FieldError is needed by the sign-in screen, which must show fast).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable


class FieldError(ValueError):
    """Bad input for one field. `field` and `key` are message-catalog keys."""

    def __init__(self, field_key: str, key: str, **params: object) -> None:
        super().__init__(f"{field_key}: {key}")
        self.field = field_key
        self.key = key
        self.params = params


# ID types (证件类型). Resident ID cards and residence permits carry a check digit.
ID_RESIDENT = "resident"                 # 居民身份证
ID_RESIDENCE_PERMIT = "residence_permit"  # 港澳台居民居住证 (same 18-digit format)
ID_PASSPORT = "passport"                 # 护照
ID_HK_MACAU_PASS = "hk_macau_pass"       # 港澳居民来往内地通行证
ID_TAIWAN_PASS = "taiwan_pass"           # 台湾居民来往大陆通行证
ID_FOREIGN_PERMANENT = "foreign_permanent"  # 外国人永久居留身份证
ID_OTHER = "other"
ID_TYPES = (ID_RESIDENT, ID_RESIDENCE_PERMIT, ID_PASSPORT, ID_HK_MACAU_PASS, ID_TAIWAN_PASS,
            ID_FOREIGN_PERMANENT, ID_OTHER)

_SEPARATORS = re.compile(r"[\s\-_]")
_FREE_ID = re.compile(r"^[A-Z0-9]{5,20}$")


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters become ASCII), then strip spaces and hyphens."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text)


def parse_id_number(id_type: str, text: str) -> str:
    """A validated identity number for `id_type`."""
    if id_type not in ID_TYPES:
        raise FieldError("field.id_type", "error.field.id_type", accepted=", ".join(ID_TYPES))
    value = normalise(text).upper()
    if not value:
        raise FieldError("field.id_number", "error.field.required")
    if id_type in (ID_RESIDENT, ID_RESIDENCE_PERMIT):
        if len(value) != 18:
            raise FieldError("field.id_number", "error.field.id_resident_length")
        return _resident_id(value)
    if not _FREE_ID.match(value):
        raise FieldError("field.id_number", "error.field.id_other")
    return value


# Province-level codes (the first two digits). python-stdnum knows county codes only for the years
# they existed, so a real older card from a since-renamed county fails its place check: such a
# number is still accepted when its province is real and its date and check digit are right.
_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
})


def _resident_id(value: str) -> str:
    from stdnum.cn import ric
    from stdnum.exceptions import InvalidComponent
    from stdnum.exceptions import ValidationError as StdnumError

    try:
        return ric.validate(value)
    except InvalidComponent as exc:
        try:
            ric.get_birth_date(value)
        except StdnumError:
            raise FieldError("field.id_number", "error.field.id_resident_invalid") from exc
        if value[:2] in _PROVINCES:
            return value
        raise FieldError("field.id_number", "error.field.id_resident_invalid") from exc
    except StdnumError as exc:
        raise FieldError("field.id_number", "error.field.id_resident_invalid") from exc


def birthday_from_resident_id(value: str):
    """The birth date printed in an 18-digit resident ID number."""
    from stdnum.cn import ric

    return ric.get_birth_date(value)


def parse_mobile(text: str) -> str:
    """A mobile number: mainland numbers as 11 digits, others in E.164 (+852…)."""
    value = normalise(text)
    if not value:
        raise FieldError("field.phone", "error.field.required")
    if not re.fullmatch(r"\+?\d{5,16}", value):
        raise FieldError("field.phone", "error.field.phone")
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException as exc:
        raise FieldError("field.phone", "error.field.phone") from exc
    kind = phonenumbers.number_type(number)
    if not phonenumbers.is_valid_number(number) or kind not in (
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE
    ):
        raise FieldError("field.phone", "error.field.phone")
    if number.country_code == 86:
        return str(number.national_number)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_card(text: str) -> str:
    """A bank card number: 16 to 19 digits with a valid Luhn check digit."""
    value = normalise(text)
    if not re.fullmatch(r"\d{16,19}", value):
        raise FieldError("field.card_no", "error.field.card_length")
    from stdnum import luhn

    if not luhn.is_valid(value):
        raise FieldError("field.card_no", "error.field.card_check")
    return value


MAX_NAME_CELLS = 40
_MIDDLE_DOTS = "．・•‧∙⋅·"


def parse_name(text: str) -> str:
    """A person's name: Chinese characters (rare ones too), letters, spaces and the middle dot ·."""
    value = unicodedata.normalize("NFC", (text or "").strip())
    for dot in _MIDDLE_DOTS:
        value = value.replace(dot, "·")
    value = re.sub(r"\s+", " ", value)
    if not value:
        raise FieldError("field.name", "error.field.required")
    if _has_control(value):
        raise FieldError("field.name", "error.field.name_chars")
    for ch in value:
        if ch in "· '-." or ch.isalpha():
            continue
        raise FieldError("field.name", "error.field.name_chars")
    if len(value) > MAX_NAME_CELLS:
        raise FieldError("field.name", "error.field.too_long", max=MAX_NAME_CELLS)
    return value


#: invisible characters removed from free text (not refused: a pasted text often carries them
#: unseen; a name that holds one is refused by parse_name): zero-width spaces, joiners and marks (U+200B–U+200F), bidi embeddings,
#: overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+061C), word joiner and invisible
#: operators (U+2060–U+2064), deprecated format controls (U+206A–U+206F), the byte-order mark
#: (U+FEFF), the soft hyphen, the Mongolian vowel separator, interlinear annotation controls,
#: Hangul fillers and tag characters (U+E0000–U+E007F)
INVISIBLE = re.compile(
    "[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f]")


def clean_text(text: str) -> str:
    """NFC, and the invisible characters of INVISIBLE removed."""
    return INVISIBLE.sub("", unicodedata.normalize("NFC", text or ""))


def has_visible(text: str) -> bool:
    """Whether `text` has a character that shows: not a space, control, format character or a
    lone combining mark, nor the blank braille pattern."""
    return any(unicodedata.category(ch)[0] not in "ZCM" and ch != "\u2800" for ch in text)


def parse_text(text: str, field_key: str, *, max_len: int = 2000, required: bool = False) -> str:
    """Free text, the one parser for every note, reason, outcome, complaint text, explanation:
    NFC; invisible characters (INVISIBLE) removed; other control characters (but newline and
    tab) refused; length limited; a required text needs a visible character."""
    value = clean_text(text).strip()
    if required and not value:
        typed = (text or "").strip()
        raise FieldError(field_key, "text.error.invisible_only" if typed else "error.field.required")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        raise FieldError(field_key, "error.field.control_chars")
    if required and not has_visible(value):
        raise FieldError(field_key, "text.error.invisible_only")
    if len(value) > max_len:
        raise FieldError(field_key, "error.field.too_long", max=max_len)
    return value


def mask(value: str | None, head: int, tail: int) -> str:
    """`value` with all but its first `head` and last `tail` characters replaced by *.

    At least max(4, a third) of the characters stay hidden, so a short value (a passport
    number) is never shown nearly whole.
    """
    if not value:
        return ""
    shown_head, stars, tail_from = _mask_plan(len(value), head, tail)
    return value[:shown_head] + stars + value[tail_from:]


def mask_phone(value: str | None, head: int = 3, tail: int = 4) -> str:
    """A phone masked as `mask` does, an international prefix (+86) kept before it."""
    if not value:
        return ""
    if value.startswith("+"):
        return value[:3] + mask(value[3:], head, tail)
    return mask(value, head, tail)


def masker(head: int, tail: int, *, phone: bool = False) -> Callable[[str | None], str]:
    """`mask` (`mask_phone` with `phone`) with `head` and `tail` fixed: the same result, for
    masking many values (a look-up masks up to 24 numbers)."""
    #: by length (a few lengths in use): the head shown, the stars, the tail shown
    plans: dict[int, tuple[slice, str, slice]] = {}

    def masked(value: str | None) -> str:
        if not value:
            return ""
        if phone and value[0] == "+":  # (not startswith: its argument parsing is slow)
            return value[:3] + masked(value[3:])
        plan = plans.get(len(value))
        if plan is None:
            shown_head, stars, tail_from = _mask_plan(len(value), head, tail)
            plan = plans[len(value)] = (slice(shown_head), stars, slice(tail_from, None))
        shown, stars, shown_tail = plan
        return value[shown] + stars + value[shown_tail]

    return masked


@functools.lru_cache(maxsize=512)
def _mask_plan(n: int, head: int, tail: int) -> tuple[int, str, int]:
    """How a value of `n` characters is masked: the characters shown at the head, the stars,
    where the shown tail starts (worked out once per length)."""
    min_hidden = min(n, max(4, n // 3))
    if n - head - tail < min_hidden:
        keep = max(0, (n - min_hidden) // 2)
        head, tail = min(head, keep), min(tail, keep)
    return head, "*" * (n - head - tail), n - tail
