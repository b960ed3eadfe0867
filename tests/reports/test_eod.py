"""The end-of-day summary and its month view: each section against the hand-built center, the
three exports (JSON, CSV, XLSX) agreeing figure by figure, and the month adding up its days."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from tests.reports.seed import EVENING, D, P, Seed, at
from wealthtui import i18n
from wealthtui.config import Settings
from wealthtui.model import BusinessDay
from wealthtui.procedures import Catalog
from wealthtui.reports import eod, export
from wealthtui.reports.export import Section
from wealthtui.reports.render import to_csv, to_json, to_rich, to_xlsx


@pytest.fixture
def report(session: Session, settings: Settings, catalog: Catalog) -> eod.DayReport:
    return eod.day_report(session, settings, D, now=EVENING, catalog=catalog)


# --- the sections of a day ----------------------------------------------------------------------
def test_tellers_who_worked_with_their_balancing(report: eod.DayReport) -> None:
    # T001 signed on to counter 01 and balanced to the fen, signed off by U001;
    # T002 only recorded business (no session), submitted with a 5-yuan shortage, 4 matches
    assert [(x.staff_no, x.status, x.difference_fen, x.matches, x.balanced, x.signed_off_by)
            for x in report.tellers] == [
        ("T001", "signed_off", 0, 5, True, "U001"),
        ("T002", "submitted", -500, 4, False, ""),
    ]


def test_authorisations_handoffs_complaints(report: eod.DayReport) -> None:
    a = report.authorisations
    assert (a.requested, a.approved, a.pending, a.rejected) == (3, 1, 1, 1)
    # open or accepted hand-offs of D: a1, a3, a4 (premium arrivals), the lead and one referral;
    # past due in the evening: a4 (14:31) and the referral (11:30)
    assert len(report.handoffs_open) == 5
    assert report.handoffs_overdue == 2
    # received C1, C2; closed on D: C1, C3 and C7; overdue: C4 (C5 paused, C6 withdrawn)
    c = report.complaints
    assert (c.received, c.closed, c.overdue) == (2, 3, 1)


def test_checklists_done_and_missed(report: eod.DayReport, catalog: Catalog,
                                    settings: Settings) -> None:
    daily = eod.daily_procedures(catalog, tuple(settings.head.close_exempt_procedures))
    assert "head_end_of_day" not in daily  # the head's own end of day ends with the close
    assert report.checklists.done == 2  # lobby opening, appearance check
    # every other daily procedure of the day, and the teller's sign-on left open (the CM change
    # run is not a daily procedure)
    expected = sorted([p for p in daily if p not in ("lobby_opening", "head_appearance_check")]
                      + ["counter_sign_on"])
    assert sorted(report.checklists.missed_ids) == expected
    assert report.checklists.missed == len(expected)


def test_exceptions(report: eod.DayReport) -> None:
    e = report.exceptions
    # P3 has no CM; K1 changed to C002 on 1 October and C002 has not contacted them;
    # both wealth CMs hold 2 clients, below the range of 100–200
    assert (e.entitled_without_cm, e.cm_change_overdue, e.cm_over_range, e.cm_under_range) == (
        1, 1, 0, 2)


def test_a_closed_day_shows_who_closed_it_and_the_explanations(
        session: Session, settings: Settings, seeded: Seed, catalog: Catalog) -> None:
    session.add(BusinessDay(business_date=D, status="closed", opened_at=at(D, "08:00"),
                            closed_at=at(D, "18:30"), closed_by=seeded.staff["head"],
                            close_note='{"checklist:lobby_closing": "停电，已补做"}'))
    session.commit()
    r = eod.day_report(session, settings, D, now=EVENING, catalog=catalog)
    assert r.closed and r.closed_by == "H900 负责人"
    assert r.exceptions.explained == {"checklist:lobby_closing": "停电，已补做"}


# --- exports agree ----------------------------------------------------------------------------------
def _csv_sections(text: str) -> list[list[list[str]]]:
    assert text.startswith("\ufeff")
    blocks, block = [], []
    for row in csv.reader(io.StringIO(text[1:])):
        if not row:
            blocks.append(block)
            block = []
        else:
            block.append(row)
    blocks.append(block)
    return blocks


def _as_plain(value: Any, kind: str) -> str:
    """What a JSON-side value must read as in the CSV and in the XLSX."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return i18n.t("common.yes") if value else i18n.t("common.no")
    if kind == "fen":
        return str((Decimal(value) / 100).quantize(Decimal("0.01")))
    return str(value)


