"""The hand-off inbox panel on every role screen: real data, accept / decline / done, late rows."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text

from tests.ui.helpers import make_app, screen_text, settle, sign_in, type_into
from wealthtui.i18n import t
from wealthtui.model import Handoff
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.dialogs.handoff import HandoffDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.screens.base import RoleScreen
from wealthtui.ui.widgets.inbox import InboxPanel


def status_of(services, handoff_id: int) -> Handoff:
    from sqlmodel import Session

    with Session(services.ctx.engine) as session:
        return session.get(Handoff, handoff_id)


async def open_inbox(pilot) -> InboxPanel:
    screen = pilot.app.screen
    assert isinstance(screen, RoleScreen)
    panel = screen.inbox
    assert panel is not None
    if not (pilot.app.focused and panel in pilot.app.focused.ancestors_with_self):
        await pilot.press("f9")
        await settle(pilot)
    assert panel.display and pilot.app.focused is panel.table
    return panel


async def test_accept_from_the_inbox(services, head, make_staff):
    sender = make_staff("lobby_manager", staff_no="L01", name="赵大堂")
    h = services.handoffs.create(sender, kind="premium_arrival", to_staff_id=head.staff_id,
                                 note="贵宾到店")
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "H001")
        panel = await open_inbox(pilot)
        assert panel.table.row_count == 1
        row = panel.table.get_row_at(0)
        assert str(row[0]) == t("handoff.kind.premium_arrival") and str(row[2]) == "赵大堂"
        assert str(row[5]) == t("handoff.status.open")
        await pilot.press("enter")  # the hand-off dialog: F2 accepts
        assert isinstance(app.screen, HandoffDialog)
        assert "贵宾到店" in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        assert status_of(services, h.id).status == "accepted"
        assert str(panel.table.get_row_at(0)[5]) == t("handoff.lifecycle.in_progress")
        # the sender sees it accepted in their sent view
        assert services.handoffs.sent(sender)[0].status == "accepted"


async def test_decline_needs_a_reason_and_keeps_the_text(services, head, make_staff):
    sender = make_staff("cash_teller", staff_no="T01", name="钱柜员")
    h = services.handoffs.create(sender, kind="referral", to_staff_id=head.staff_id)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "H001")
        panel = await open_inbox(pilot)
        await pilot.press("enter", "f3")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("enter")
        await settle(pilot)
        field = app.screen.query_one(FormField)
        assert field.error_text == f"{t('field.reason')}：{t('error.field.required')}"
        await type_into(pilot, "#reason", "客户已离开")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ReasonDialog)
        row = status_of(services, h.id)
        assert row.status == "declined" and row.decline_reason == "客户已离开"
        assert str(panel.table.get_row_at(0)[5]) == t("handoff.status.declined")


async def test_done_with_an_outcome(services, head, make_staff):
    sender = make_staff("wealth_cm", staff_no="C01", name="孙经理")
    h = services.handoffs.create(sender, kind="escalation", to_staff_id=head.staff_id)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "H001")
        await open_inbox(pilot)
        await pilot.press("enter", "f4")
        await settle(pilot)
        await type_into(pilot, "#reason", "已与客户沟通")
        await pilot.press("enter")
        await settle(pilot)
        row = status_of(services, h.id)
        assert row.status == "done" and row.outcome == "已与客户沟通"


async def test_late_hand_offs_show_in_the_warning_colour(services, head, make_staff, clock):
    sender = make_staff("lobby_manager", staff_no="L01")
    services.handoffs.create(sender, kind="general", to_staff_id=head.staff_id,
                             due_at=clock.now() + timedelta(minutes=5))
    clock.advance(minutes=12)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "H001")
        panel = await open_inbox(pilot)
        status = panel.table.get_row_at(0)[5]
        assert isinstance(status, Text) and str(status) == t("inbox.late")
        assert app.current_theme.warning in str(status.style)
        assert panel.table.get_row_at(0)[4].plain == t("inbox.late_by", time=t("inbox.age.minutes", minutes=7))
        assert panel.border_title == t("inbox.title_received", open=1, late=1, sent=0)


async def test_sent_view_and_no_actions_on_it(services, head, make_staff):
    receiver = make_staff("wealth_cm", staff_no="C01", name="孙经理")
    services.handoffs.create(head, kind="general", to_staff_id=receiver.staff_id, note="请跟进")
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "H001")
        panel = await open_inbox(pilot)
        assert panel.table.row_count == 0
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert panel.view == "sent" and panel.table.row_count == 1
        assert str(panel.table.get_row_at(0)[2]) == "孙经理"
        assert "请跟进" in screen_text(app)
        await pilot.press("enter")  # the dialog offers nothing to do on a hand-off I sent
        dialog = app.screen
        assert isinstance(dialog, HandoffDialog) and not dialog.actions
        await pilot.press("f2")
        assert app.screen is dialog
        await pilot.press("escape")
        assert not isinstance(app.screen, HandoffDialog)


async def test_inbox_is_hidden_at_80x24_and_f9_toggles_it(services, head):
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "H001")
        assert not screen.inbox.display
        await pilot.press("f9")
        await settle(pilot)
        assert screen.inbox.display and app.focused is screen.inbox.table
        await pilot.press("f9")
        await settle(pilot)
        assert not screen.inbox.display


async def test_hand_off_to_a_role_reaches_every_holder(services, head, make_staff):
    sender = make_staff("lobby_manager", staff_no="L01")
    make_staff("wealth_cm", staff_no="C01", name="孙经理")
    services.handoffs.create(sender, kind="lead", to_role="wealth_cm", note="潜在客户")
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "C01")
        panel = await open_inbox(pilot)
        assert panel.table.row_count == 1
        assert "潜在客户" in screen_text(app)


async def test_the_dialog_offers_only_what_the_state_allows(services, head, make_staff):
    """An accepted hand-off can be declined or done, not accepted again; F2 does nothing then."""
    sender = make_staff("lobby_manager", staff_no="L01")
    h = services.handoffs.create(sender, kind="general", to_staff_id=head.staff_id, note="[b]x[/b]")
    services.handoffs.accept(head, h.id)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "H001")
        await open_inbox(pilot)
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, HandoffDialog)
        assert dialog.actions == {"decline", "done"}
        shown = screen_text(app)
        assert "[b]x[/b]" in shown  # a note is data, never markup
        # the footer offers what can be done; nothing to accept, nothing to open: not shown
        (footer,) = [line for line in shown.splitlines() if "F3 " in line]
        assert f"F3 {t('inbox.bind.decline')}" in footer and f"F4 {t('inbox.bind.done')}" in footer
        assert "F2 " not in footer and "F5 " not in footer
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is dialog and status_of(services, h.id).status == "accepted"
        await pilot.press("escape")
        assert not isinstance(app.screen, HandoffDialog)


async def test_inbox_binds_no_f_key(services, head):
    """Issue 19: the panel's keys are Enter and Ctrl+W; F-keys keep the screen's meaning."""
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "H001")
        await open_inbox(pilot)
        own = {b.key for b in InboxPanel.BINDINGS} | {b.key for b in type(screen.inbox.table).BINDINGS}
        assert own == {"ctrl+w", "enter"}


def test_an_age_over_an_hour_reads_as_a_duration_not_a_clock_time() -> None:
    """'12时30分' reads as half past twelve; an age is '12小时30分' ('12 h 30 min')."""
    from wealthtui import i18n
    from wealthtui.ui.widgets.inbox import age_text

    was = i18n.language()
    try:
        i18n.set_language("zh_CN")
        assert age_text(timedelta(hours=12, minutes=30)) == "12小时30分"
        assert age_text(timedelta(minutes=7)) == "7分"
        i18n.set_language("en")
        assert age_text(timedelta(hours=12, minutes=30)) == "12 h 30 min"
    finally:
        i18n.set_language(was)


async def test_a_reload_that_changes_nothing_leaves_the_inbox_table_alone(
        services, head, make_staff, monkeypatch):
    """A change marker reloads the inbox; its table is refilled on the event loop only when its
    rows differ (issue 22): nothing changed, nothing cleared and the cursor stays; a new
    hand-off, one refill."""
    from textual.widgets import DataTable

    sender = make_staff("lobby_manager", staff_no="L01", name="赵大堂")
    for note in ("一", "二"):
        services.handoffs.create(sender, kind="referral", to_staff_id=head.staff_id, note=note)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "H001")
        panel = await open_inbox(pilot)
        table = panel.table
        assert table.row_count == 2
        await pilot.press("down")
        assert table.cursor_row == 1
        cleared: list[int] = []
        clear = DataTable.clear

        def counted(tbl, columns=False):
            if tbl is table:
                cleared.append(1)
            return clear(tbl, columns)

        monkeypatch.setattr(DataTable, "clear", counted)
        panel.reload()
        await settle(pilot)
        assert cleared == [] and table.cursor_row == 1 and table.row_count == 2
        services.handoffs.create(sender, kind="referral", to_staff_id=head.staff_id, note="三")
        panel.reload()
        await settle(pilot)
        assert cleared == [1] and table.row_count == 3
