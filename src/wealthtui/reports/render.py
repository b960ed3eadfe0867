"""Renderers of report sections: Rich tables (terminal), CSV, XLSX (openpyxl) and JSON.

CSV: one block per section — the section title, the column titles, the rows — separated by an
empty line; UTF-8 with a BOM so that spreadsheet programs read the Chinese text. XLSX: one sheet
per section, titles in bold, money as yuan with two decimals. Money (fen) is written as yuan in
CSV and XLSX, and shown with thousands separators on screen. No cell of either is a formula:
text goes through `reports.cells` (a `'` before text that begins like a formula in CSV, string
cells with Excel's quote prefix in XLSX); numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from wealthtui.i18n import t
from wealthtui.reports.cells import csv_text, xlsx_cell, xlsx_text
from wealthtui.reports.export import Cell, Column, Section
from wealthtui.rules.money import format_fen

if TYPE_CHECKING:  # Rich is imported by the terminal's table only: `eod --format json` needs
    from rich.console import Group  # none of it (issue 22)

SHEET_TITLE_MAX = 31  # Excel's limit on a sheet name


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def mmss(seconds: int) -> str:
    sign = "-" if seconds < 0 else ""
    m, s = divmod(abs(int(seconds)), 60)
    return f"{sign}{m}:{s:02d}"


def _plain(value: Cell, kind: str) -> str:
    """A cell as text for CSV (machine-readable: integers, yuan with 2 decimals)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if kind == "fen" and isinstance(value, int):
        return str(yuan(value))
    if kind == "number" and isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def display(value: Cell, kind: str) -> str:
    """A cell as shown on screen: money with separators, durations as m:ss."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if kind == "fen" and isinstance(value, int):
        return format_fen(value)
    if kind == "seconds" and isinstance(value, int | float):
        return mmss(int(value))
    if kind == "number" and isinstance(value, int | float):
        return f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return str(value)


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False)


def to_csv(sections: list[Section]) -> str:
    buffer = io.StringIO()
    # CRLF between rows (RFC 4180): the writer then quotes a field that holds a CR or LF, so
    # a stray CR in a record cannot split a row
    writer = csv.writer(buffer, lineterminator="\r\n")
    for i, section in enumerate(sections):
        if i:
            writer.writerow([])
        writer.writerow([csv_text(section.title)])
        writer.writerow([csv_text(c.title) for c in section.columns])
        for row in section.rows:
            writer.writerow([_csv(v, c.kind) for v, c in zip(row, section.columns, strict=True)])
    return "\ufeff" + buffer.getvalue()


def _csv(value: Cell, kind: str) -> str:
    """A CSV cell: text from a record neutralised (reports.cells), numbers as they are."""
    text = _plain(value, kind)
    return csv_text(text) if isinstance(value, str) else text


def _xlsx_value(value: Cell, column: Column) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if column.kind == "fen" and isinstance(value, int):
        return float(yuan(value))
    return value


def to_xlsx(sections: list[Section], out: Path | BinaryIO) -> None:
    from openpyxl import Workbook  # imported here: heavy, only for this export
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for section in sections:
        name = section.title[:SHEET_TITLE_MAX]
        for ch in "[]:*?/\\":
            name = name.replace(ch, " ")
        base, n = name, 2
        while name in used:
            name = f"{base[:SHEET_TITLE_MAX - 3]}({n})"
            n += 1
        used.add(name)
        sheet = book.create_sheet(name)
        for idx, column in enumerate(section.columns, start=1):
            title = sheet.cell(row=1, column=idx)
            xlsx_text(title, column.title)
            title.font = Font(bold=True)
        for number, row in enumerate(section.rows, start=2):
            for idx, (v, c) in enumerate(zip(row, section.columns, strict=True), start=1):
                xlsx_cell(sheet.cell(row=number, column=idx), _xlsx_value(v, c))
        for idx, column in enumerate(section.columns, start=1):
            if column.kind == "fen":
                for (cell,) in sheet.iter_rows(min_row=2, min_col=idx, max_col=idx):
                    cell.number_format = "#,##0.00"
        for idx, column in enumerate(section.columns, start=1):
            width = max([_width(column.title)] + [_width(_plain(r[idx - 1], column.kind))
                                                  for r in section.rows])
            letter = sheet.cell(row=1, column=idx).column_letter
            sheet.column_dimensions[letter].width = min(60, width + 2)
    book.save(out)


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def to_rich(sections: list[Section], *, skip_key: bool = True) -> Group:
    """The sections as Rich tables (the key column of a summary is left out on screen)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    tables = []
    for section in sections:
        table = Table(title=section.title, title_justify="left", expand=False)
        keep = [i for i, c in enumerate(section.columns) if not (skip_key and c.key == "key")]
        for i in keep:
            c = section.columns[i]
            numeric = c.kind in ("int", "fen", "seconds", "number")
            table.add_column(c.title, justify="right" if numeric else "left", overflow="fold")
        for row in section.rows:  # cells as Text: stored text (notes, names) is never markup
            table.add_row(*(Text(display(row[i], section.columns[i].kind)) for i in keep))
        if not section.rows:
            table.add_row(*([t("report.empty")] + [""] * (len(keep) - 1)))
        tables.append(table)
    return Group(*tables)


FORMATS = ("table", "json", "csv", "xlsx")


def write(doc: dict[str, Any], sections: list[Section], fmt: str, out: Path | None,
          default_xlsx: Path, console: Any) -> Path | None:
    """Write a report in `fmt`: to `out` when given (returns it), else to `console` — except
    XLSX, which always goes to a file (`default_xlsx` when no `out`)."""
    if fmt == "xlsx":
        target = out or default_xlsx
        to_xlsx(sections, target)
        return target
    if fmt == "table":
        if out is None:
            console.print(to_rich(sections))
            return None
        from rich.console import Console

        with out.open("w", encoding="utf-8") as handle:
            Console(file=handle, width=160, color_system=None).print(to_rich(sections))
        return out
    text = to_json(doc) + "\n" if fmt == "json" else to_csv(sections)
    if out is None:
        console.file.write(text.removeprefix("\ufeff"))
        return None
    out.write_text(text, encoding="utf-8")
    return out