def _xlsx_plain(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "fen":
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    return str(value)


def _check_agree(sections: list[Section], csv_text: str, xlsx_path: Path) -> None:
    blocks = _csv_sections(csv_text)
    book = load_workbook(xlsx_path)
    assert len(blocks) == len(sections) == len(book.sheetnames)
    for section, block, sheet_name in zip(sections, blocks, book.sheetnames, strict=True):
        assert block[0] == [section.title]
        assert block[1] == [c.title for c in section.columns]
        sheet = list(book[sheet_name].iter_rows(values_only=True))
        assert list(sheet[0]) == [c.title for c in section.columns]
        assert len(block) - 2 == len(section.rows) == len(sheet) - 1
        for row, csv_row, xlsx_row in zip(section.rows, block[2:], sheet[1:], strict=True):
            for value, column, c_cell, x_cell in zip(row, section.columns, csv_row, xlsx_row,
                                                     strict=True):
                want = _as_plain(value, column.kind)
                assert c_cell == want, (section.key, column.key)
                assert _xlsx_plain(x_cell, column.kind) == want, (section.key, column.key)


def test_json_csv_xlsx_agree_for_a_day(report: eod.DayReport, settings: Settings,
                                       catalog: Catalog, tmp_path: Path) -> None:
    doc = export.day_dict(settings, report)
    # the JSON holds at least the fields the issue names, with the hand-counted values
    parsed = json.loads(to_json(doc))
    assert parsed["date"] == "2026-11-30" and parsed["closed"] is False
    flow = parsed["flow_log"]
    assert flow["premium_received_by_cm"] == [
        {"staff_no": "C001", "name": "李经理", "count": 1}]
    assert flow["premium_identified"] == {"lobby": 3, "cash_counter": 2, "non_cash_counter": 1}
    assert flow["complaints_received"] == 2
    a = next(t for t in parsed["tickets"] if t["category"] == "A")
    assert {k: a[k] for k in ("issued", "served", "no_show", "avg_wait_s", "max_wait_s")} == {
        "issued": 3, "served": 1, "no_show": 1, "avg_wait_s": 450, "max_wait_s": 600}
    referrals = parsed["referrals"]
    assert {k: referrals[k] for k in ("made", "accepted", "converted")} == {
        "made": 5, "accepted": 3, "converted": 1}
    assert {s: (v["made"], v["converted"]) for s, v in referrals["by_source"].items()} == {
        "lobby": (1, 0), "cash_counter": (2, 1), "non_cash_counter": (1, 0), "cm": (1, 0)}
    assert [(t["staff_no"], t["balanced"], t["difference_fen"], t["signed_off_by"])
            for t in parsed["tellers"]] == [("T001", True, 0, "U001"), ("T002", False, -500, None)]
    assert parsed["complaints"] == {"received": 2, "closed": 3, "overdue": 1}
    assert parsed["checklists"]["done"] == 2
    # missed: the daily procedures not done (all but two) and the teller's open sign-on
    daily = eod.daily_procedures(catalog, tuple(settings.head.close_exempt_procedures))
    assert parsed["checklists"]["missed"] == len(daily) - 2 + 1
    # CSV and XLSX are written from sections built out of the JSON document, and read back the same
    sections = export.day_sections(parsed)
    to_xlsx(sections, tmp_path / "day.xlsx")
    _check_agree(sections, to_csv(sections), tmp_path / "day.xlsx")
    # and the money shows as yuan there: T002's shortage
    tellers = next(s for s in sections if s.key == "tellers")
    assert tellers.rows[1][5] == -500
    assert "-5.00" in to_csv([tellers])


def test_exports_agree_in_english_too(report: eod.DayReport, settings: Settings,
                                      tmp_path: Path) -> None:
    i18n.set_language("en")
    sections = export.day_sections(export.day_dict(settings, report))
    to_xlsx(sections, tmp_path / "day-en.xlsx")
    _check_agree(sections, to_csv(sections), tmp_path / "day-en.xlsx")
    assert "Tellers' balancing" in to_csv(sections)


def test_rich_rendering_shows_every_section(report: eod.DayReport, settings: Settings) -> None:
    from rich.console import Console

    console = Console(width=120, record=True)
    sections = export.day_sections(export.day_dict(settings, report))
    console.print(to_rich(sections))
    text = console.export_text()
    for section in sections:
        assert section.title in text
    assert "-5.00" in text and "7:30" in text  # T002's shortage; A's average wait of 450 s


# --- the month ----------------------------------------------------------------------------------
def test_month_view_adds_up_its_days(session: Session, settings: Settings, catalog: Catalog,
                                     tmp_path: Path) -> None:
    month = eod.month_report(session, settings, "2026-11", catalog=catalog)
    assert [r.date for r in month.days] == [date(2026, 11, 5), date(2026, 11, 10), P, D]
    days = [eod.day_report(session, settings, r.date, now=EVENING, catalog=catalog)
            for r in month.days]
    # every count of the month is the sum of its days
    assert month.flow_log.visitors == sum(d.flow_log.visitors for d in days)
    assert month.flow_log.complaints_received == sum(d.flow_log.complaints_received for d in days)
    assert month.flow_log.premium_identified.total == sum(
        d.flow_log.premium_identified.total for d in days)
    assert month.flow_log.premium_received_total == sum(
        d.flow_log.premium_received_total for d in days)
    assert month.flow_log.referrals.made == sum(d.flow_log.referrals.made for d in days)
    assert month.authorisations.requested == sum(d.authorisations.requested for d in days)
    assert month.complaints.received == sum(d.complaints.received for d in days)
    assert month.complaints.closed == sum(d.complaints.closed for d in days)
    assert month.checklists.done == sum(d.checklists.done for d in days)
    assert month.checklists.missed == sum(d.checklists.missed for d in days)
    for cat in month.flow_log.tickets:
        per_day = [next(c for c in d.flow_log.tickets if c.category == cat.category) for d in days]
        assert cat.issued == sum(c.issued for c in per_day)
        assert cat.waits == sum(c.waits for c in per_day)
        assert cat.wait_total_s == pytest.approx(sum(c.wait_total_s for c in per_day))
        maxima = [c.max_wait_s for c in per_day if c.max_wait_s is not None]
        assert cat.max_wait_s == (max(maxima) if maxima else None)
    # the day rows agree with the day reports
    for row, d in zip(month.days, days, strict=True):
        assert row.visitors == d.flow_log.visitors
        assert row.tickets == d.flow_log.totals().issued
        assert row.premium_received == d.flow_log.premium_received_total
        assert row.premium_identified == d.flow_log.premium_identified.total
        assert row.complaints == d.flow_log.complaints_received
        assert row.referrals == d.flow_log.referrals.made
        assert row.tellers == len(d.tellers)
        assert row.tellers_signed_off == sum(1 for x in d.tellers if x.status == "signed_off")
    # tellers over the month: T001 two days (both signed off, one balanced, +2.00 over),
    # T002 one day (not signed off, -5.00)
    assert [(x.staff_no, x.days, x.signed_off_days, x.balanced_days, x.difference_fen)
            for x in month.tellers] == [("T001", 2, 2, 1, 200), ("T002", 1, 0, 0, -500)]
    # complaints overdue at the end of the month: C4 only; on Friday C7 was overdue as well
    assert month.complaints.overdue == 1
    friday = eod.day_report(session, settings, P, now=EVENING, catalog=catalog)
    assert friday.complaints.overdue == 2
    # the month exports agree as well
    doc = json.loads(to_json(export.month_dict(settings, month)))
    assert doc["days_open"] == 4 and len(doc["days"]) == 4
    sections = export.month_sections(doc)
    to_xlsx(sections, tmp_path / "month.xlsx")
    _check_agree(sections, to_csv(sections), tmp_path / "month.xlsx")


def test_a_month_without_activity(session: Session, settings: Settings, catalog: Catalog) -> None:
    month = eod.month_report(session, settings, "2027-01", catalog=catalog)
    assert month.days == () and month.checklists.missed == 0
    assert month.first == date(2027, 1, 1) and month.last == date(2027, 1, 31)
    assert month.last + timedelta(days=1) == date(2027, 2, 1)


# --- the command line ---------------------------------------------------------------------------
def test_wealthtui_eod_command(db_path: Path, seeded: Seed, settings: Settings,
                              tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wealthtui.cli import app

    runner = CliRunner()
    as_json = runner.invoke(app, ["eod", "--db", str(db_path), "--date", "2026-11-30",
                                  "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    doc = json.loads(as_json.output)
    assert doc["date"] == "2026-11-30"
    assert doc["flow_log"]["premium_identified"] == {"lobby": 3, "cash_counter": 2,
                                                     "non_cash_counter": 1}
    assert [t["staff_no"] for t in doc["tellers"]] == ["T001", "T002"]
    target = tmp_path / "out.xlsx"
    as_xlsx = runner.invoke(app, ["eod", "--db", str(db_path), "--date", "2026-11-30",
                                  "--format", "xlsx", "--out", str(target)])
    assert as_xlsx.exit_code == 0, as_xlsx.output
    as_csv = runner.invoke(app, ["eod", "--db", str(db_path), "--date", "2026-11-30",
                                 "--format", "csv"])
    assert as_csv.exit_code == 0
    sections = export.day_sections(doc)
    _check_agree(sections, "\ufeff" + as_csv.output, target)
    month = runner.invoke(app, ["eod", "--db", str(db_path), "--month", "2026-11",
                                "--format", "json"])
    assert json.loads(month.output)["days_open"] == 4
    table = runner.invoke(app, ["eod", "--db", str(db_path), "--date", "2026-11-30"])
    assert table.exit_code == 0 and "T002" in table.output
    bad = runner.invoke(app, ["eod", "--db", str(db_path), "--format", "pdf"])
    assert bad.exit_code == 1 and "table, json, csv, xlsx" in bad.output
