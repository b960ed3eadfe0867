"""Issue 16 "Done when": one day of a center made by `wealthtui init`, walked through the screens
(each person signs in, does their part, signs out with Ctrl+O), then every figure of
`wealthtui eod` for that day equals what was done and what the screens show.

The morning (tests/ui/day_walk.py: staff added, PINs chosen at a second terminal, the
supervisor's role approved and the client book imported at the command line, roster and opening
routines on the screens) is walked once per run; each test here copies it and walks one part of
the day, so xdist spreads them:

- a teller records a complaint from "my complaints" (Ctrl+J, F2), the head assigns it to the
  supervisor (F4 queue, F2), the supervisor replies and closes it from the inbox item (F9,
  Enter, F5: reply F8, close F9); eod counts it received and closed;
- the rest of the day, in one app session: the tellers sign on at their counters (Ctrl+G:
  counter and opening cash, F2; the sign-on checklist on its panel, the cash counted equal to
  the opening cash, F2); the lobby receives three clients, identifies the premium one and spots
  a potential one, the duty CM takes the premium arrival from the inbox (Enter, F2) and
  finishes it (Enter, F4), the tellers serve and one refers the client to a CM, the CMs work
  their leads and one sells from the contact form (tests/ui/day_middle.py); then the closing:
  each teller signs off the counter (Ctrl+E, Yes) and submits the balance (Ctrl+D: the cash
  counted as the form shows it expected, the five matches, F2); the supervisor signs off the
  tellers (F6) and the outlet (F7) and does the outlet routine, which does not ask again for
  the sign-off; the lobby manager confirms the flow log in the closing routine; the CMs do
  their end-of-day routines; the head builds a target list dealt evenly over the two CMs
  (Ctrl+T, F2), does the end-of-day review (its "close the day" step is the close's) and the
  monthly review and closes the day (F7, F8: nothing to explain, F2). Then the lobby's and
  the CMs' status lines as they read at the end of their day's work, and the head's flow-log
  and end-of-day tabs after the close, equal the closed day's eod figures, and eod's equal
  what the day did. (The complaint is the other test's: this
  day has none.)

Nothing in the walk changes anything through a service call: the screens and the command line
do it; the services are only read, to check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from textual.widgets import Checkbox, DataTable, Select, SelectionList, Static, TextArea

from tests.ui.day_middle import (
    cms_work_their_leads,
    counters,
    form_on_top,
    inbox_items,
    lobby_visits,
    on_handoff,
    save,
)
from tests.ui.day_walk import (
    APPROVER,
    MORNING_ROUTINES,
    act,
    back_to_role_screen,
    copy_morning,
    later,
    morning_day,
    number_after,
    record_open_steps,
    routine,
    sign_out,
    summary,
)
from tests.ui.helpers import make_app, screen_text, settle, sign_in, type_into
from tests.ui.test_complaints import fill_walk_in
from tests.whole_day import (
    CASH_COUNTER,
    HEAD_NAME,
    HEAD_NO,
    NON_CASH_COUNTER,
    OPENING_CASH,
    STAFF,
    Day,
    eod_json,
)
from wealthtui.config import Settings
from wealthtui.model import ChecklistRun
from wealthtui.rules.money import format_fen
from wealthtui.services.balancing import MATCHES
from wealthtui.ui.dialogs.close_day import CloseDayDialog
from wealthtui.ui.dialogs.complaint_intake import ComplaintIntakeDialog
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.dialogs.targets import TargetsDialog
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.complaint_detail import ComplaintDetailScreen
from wealthtui.ui.widgets.checklist import ChecklistPanel


@pytest.fixture
def day(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Day:
    """A copy of the morning walked through the screens, at 08:45."""
    db = copy_morning(tmp_path_factory.getbasetemp(), tmp_path / "center")
    monkeypatch.setenv("WEALTHTUI_CONFIG", str(tmp_path / "center" / "config.toml"))
    return morning_day(db, settings)


def db_of(d: Day) -> str:
    return str(d.services.ctx.engine.url.database)


def test_the_morning_from_init_was_walked_through_the_screens(day: Day) -> None:
    s, head = day.services, day.people["head"]
    people = {v.staff_no: v for v in s.staff.roster(head)}
    assert {no: set(people[no].roles) for no, _n, _r in STAFF} == {
        no: set(roles) for no, _n, roles in STAFF}
    assert not s.staff.grants(head)  # the supervisor's grant approved at the command line
    (grant,) = s.staff.grants(head, pending_only=False)
    assert (grant.staff_no, grant.requested_by_no, grant.decided_by_no, grant.status) == (
        "S301", HEAD_NO, APPROVER[0], "approved")  # four eyes: not the head who asked
    assert not people[APPROVER[0]].active  # the set-up's approver, closed after
    roster = s.roster.day(head)
    assert roster.duty_cm is not None and roster.duty_cm.staff_no == "C401"
    assert {x.status for x in roster.lines} == {"in"}
    with Session(s.ctx.engine) as db:
        done = db.exec(select(ChecklistRun.procedure_id)
                       .where(ChecklistRun.status == "done")).all()
    assert sorted(done) == sorted(["head_morning_meeting", "head_appearance_check",
                                   "lobby_opening", "supervisor_sign_on", "cm_start_of_day",
                                   "cm_start_of_day"])
    assert len(done) == MORNING_ROUTINES


async def sign_on_at_the_counter(pilot: Any, d: Day, who: str, counter: str,
                                 cash: str) -> None:
    """Ctrl+G: the counter and the opening cash, F2; the sign-on checklist opens: each step
    recorded on the panel (the cash counted equal to the opening cash), F2 completes."""
    app = pilot.app
    await sign_in(pilot, who)
    await act(pilot, "counter.sign_on")
    form = app.screen
    assert isinstance(form, FormDialog), screen_text(app)
    form.query_one("#f-counter", Select).value = counter
    await type_into(pilot, "#f-cash", cash)
    await act(pilot, "form.save")
    assert isinstance(app.screen, ChecklistScreen), screen_text(app)
    panel = app.screen.query_one(ChecklistPanel)
    await settle(pilot)
    await record_open_steps(pilot, who, panel, values={
        "cash_counted": cash or "0", "vouchers_counted": "50", "box_matches": "match"})
    await act(pilot, "checklist.complete")
    assert panel.run is not None and panel.run.status == "done", screen_text(app)
    d.checklists_done += 1
    await sign_out(pilot)


async def on_the_complaint(pilot: Any, action: str, values: dict[str, Any]) -> None:
    """On the complaint's detail screen: `action` opens its form, `values` are set by selector
    (a choice, a text area's text, a tick), F2 saves and the detail screen is back."""
    await act(pilot, action)
    form = form_on_top(pilot)
    for selector, value in values.items():
        widget = form.query_one(selector)
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            assert isinstance(widget, Select | Checkbox), selector
            widget.value = value
    await save(pilot, ComplaintDetailScreen)


async def test_a_complaint_received_assigned_and_closed_on_the_screens(day: Day) -> None:
    d, s = day, day.services
    p, head = d.people, d.people["head"]
    app = make_app(s)
    async with app.run_test(size=(120, 40)) as pilot:
        later(pilot, d, 11, 0)
        await sign_in(pilot, "T202")
        await act(pilot, "shell.my_complaints", "my_complaints.intake")
        intake = app.screen
        assert isinstance(intake, ComplaintIntakeDialog)
        await fill_walk_in(pilot, intake, "137 0000 1111")
        await act(pilot, "complaint.intake.save")
        (received,) = s.complaints.my_complaints(p["T202"])
        assert received.ref_no in screen_text(app)
        await sign_out(pilot)
        later(pilot, d, 11, 30)
        await sign_in(pilot, HEAD_NO)
        await act(pilot, "head.tab_complaints")
        queue = app.screen.query_one("#cq-table")
        queue.focus()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintDetailScreen)
        await act(pilot, "complaint.detail.assign")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-handler", Select).value = p["S301"].staff_id
        await act(pilot, "form.save")
        assert isinstance(app.screen, ComplaintDetailScreen), screen_text(app)
        await sign_out(pilot)
        later(pilot, d, 14, 0)
        await sign_in(pilot, "S301")
        await act(pilot, "shell.inbox", "inbox.open", "handoff.open")
        assert isinstance(app.screen, ComplaintDetailScreen), screen_text(app)
        await on_the_complaint(pilot, "complaint.detail.reply", {
            "#f-channel": "phone", "#f-content": "已致歉并说明原因", "#f-told": True})
        await on_the_complaint(pilot, "complaint.detail.close", {
            "#f-root_cause": "高峰时段窗口不足", "#f-rectification": "高峰时段增开窗口"})
    assert s.complaints.get(head, received.id).status == "closed"
    doc = eod_json(db_of(d), d.day)
    assert doc["complaints"] == {"received": 1, "closed": 1, "overdue": 0}
    assert doc["flow_log"]["complaints_received"] == 1


