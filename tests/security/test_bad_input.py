"""Bad input, property-based (issue 9 item 3): every parser and form validator of the app, fed
anything a keyboard, a paste or an import file can produce — control characters, emoji, rare
characters, full-width forms, currency signs, separators, very long text — either returns a
normalised value or raises FieldError naming ITS field with a message that exists, with its
parameters, in both catalogs. Nothing else escapes (no ValueError, OverflowError, Decimal
signal, IndexError …), so every form can show the message under the field.

Then the specific bad values the issue lists, each with the message it must get.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import Session, select

from wealthtui import i18n
from wealthtui.model import AuditEvent, Client
from wealthtui.rules import agenda, deadlines, fields, money
from wealthtui.rules.fields import FieldError
from wealthtui.services import checklists, lookup, reports
from wealthtui.services.errors import Conflict
from wealthtui.ui.dialogs import cm_edit

TODAY = date(2026, 11, 30)

# --- what people type, paste and import ------------------------------------------------------
_KEYBOARD = list("0123456789０１２３４５６７８９,，.。．-－+＋¥￥元 \t\n/年月日:xX*#'·•・")
_NASTY = ["\x00", "\x1b", "\x7f", "\u200b", "\u200d", "\u202e", "\ufeff", "\u3000", "\U0001F600",
          "👨\u200d👩\u200d👧", "𠀀", "𪚥", "鿿", "é", "\u0301", "٣", "²", "Ⅻ", "ﬁ", "\U000E0001"]
typed = st.lists(st.sampled_from(_KEYBOARD + _NASTY), max_size=40).map("".join)
anything = st.text(max_size=80)  # every code point hypothesis can make, controls included
long_text = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(200, 2500))
emoji = st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
                min_size=1, max_size=8)
hostile = st.one_of(typed, anything, long_text, emoji)


def _kpi(indicator: str) -> Callable[[str], object]:
    return lambda s: reports.parse_figure(indicator, s)


#: name → (parser of one text, the field its errors must name)
PARSERS: dict[str, tuple[Callable[[str], object], str]] = {
    **{f"id_number[{kind}]": ((lambda s, k=kind: fields.parse_id_number(k, s)), "field.id_number")
       for kind in fields.ID_TYPES},
    "mobile": (fields.parse_mobile, "field.phone"),
    "card": (fields.parse_card, "field.card_no"),
    "name": (fields.parse_name, "field.name"),
    "note": (lambda s: fields.parse_text(s, "field.note", max_len=500, required=True),
             "field.note"),
    "amount": (money.parse_yuan, "field.amount"),
    "opening cash": (lambda s: money.parse_yuan(s, "counter.field.opening_cash",
                                                allow_zero=True), "counter.field.opening_cash"),
    "complaint date": (lambda s: deadlines.parse_day(s, "field.complaint.date"),
                       "field.complaint.date"),
    "next contact date": (lambda s: agenda.parse_next_date(s, TODAY), "cm.field.next_date"),
    "report date": (reports.parse_business_date, "report.field.date"),
    "report month": (reports.parse_month, "report.field.month"),
    **{f"kpi[{name}]": (_kpi(name), "report.field.value") for name in ("agency_income",
                                                                      "product_test_pass",
                                                                      "product_test_score")},
    "checklist number": (lambda s: checklists.parse_number(s, "checklist.value.number",
                                                           minimum=0, maximum=10_000),
                         "checklist.value.number"),
    "client file date": (lambda s: cm_edit.parse_date(s, "cm.field.birthday"),
                         "cm.field.birthday"),
}


def assert_explained(exc: FieldError, field: str) -> None:
    """The error names `field` and says what is accepted, in both languages."""
    assert exc.field == field, (exc.field, exc.key)
    for lang in i18n.LANGUAGES:
        catalog = i18n.catalog(lang)
        assert exc.field in catalog, f"{lang}: no label for {exc.field}"
        assert exc.key in catalog, f"{lang}: no message {exc.key}"
        text = catalog[exc.key].format(**exc.params)  # every placeholder has its parameter
        assert text.strip() and "{" not in text


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile)
def test_every_parser_returns_a_value_or_names_its_field(name: str, text: str) -> None:
    check_parser(name, text)


def check_parser(name: str, text: str) -> None:
    parse, field = PARSERS[name]
    try:
        parse(text)
    except FieldError as exc:
        assert_explained(exc, field)


@settings(max_examples=200, deadline=None)
@given(text=hostile)
def test_the_lookup_box_never_fails_whatever_is_typed(text: str) -> None:
    query = lookup.parse_query(text)  # recognises a kind; no error is ever raised
    assert query.kind


# --- the values the issue names -----------------------------------------------------------------
@pytest.mark.parametrize(("text", "key"), [
    ("-100", "error.field.amount_negative"),
    ("－１００", "error.field.amount_negative"),            # full-width minus and digits
    ("10000000000000", "error.field.amount_too_large"),   # ten trillion yuan and more
    ("99999999999999999999999999", "error.field.amount_too_large"),
    ("12.345", "error.field.amount_decimals"),
    ("1,234.567", "error.field.amount_decimals"),
    ("1,23,4", "error.field.amount_format"),              # misplaced thousand separators
    ("1e5", "error.field.amount_format"),
    ("NaN", "error.field.amount_format"),
    ("Infinity", "error.field.amount_format"),
    ("1_000", "error.field.amount_format"),
    ("¥", "error.field.required"),
    ("0", "error.field.amount_zero"),
    ("１２\u200b３", "error.field.amount_format"),          # a zero-width space pasted in
])
def test_bad_amounts_get_their_own_message(text: str, key: str) -> None:
    with pytest.raises(FieldError) as exc:
        money.parse_yuan(text)
    assert exc.value.key == key
    assert_explained(exc.value, "field.amount")


@pytest.mark.parametrize(("text", "fen"), [
    ("￥1,234.50", 123_450), ("¥ 1,234.5", 123_450), ("１２３４．５０", 123_450),
    ("RMB 500", 50_000), ("500元", 50_000), ("9,999,999,999,999.99", 999_999_999_999_999),
])
def test_amounts_as_staff_type_them(text: str, fen: int) -> None:
    assert money.parse_yuan(text) == fen


@pytest.mark.parametrize(("text", "key"), [
    ("张😀", "error.field.name_chars"),
    ("张\x00三", "error.field.name_chars"),
    ("张\u200d三", "error.field.name_chars"),                # a zero-width joiner
    ("张\u202e三", "error.field.name_chars"),                # a right-to-left override
    ("王5", "error.field.name_chars"),
    ("   ", "error.field.required"),
    ("欧" * 41, "error.field.too_long"),
])
def test_bad_names_are_refused(text: str, key: str) -> None:
    with pytest.raises(FieldError) as exc:
        fields.parse_name(text)
    assert exc.value.key == key
    assert_explained(exc.value, "field.name")


@pytest.mark.parametrize(("text", "name"), [
    ("买买提・艾力", "买买提·艾力"), ("买买提•艾力", "买买提·艾力"), ("𠀀𪚥", "𠀀𪚥"),
    ("  Anna   Müller ", "Anna Müller"), ("O'Brien-Smith", "O'Brien-Smith"),
])
def test_names_with_dots_and_rare_characters_are_kept(text: str, name: str) -> None:
    assert fields.parse_name(text) == name


@given(st.text(alphabet=st.characters(categories=["Cc"], exclude_characters="\n\t"),
               min_size=1, max_size=3))
def test_control_characters_in_free_text_are_refused(controls: str) -> None:
    with pytest.raises(FieldError) as exc:
        fields.parse_text(f"备注{controls}内容", "field.note")
    assert exc.value.key == "error.field.control_chars"
    assert_explained(exc.value, "field.note")


def test_very_long_text_is_refused_with_the_limit() -> None:
    with pytest.raises(FieldError) as exc:
        fields.parse_text("长" * 2001, "field.note")
    assert (exc.value.key, exc.value.params) == ("error.field.too_long", {"max": 2000})
    assert_explained(exc.value, "field.note")


@pytest.mark.parametrize("kind", fields.ID_TYPES)
@given(junk=st.one_of(emoji, st.text(alphabet="!@#$%^&*()<>?;'\"\\", min_size=1, max_size=20)))
def test_id_numbers_of_every_type_refuse_junk(kind: str, junk: str) -> None:
    with pytest.raises(FieldError) as exc:
        fields.parse_id_number(kind, f"E1234{junk}5678")
    assert_explained(exc.value, "field.id_number")


@pytest.mark.parametrize(("parse", "field"), [
    (lambda s: deadlines.parse_day(s, "field.complaint.date"), "field.complaint.date"),
    (lambda s: agenda.parse_next_date(s, TODAY), "cm.field.next_date"),
    (reports.parse_business_date, "report.field.date"),
    (lambda s: cm_edit.parse_date(s, "cm.field.birthday"), "cm.field.birthday"),
])
@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "0000-01-01", "31/12/2026",
                                  "2026-1-1x", "明天", "9999999-01-01", "2026-12-01\x00"])
def test_impossible_dates_are_refused_by_every_date_field(parse, field, text) -> None:
    with pytest.raises(FieldError) as exc:
        parse(text)
    assert_explained(exc.value, field)


#: ASCII digits and date separators → their full-width forms (what a Chinese input method types)
FULL_WIDTH = str.maketrans("0123456789-/.+", "０１２３４５６７８９－／．＋")


def test_kpi_figures_refuse_overflowing_numbers() -> None:
    """A figure so large it would be stored as infinity is refused like any other bad number."""
    for text in ("1e400", "9" * 400, "10000000000000", "1E+13"):
        with pytest.raises(FieldError) as exc:
            reports.parse_figure("agency_income", text)
        assert exc.value.key == "error.figure.too_large"
        assert_explained(exc.value, "report.field.value")


@settings(max_examples=300, deadline=None)
@given(indicator=st.sampled_from(sorted(reports.kpi_reports.MANUAL)),
       mantissa=st.integers(min_value=-(10**20), max_value=10**20),
       exponent=st.integers(min_value=-6, max_value=500),
       spelling=st.sampled_from(["{m}e{e}", "{m}E+{e}", "{m}e{e}%", "¥{m}e{e}", "{m}E{e}元"]),
       wide=st.booleans())
def test_kpi_figures_are_finite_and_in_range_or_refused(indicator: str, mantissa: int,
                                                        exponent: int, spelling: str,
                                                        wide: bool) -> None:
    """Whatever number is typed (any size, in exponent form, full-width), a figure in its range
    comes back as a finite float, and one out of it names the field and what it accepts."""
    text = spelling.format(m=mantissa, e=exponent)
    if wide:
        text = text.translate(FULL_WIDTH)
    number = Decimal(f"{mantissa}e{exponent}")
    unit, _per_staff = reports.kpi_reports.MANUAL[indicator]
    ceiling = 100 if unit in ("pct", "points") else reports.FIGURE_MAX - Decimal("0.01")
    # "{m}E+{e}" with a negative exponent spells "0E+-1": not a number, so refused however small
    well_formed = "+-" not in text
    fits = 0 <= number <= ceiling and exponent >= -2 and well_formed
    try:
        value = reports.parse_figure(indicator, text)
    except FieldError as exc:
        assert not fits, (text, exc.key)
        assert_explained(exc, "report.field.value")
        return
    assert fits, text
    assert math.isfinite(value) and value == float(abs(number))


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
       form=st.sampled_from(["{d:%Y-%m-%d}", "{d:%Y/%m/%d}", "{d.year}年{d.month}月{d.day}日",
                             "{d:%Y%m%d}", "\u3000{d:%Y-%m-%d} "]))
def test_full_width_dates_read_as_their_ascii_twins(day: date, form: str) -> None:
    """A date typed with full-width digits (and an ideographic space) reads as the same date in
    the client file and the report date fields — one date parser, NFKC-normalised."""
    text = form.format(d=day)
    wide = text.translate(FULL_WIDTH)
    assert cm_edit.parse_date(wide, "cm.field.birthday") == day
    assert cm_edit.parse_date(text, "cm.field.birthday") == day
    assert reports.parse_business_date(wide) == day


# --- a form validator with the store behind it ------------------------------------------------
@pytest.fixture
def lobby(make_staff):  # type: ignore[no-untyped-def]
    return make_staff("lobby_manager", staff_no="L1")


REGISTER_FIELDS = {"field.name", "field.id_type", "field.id_number", "field.phone",
                   "lookup.field.title"}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.one_of(hostile, st.sampled_from(["张三", "买买提·艾力", "𠀀𪚥"])),
       kind=st.sampled_from(fields.ID_TYPES),
       number=st.one_of(hostile, st.sampled_from(["110105199006151234", "E12345678"])),
       phone=st.one_of(hostile, st.just("13800138000"), st.just("")))
def test_registration_either_saves_a_whole_client_or_names_a_field_and_saves_nothing(
        services, lobby, name: str, kind: str, number: str, phone: str) -> None:
    def counts() -> tuple[int, int]:
        with Session(services.ctx.engine) as db:
            return (db.exec(select(func.count()).select_from(Client)).one(),
                    db.exec(select(func.count()).select_from(AuditEvent)).one())

    before = counts()
    try:
        card = services.lookup.register(lobby, name=name, id_type=kind, id_number=number,
                                        phone=phone)
    except FieldError as exc:
        assert exc.field in REGISTER_FIELDS, exc.field
        assert_explained(exc, exc.field)
        assert counts() == before
    except Conflict as exc:
        assert exc.key == "error.lookup.already_registered"
        assert counts() == before
    else:
        assert counts() == (before[0] + 1, before[1] + 1)
        assert "*" in card.id_masked  # shown masked at once


# --- the long run (make soak) -------------------------------------------------------------------
@pytest.mark.soak
@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=hostile)
def test_every_parser_soak(name: str, text: str) -> None:
    check_parser(name, text)
