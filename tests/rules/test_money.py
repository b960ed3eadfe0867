from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wealthtui.rules.fields import FieldError
from wealthtui.rules.money import MAX_FEN, format_fen, parse_yuan


@given(st.integers(min_value=1, max_value=MAX_FEN - 1))
def test_format_then_parse_round_trips(fen: int) -> None:
    assert parse_yuan(format_fen(fen)) == fen
    assert parse_yuan(format_fen(fen, symbol=True)) == fen


@pytest.mark.parametrize(
    ("typed", "fen"),
    [("12345.6", 1234560), ("12,345.67", 1234567), ("￥500", 50000), ("¥ 1,000", 100000),
     ("１２３．４５", 12345), ("88元", 8800), ("0.01", 1)],
)
def test_what_tellers_type(typed: str, fen: int) -> None:
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize(
    ("typed", "key"),
    [("-5", "error.field.amount_negative"), ("1.234", "error.field.amount_decimals"),
     ("12,34.5", "error.field.amount_format"), ("abc", "error.field.amount_format"),
     ("", "error.field.required"), ("0", "error.field.amount_zero"),
     ("99999999999999999999", "error.field.amount_too_large"), ("1e5", "error.field.amount_format")],
)
def test_bad_amounts_name_the_field_and_what_is_wrong(typed: str, key: str) -> None:
    with pytest.raises(FieldError) as exc:
        parse_yuan(typed)
    assert (exc.value.field, exc.value.key) == ("field.amount", key)


@given(st.text(max_size=30))
def test_any_text_parses_to_positive_fen_or_a_field_error(text: str) -> None:
    try:
        fen = parse_yuan(text)
    except FieldError as exc:
        assert exc.field == "field.amount"
    else:
        assert 0 < fen < MAX_FEN
