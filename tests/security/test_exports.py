"""Exports carry no formulas (issue 15, item 2): every CSV and XLSX the program writes — the end-of-
day summary (`wealthtui eod --format csv|xlsx`, the head's F-key XLSX), the month view, the client
import's rejection report — writes text that begins with = + - @ tab or CR as text, the OWASP way
(a `'` in front in CSV; a string cell with Excel's quote prefix in XLSX), and numbers as numbers.

The hostile strings (tests/hostile.py) go in through the services — the head's close explanations,
a client file's names and numbers — and the files are read back with `csv` and openpyxl (and the
XLSX's XML itself) to show that no cell is a formula and the text is all there."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.hostile import FORMULAS, MARKUP, RARE, SENTINEL
from wealthtui.cli import app
from wealthtui.config import Settings
from wealthtui.reports import export
from wealthtui.reports.cells import FORMULA_STARTS, csv_text, starts_formula
from wealthtui.reports.export import Column, Section
from wealthtui.reports.render import to_csv, to_xlsx
from wealthtui.services import Actor, Services
from wealthtui.services.client_import import rejected_report_rows

HOSTILE = FORMULAS + MARKUP + RARE


# --- the rule ------------------------------------------------------------------------------------
@given(st.one_of(st.text(max_size=40),
                 st.builds(str.__add__, st.sampled_from(FORMULA_STARTS), st.text(max_size=40))))
def test_a_csv_cell_never_starts_a_formula_and_keeps_its_text(text: str) -> None:
    cell = csv_text(text)
    assert not starts_formula(cell)
    assert cell == text or (cell == "'" + text and text[:1] in FORMULA_STARTS)


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))) for cell in row]


def xlsx_cells(path: Path) -> list[object]:
    """Every cell's value, after asserting that none is a formula — by openpyxl's reading and
    in the sheets' XML (a formula is an <f> element)."""
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", book.read(name)), name
    values = []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and starts_formula(cell.value):
                    assert cell.quotePrefix, (cell.coordinate, cell.value)  # shown literally
                values.append(cell.value)
    return values


def test_text_that_looks_like_a_formula_is_text_and_negative_amounts_stay_numbers(
        tmp_path: Path) -> None:
    section = Section("tellers", (Column("name"), Column("difference", "fen"),
                                  Column("matches", "int")),
                      tuple((text, -500, -3) for text in FORMULAS))
    cells = csv_cells(to_csv([section]))
    for text in FORMULAS:
        assert "'" + text in cells  # the OWASP prefix, the text whole after it
    assert cells.count("-5.00") == len(FORMULAS) and cells.count("-3") == len(FORMULAS)
    to_xlsx([section], tmp_path / "t.xlsx")
    values = xlsx_cells(tmp_path / "t.xlsx")
    for text in FORMULAS:  # (XML reads a CR as a line feed)
        assert text.replace("\r", "\n") in values
    book = load_workbook(tmp_path / "t.xlsx")
    sheet = book.worksheets[0]
    assert [(c.value, c.data_type) for c in sheet[2]] == [
        (FORMULAS[0], "s"), (-5.0, "n"), (-3, "n")]
    assert Decimal(str(sheet["B2"].value)) == Decimal("-5")


# --- through the services: the head's close explanations in the end-of-day exports --------------
def close_with(services: Services, head: Actor, texts: list[str]) -> dict[str, str]:
    """Close today with one hostile explanation per problem; the explanations as stored."""
    problems = services.day.state(head).problems
    assert len(problems) >= 2 and all(p.explainable for p in problems)
    given_texts = {p.key: texts[i % len(texts)] for i, p in enumerate(problems)}
    services.day.close(head, explanations=given_texts)
    stored = services.day.state(head).explanations
    assert stored  # what the head wrote, as the services kept it
    return stored


#: the corpus in pairs: an init-like test center closes with two problems to explain (the head's
#: morning meeting and appearance check), so each close carries two hostile texts
PAIRS = [(FORMULAS + MARKUP + RARE)[i:i + 2] for i in range(0, len(FORMULAS + MARKUP + RARE), 2)]


@pytest.mark.parametrize("chunk", PAIRS)
def test_close_explanations_reach_csv_and_xlsx_as_text(
        services: Services, head: Actor, settings: Settings, tmp_path: Path,
        chunk: list[str]) -> None:
    stored = close_with(services, head, chunk)
    assert any(SENTINEL in v for v in stored.values())
    doc = export.day_dict(settings, services.reports.eod_for_operator())
    sections = export.day_sections(doc)
    rows = next(s for s in sections if s.key == "explained").rows
    assert sorted(v for _title, v in rows) == sorted(stored.values())  # titled by what they explain

    cells = csv_cells(to_csv(sections))
    assert not [c for c in cells if starts_formula(c)]
    for text in stored.values():
        assert csv_text(text) in cells

    to_xlsx(sections, tmp_path / "eod.xlsx")
    values = xlsx_cells(tmp_path / "eod.xlsx")
    for text in stored.values():
        assert text in values


def test_eod_command_writes_the_hyperlink_explanation_as_text(
        services: Services, head: Actor, db_path: Path, tmp_path: Path) -> None:
    """The issue's exploit: `=HYPERLINK("http://…"&B2,"详情")` in a close explanation was a live
    formula in `wealthtui eod --format xlsx`."""
    stored = close_with(services, head, [FORMULAS[0]])
    assert FORMULAS[0] in stored.values()
    services.ctx.engine.dispose()
    runner = CliRunner()
    xlsx, csv_file = tmp_path / "eod.xlsx", tmp_path / "eod.csv"
    for fmt, target in (("xlsx", xlsx), ("csv", csv_file)):
        result = runner.invoke(app, ["eod", "--db", str(db_path), "--date",
                                     services.reports.today().isoformat(),
                                     "--format", fmt, "--out", str(target)])
        assert result.exit_code == 0, result.output
    assert FORMULAS[0] in xlsx_cells(xlsx)
    cells = csv_cells(csv_file.read_text("utf-8"))
    assert "'" + FORMULAS[0] in cells and not [c for c in cells if starts_formula(c)]


# --- through the services: the client import's rejection report -----------------------------------
def test_the_rejection_report_writes_hostile_cells_as_text(
        services: Services, head: Actor, tmp_path: Path) -> None:
    source = tmp_path / "clients.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["name", "id_type", "id_number", "phone", "card_no", "tier", "aum",
                      "birthday"])
        for text in HOSTILE:  # the name, the ID type and the tier all refused with the value
            out.writerow([text, text, "", "", "", text, "", ""])
    summary = services.client_import.import_file(head, source, report=tmp_path / "r.csv")
    assert summary.imported == 0 and summary.rejected == len(HOSTILE)
    raw = (tmp_path / "r.csv").read_text("utf-8-sig")
    cells = csv_cells(raw)
    assert not [c for c in cells if starts_formula(c)]
    values = [row[2] for row in rejected_report_rows(tmp_path / "r.csv")]
    formulas = [v for v in values if v.startswith("'")]
    assert formulas, values  # the formulas were there, and are text now
    for value in formulas:
        assert value[1:].startswith(FORMULA_STARTS) or value[1:].lstrip().startswith(
            FORMULA_STARTS)
    assert any(v == "'" + FORMULAS[0][:len(v) - 1] for v in formulas)
