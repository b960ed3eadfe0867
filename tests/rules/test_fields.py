"""Identity numbers, mobiles, card numbers, names and masking (property-based where it counts)."""

from __future__ import annotations

import string
import unicodedata
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from wealthtui.rules import fields
from wealthtui.rules.fields import FieldError


def resident_id(region: str, born: date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a check-digit placeholder


birth_dates = st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31))


@given(born=birth_dates, seq=st.integers(0, 999))
def test_valid_resident_ids_are_accepted_and_normalised(born: date, seq: int) -> None:
    value = resident_id("110105", born, seq)
    # full-width digits, spaces and a lower-case x are all typed at real counters
    typed = " ".join(value).translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))
    assert fields.parse_id_number(fields.ID_RESIDENT, typed) == value
    assert fields.birthday_from_resident_id(value) == born


@given(born=birth_dates, seq=st.integers(0, 999), wrong=st.sampled_from("0123456789X"))
def test_a_wrong_check_digit_is_refused(born: date, seq: int, wrong: str) -> None:
    value = resident_id("440305", born, seq)
    assume(wrong != value[-1])
    with pytest.raises(FieldError) as exc:
        fields.parse_id_number(fields.ID_RESIDENT, value[:-1] + wrong)
    assert exc.value.field == "field.id_number"
    assert exc.value.key == "error.field.id_resident_invalid"


@given(st.text(max_size=30))
def test_any_text_either_parses_or_names_the_field(text: str) -> None:
    for id_type in fields.ID_TYPES:
        try:
            value = fields.parse_id_number(id_type, text)
        except FieldError as exc:
            assert exc.field == "field.id_number"
            assert exc.key.startswith("error.field.")
        else:
            assert value and value == value.strip() and value.isalnum()


def test_wrong_length_and_unknown_type_have_their_own_messages() -> None:
    with pytest.raises(FieldError) as exc:
        fields.parse_id_number(fields.ID_RESIDENT, "11010519491231002")
    assert exc.value.key == "error.field.id_resident_length"
    with pytest.raises(FieldError) as exc:
        fields.parse_id_number("driving_licence", "X")
    assert exc.value.field == "field.id_type"


def test_passports_and_permits_are_free_text_of_letters_and_digits() -> None:
    assert fields.parse_id_number(fields.ID_PASSPORT, "e1234 5678") == "E12345678"
    assert fields.parse_id_number(fields.ID_HK_MACAU_PASS, "H12345678") == "H12345678"
    with pytest.raises(FieldError):
        fields.parse_id_number(fields.ID_PASSPORT, "E1234#5678")


@given(prefix=st.sampled_from(["138", "139", "150", "186", "199", "177"]),
       rest=st.text(string.digits, min_size=8, max_size=8))
def test_mainland_mobiles(prefix: str, rest: str) -> None:
    assert fields.parse_mobile(f"{prefix}-{rest[:4]} {rest[4:]}") == prefix + rest
    assert fields.parse_mobile(f"+86 {prefix}{rest}") == prefix + rest


@pytest.mark.parametrize("bad", ["", "12345", "1381234567", "010-62345678", "abc", "138123456789"])
def test_bad_mobiles_are_refused(bad: str) -> None:
    with pytest.raises(FieldError) as exc:
        fields.parse_mobile(bad)
    assert exc.value.field == "field.phone"


def test_foreign_mobiles_are_kept_in_e164() -> None:
    assert fields.parse_mobile("+852 6123 4567") == "+85261234567"


@given(st.text(string.digits, min_size=15, max_size=18))
def test_cards_with_a_luhn_check_digit(body: str) -> None:
    card = body + luhn.calc_check_digit(body)
    assert fields.parse_card(card) == card
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
    with pytest.raises(FieldError) as exc:
        fields.parse_card(wrong)
    assert exc.value.key == "error.field.card_check"


@pytest.mark.parametrize("name", ["张三", "欧阳娜娜", "买买提·艾力", "买买提•艾力", "𠈌伟", "Li Lei"])
def test_names_with_rare_characters_and_the_middle_dot(name: str) -> None:
    assert fields.parse_name(name).replace("·", "") == name.replace("•", "").replace("·", "")


@pytest.mark.parametrize("name", ["", "   ", "张三😀", "张\x00三", "张三\u202e", "a" * 41, "张三123"])
def test_bad_names_are_refused_naming_the_field(name: str) -> None:
    with pytest.raises(FieldError) as exc:
        fields.parse_name(name)
    assert exc.value.field == "field.name"