async def the_duty_cm_takes_the_premium_arrival(pilot: Any, d: Day) -> None:
    """C401 accepts the arrival from the inbox (Enter, F2), sees the client and finishes it
    (Enter, F4, a note); the status line counts it as eod will."""
    await sign_in(pilot, "C401")
    (arrival,) = inbox_items(pilot, "premium_arrival")
    for action, at in (("handoff.accept", (9, 12)), ("handoff.done", (9, 30))):
        later(pilot, d, *at)
        await on_handoff(pilot, arrival.id, action)
    assert isinstance(pilot.app.screen, ReasonDialog), screen_text(pilot.app)
    await pilot.press(*"客户了解了理财产品")
    await pilot.press("enter")
    await settle(pilot)
    assert inbox_items(pilot, "premium_arrival") == []
    d.tally.premium_arrivals["周理财"] += 1
    await back_to_role_screen(pilot)
    line = str(pilot.app.screen.query_one("#cm-status", Static).render())
    assert number_after(line, "接待优质") == 1
    await sign_out(pilot)


async def balance_at_the_counter(pilot: Any, d: Day, who: str) -> None:
    """Ctrl+E and Yes: signed off the counter; Ctrl+D: the balance form shows the expected cash;
    the cash counted typed equal to it, the five matches ticked, F2."""
    app, s = pilot.app, d.services
    await sign_in(pilot, who)
    await act(pilot, "counter.sign_off")
    await pilot.press("left", "enter")  # the confirmation (No first): Yes
    await settle(pilot)
    assert s.counter.current(d.people[who]) is None, screen_text(app)
    await act(pilot, "counter.balance")
    form = app.screen
    assert isinstance(form, FormDialog), screen_text(app)
    expected = s.balancing.mine(d.people[who]).figures.expected_cash_fen
    assert format_fen(expected, symbol=True) in screen_text(app)
    await type_into(pilot, "#f-counted", format_fen(expected).replace(",", ""))
    ticks = form.query_one("#f-matches", SelectionList)
    for m in MATCHES:
        ticks.select(m)
    await act(pilot, "form.save")
    assert not isinstance(app.screen, FormDialog), screen_text(app)
    mine = s.balancing.mine(d.people[who])
    assert mine.status == "submitted" and not mine.has_difference
    await sign_out(pilot)


