"""Complaints for everyone who has one (issue 16 item 4), on the screens at 80×24: the deadline at
intake, "my complaints" (Ctrl+J) on every role screen as first receiver, handler and the person
complained about (read-only), and the handler working the complaint from the inbox item."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, SelectionList

from tests.ui.helpers import make_app, screen_text, settle, sign_in
from tests.ui.test_complaints import fill_walk_in, open_intake
from wealthtui.services import Actor, Services
from wealthtui.ui.screens.complaint_detail import ComplaintDetailScreen
from wealthtui.ui.screens.my_complaints import MyComplaintsScreen
from wealthtui.ui.widgets.inbox import InboxPanel


@pytest.fixture
def team(make_staff) -> dict[str, Actor]:  # type: ignore[no-untyped-def]
    return {
        "lobby": make_staff("lobby_manager", name="李大堂", staff_no="L001"),
        "teller": make_staff("cash_teller", name="赵柜员", staff_no="T001"),
        "sup": make_staff("supervisor", name="孙主管", staff_no="U001"),
        "cm": make_staff("wealth_cm", name="周经理", staff_no="C001"),
    }


def _complaint(services: Services, receiver: Actor, about: Actor | None = None) -> Any:
    return services.complaints.intake(
        receiver, channel="on_site", category="attitude", subcategory="rude",
        description="办理业务时不耐烦摔东西", name="王女士", phone="139 1234 5678",
        staff_complained=[about.staff_id] if about else [])


async def test_intake_confirms_the_number_and_the_deadline(services: Services, head: Actor,
                                                           team: dict[str, Actor]) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "L001")
        dialog = await open_intake(pilot, channel="on_site")
        await fill_walk_in(pilot, dialog, "137 0000 1111")
        dialog.query_one("#staff", SelectionList).select(team["teller"].staff_id)
        await pilot.press("f2")
        await settle(pilot)
        (view,) = dialog.results  # type: ignore[attr-defined]
        shown = [n.message for n in app._notifications]
    assert any(view.ref_no in m and view.due_date.isoformat() in m for m in shown), shown


async def test_each_role_sees_its_complaints_with_deadline_and_next_step(
        services: Services, head: Actor, team: dict[str, Actor]) -> None:
    c = _complaint(services, team["teller"], about=team["cm"])
    services.complaints.assign(team["lobby"], c.id, team["sup"].staff_id)
    due = c.due_date.strftime("%m-%d")
    for staff_no, as_, next_step in (("T001", "首问登记", "调查并按期答复客户"),
                                     ("U001", "处理人", "调查并按期答复客户"),
                                     ("C001", "涉及本人", "调查并按期答复客户")):
        app = make_app(services)
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot, staff_no)
            await pilot.press("ctrl+j")
            await settle(pilot)
            assert isinstance(app.screen, MyComplaintsScreen), staff_no
            text = screen_text(app)
            assert c.ref_no in text and as_ in text and due in text and next_step in text
            if staff_no == "C001":  # about me: read-only, no client
                assert "王女士" not in text and "摔东西" not in text
                await pilot.press("enter")
                await settle(pilot)
                assert isinstance(app.screen, MyComplaintsScreen)
                assert "只能查看进度" in screen_text(app)
            else:
                assert "王女士" in text
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, MyComplaintsScreen)


async def test_the_handler_works_the_complaint_from_the_inbox(
        services: Services, head: Actor, team: dict[str, Actor]) -> None:
    c = _complaint(services, team["teller"])
    services.complaints.assign(team["lobby"], c.id, team["sup"].staff_id)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "U001")
        await pilot.press("f9")  # the inbox, shown and focused
        await settle(pilot)
        inbox = app.screen.query_one(InboxPanel)
        assert inbox.selected is not None and inbox.selected.subject_id == c.id
        await pilot.press("enter", "f5")  # the hand-off dialog; F5 opens the complaint
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ComplaintDetailScreen) and detail.complaint_id == c.id
        assert c.ref_no in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
    # the handling steps the detail screen offers are the handler's to do
    sup = team["sup"]
    services.complaints.add_note(sup, c.id, "调取监控核实")
    services.complaints.reply(sup, c.id, channel="phone", content="已致歉", options_told=True)
    services.complaints.close(sup, c.id, "服务意识不足", "组织培训")
    handoff = services.handoffs.inbox(sup)[0]
    assert handoff.subject_id == c.id and handoff.status == "done"


async def test_my_complaints_opens_the_detail_for_the_receiver(
        services: Services, head: Actor, team: dict[str, Actor]) -> None:
    c = _complaint(services, team["teller"])
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "T001")
        await pilot.press("ctrl+j")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintDetailScreen)
        assert app.screen.complaint_id == c.id
