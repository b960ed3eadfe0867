"""Money is an integer number of fen (1 yuan = 100 fen). Parse what staff type, format for show."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from wealthtui.rules.fields import FieldError

MAX_FEN = 10**15  # ten trillion yuan: beyond any single business at a counter
_AMOUNT = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")


def parse_yuan(text: str, field_key: str = "field.amount", *, allow_zero: bool = False) -> int:
    """Fen from a yuan amount like `12,345.60`, `￥500`, full-width digits; at most 2 decimals."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    value = value.removeprefix("¥").removeprefix("￥").removeprefix("RMB").strip()
    value = value.replace(" ", "")
    if value.endswith("元"):
        value = value[:-1]
    if not value:
        raise FieldError(field_key, "error.field.required")
    if value.startswith("-"):
        raise FieldError(field_key, "error.field.amount_negative")
    if not _AMOUNT.match(value):
        if re.fullmatch(r"[\d,]*\.\d{3,}", value):
            raise FieldError(field_key, "error.field.amount_decimals")
        raise FieldError(field_key, "error.field.amount_format")
    try:
        fen = int((Decimal(value.replace(",", "")) * 100).to_integral_exact())
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid decimals
        raise FieldError(field_key, "error.field.amount_format") from exc
    if fen >= MAX_FEN:
        raise FieldError(field_key, "error.field.amount_too_large")
    if fen == 0 and not allow_zero:
        raise FieldError(field_key, "error.field.amount_zero")
    return fen


def format_fen(fen: int, *, symbol: bool = False) -> str:
    """`1234567` → `12,345.67` (with `¥` when `symbol`)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    text = f"{sign}{yuan:,}.{cents:02d}"
    return f"¥{text}" if symbol else text
