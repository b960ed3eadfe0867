"""Spreadsheet cells that carry no formula (OWASP "CSV injection").

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Numbers as a formula (`=HYPERLINK(…)`, `+1+1`, `@SUM(…)`), also when it comes from
a CSV file. Every CSV and XLSX the program writes takes its text through this module:

- `csv_text(s)`: the text, with a `'` in front when it would start a formula (the OWASP advice:
  spreadsheet programs show the rest literally, and a person reading the file sees why);
- `xlsx_text(cell, s)`: the text stored as a string cell — never a formula — marked `quotePrefix`
  when it begins like one, so Excel shows it literally and keeps it text when it is edited.

Numbers are not text: a negative amount goes to CSV as `-12.50` and to XLSX as a number; only
values that are `str` pass through here.
"""

from __future__ import annotations

from typing import Any

#: the first characters that make a spreadsheet read a cell as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet would take `text` for a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_text(text: str) -> str:
    """`text` for a CSV cell: prefixed with `'` when it would start a formula."""
    return "'" + text if starts_formula(text) else text


def xlsx_text(cell: Any, text: str) -> None:
    """Put `text` into the openpyxl `cell` as a string, never a formula.

    openpyxl makes any str that begins with `=` a formula cell; the data type is set back to
    string, and a text that begins like a formula gets Excel's quote prefix (shown literally,
    still text after an edit)."""
    cell.value = text
    cell.data_type = "s"
    if starts_formula(text):
        cell.quotePrefix = True


def xlsx_cell(cell: Any, value: object) -> None:
    """Put `value` into the openpyxl `cell`: text through `xlsx_text`, numbers as numbers."""
    if isinstance(value, str):
        xlsx_text(cell, value)
    else:
        cell.value = value