@given(st.text(min_size=1, max_size=40))
def test_masking_always_hides_a_good_part(value: str) -> None:
    masked = fields.mask(value, 6, 4)
    assert len(masked) == len(value)
    assert masked.count("*") >= min(len(value), max(4, len(value) // 3))


@given(value=st.text(alphabet=st.characters(blacklist_characters="*"), max_size=40),
       head=st.integers(0, 8), tail=st.integers(0, 8))
def test_masking_shows_only_the_ends_and_hides_at_least_a_third(value: str, head: int,
                                                                tail: int) -> None:
    masked = fields.mask(value, head, tail)
    n = len(value)
    assert len(masked) == n
    hidden = masked.count("*")
    assert hidden >= min(n, max(4, n // 3))
    if hidden:  # one run of stars, after a head of at most `head` and before a tail of at
        first = masked.index("*")  # most `tail` characters, both shown as they are
        last = first + hidden - 1
        assert set(masked[first:last + 1]) == {"*"}
        assert first <= head and n - 1 - last <= tail
        assert masked[:first] == value[:first] and masked[last + 1:] == value[last + 1:]


@given(value=st.one_of(st.none(), st.text(max_size=30),
                       st.from_regex(r"\+\d{5,15}", fullmatch=True)),
       head=st.integers(0, 8), tail=st.integers(0, 8))
def test_a_masker_masks_as_mask_and_mask_phone_do(value: str | None, head: int,
                                                   tail: int) -> None:
    assert fields.masker(head, tail)(value) == fields.mask(value, head, tail)
    assert fields.masker(head, tail, phone=True)(value) == fields.mask_phone(value, head, tail)


def test_masking_follows_the_configured_rule() -> None:
    assert fields.mask("110105194912310021", 6, 4) == "110105********0021"
    assert fields.mask_phone("13812345678") == "138****5678"
    assert fields.mask_phone("+85261234567") == "+85" + fields.mask("261234567", 3, 4)
    assert fields.mask("", 6, 4) == ""


def test_an_older_card_from_a_renamed_county_is_accepted_by_its_province() -> None:
    # 320101 (a Nanjing district code) is known to python-stdnum only from 1983 on
    value = resident_id("320101", date(1950, 5, 4), 123)
    assert fields.parse_id_number(fields.ID_RESIDENT, value) == value
    with pytest.raises(FieldError):
        fields.parse_id_number(fields.ID_RESIDENT, resident_id("990101", date(1950, 5, 4), 123))


# --- free text: NFC, invisible characters removed, a required text shows something (issue 15) ---
INVISIBLE_CHARS = ("\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d"
                   "\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\U000e0041")
#: text with plenty of the characters that matter: invisible ones, combining marks, CJK, markup
free_text = st.text(st.one_of(
    st.sampled_from(INVISIBLE_CHARS), st.sampled_from("e\u0301\u0308 \n\t[]/@=王䶮𠮷"),
    st.characters(blacklist_categories=("Cs",))), max_size=40)


@given(free_text)
def test_parsed_text_never_holds_invisible_characters_and_is_nfc(text: str) -> None:
    try:
        value = fields.parse_text(text, "field.note", max_len=100)
    except FieldError as exc:
        assert exc.field == "field.note"
        assert exc.key in ("error.field.control_chars", "error.field.too_long")
        return
    assert not any(ch in INVISIBLE_CHARS for ch in value)
    assert not fields.INVISIBLE.search(value)
    assert unicodedata.is_normalized("NFC", value)
    assert value == value.strip()


@given(free_text)
def test_parsing_text_is_idempotent(text: str) -> None:
    try:
        once = fields.parse_text(text, "field.note", max_len=100)
    except FieldError:
        return
    assert fields.parse_text(once, "field.note", max_len=100) == once


@given(free_text)
def test_a_required_text_has_a_visible_character_or_names_the_field(text: str) -> None:
    try:
        value = fields.parse_text(text, "field.reason", max_len=100, required=True)
    except FieldError as exc:
        assert exc.field == "field.reason"
        assert exc.key in ("error.field.required", "text.error.invisible_only",
                           "error.field.control_chars", "error.field.too_long")
        if exc.key in ("error.field.required", "text.error.invisible_only"):
            assert not fields.has_visible(fields.clean_text(text))
        return
    assert fields.has_visible(value)


@given(st.text(st.sampled_from(INVISIBLE_CHARS + " \u3000\u2800"), min_size=1, max_size=20))
def test_invisible_only_text_is_refused_when_required_and_empty_when_optional(text: str) -> None:
    with pytest.raises(FieldError) as exc:
        fields.parse_text(text, "field.reason", required=True)
    assert exc.value.field == "field.reason"
    assert exc.value.key in ("text.error.invisible_only", "error.field.required")
    optional = fields.parse_text(text, "field.note")
    assert not fields.has_visible(optional) and not fields.INVISIBLE.search(optional)


@pytest.mark.parametrize(("typed", "kept"), [
    ("\u200b" * 10 + "看", "看"),
    ("Cafe\u0301", "Café"),
    ("\u202e说明\u202c", "说明"),
    ("\ufeff客户说：[/] 谢谢", "客户说：[/] 谢谢"),
    ("𠮷野家 王䶮", "𠮷野家 王䶮"),
    ("第一行\n第二行", "第一行\n第二行"),
])
def test_examples_of_kept_text(typed: str, kept: str) -> None:
    assert fields.parse_text(typed, "field.note") == kept


def test_ten_zero_width_spaces_or_a_bom_are_no_reason() -> None:
    for typed in ("\u200b" * 10, "\ufeff", "\u202e\u202e\u202e"):
        with pytest.raises(FieldError) as exc:
            fields.parse_text(typed, "field.reason", required=True)
        assert (exc.value.field, exc.value.key) == ("field.reason", "text.error.invisible_only")


def test_names_with_invisible_characters_are_refused_and_names_are_nfc() -> None:
    for typed in ("王\u200b五", "王五\ufeff", "\u202e王五"):
        with pytest.raises(FieldError) as exc:
            fields.parse_name(typed)
        assert (exc.value.field, exc.value.key) == ("field.name", "error.field.name_chars")
    assert fields.parse_name("Jose\u0301") == "José"


@pytest.mark.parametrize("typed", ["\x1b[31m红字\x1b[0m", "\x1b]8;;https://evil.example/\x1b\\官网",
                                   "\x9b31m", "回车\r=1+1"])
def test_terminal_escapes_never_get_into_free_text(typed: str) -> None:
    with pytest.raises(FieldError) as exc:
        fields.parse_text(typed, "field.note")
    assert (exc.value.field, exc.value.key) == ("field.note", "error.field.control_chars")
