"""Issue 16 "Done when": one day of a center made by `wealthtui init`, walked through the screens
in one app (each person signs in, does their part, signs out with Ctrl+O), then every figure of
`wealthtui eod` for that day equals what the walk did. Keys are pressed by binding id
(tests/ui/keys.py), so a key moved elsewhere does not break the walk.

Through the screens: the head adds the staff (F3 staff tab, F8 form, the one-time PIN shown
once), records the roster (Ctrl+N: F8 all in, F6 duty CM, F7 duty lobby manager) and does the
morning meeting and appearance check (Ctrl+Y); the lobby manager, the supervisor and the CMs do
their opening routines (Ctrl+Y); a teller records a complaint from "my complaints" (Ctrl+J, F2),
the head assigns it to the supervisor (F4 queue, F2), the supervisor works it from the inbox
item (F9, Enter, F5: reply F8, close F9); the supervisor signs off the tellers (F6) and the
outlet (F7) and does the outlet routine, which does not ask again for the sign-off (Ctrl+Y); the
lobby manager confirms the flow log in the closing routine; the CMs do their end-of-day
routines; the head builds a target list dealt evenly over the two CMs (Ctrl+T, F2), does the
end-of-day and monthly reviews and closes the day (F7, F8: nothing to explain, F2). Then the
closed day's figures on the lobby's and the CMs' status lines and the head's flow-log and
end-of-day tabs equal eod's.

The duty CM takes the premium arrival from the inbox (Enter, F2) and finishes it (Enter, F4).

Through the services (tests/whole_day.py), in the middle of the day — still to be walked:
the people choosing their own PIN (at another terminal, as the one-time PIN requires), the
supervisor's role grant approved by the founding administrator (tests/staffing.approve), the
client book import, the lobby's visits and tickets, the tellers' sign-on, serving, referral
and balance submission, the CMs' lead work and sale."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.widgets import (
    Checkbox,
    DataTable,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from tests.conftest import T0, TEST_PIN
from tests.staffing import FIXTURE_TERMINAL, approve
from tests.ui.helpers import make_app, screen_text, settle, sign_in, type_into
from tests.ui.keys import press_action
from tests.ui.test_complaints import fill_walk_in
from tests.whole_day import (
    CASH_COUNTER,
    GOOD_CHOICES,
    HEAD_NAME,
    HEAD_NO,
    NON_CASH_COUNTER,
    OPENING_CASH,
    STAFF,
    Day,
    Tally,
    client_rows,
    cm_leads,
    counters,
    eod_json,
    init_center,
    lobby,
    open_services,
)
from wealthtui.config import Settings
from wealthtui.i18n import t
from wealthtui.rules.clock import FixedClock
from wealthtui.rules.money import format_fen
from wealthtui.services.balancing import MATCHES
from wealthtui.ui.dialogs.choice import ChoiceDialog
from wealthtui.ui.dialogs.close_day import CloseDayDialog
from wealthtui.ui.dialogs.complaint_intake import ComplaintIntakeDialog
from wealthtui.ui.dialogs.flow_confirm import FlowLogConfirmDialog
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.dialogs.roster import RosterDialog
from wealthtui.ui.dialogs.second_person import SecondPersonDialog
from wealthtui.ui.dialogs.targets import TargetsDialog
from wealthtui.ui.screens.base import RoleScreen
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.complaint_detail import ComplaintDetailScreen
from wealthtui.ui.screens.login import LoginScreen
from wealthtui.ui.screens.my_checklists import MyChecklistsScreen
from wealthtui.ui.widgets.checklist import ChecklistPanel
from wealthtui.ui.widgets.inbox import InboxPanel
from wealthtui.ui.widgets.today import TodayList

ROLES = {HEAD_NO: ("head",), **{no: roles for no, _name, roles in STAFF}}


async def act(pilot: Any, *binding_ids: str) -> None:
    await press_action(pilot, *binding_ids)
    await settle(pilot)


async def back_to_role_screen(pilot: Any) -> RoleScreen:
    for _ in range(4):
        if isinstance(pilot.app.screen, RoleScreen):
            break
        await pilot.press("escape")
        await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RoleScreen), screen_text(pilot.app)
    return screen


def number_after(text: str, label: str) -> int:
    found = re.search(re.escape(label) + r"\s*(\d+)", text)
    assert found, f"{label!r} not on the screen: {text!r}"
    return int(found.group(1))


def summary(table: DataTable[Any], item_key: str) -> int:
    """The figure of the summary row titled by the catalog key `item_key`."""
    title = t(item_key)
    for i in range(table.row_count):
        row = table.get_row_at(i)
        if str(row[0]) == title:
            return int(str(row[1]))
    raise AssertionError(f"{title} not in the summary")


def binding_of_action(pilot: Any, action: str) -> str:
    """The id of the active binding that runs `action` (the role screens name their Ctrl+Y
    binding by their mode)."""
    ids = {a.binding.id for a in pilot.app.screen.active_bindings.values()
           if a.binding.action == action and a.binding.id}
    assert len(ids) == 1, (action, ids)
    return ids.pop()


async def sign_out(pilot: Any) -> None:
    await back_to_role_screen(pilot)
    await act(pilot, "app.sign_out")
    assert isinstance(pilot.app.screen, LoginScreen), screen_text(pilot.app)


def _value(step: Any) -> str:
    if step.kind in ("number", "amount"):
        return str(step.min or 0)
    return "按规定完成"


async def routine(pilot: Any, staff_no: str, procedure_id: str, *,
                  system_done: tuple[str, ...] = ()) -> int:
    """Ctrl+Y, the routine's row, Enter; each required step recorded as its kind asks (Enter on
    a tick, a choice picked, a value typed, a second person's staff number and PIN, the flow log
    confirmed with F2); F2 completes. `system_done`: steps already recorded by the system when
    the routine opens (never asked). Returns the run id."""
    app = pilot.app
    await back_to_role_screen(pilot)
    await act(pilot, binding_of_action(pilot, "checklists"))
    assert isinstance(app.screen, MyChecklistsScreen), screen_text(app)
    today = app.screen.query_one(TodayList)
    row = next(i for i, item in enumerate(today.items) if item.procedure.id == procedure_id)
    today.table.move_cursor(row=row)
    await act(pilot, "today.open")
    assert isinstance(app.screen, ChecklistScreen), screen_text(app)
    panel = app.screen.query_one(ChecklistPanel)
    assert panel.run is not None
    for step_id in system_done:
        assert panel.run.state(step_id).done, (procedure_id, step_id)
    for _ in range(30):
        run = panel.run
        assert run is not None
        if not run.open_required:
            break
        step = run.open_required[0].step
        assert step.id not in system_done
        row = next(i for i, s in enumerate(run.steps) if s.step.id == step.id)
        panel.table.move_cursor(row=row)
        panel.table.focus()
        await settle(pilot)
        await act(pilot, "checklist.record")
        dialog = app.screen
        if step.confirms == "flow_log":
            assert isinstance(dialog, FlowLogConfirmDialog)
            await act(pilot, "routines.confirm_flow_log")
        elif step.kind == "choice":
            assert isinstance(dialog, ChoiceDialog)
            ids = [c.id for c in step.choices]
            good = next((c for c in GOOD_CHOICES if c in ids), ids[0])
            dialog.query_one(OptionList).highlighted = ids.index(good)
            await pilot.press("enter")
            await settle(pilot)
        elif step.kind == "signoff":
            assert isinstance(dialog, SecondPersonDialog)
            signer = next(no for no, roles in ROLES.items()
                          if set(roles) & set(step.signer_role) and no != staff_no)
            await type_into(pilot, "#sp-staff-no", signer)
            await type_into(pilot, "#sp-pin", TEST_PIN)
            await pilot.press("enter")
            await settle(pilot)
        elif step.kind != "tick":
            assert isinstance(dialog, ReasonDialog), type(dialog).__name__
            await pilot.press(*_value(step))
            await pilot.press("enter")
            await settle(pilot)
        assert app.screen is panel.screen, (procedure_id, step.id, screen_text(app))
    else:  # pragma: no cover
        raise AssertionError(f"{procedure_id}: steps stay open")
    if panel.run is not None and panel.run.status == "open":
        await act(pilot, "checklist.complete")
    assert panel.run is not None and panel.run.status == "done", screen_text(app)
    await back_to_role_screen(pilot)
    return panel.run.id


async def test_one_day_from_init_walked_through_the_screens(tmp_path: Path,
                                                            settings: Settings) -> None:
    db = str(tmp_path / "center.db")
    init_center(db)
    clock = FixedClock(T0)
    s = open_services(db, settings, clock)
    head = s.auth.login(HEAD_NO, TEST_PIN)
    d = Day(s, clock, s.ctx.today(), {"head": head}, {}, Tally())
    d.at(8, 20)
    app = make_app(s)
    async with app.run_test(size=(120, 40)) as pilot:
        # --- the head adds the staff and records the day's roster ------------------------------
        await sign_in(pilot, HEAD_NO)
        await act(pilot, "head.tab_staff")
        one_time: dict[str, str] = {}
        for no, name, roles in STAFF:
            await act(pilot, "head.add_staff")
            form = app.screen
            assert isinstance(form, FormDialog)
            await type_into(pilot, "#f-staff_no", no)
            await type_into(pilot, "#f-name", name)
            for role in roles:
                form.query_one("#f-roles", SelectionList).select(role)
            await act(pilot, "form.save")
            assert isinstance(app.screen, FormDialog) and app.screen.id == "one-time-pin", (
                screen_text(app))
            found = re.search(r"(\d{8})", screen_text(app))
            assert found, screen_text(app)
            one_time[no] = found.group(1)
            await back_to_role_screen(pilot)  # a supervisor's role grant stays pending
        for no, pin in one_time.items():  # each chooses their PIN at another terminal
            s.auth.complete_reset(no, pin, TEST_PIN, terminal=FIXTURE_TERMINAL)
        for grant in s.staff.grants(head):
            approve(s, head, grant)
        people = {v.staff_no: v for v in s.staff.roster(head)}
        assert {no: set(people[no].roles) for no, _n, _r in STAFF} == {
            no: set(roles) for no, _n, roles in STAFF}
        await act(pilot, "head.roster")
        dialog = app.screen
        assert isinstance(dialog, RosterDialog)
        await act(pilot, "roster.all_in")
        for staff_no, duty in (("C401", "roster.duty_cm"), ("L101", "roster.duty_lobby")):
            assert dialog.view is not None
            row = next(i for i, x in enumerate(dialog.view.lines) if x.staff_no == staff_no)
            dialog.query_one("#roster-table").move_cursor(row=row)
            await settle(pilot)
            await act(pilot, duty)
        roster = s.roster.day(head)
        assert roster.duty_cm is not None and roster.duty_cm.staff_no == "C401"
        assert {x.status for x in roster.lines} == {"in"}
        await act(pilot, "roster.close")
        d.at(8, 30)
        await routine(pilot, HEAD_NO, "head_morning_meeting")
        await routine(pilot, HEAD_NO, "head_appearance_check")
        d.checklists_done += 2
        await sign_out(pilot)
        for no, _name, _roles in STAFF:
            d.people[no] = s.auth.login(no, TEST_PIN)
        # the book, imported (the command line's import; no screen)
        outcome = s.client_import.import_batch(head, client_rows(d.day), source="day.csv")
        assert not outcome.rejected
        for r in client_rows(d.day):
            (card,) = s.lookup.search(head, r.name)
            d.clients[r.name] = card.id

        # --- the opening routines, each on its own screen --------------------------------------
        for staff_no, procedure in (("L101", "lobby_opening"), ("S301", "supervisor_sign_on"),
                                    ("C401", "cm_start_of_day"), ("C402", "cm_start_of_day")):
            await sign_in(pilot, staff_no)
            await routine(pilot, staff_no, procedure)
            d.checklists_done += 1
            await sign_out(pilot)

        # --- tellers sign on; the lobby, the counters and the CMs work (services) ---------------
        d.at(8, 45)
        p = d.people
        for who, counter, cash in (("T201", CASH_COUNTER, OPENING_CASH),
                                   ("T202", NON_CASH_COUNTER, "")):
            session = s.counter.sign_on(p[who], counter, cash)
            assert session.checklist_run_id is not None
            run = s.checklists.get(p[who], session.checklist_run_id)
            values = {"box_drawn": "", "cash_counted": cash or "0", "vouchers_counted": "50",
                      "box_matches": "match", "equipment": "", "appearance": ""}
            while run.open_required:
                step = run.open_required[0].step.id
                run = s.checklists.record(p[who], run.id, step, values[step])
            s.checklists.complete(p[who], run.id)
            d.checklists_done += 1
        lobby(d)
        counters(d)
        # the duty CM takes the premium arrival from the inbox (Enter, F2), and once the client
        # has been seen finishes it (Enter, F4, the outcome)
        d.at(9, 2)
        await sign_in(pilot, "C401")
        for action, at in (("handoff.accept", (9, 2)), ("handoff.done", (9, 30))):
            d.at(*at)
            inbox = app.screen.query_one(InboxPanel)
            row = next(i for i, h in enumerate(inbox.rows) if h.kind == "premium_arrival")
            inbox.table.focus()
            inbox.table.move_cursor(row=row)
            await settle(pilot)
            await act(pilot, "inbox.open", action)
        assert isinstance(app.screen, ReasonDialog), screen_text(app)
        await pilot.press(*"客户了解了理财产品")
        await pilot.press("enter")
        await settle(pilot)
        (arrival,) = [h for h in s.handoffs.inbox(p["C401"]) if h.kind == "premium_arrival"]
        assert arrival.status == "done"
        d.tally.premium_arrivals["周理财"] += 1
        await sign_out(pilot)
        cm_leads(d)

        # --- a complaint: the teller receives it, the head assigns it, the supervisor ends it ----
        d.at(11, 0)
        await sign_in(pilot, "T202")
        await act(pilot, "shell.my_complaints", "my_complaints.intake")
        intake = app.screen
        assert isinstance(intake, ComplaintIntakeDialog)
        await fill_walk_in(pilot, intake, "137 0000 1111")
        await act(pilot, "complaint.intake.save")
        (received,) = s.complaints.my_complaints(p["T202"])
        assert received.ref_no in screen_text(app)
        d.tally.complaints_received += 1
        await sign_out(pilot)
        d.at(11, 30)
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
        d.at(14, 0)
        await sign_in(pilot, "S301")
        await act(pilot, "shell.inbox", "inbox.open", "handoff.open")
        assert isinstance(app.screen, ComplaintDetailScreen), screen_text(app)
        await act(pilot, "complaint.detail.reply")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-channel", Select).value = "phone"
        form.query_one("#f-content", TextArea).text = "已致歉并说明原因"
        form.query_one("#f-told", Checkbox).value = True
        await act(pilot, "form.save")
        assert isinstance(app.screen, ComplaintDetailScreen), screen_text(app)
        await act(pilot, "complaint.detail.close")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-root_cause", TextArea).text = "高峰时段窗口不足"
        form.query_one("#f-rectification", TextArea).text = "高峰时段增开窗口"
        await act(pilot, "form.save")
        assert isinstance(app.screen, ComplaintDetailScreen), screen_text(app)
        assert s.complaints.get(head, received.id).status == "closed"
        d.tally.complaints_closed += 1
        await sign_out(pilot)

        # --- closing: the tellers balance (services), the supervisor signs off (screens) --------
        d.at(17, 10)
        for who in ("T201", "T202"):
            s.counter.sign_off(p[who])
            mine = s.balancing.mine(p[who])
            s.balancing.submit(p[who], format_fen(mine.figures.expected_cash_fen).replace(",", ""),
                               dict.fromkeys(MATCHES, True))
        d.at(17, 20)
        await sign_in(pilot, "S301")  # a supervisor at no counter: the oversight screen
        tellers = app.screen.query_one("#ov-tellers", DataTable)
        for row in range(2):
            tellers.focus()
            tellers.move_cursor(row=row)
            await settle(pilot)
            await act(pilot, "counter.sign_off_teller")
            await pilot.press("enter")  # the confirmation: yes
            await settle(pilot)
        assert s.balancing.not_signed_off(p["S301"]) == []
        await act(pilot, "counter.outlet")
        await pilot.press("enter")
        await settle(pilot)
        assert s.balancing.outlet(p["S301"]).signed_off_by_name == "孙主管"
        await routine(pilot, "S301", "supervisor_outlet_balancing",
                      system_done=("tellers_signed_off",))
        d.checklists_done += 1
        await sign_out(pilot)
        d.at(17, 30)
        for staff_no, procedure in (("L101", "lobby_closing"), ("C401", "cm_end_of_day"),
                                    ("C402", "cm_end_of_day")):
            await sign_in(pilot, staff_no)
            await routine(pilot, staff_no, procedure)
            d.checklists_done += 1
            await sign_out(pilot)

        # --- the head: a target list, the reviews, the close ------------------------------------
        d.at(17, 40)
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
        d.at(18, 0)
        await routine(pilot, HEAD_NO, "head_end_of_day")
        await routine(pilot, HEAD_NO, "head_monthly_review")
        d.checklists_done += 2
        d.at(18, 10)
        await act(pilot, "head.tab_eod", "head.close_day")
        close = app.screen
        assert isinstance(close, CloseDayDialog) and close.problems == [], close.problems
        await act(pilot, "head.close.save")
        assert not isinstance(app.screen, CloseDayDialog)
        assert s.day.state(head).closed
        doc = eod_json(db, d.day)

        # --- what the screens show of the closed day is eod's figures ---------------------------
        await sign_out(pilot)
        flow, by_source = doc["flow_log"], doc["referrals"]["by_source"]
        await sign_in(pilot, "L101")
        line = str(app.screen.query_one("#flow-line", Static).render())
        assert number_after(line, "识别优质") == flow["premium_identified"]["lobby"] == 1
        assert number_after(line, "线索") == by_source["lobby"]["made"] == 1
        await sign_out(pilot)
        received = {c["staff_no"]: c["count"] for c in flow["premium_received_by_cm"]}
        assert received == {"C401": 1}
        for staff_no in ("C401", "C402"):
            await sign_in(pilot, staff_no)
            line = str(app.screen.query_one("#cm-status", Static).render())
            assert number_after(line, "接待优质") == received.get(staff_no, 0), staff_no
            await sign_out(pilot)
        await sign_in(pilot, HEAD_NO)
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

    # --- every figure of eod for that day equals what the walk did ----------------------------
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