async def test_the_closing_on_the_screens_and_eod_equals_the_day(day: Day) -> None:
    d, s = day, day.services
    p, head = d.people, d.people["head"]
    db = db_of(d)
    app = make_app(s)
    async with app.run_test(size=(120, 40)) as pilot:
        # --- the middle of the day (tests/ui/day_middle.py) --------------------------------------
        await sign_on_at_the_counter(pilot, d, "T201", CASH_COUNTER, OPENING_CASH)
        await sign_on_at_the_counter(pilot, d, "T202", NON_CASH_COUNTER, "")
        session = s.counter.current(d.people["T201"])
        assert session is not None and session.opening_cash_fen == int(OPENING_CASH) * 100
        await lobby_visits(pilot, d)
        await the_duty_cm_takes_the_premium_arrival(pilot, d)
        await counters(pilot, d)
        await cms_work_their_leads(pilot, d, sold_to="黄普通")
        # --- the tellers sign off the counter and submit their balance --------------------------
        later(pilot, d, 17, 10)
        for who in ("T201", "T202"):
            await balance_at_the_counter(pilot, d, who)
        # --- the supervisor signs off the tellers and the outlet ---------------------------------
        later(pilot, d, 17, 20)
        await sign_in(pilot, "S301")  # a supervisor at no counter: the oversight screen
        tellers = app.screen.query_one("#ov-tellers", DataTable)
        for who in ("T201", "T202"):
            # the teller's row by its key, not its position: the panel reloads after each
            # sign-off (a reload landing between the cursor move and the key moved it)
            key = str(p[who].staff_id)
            for _ in range(5):
                tellers.focus()
                tellers.move_cursor(row=tellers.get_row_index(key))
                await settle(pilot)
                if tellers.coordinate_to_cell_key(tellers.cursor_coordinate).row_key.value == key:
                    break
            await act(pilot, "counter.sign_off_teller")
            await pilot.press("enter")  # the confirmation: yes
            await settle(pilot)
            assert p[who].name not in s.balancing.not_signed_off(p["S301"])
        assert s.balancing.not_signed_off(p["S301"]) == []
        await act(pilot, "counter.outlet")
        await pilot.press("enter")
        await settle(pilot)
        assert s.balancing.outlet(p["S301"]).signed_off_by_name == "孙主管"
        await routine(pilot, "S301", "supervisor_outlet_balancing",
                      system_done=("tellers_signed_off",))
        d.checklists_done += 1
        await sign_out(pilot)
        later(pilot, d, 17, 30)
        shown: dict[str, str] = {}  # the status lines at the end of the day's work
        for staff_no, procedure, line_id in (("L101", "lobby_closing", "#flow-line"),
                                             ("C401", "cm_end_of_day", "#cm-status"),
                                             ("C402", "cm_end_of_day", "#cm-status")):
            await sign_in(pilot, staff_no)
            await routine(pilot, staff_no, procedure)
            d.checklists_done += 1
            shown[staff_no] = str(app.screen.query_one(line_id, Static).render())
            await sign_out(pilot)

        # --- the head: a target list, the reviews, the close ------------------------------------
        later(pilot, d, 17, 40)
        await sign_in(pilot, HEAD_NO)
        await act(pilot, "head.targets", "targets.build")
        await type_into(pilot, "#f-tiers", "premium")
        await type_into(pilot, "#f-name", "贵宾客户回访")
        await type_into(pilot, "#f-deadline", "2026-12-14")
        form = app.screen
        form.query_one("#f-mode", Select).value = "even"  # dealt evenly over the CMs ticked
        ticks = form.query_one("#f-cms", SelectionList)
        ticks.select(p["C401"].staff_id)
        ticks.select(p["C402"].staff_id)
        await settle(pilot)
        await act(pilot, "form.save")
        assert isinstance(app.screen, TargetsDialog), screen_text(app)
        (made,) = s.targets.lists(head)
        assert sorted(x.total for x in s.targets.progress(head, made.id)) == [1, 1]
        await back_to_role_screen(pilot)
        later(pilot, d, 18, 0)
        eod_run = await routine(pilot, HEAD_NO, "head_end_of_day", system_later=("close_day",))
        await routine(pilot, HEAD_NO, "head_monthly_review")
        d.checklists_done += 2
        later(pilot, d, 18, 10)
        await act(pilot, "head.tab_eod", "head.close_day")
        close = app.screen
        assert isinstance(close, CloseDayDialog) and close.problems == [], close.problems
        await act(pilot, "head.close.save")
        assert not isinstance(app.screen, CloseDayDialog)
        assert s.day.state(head).closed
        run = s.checklists.get(head, eod_run)  # the close recorded its step and ended it
        assert run.state("close_day").done and run.status == "done"
        doc = eod_json(db, d.day)

        # --- what the screens showed of the day is the closed day's eod figures -----------------
        flow, by_source = doc["flow_log"], doc["referrals"]["by_source"]
        line = shown["L101"]
        assert number_after(line, "识别优质") == flow["premium_identified"]["lobby"] == 1
        assert number_after(line, "线索") == by_source["lobby"]["made"] == 1
        received = {c["staff_no"]: c["count"] for c in flow["premium_received_by_cm"]}
        assert received == {"C401": 1}
        for staff_no in ("C401", "C402"):
            line = shown[staff_no]
            assert number_after(line, "接待优质") == received.get(staff_no, 0), staff_no
        await back_to_role_screen(pilot)  # the head, still signed in after the close
        await act(pilot, "head.tab_flow")
        table = app.screen.query_one("#flow-tables #section-summary", DataTable)
        assert summary(table, "report.item.identified_lobby") == flow["premium_identified"]["lobby"]
        assert summary(table, "report.item.identified_non_cash") == (
            flow["premium_identified"]["non_cash_counter"])
        assert summary(table, "figures.item.leads_lobby") == by_source["lobby"]["made"]
        assert summary(table, "report.item.premium_received") == sum(received.values())
        await act(pilot, "head.tab_eod")
        table = app.screen.query_one("#eod-tables #section-summary", DataTable)
        assert summary(table, "report.item.identified_lobby") == flow["premium_identified"]["lobby"]
        assert summary(table, "report.item.premium_received") == sum(received.values())
        assert summary(table, "figures.item.converted_non_cash_counter") == (
            by_source["non_cash_counter"]["converted"]) == 1

    # --- every figure of eod for that day equals what the day did ----------------------------
    tally = d.tally
    assert doc["closed"] is True and doc["closed_by"] == f"{HEAD_NO} {HEAD_NAME}"
    assert doc["exceptions"]["explained"] == {}
    assert doc["checklists"]["missed"] == 0 and doc["checklists"]["done"] == d.checklists_done
    flow = doc["flow_log"]
    assert flow["visitors"] == tally.visitors and flow["confirmed_by"] == "L101 李大堂"
    assert {c["name"]: c["count"] for c in flow["premium_received_by_cm"]} == dict(
        tally.premium_arrivals)
    assert flow["premium_identified"] == {
        source: tally.premium_identified[source]
        for source in ("lobby", "cash_counter", "non_cash_counter")}
    assert sum(c["issued"] for c in doc["tickets"]) == tally.tickets
    assert sum(c["served"] for c in doc["tickets"]) == tally.served
    by_source = doc["referrals"]["by_source"]
    for source in ("lobby", "cash_counter", "non_cash_counter", "cm"):
        assert by_source[source]["made"] == tally.leads[source], source
        assert by_source[source]["converted"] == tally.converted[source], source
    assert doc["complaints"] == {"received": tally.complaints_received,
                                 "closed": tally.complaints_closed, "overdue": 0}
    tellers = {x["staff_no"]: x for x in doc["tellers"]}
    assert set(tellers) == {"T201", "T202"}
    assert tellers["T201"]["counted_cash_fen"] == int(OPENING_CASH) * 100 + tally.cash_in_fen
