"""The criteria parser of target lists (rules.target_criteria): what is typed comes back as the
criteria meant, and anything else is a FieldError naming one of the form's fields — never
another exception."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wealthtui.rules.fields import FieldError
from wealthtui.rules.target_criteria import FIELDS, TargetFilters, parse_criteria

TIERS = ("ordinary", "potential", "premium", "key")
SEPARATORS = st.sampled_from([",", "，", "、", " ", ";", "；", " , "])
CODES = st.from_regex(r"[A-Z][A-Z0-9]{0,7}", fullmatch=True)
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


def fullwidth(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


@st.composite
def typed(draw: st.DrawFn) -> tuple[dict[str, str], TargetFilters]:
    sep = draw(SEPARATORS)
    wide = draw(st.booleans())
    shape = fullwidth if wide else (lambda s: s)
    tiers = tuple(draw(st.lists(st.sampled_from(TIERS), unique=True, max_size=3)))
    low = draw(st.none() | st.integers(0, 10**8))
    high = draw(st.none() | st.integers(0, 10**8))
    if low is not None and high is not None and low > high:
        low, high = high, low
    products = tuple(draw(st.lists(CODES, unique=True, max_size=4)))
    window = draw(st.none() | st.tuples(DAYS, st.integers(0, 400)))
    start, end = (window[0], window[0] + timedelta(days=window[1])) if window else (None, None)
    days = draw(st.none() | st.integers(1, 3650))
    month = draw(st.none() | st.integers(1, 12))
    risk = tuple(sorted(draw(st.lists(st.integers(1, 5), unique=True, max_size=5))))
    values = {
        "tiers": sep.join(tiers),
        "aum_min": shape(f"{low:,}") if low is not None else "",
        "aum_max": shape(str(high)) + ("元" if draw(st.booleans()) else "") if high is not None else "",
        "products": sep.join(products),
        "maturing_from": shape(start.isoformat()) if start else "",
        "maturing_to": shape(end.strftime("%Y/%m/%d")) if end else "",
        "no_contact_days": shape(str(days)) if days is not None else "",
        "birthday_month": shape(str(month)) if month is not None else "",
        "risk": sep.join(draw(st.sampled_from([f"C{n}", str(n), f"c{n}"])) for n in risk),
    }
    expected = TargetFilters(
        tiers=tiers, aum_min_fen=low * 100 if low is not None else None,
        aum_max_fen=high * 100 if high is not None else None, products=products,
        maturing_from=start, maturing_to=end, no_contact_days=days, birthday_month=month,
        risk_levels=risk)
    return values, expected


@given(typed())
def test_what_is_typed_comes_back(case: tuple[dict[str, str], TargetFilters]) -> None:
    values, expected = case
    if expected.empty:
        with pytest.raises(FieldError) as none:
            parse_criteria(values, tiers=TIERS)
        assert none.value.field == "targets.field.criteria"
        return
    assert parse_criteria(values, tiers=TIERS) == expected


@given(st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=30), min_size=1))
def test_any_text_is_criteria_or_a_field_error(values: dict[str, str]) -> None:
    try:
        filters = parse_criteria(values, tiers=TIERS)
    except FieldError as exc:
        assert exc.field.startswith("targets.field.")
        assert exc.key.startswith(("error.", "targets.error."))
    else:
        assert not filters.empty


@pytest.mark.parametrize(("values", "field"), [
    ({"tiers": "gold"}, "targets.field.tiers"),
    ({"aum_min": "abc"}, "targets.field.aum_min"),
    ({"aum_min": "100", "aum_max": "50"}, "targets.field.aum_max"),
    ({"products": "理财<b>"}, "targets.field.products"),
    ({"maturing_from": "2026-12-01"}, "targets.field.maturing_to"),
    ({"maturing_to": "2026-12-01"}, "targets.field.maturing_from"),
    ({"maturing_from": "2026-12-31", "maturing_to": "2026-12-01"}, "targets.field.maturing_to"),
    ({"no_contact_days": "0"}, "targets.field.no_contact_days"),
    ({"birthday_month": "13"}, "targets.field.birthday_month"),
    ({"risk": "C6"}, "targets.field.risk"),
    ({"risk": "5-3"}, "targets.field.risk"),
    ({}, "targets.field.criteria"),
])
def test_bad_input_names_the_field(values: dict[str, str], field: str) -> None:
    with pytest.raises(FieldError) as bad:
        parse_criteria(values, tiers=TIERS)
    assert bad.value.field == field


def test_risk_ranges_and_months_with_units() -> None:
    got = parse_criteria({"risk": "C2-C3, 5", "birthday_month": "12月", "no_contact_days": "90天"},
                         tiers=TIERS)
    assert (got.risk_levels, got.birthday_month, got.no_contact_days) == ((2, 3, 5), 12, 90)
