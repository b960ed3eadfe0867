"""The report services: who may read what, the head's monthly figures (validated, corrected in
place, audited, shown as entered), and the operator's unauthenticated end-of-day read."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from wealthtui.model import AuditEvent, ManualFigure
from wealthtui.rules.fields import FieldError
from wealthtui.services import Actor, Services
from wealthtui.services.errors import NotFound, PermissionDenied
from wealthtui.services.reports import parse_business_date, parse_figure, parse_month


def test_month_and_date_parsing() -> None:
    assert parse_month("2026-11") == "2026-11"
    assert parse_month("２０２６/１１") == "2026-11"   # full-width digits, a slash
    assert parse_business_date("2026/11/30").isoformat() == "2026-11-30"
    for bad in ("2026-13", "26-11", "", "2026-11-30"):
        with pytest.raises(FieldError) as caught:
            parse_month(bad)
        assert caught.value.field == "report.field.month"
    with pytest.raises(FieldError):
        parse_business_date("2026-02-30")


@given(st.text(max_size=12))
def test_figure_parsing_never_crashes(text: str) -> None:
    try:
        value = parse_figure("agency_income", text)
    except FieldError as exc:
        assert exc.field in ("report.field.value",)
    else:
        assert value >= 0


def test_figure_ranges() -> None:
    assert parse_figure("agency_income", "¥12,345.60") == 12345.6
    assert parse_figure("product_test_pass", "95%") == 95
    with pytest.raises(FieldError):
        parse_figure("product_test_pass", "101")
    with pytest.raises(FieldError):
        parse_figure("agency_income", "-1")
    with pytest.raises(FieldError):
        parse_figure("agency_income", "1.234")
    with pytest.raises(FieldError) as caught:
        parse_figure("headcount", "3")
    assert caught.value.field == "report.field.indicator"


def test_the_head_enters_and_corrects_a_figure(services: Services, head: Actor,
                                              engine: Any) -> None:
    first = services.reports.enter_manual_figure(head, "2026-11", "agency_income", "1000")
    assert first.entered_by == "H001 王主任" and first.value == 1000
    services.reports.enter_manual_figure(head, "2026-11", "agency_income", "1,250.50")
    report = services.reports.kpi(head, "2026-11")
    income = report.indicator("agency_income")
    assert income is not None and income.value == 1250.5 and income.source == "manual"
    with Session(engine) as session:
        rows = session.exec(select(ManualFigure)).all()
        assert len(rows) == 1  # corrected in place, not added twice
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "kpi.enter")).all()
        assert [json.loads(e.detail)["after"] for e in events] == [1000, 1250.5]
        assert json.loads(events[1].detail)["before"] == 1000


def test_a_personal_score_needs_a_known_staff_number(services: Services, head: Actor,
                                                    make_staff: Any) -> None:
    teller = make_staff("cash_teller", staff_no="T001")
    with pytest.raises(FieldError) as missing:
        services.reports.enter_manual_figure(head, "2026-11", "product_test_score", "90")
    assert missing.value.field == "field.staff_no"
    with pytest.raises(NotFound):
        services.reports.enter_manual_figure(head, "2026-11", "product_test_score", "90", "T999")
    services.reports.enter_manual_figure(head, "2026-11", "product_test_score", "90", "T001")
    scores = {s.staff_no: s for s in services.reports.kpi(head, "2026-11").staff}
    assert scores["T001"].get("product_test_score") == 90
    with pytest.raises(PermissionDenied):
        services.reports.enter_manual_figure(teller, "2026-11", "agency_income", "1")


def test_who_reads_which_report(services: Services, head: Actor, make_staff: Any) -> None:
    supervisor = make_staff("supervisor")
    lobby = make_staff("lobby_manager")
    teller = make_staff("cash_teller")
    assert services.reports.eod(supervisor).date == services.ctx.today()
    assert services.reports.flow_log(lobby).first == services.ctx.today()
    with pytest.raises(PermissionDenied):
        services.reports.eod(lobby)
    with pytest.raises(PermissionDenied):
        services.reports.kpi(supervisor, "2026-11")
    with pytest.raises(PermissionDenied):
        services.reports.flow_log(teller)


def test_the_operator_reads_without_signing_in(services: Services, head: Actor) -> None:
    report = services.reports.eod_for_operator()
    assert report.date == services.ctx.today() and not report.closed
    month = services.reports.month_for_operator("2026-11")
    assert month.month == "2026-11"
    with pytest.raises(FieldError):
        services.reports.month_for_operator("November")
