"""One truth per figure (issue 16 items 7 and the "one definition" bullet): a day worked through
the services, then every screen that shows a figure of the daily flow record — the lobby's status
line, the CM's status line, the head's dashboard, flow log, KPI and end-of-day tabs — rendered
with Pilot, each number read off the screen and compared with the report function's value
(reports.figures), and `wealthtui eod --format json` compared with both.

The day (clock Monday 2026-11-30 09:30): P1 (CM 李理财) arrives twice, both arrivals completed by
李理财 — one premium client received; P2 (CM 周理财) arrives, 周理财 accepts and never completes —
not received; P3 arrives and nobody answers (the hand-off waits, and is overdue an hour later);
an ordinary client gets a lobby lead (a lead, not a premium client identified); a non-cash teller
refers a walk-in to a CM (a non-cash counter identification).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session
from textual.widgets import DataTable, Static

from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.ui.helpers import make_app, screen_text, settle, sign_in
from wealthtui.i18n import t
from wealthtui.reports import figures
from wealthtui.services import Actor, Services


@pytest.fixture
def day(center: Center, make_staff: Any, clock: Any) -> dict[str, Any]:
    s = center.services
    cm2 = make_staff("wealth_cm", staff_no="C2", name="周理财")
    p1 = center.client("张优一", "premium", seq=11, cm=center.cm)
    p2 = center.client("张优二", "premium", seq=12, cm=cm2)
    p3 = center.client("张优三", "premium", seq=13, cm=center.cm)
    plain = center.client("王普通", "ordinary", seq=14)
    for client in (p1, p1, p2, p3, plain):
        s.lobby.arrive(center.lobby, client_id=client)
    s.lobby.spot_potential(center.lobby, client_id=plain, signal="大额转账")
    arrivals = {(a.client_name, a.handoff_id) for a in s.lobby.arrivals(center.lobby)}
    for name, hid in sorted(arrivals):
        if name == "张优一":
            s.handoffs.accept(center.cm, hid)
            s.handoffs.complete(center.cm, hid, "已接待")
        elif name == "张优二":
            s.handoffs.accept(cm2, hid)   # accepted, never completed
    center.sign_on(center.n1, "04")  # with the sign-on checklist (the call guard)
    ticket = center.ticket_at(center.n1, "04", category="B")
    s.counter.finish(center.n1, ticket, "refer", need_note="子女留学资金安排",
                     contact_name="过路客", contact_phone="13812345678")
    clock.advance(hours=1)
    return {"cm2": cm2}


def report(services: Services, head: Actor) -> Any:
    return services.reports.flow_log(head)


def number_after(text: str, label: str) -> int:
    found = re.search(re.escape(label) + r"\s*(\d+)", text)
    assert found, f"{label!r} not on the screen: {text!r}"
    return int(found.group(1))


def summary(table: DataTable, item_key: str) -> str:
    title = t(item_key)
    for i in range(table.row_count):
        row = table.get_row_at(i)
        if str(row[0]) == title:
            return str(row[1])
    raise AssertionError(f"{title} not in the summary")


def test_the_report_holds_the_manuals_definitions(services: Services, head: Actor,
                                                   day: dict[str, Any], center: Center) -> None:
    flow = report(services, head)
    # P1 twice → once, P2, P3: three premium clients identified by the lobby; the lobby's lead
    # for the ordinary client is a lead; the walk-in referred at counter 04 is the non-cash
    # counters' identification
    assert (flow.premium_identified.lobby, flow.premium_identified.cash_counter,
            flow.premium_identified.non_cash_counter) == (3, 0, 1)
    assert flow.leads is not None and (flow.leads.made.lobby, flow.leads.made.non_cash_counter) == (
        1, 1)
    # received: P1 by 李理财 (two completed arrivals, one client); P2 accepted only
    assert [(c.staff_no, c.count) for c in flow.premium_received_by_cm] == [("C1", 1)]


async def test_every_screen_shows_the_reports_figures(
        services: Services, head: Actor, day: dict[str, Any], center: Center) -> None:
    flow = report(services, head)
    with Session(services.ctx.engine) as session:
        identified = figures.premium_identified(session, services.settings, flow.first)
        received = {c.staff_no: c.count for c in figures.premium_received_by_cm(
            session, flow.first)}
        leads = figures.leads(session, flow.first)
    assert identified == flow.premium_identified

    # the lobby's status line (80x24)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "L1")
        await settle(pilot)
        line = str(app.screen.query_one("#flow-line", Static).render())
        assert number_after(line, "识别优质") == identified.lobby
        assert number_after(line, "线索") == leads.made.lobby

    # each CM's status line: the premium clients they received today
    for staff_no, name in (("C1", "李理财"), ("C2", "周理财")):
        app = make_app(services)
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot, staff_no)
            await settle(pilot)
            line = str(app.screen.query_one("#cm-status", Static).render())
            assert number_after(line, "接待优质") == received.get(staff_no, 0), name

    # the head: dashboard, flow log, KPIs, end of day (120x40: the tables whole)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "H001")
        eod = services.reports.eod(head)
        dash = services.dashboard.snapshot(head)
        # P3's arrival, unanswered for an hour, at least; the same count on both
        assert dash.handoffs_overdue == eod.handoffs_overdue >= 1
        assert number_after(screen_text(app), "逾期交接") == eod.handoffs_overdue

        await pilot.press("f5")
        await settle(pilot)
        table = screen.query_one("#flow-tables #section-summary", DataTable)
        assert int(summary(table, "report.item.identified_lobby")) == identified.lobby
        assert int(summary(table, "report.item.identified_non_cash")) == identified.non_cash_counter
        assert int(summary(table, "figures.item.leads_lobby")) == leads.made.lobby
        assert int(summary(table, "report.item.premium_received")) == sum(received.values())
        cms = screen.query_one("#flow-tables #section-premium_by_cm", DataTable)
        shown = {str(cms.get_row_at(i)[0]): int(str(cms.get_row_at(i)[2]))
                 for i in range(cms.row_count)}
        assert shown == received

        await pilot.press("f6")
        await settle(pilot)
        lobby = screen.query_one("#kpi-tables #section-kpi_lobby", DataTable)
        lobby_row = next(lobby.get_row_at(i) for i in range(lobby.row_count)
                         if str(lobby.get_row_at(i)[0]) == "L1")
        assert float(str(lobby_row[2])) == identified.lobby
        cm_table = screen.query_one("#kpi-tables #section-kpi_cm", DataTable)
        for i in range(cm_table.row_count):
            row = cm_table.get_row_at(i)
            assert float(str(row[2])) == received.get(str(row[0]), 0), row

        await pilot.press("f7")
        await settle(pilot)
        table = screen.query_one("#eod-tables #section-summary", DataTable)
        assert int(summary(table, "report.item.identified_lobby")) == identified.lobby
        assert int(summary(table, "report.item.premium_received")) == sum(received.values())
        assert int(summary(table, "figures.item.converted_non_cash_counter")) == (
            leads.converted.non_cash_counter)


def test_the_eod_command_gives_the_same_values(services: Services, head: Actor,
                                                 day: dict[str, Any], db_path: Any) -> None:
    from typer.testing import CliRunner

    from wealthtui.cli import app

    flow = report(services, head)
    result = CliRunner().invoke(app, ["eod", "--db", str(db_path), "--date",
                                      flow.first.isoformat(), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)["flow_log"]
    assert doc["premium_identified"] == {
        "lobby": flow.premium_identified.lobby, "cash_counter": flow.premium_identified.cash_counter,
        "non_cash_counter": flow.premium_identified.non_cash_counter}
    assert [(c["staff_no"], c["count"]) for c in doc["premium_received_by_cm"]] == [
        (c.staff_no, c.count) for c in flow.premium_received_by_cm]
    by_source = json.loads(result.output)["referrals"]["by_source"]
    assert flow.leads is not None
    assert {s: v["made"] for s, v in by_source.items()} == {
        s: flow.leads.made.get(s) for s in figures.SOURCES}


def test_the_lobby_and_the_day_after(services: Services, head: Actor, day: dict[str, Any],
                                      center: Center, clock: Any) -> None:
    """The lobby's counts are the flow log's, for any day (issue 16 item 7: 20 / 32 / 19)."""
    today = report(services, head)
    counts = services.lobby.flow_counts(center.lobby)
    assert (counts.premium_identified, counts.leads_lobby, counts.leads_non_cash_counter) == (
        today.premium_identified.lobby, today.leads.made.lobby if today.leads else -1,
        today.premium_identified.non_cash_counter)
    assert counts.premium_by_cm == tuple((c.name, c.count) for c in today.premium_received_by_cm)
    clock.advance(days=1)
    assert services.lobby.flow_counts(center.lobby, today.first + timedelta(days=0)) == counts
