"""The KPI scorecard and the head's charts read the Core tables (issue 22): the modules load no
ORM model, a Core connection (the operator's commands) gives the figures the services' session
gives, and on SQLite every statement of the scorecard, the charts and the month view reaches the
big tables through an index — none scans contact_log, the tickets, their events, the holdings,
the clients, visits, leads, hand-offs or tier changes whole."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from tests.reports.seed import D, Seed
from wealthtui.config import Settings
from wealthtui.reports import charts, kpi
from wealthtui.reports.eod import month_report

#: tables that grow with the center or its days: never read whole by a report
BIG = ("contact_log", "ticket", "ticket_event", "product_holding", "client", "visit", "lead",
       "handoff", "tier_change", "step_record", "checklist_run", "cm_assignment")

IMPORTS = (
    "import json, sys\n"
    "import wealthtui.reports.charts, wealthtui.reports.kpi\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


def test_the_scorecard_and_the_charts_load_no_orm_model() -> None:
    done = subprocess.run([sys.executable, "-c", IMPORTS], capture_output=True, text=True,
                          timeout=60, check=True)
    modules = json.loads(done.stdout)
    assert "wealthtui.store.tables" in modules
    assert not [m for m in modules if m.split(".")[0] in ("sqlmodel", "textual")
                or m.startswith(("wealthtui.model", "wealthtui.services", "sqlalchemy.orm"))]


def test_a_core_connection_gives_the_figures_of_the_services_session(
        engine: Engine, session: Session, settings: Settings) -> None:
    with engine.connect() as conn:
        for month in ("2026-11", "2026-10"):
            by_core = kpi.kpi_report(conn, settings, month, today=D)
            assert by_core == kpi.kpi_report(session, settings, month, today=D)
            assert charts.month_trend(conn, settings, month) == charts.month_trend(
                session, settings, month)
        assert charts.waits_by_hour(conn, settings, D) == charts.waits_by_hour(session, settings, D)
    november = kpi.kpi_report(session, settings, "2026-11", today=D)
    assert november.staff and all(i.code for i in november.center)  # a real scorecard


def _statements(engine: Engine, run: Any) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
             executemany: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        with engine.connect() as conn:
            run(conn)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    return seen


def full_scans(engine: Engine, statements: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    """(plan line, statement) of every full scan of a BIG table in the statements' plans."""
    scan = re.compile(rf"^SCAN ({'|'.join(BIG)})\b")
    found = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters):
                if scan.match(row[3]):
                    found.append((row[3], " ".join(statement.split())[:160]))
    return found


def test_the_big_reads_go_through_indexes(backend: str, request: pytest.FixtureRequest,
                                          settings: Settings) -> None:
    if backend != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    engine: Engine = request.getfixturevalue("engine")
    seeded: Seed = request.getfixturevalue("seeded")
    assert seeded

    def reports(conn: Any) -> None:
        kpi.kpi_report(conn, settings, "2026-11", today=D)
        charts.waits_by_hour(conn, settings, D)
        charts.month_trend(conn, settings, "2026-11")
        month_report(conn, settings, "2026-11")

    statements = _statements(engine, reports)
    assert len(statements) > 30  # the scorecard, the charts and the month view all ran
    assert not full_scans(engine, statements)


def test_the_plan_check_sees_a_full_scan(backend: str, request: pytest.FixtureRequest) -> None:
    """The check above can fail: a count of contact_log by a column without an index scans."""
    if backend != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    engine: Engine = request.getfixturevalue("engine")
    found = full_scans(engine, [("SELECT count(*) FROM contact_log WHERE channel = ?", ("phone",))])
    assert [line for line, _ in found] == ["SCAN contact_log"]


def test_the_overdue_cm_changes_are_counted_from_the_ended_assignments(
        backend: str, request: pytest.FixtureRequest, settings: Settings) -> None:
    """The end-of-day count of CM changes past their first-contact deadline reads the ended
    assignments and looks up, per client, the active one that took over. As a join SQLite
    drove it from every active assignment and probed the contact log for each (0.96 s at
    1,000,000 clients); here the only table of the outer loop is the ended assignments."""
    if backend != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    engine: Engine = request.getfixturevalue("engine")
    seeded: Seed = request.getfixturevalue("seeded")
    assert seeded
    from tests.reports.seed import at
    from wealthtui.reports import eod

    statements = _statements(engine, lambda conn: eod.exceptions(conn, settings, at(D, "18:00"), {}))
    overdue = [(s, p) for s, p in statements if "contact_log" in s and "cm_assignment" in s]
    assert len(overdue) == 1
    with engine.connect() as conn:
        plan = list(conn.exec_driver_sql("EXPLAIN QUERY PLAN " + overdue[0][0], overdue[0][1]))
    outer = [row[3] for row in plan if row[1] == 0 and row[3].startswith(("SCAN", "SEARCH"))]
    assert len(outer) == 1 and " cm_assignment_1 " in f"{outer[0]} ", plan


def test_the_staff_tabs_overdue_cm_changes_are_found_as_the_end_of_day_counts_them(
        backend: str, request: pytest.FixtureRequest, settings: Settings) -> None:
    """The staff tab lists the changes the end of day counts (reports.cm_changes): the same
    clients, found from the ended assignments; their active assignment, the one before and the
    names looked up per client. Before, the tab read them as a join SQLite drove from every
    active assignment (2.8 s at 1,000,000 clients; 53 ms this way)."""
    if backend != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    engine: Engine = request.getfixturevalue("engine")
    seeded: Seed = request.getfixturevalue("seeded")
    assert seeded
    from tests.reports.seed import at
    from wealthtui.reports import cm_changes

    now = at(D, "18:00")
    statements = _statements(engine, lambda conn: cm_changes.overdue_changes(conn, settings, now))
    (listed,) = [(s, p) for s, p in statements if "contact_log" in s]
    with engine.connect() as conn:
        found = cm_changes.overdue_changes(conn, settings, now)
        assert len(found) == cm_changes.overdue_count(conn, settings, now) == 1
        plan = list(conn.exec_driver_sql("EXPLAIN QUERY PLAN " + listed[0], listed[1]))
    outer = [row[3] for row in plan if row[1] == 0 and row[3].startswith(("SCAN", "SEARCH"))]
    assert outer and not [line for line in outer if line.startswith("SCAN")], plan
    assert any(row[3].startswith(("SCAN cm_assignment_1", "SEARCH cm_assignment_1"))
               for row in plan), plan
