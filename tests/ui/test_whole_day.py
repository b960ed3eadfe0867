"""The whole day from `wealthtui init` (tests/whole_day.py), then the screens of that closed day
read with Pilot — the head closes it on the end-of-day tab (F8, F2) — then the lobby's and the duty CM's status lines at 80×24, the head's flow-log (F5)
and end-of-day (F7) tabs at 120×40 — every figure shown equals `wealthtui eod --format json`.

The day's steps themselves are done through the services here (their screens have Pilot tests
of their own: test_roster, test_lobby, test_counter, test_cm, test_complaints, test_routines)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static

from tests.conftest import T0
from tests.ui.helpers import make_app, settle, sign_in
from tests.whole_day import eod_json, init_center, open_services, run_whole_day
from wealthtui.config import Settings
from wealthtui.i18n import t
from wealthtui.rules.clock import FixedClock
from wealthtui.ui.dialogs.close_day import CloseDayDialog


def number_after(text: str, label: str) -> int:
    found = re.search(re.escape(label) + r"\s*(\d+)", text)
    assert found, f"{label!r} not on the screen: {text!r}"
    return int(found.group(1))


def summary(table: DataTable, item_key: str) -> int:
    title = t(item_key)
    for i in range(table.row_count):
        row = table.get_row_at(i)
        if str(row[0]) == title:
            return int(str(row[1]))
    raise AssertionError(f"{title} not in the summary")


async def test_the_screens_of_the_whole_day_show_the_eod_figures(
        tmp_path: Path, settings: Settings) -> None:
    db = str(tmp_path / "center.db")
    init_center(db)
    clock = FixedClock(T0)
    services = open_services(db, settings, clock)
    d = run_whole_day(services, clock, close=False)

    # the head closes the day on the end-of-day tab: F8, nothing listed to explain, F2
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "H001")
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, CloseDayDialog)
        assert app.screen.problems == []
        await pilot.press("f2")
        await settle(pilot)
        assert not isinstance(app.screen, CloseDayDialog)
    assert services.day.state(d.people["head"]).closed

    doc = eod_json(db, d.day)
    assert doc["closed"] is True and doc["exceptions"]["explained"] == {}
    flow, by_source = doc["flow_log"], doc["referrals"]["by_source"]
    received = {c["staff_no"]: c["count"] for c in flow["premium_received_by_cm"]}
    assert received == {"C401": 1}

    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "L101")
        await settle(pilot)
        line = str(app.screen.query_one("#flow-line", Static).render())
        assert number_after(line, "识别优质") == flow["premium_identified"]["lobby"] == 1
        assert number_after(line, "线索") == by_source["lobby"]["made"] == 1

    for staff_no in ("C401", "C402"):
        app = make_app(services)
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot, staff_no)
            await settle(pilot)
            line = str(app.screen.query_one("#cm-status", Static).render())
            assert number_after(line, "接待优质") == received.get(staff_no, 0), staff_no

    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen: Any = await sign_in(pilot, "H001")
        await pilot.press("f5")
        await settle(pilot)
        table = screen.query_one("#flow-tables #section-summary", DataTable)
        assert summary(table, "report.item.identified_lobby") == flow["premium_identified"]["lobby"]
        assert summary(table, "report.item.identified_non_cash") == (
            flow["premium_identified"]["non_cash_counter"])
        assert summary(table, "figures.item.leads_lobby") == by_source["lobby"]["made"]
        assert summary(table, "report.item.premium_received") == sum(received.values())
        await pilot.press("f7")
        await settle(pilot)
        table = screen.query_one("#eod-tables #section-summary", DataTable)
        assert summary(table, "report.item.identified_lobby") == flow["premium_identified"]["lobby"]
        assert summary(table, "report.item.premium_received") == sum(received.values())
        assert summary(table, "figures.item.converted_non_cash_counter") == (
            by_source["non_cash_counter"]["converted"]) == 1
