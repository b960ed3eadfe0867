"""Complaint screens with Pilot: the intake dialog (as the lobby opens it) and the head's queue
with its detail screen; snapshots in zh_CN and en.

Review snapshot changes in snapshot_report.html; update with `pytest tests/ui --snapshot-update`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Checkbox, Select, SelectionList, TextArea

from tests.ui.helpers import make_app, quiet_settings, screen_text, settle, sign_in, type_into
from wealthtui.model import Client
from wealthtui.services import Actor, Services
from wealthtui.ui.dialogs.complaint_intake import ComplaintIntakeDialog
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.screens.complaint_detail import ComplaintDetailScreen
from wealthtui.ui.widgets.complaint_queue import ComplaintQueue


class QueueHost(Screen):
    """The queue widget alone on a screen, as a role screen embeds it."""

    def __init__(self, scope: str = "all") -> None:
        super().__init__()
        self.scope = scope

    def compose(self) -> ComposeResult:
        yield ComplaintQueue(scope=self.scope, id="queue")  # type: ignore[arg-type]

    def on_complaint_queue_open(self, event: ComplaintQueue.Open) -> None:
        """The widget asks; the screen opens the detail and reloads the list after it."""
        queue = self.query_one(ComplaintQueue)
        self.app.push_screen(ComplaintDetailScreen(event.complaint_id), lambda _c: queue.reload())


@pytest.fixture
def staff(make_staff) -> dict[str, Actor]:  # type: ignore[no-untyped-def]
    return {
        "lobby": make_staff("lobby_manager", name="李大堂", staff_no="L001"),
        "teller": make_staff("cash_teller", name="赵柜员", staff_no="T001"),
    }


def seed_queue(services: Services, clock, head: Actor, staff: dict[str, Actor]) -> list[Any]:  # type: ignore[no-untyped-def]
    """Three complaints as the head sees them on 16 December 2026: one overdue, one paused,
    one extended and on time."""
    lobby, teller = staff["lobby"], staff["teller"]
    a = services.complaints.intake(
        lobby, channel="on_site", category="attitude", subcategory="rude",
        description="柜员办理取款时态度生硬", name="王女士", phone="13912345678",
        staff_complained=[teller.staff_id])
    clock.advance(days=3)
    b = services.complaints.intake(
        lobby, channel="phone_95588", category="waiting", subcategory="queue",
        description="排队一个多小时无人引导", name="刘先生", phone="13711112222")
    services.complaints.extend(head, b.id, "需调取叫号记录")
    clock.advance(days=10)
    c = services.complaints.intake(
        lobby, channel="letter", category="fees", subcategory="wrong_fee",
        description="年费多收 200 元", name="买买提·艾力", phone="13600001111")
    services.complaints.pause(head, c.id, "送外部机构核对收费系统", True)
    clock.advance(days=3)  # 16 December
    return [a, b, c]


async def open_intake(pilot, **kw: Any) -> ComplaintIntakeDialog:  # type: ignore[no-untyped-def]
    results: list[Any] = []
    dialog = ComplaintIntakeDialog(**kw)
    pilot.app.push_screen(dialog, results.append)
    await settle(pilot)
    dialog.results = results  # type: ignore[attr-defined]
    return dialog


async def fill_walk_in(pilot, dialog: ComplaintIntakeDialog, phone: str) -> None:  # type: ignore[no-untyped-def]
    dialog.query_one("#category", Select).value = "operation"
    await pilot.pause()
    dialog.query_one("#subcategory", Select).value = "amount"
    await type_into(pilot, "#name", "吴先生")
    await type_into(pilot, "#phone", phone)
    dialog.query_one("#description", TextArea).focus()
    await pilot.press(*"柜员少付一百元")
    await type_into(pilot, "#remedy", "补足差额")


# --- intake ----------------------------------------------------------------------------------

async def test_lobby_registers_an_on_site_complaint_about_a_teller(services, head, staff):
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "L001")
        dialog = await open_intake(pilot, channel="on_site")
        await fill_walk_in(pilot, dialog, "137 0000 1111")
        dialog.query_one("#staff", SelectionList).select(staff["teller"].staff_id)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is not dialog
        (view,) = dialog.results  # type: ignore[attr-defined]
    assert view.ref_no == "TS20261130-001"
    assert view.first_receiver.id == staff["lobby"].staff_id
    assert (view.channel, view.category, view.subcategory) == ("on_site", "operation", "amount")
    assert view.description == "柜员少付一百元" and view.requested_remedy == "补足差额"
    assert [s.id for s in view.staff_complained] == [staff["teller"].staff_id]
    assert view.phone_masked == "137****1111"


async def test_bad_phone_names_the_field_and_keeps_what_was_typed(services, head, staff):
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "L001")
        dialog = await open_intake(pilot)
        await fill_walk_in(pilot, dialog, "12345")
        phone = dialog.query_one("#phone", FormField)
        await type_into(pilot, "#phone", "12345o")  # a letter: said at once, nothing lost
        assert "联系手机" in phone.error_text and phone.value == "12345o"
        await pilot.press("backspace")
        assert phone.error_text == "" and phone.value == "12345"
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is dialog
        assert "联系手机" in phone.error_text and "11 位" in phone.error_text
        assert phone.value == "12345"
        assert dialog.query_one("#name", FormField).value == "吴先生"
        assert dialog.query_one("#description", TextArea).text == "柜员少付一百元"
        assert app.focused is phone.input
        assert services.complaints.mine(staff["lobby"]) == []


async def test_missing_category_is_named_not_listed_as_codes(services, head, staff):
    app = make_app(services, quiet_settings(services.settings, language="en"))
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "L001")
        dialog = await open_intake(pilot)
        await pilot.press("f2")
        await settle(pilot)
        text = screen_text(app)
        assert "Category" in text and "Required." in text
        assert "attitude" not in text
        assert app.focused is dialog.query_one("#category", Select)


async def test_known_client_is_not_asked_for_name_or_phone(services, head, staff, engine):
    with Session(engine) as s:
        client = Client(name="张三", name_pinyin="zhangsan", name_initials="zs",
                        id_type="resident", id_number="11010519491231002X",
                        phone="13800138000", created_at=services.ctx.now())
        s.add(client)
        s.commit()
        client_id = client.id
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "L001")
        dialog = await open_intake(pilot, client_id=client_id)
        assert "张三" in screen_text(app) and "138****8000" in screen_text(app)
        assert "13800138000" not in screen_text(app)
        assert not dialog.query_one("#person").display
        # an agent complaining for the client gives their own name, phone and authority
        dialog.query_one("#kind", Select).value = "agent"
        await pilot.pause()
        assert dialog.query_one("#person").display
        assert dialog.query_one("#authority").display


async def test_resolved_on_the_spot_needs_the_options_told(services, head, staff):
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "L001")
        dialog = await open_intake(pilot)
        await fill_walk_in(pilot, dialog, "13700001111")
        dialog.query_one("#on-spot", Checkbox).value = True
        await pilot.pause()
        await type_into(pilot, "#on-spot-reply", "当场补足差额并致歉")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is dialog
        assert "核查、调解、仲裁、诉讼" in screen_text(app)
        dialog.query_one("#options-told", Checkbox).value = True
        await pilot.press("f2")
        await settle(pilot)
        (view,) = dialog.results  # type: ignore[attr-defined]
    assert view.resolved_on_spot and view.status == "replied"


# --- the head's queue ------------------------------------------------------------------------

async def test_head_queue_by_due_date_with_overdue_and_actions(services, head, staff, clock):
    a, b, c = seed_queue(services, clock, head, staff)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "H001")
        app.push_screen(QueueHost())
        await settle(pilot)
        queue = app.screen.query_one(ComplaintQueue)
        assert [(v.ref_no, v.standing) for v in queue.rows] == [
            (a.ref_no, "overdue"), (c.ref_no, "paused"), (b.ref_no, "ok")]
        text = screen_text(app)
        assert "逾期 1" in text and "暂停 1" in text and "139****5678" in text
        # the statistics line of the last 30 days
        assert "受理 3（重复 0）" in text and "赵柜员 1" in text

        # the paused one: Enter opens its detail; F7 resumes the clock
        queue.query_one("#cq-table").focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintDetailScreen)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintDetailScreen)
        # received and paused on the 13th, resumed on the 16th: the 14th and 15th did not
        # count, so the 15 days run from the 16th to the 30th
        assert services.complaints.get(head, c.id).due_date == date(2026, 12, 30)
        await pilot.press("escape")
        await settle(pilot)

        # the overdue one: assigning the teller complained about is refused in the form
        queue.query_one("#cq-table").focus()
        await pilot.press("up", "enter")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-handler", Select).value = staff["teller"].staff_id
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert "赵柜员 是被投诉员工" in screen_text(app)
        assert form.query_one("#f-handler", Select).value == staff["teller"].staff_id
        form.query_one("#f-handler", Select).value = staff["lobby"].staff_id
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintDetailScreen)
        assert "李大堂（L001）" in screen_text(app)


async def test_staff_see_their_own_complaints(services, head, staff, clock):
    seed_queue(services, clock, head, staff)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "T001")
        app.push_screen(QueueHost(scope="mine"))
        await settle(pilot)
        assert app.screen.query_one(ComplaintQueue).rows == []
        assert "没有需要处理的投诉" in screen_text(app)


async def test_extension_without_the_head_hides_further_extension(services, head, staff, clock):
    a, _, _ = seed_queue(services, clock, head, staff)
    services.complaints.assign(staff["lobby"], a.id, staff["lobby"].staff_id)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "L001")
        app.push_screen(ComplaintDetailScreen(a.id))
        await settle(pilot)
        keys = str(app.screen.query_one("#detail-keys").render())
        assert "F6" in keys and "Ctrl+E" not in keys  # extending further is the head's
        assert "F11" in keys  # every key that applies, wrapped, none cut off at the width


# --- snapshots -------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_intake_snapshot(snap_compare, services, head, staff, language):
    app = make_app(services, quiet_settings(services.settings, language=language))

    async def before(pilot):  # type: ignore[no-untyped-def]
        await sign_in(pilot, "L001")
        dialog = await open_intake(pilot, channel="on_site")
        await fill_walk_in(pilot, dialog, "12345")
        await pilot.press("f2")
        await settle(pilot)
        pilot.app.clear_notifications()  # the welcome toast comes and goes on its own clock
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_head_queue_snapshot(snap_compare, services, head, staff, clock, language):
    seed_queue(services, clock, head, staff)
    app = make_app(services, quiet_settings(services.settings, language=language))

    async def before(pilot):  # type: ignore[no-untyped-def]
        await sign_in(pilot, "H001")
        app.push_screen(QueueHost())
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()
        # the statistics arrive by their own call: once their text is in, wait for the layout
        # that gives the paragraph its lines (a loaded run once drew the frame in between: the
        # new text in the old one-line height); a paragraph never laid out fails the snapshot
        stats = app.screen.query_one("#cq-stats")
        for _ in range(50):
            lines = stats.render().lines(stats.content_size.width).plain.count("\n") + 1
            if stats.content_size.height >= min(lines, 5):  # max-height 6, with its border
                break
            await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_detail_snapshot(snap_compare, services, head, staff, clock, language):
    a, _, _ = seed_queue(services, clock, head, staff)
    services.complaints.escalate(staff["lobby"], a.id, "head", "客户要求负责人处理")
    app = make_app(services, quiet_settings(services.settings, language=language))

    async def before(pilot):  # type: ignore[no-untyped-def]
        await sign_in(pilot, "H001")
        app.push_screen(ComplaintDetailScreen(a.id))
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=before)
