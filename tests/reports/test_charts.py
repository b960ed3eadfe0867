"""The figures behind the head's charts (reports/charts.py) against the report functions that
give the same figures elsewhere, on the hand-built center of tests/reports/seed.py (both
backends): waits by hour and lane add up to the flow log's waits; the month's trend is the month
view's day rows and the leads converted."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.reports.seed import D
from wealthtui.config import Settings
from wealthtui.reports.charts import month_trend, waits_by_hour
from wealthtui.reports.eod import month_report
from wealthtui.reports.flow_log import flow_log


def test_waits_by_hour_add_up_to_the_flow_logs_waits_per_lane(session: Session,
                                                               settings: Settings) -> None:
    rows = waits_by_hour(session, settings, D)
    assert rows, "the seed's day has called tickets"
    flows = {f.category: f for f in flow_log(session, settings, D).tickets}
    for code in {r.category for r in rows}:
        mine = [r for r in rows if r.category == code]
        assert sum(r.called for r in mine) == flows[code].waits
        assert sum(r.avg_wait_s * r.called for r in mine) == pytest.approx(
            flows[code].wait_total_s)
    order = [c.code for c in settings.queue.categories]
    assert [r.category for r in rows] == sorted((r.category for r in rows),
                                                key=lambda c: order.index(c))
    assert all(0 <= r.hour <= 23 for r in rows)


def test_the_months_trend_is_the_month_views_days(session: Session, settings: Settings) -> None:
    days = month_trend(session, settings, "2026-11")
    month = month_report(session, settings, "2026-11")
    assert [(d.date, d.visits, d.complaints) for d in days] == [
        (r.date, r.visitors, r.complaints) for r in month.days]
    assert sum(d.conversions for d in days) == month.flow_log.referrals.converted
    assert any(d.visits for d in days)
