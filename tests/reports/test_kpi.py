"""The KPI scorecard (manual ch.7): the formulas, each indicator of November against the
hand-built center, the individual indicators, and the figures the head enters."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from tests.reports.seed import D
from wealthtui.config import Settings
from wealthtui.reports import kpi
from wealthtui.reports.export import kpi_dict, kpi_sections


# --- formulas --------------------------------------------------------------------------------
def test_percentages_and_minutes() -> None:
    assert kpi.pct(1, 4) == 25.0
    assert kpi.pct(0, 0) is None  # no data is not 0 %
    assert kpi.minutes(90) == 1.5 and kpi.minutes(None) is None


@pytest.mark.parametrize(("received", "ended", "as_of", "expected"), [
    (date(2026, 11, 1), date(2026, 11, 16), date(2026, 11, 30), True),    # 15 days: in time
    (date(2026, 11, 1), date(2026, 11, 17), date(2026, 11, 30), False),   # 16 days: late
    (date(2026, 11, 1), None, date(2026, 11, 16), None),                   # open, inside window
    (date(2026, 11, 1), None, date(2026, 11, 17), False),                  # open past the window
])
def test_complaint_decided_in_time(received: date, ended: date | None, as_of: date,
                                   expected: bool | None) -> None:
    assert kpi.complaint_in_time(received, ended, as_of, 15) is expected


@pytest.mark.parametrize(("value", "target", "better", "status"), [
    (9.0, 10.0, "lower", "met"),
    (10.0, 10.0, "lower", "met"),
    (10.5, 10.0, "lower", "missed"),
    (80.0, 80.0, "higher", "met"),
    (79.9, 80.0, "higher", "missed"),
    (None, 80.0, "higher", "no_data"),
    (3.0, None, "higher", "no_target"),
])
def test_indicator_status(value: float | None, target: float | None, better: str,
                          status: str) -> None:
    assert kpi.Indicator("x", value, "pct", target, better).status == status


def test_whole_numbers_from_step_values() -> None:
    assert kpi.whole_number("5") == 5
    assert kpi.whole_number(" 7 ") == 7
    assert kpi.whole_number("x") == 0 and kpi.whole_number("-3") == 0


# --- November in the seeded center -----------------------------------------------------------------
@pytest.fixture
def november(session: Session, settings: Settings) -> kpi.KpiReport:
    return kpi.kpi_report(session, settings, "2026-11", today=D)


def value(report: kpi.KpiReport, code: str) -> float | None:
    indicator = report.indicator(code)
    assert indicator is not None, code
    return indicator.value


def test_waits_and_transaction_times(november: kpi.KpiReport) -> None:
    # waits (issue → first call) of November: D 300, 600, 60, 1200; P 1200 → average 672 s
    assert value(november, "avg_wait") == pytest.approx(3360 / 5 / 60)
    assert value(november, "max_wait") == pytest.approx(20.0)
    # cash counters = categories of the cash zone (A and C): 300, 600, 1200
    assert value(november, "cash_avg_wait") == pytest.approx(2100 / 3 / 60)
    # cash transaction time: finished A tickets 240 s (D) and 600 s (P)
    assert value(november, "cash_service_time") == pytest.approx(7.0)
    # the CMs' response to premium arrivals: 120, 300, 60 (D) and 180 s (P)
    assert value(november, "cm_response") == pytest.approx(165 / 60)
    # against the default targets: waits of 10 min, 8 min of cash service, 5 min of response
    status = {i.code: i.status for i in november.center}
    assert status["avg_wait"] == "missed"            # 11.2 min
    assert status["max_wait"] == "met"               # 20 min ≤ 30
    assert status["cash_avg_wait"] == "missed"       # 11.7 min
    assert status["cash_service_time"] == "met"      # 7 min
    assert status["cm_response"] == "met"            # 2.75 min


def test_targets_come_from_the_configuration(session: Session, settings: Settings) -> None:
    strict = settings.model_copy(update={"kpi": settings.kpi.model_copy(
        update={"target_cm_response_minutes": 2.0, "target_avg_wait_minutes": 12.0})})
    report = kpi.kpi_report(session, strict, "2026-11", today=D)
    assert report.indicator("cm_response").target == 2.0  # type: ignore[union-attr]
    assert report.indicator("cm_response").status == "missed"  # type: ignore[union-attr]
    assert report.indicator("avg_wait").status == "met"  # type: ignore[union-attr]


def test_appearance_compliance_from_the_heads_checks(november: kpi.KpiReport) -> None:
    # D: 4 of 5 compliant; P: 5 of 5 (recorded 3 first, corrected to 5); October not counted
    appearance = november.indicator("appearance")
    assert appearance is not None
    assert appearance.value == pytest.approx(90.0)
    assert appearance.detail == "9/10"
    assert appearance.status == "missed"  # target 100 %


def test_complaint_indicators(november: kpi.KpiReport) -> None:
    # received in November, withdrawn left out: C1 (on the spot), C2, C3, C4, C5, C7
    first = november.indicator("first_contact_resolution")
    assert first is not None and first.detail == "1/6"
    assert first.value == pytest.approx(100 / 6)
    # the rest: C3 decided in 3 days (in time); C4 open for 20 days and C7 decided after 23 days
    # (late); C2 still inside its 15 days and C5 paused: not counted yet
    in_time = november.indicator("complaints_in_time")
    assert in_time is not None and in_time.detail == "1/3"
    assert in_time.value == pytest.approx(100 / 3)


def test_premium_clients_holding_products_and_new_premium(november: kpi.KpiReport) -> None:
    # premium or key now: P1 (4 products), P2 (3 distinct; one matured), K1 (5), Q1, P3 (none)
    share = november.indicator("premium_with_products")
    assert share is not None and share.detail == "2/5" and share.value == pytest.approx(40.0)
    assert share.status == "met"
    # into a premium tier in November: Q1 (potential) and P2 (ordinary); K1 premium → key is not
    assert value(november, "new_premium") == 2
    assert november.indicator("new_premium").status == "no_target"  # type: ignore[union-attr]


def test_figures_entered_by_the_head_are_marked(november: kpi.KpiReport) -> None:
    income = november.indicator("agency_income")
    assert income is not None
    assert (income.value, income.source, income.entered_by) == (12345.6, "manual", "H900 负责人")
    assert income.entered_at is not None
    test_pass = november.indicator("product_test_pass")
    assert test_pass is not None and test_pass.value is None and test_pass.status == "no_data"
    assert test_pass.source == "manual" and test_pass.entered_by == ""


def test_individual_indicators(november: kpi.KpiReport) -> None:
    by = {(s.group, s.staff_no): s for s in november.staff}
    t1, t2 = by[("teller", "T001")], by[("teller", "T002")]
    # T001: leads l2 (converted) and l3; served A001 on D and P: 240 s and 600 s
    assert (t1.get("leads_referred"), t1.get("leads_converted"), t1.get("tickets_served")) == (
        2, 1, 2)
    assert t1.get("avg_service_min") == pytest.approx(7.0)
    assert t1.get("product_test_score") == 88
    # T002: non-cash leads on D and P (the latter converted); served B001 and B002
    assert (t2.get("leads_referred"), t2.get("leads_converted"), t2.get("tickets_served")) == (
        2, 1, 2)
    assert t2.get("avg_service_min") == pytest.approx(15.0)
    assert t2.get("product_test_score") is None
    lobby = by[("lobby", "L001")]
    # identified: P1, P2, K1 on D and P2 on P; one lead; one identified client diverted
    assert [lobby.get(k) for k in ("premium_identified", "referrals_made", "referrals_converted",
                                   "diverted")] == [4, 1, 0, 1]
    cm1, cm2 = by[("cm", "C001")], by[("cm", "C002")]
    # C001: received a2 (a1 and a6 were accepted, never completed); two contacts in November; P2 new premium in the book; the
    # converted cash-counter lead was handed to C001; book P1, P2
    assert [cm1.get(k) for k in ("premium_received", "contacts_logged", "new_premium",
                                 "referrals_converted", "book_size")] == [1, 2, 1, 1, 2]
    # C002: a3 accepted, never completed: no premium client received
    assert [cm2.get(k) for k in ("premium_received", "contacts_logged", "new_premium",
                                 "referrals_converted", "book_size")] == [0, 0, 1, 0, 2]
    # the head and the supervisor hold none of these roles
    assert not any(s.staff_no in ("H900", "U001") for s in november.staff)


def test_scorecard_sections(november: kpi.KpiReport) -> None:
    sections = kpi_sections(kpi_dict(november))
    assert [s.key for s in sections] == ["kpi_center", "kpi_teller", "kpi_lobby", "kpi_cm"]
    assert len(sections[0].rows) == len(november.center)
    assert [r[0] for r in sections[1].rows] == ["T001", "T002"]
