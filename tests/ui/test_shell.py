"""The shell: sign-in, role modes, idle lock, help, quit, sign-out, live updates, kiosk."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from tests.ui.helpers import (
    TEST_PIN,
    make_app,
    poll,
    quiet_settings,
    screen_text,
    settle,
    sign_in,
    type_into,
)
from tests.ui.loop_watch import LoopWatch
from wealthtui import i18n
from wealthtui.i18n import t
from wealthtui.ui.app import TooSmallScreen
from wealthtui.ui.dialogs.confirm import ConfirmDialog
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.dialogs.pin import PinDialog
from wealthtui.ui.screens.base import RoleScreen
from wealthtui.ui.screens.cm import CMScreen
from wealthtui.ui.screens.counter import CounterScreen
from wealthtui.ui.screens.head import HeadScreen
from wealthtui.ui.screens.help import HelpScreen
from wealthtui.ui.screens.lobby import LobbyScreen
from wealthtui.ui.screens.lock import LockScreen
from wealthtui.ui.screens.login import LoginScreen


def session_events(services, staff_id: int) -> list[str]:
    """The audit actions about `staff_id`'s sessions (sign-in, lock, sign-out), oldest first."""
    from sqlmodel import Session, col, select

    from wealthtui.model import AuditEvent

    with Session(services.ctx.engine) as s:
        return list(s.exec(select(AuditEvent.action).where(
            AuditEvent.entity == "staff", AuditEvent.entity_id == str(staff_id),
            col(AuditEvent.action).startswith("auth.")).order_by(col(AuditEvent.id))).all())


async def submit_login(pilot, staff_no: str, pin: str) -> LoginScreen:
    await type_into(pilot, "#staff-no", staff_no)
    await pilot.press("enter")
    await type_into(pilot, "#pin", pin)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LoginScreen)
    return screen


# --- sign-in --------------------------------------------------------------------------------
async def test_sign_in_opens_the_role_mode_with_header(services, head):
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None
        screen = await sign_in(pilot, "H001")
        assert isinstance(screen, HeadScreen)
        assert app.actor == head
        assert app.current_mode == "head"
        text = screen_text(app)
        assert "王主任（H001）" in text
        assert "2026-11-30 周一" in text
        assert "09:30:00" in text
        assert services.settings.center.name in text


async def test_enter_moves_from_staff_number_to_pin(services, head):
    app = make_app(services)
    async with app.run_test() as pilot:
        await type_into(pilot, "#staff-no", "H001")
        await pilot.press("enter")
        assert app.focused is app.screen.query_one("#pin", FormField).input
        assert app.screen.query_one("#pin", FormField).input.password


async def test_wrong_pin_and_unknown_staff_get_the_same_message(services, head):
    app = make_app(services)
    async with app.run_test() as pilot:
        screen = await submit_login(pilot, "H001", "999999")
        assert screen.message == t("error.auth.bad_credentials")
        # the staff number stays, the PIN is emptied and focused for another try
        assert screen.query_one("#staff-no", FormField).value == "H001"
        assert screen.query_one("#pin", FormField).value == ""
        assert app.focused is screen.query_one("#pin", FormField).input
        screen = await submit_login(pilot, "NOBODY", "999999")
        assert screen.message == t("error.auth.bad_credentials")
        assert app.actor is None


async def test_locked_and_inactive_accounts_get_the_one_answer(services, head, make_staff):
    """Issue 15: a locked or inactive account answers like an unknown staff number (the answer
    names both, so the staff member knows whom to ask)."""
    make_staff("cash_teller", staff_no="T01")
    make_staff("lobby_assistant", staff_no="L09")
    services.staff.deactivate(head, "L09")
    for i in range(services.settings.security.max_failed_pins):
        with pytest.raises(Exception):  # noqa: B017 - AuthFailed, checked below via the UI
            services.auth.login("T01", "000000", terminal=f"elsewhere-{i}")
    app = make_app(services)
    async with app.run_test() as pilot:
        for staff_no in ("T01", "L09", "NOBODY"):
            screen = await submit_login(pilot, staff_no, TEST_PIN)
            assert screen.message == t("error.auth.bad_credentials")
            assert app.actor is None


async def test_a_terminal_with_many_wrong_pins_says_how_long_to_wait(services, head):
    app = make_app(services)
    async with app.run_test() as pilot:
        for _ in range(services.settings.insiders.free_failures):
            screen = await submit_login(pilot, "H001", "111111")
        assert screen.message == t("error.auth.bad_credentials")
        screen = await submit_login(pilot, "H001", TEST_PIN)  # even the right PIN waits
        assert screen.message == t("insiders.error.wait",
                                   seconds=services.settings.insiders.first_wait_seconds)
        assert app.actor is None


async def test_empty_staff_number_is_named_under_the_field(services, head):
    app = make_app(services)
    async with app.run_test() as pilot:
        screen = await submit_login(pilot, "", "123456")
        field = screen.query_one("#staff-no", FormField)
        assert field.error_text == f"{t('field.staff_no')}：{t('error.field.required')}"
        await type_into(pilot, "#staff-no", "H")
        assert field.error_text == ""


async def test_demo_accounts_are_listed_only_for_a_demo_database(services, head):
    demo = [{"staff_no": "D001", "name": "周理财", "roles": ["head"], "pin": "135790"}]
    app = make_app(services, demo_pins=demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert t("login.demo_title") in text and "D001" in text and "135790" in text
    plain = make_app(services)
    async with plain.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert t("login.demo_title") not in screen_text(plain)


async def test_english_from_settings(services, head, settings):
    app = make_app(services, quiet_settings(settings, language="en"))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert i18n.language() == "en"
        assert "Wealth Center Front Desk" in screen_text(app)
        screen = await submit_login(pilot, "H001", "999999")
        assert screen.message.startswith("Wrong staff number or PIN")


# --- role modes -----------------------------------------------------------------------------
async def test_one_mode_per_role_and_f12_switches(services, head, make_staff):
    make_staff("cash_teller", "wealth_cm", "lobby_manager", staff_no="M01", name="李多岗")
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "M01")
        assert app.role_modes == ["lobby", "counter", "cm"]
        assert isinstance(screen, LobbyScreen)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen) and app.current_mode == "counter"
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, CMScreen)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, LobbyScreen)


async def test_single_role_has_no_role_switch(services, head):
    app = make_app(services)
    async with app.run_test() as pilot:
        await sign_in(pilot, "H001")
        assert app.role_modes == ["head"]
        assert not any(b.binding.action == "next_mode" for b in app.screen.active_bindings.values())
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, HeadScreen)


async def test_sign_out_drops_the_role_modes(services, head):
    app = make_app(services)
    async with app.run_test() as pilot:
        await sign_in(pilot, "H001")
        watch = LoopWatch(services.ctx.engine)
        with watch.watching():  # the end of the session is audited off the event loop
            await pilot.press("ctrl+o")
            await settle(pilot)
        watch.close()
        assert watch.on_loop == [] and watch.elsewhere > 0
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None and app.role_modes == []
        assert "head" not in app._modes
        assert app.screen.message == t("login.signed_out")
        assert app.screen.query_one("#staff-no", FormField).value == ""
    assert session_events(services, head.staff_id)[-2:] == ["auth.login", "auth.signed_out"]


# --- idle lock ------------------------------------------------------------------------------
async def test_idle_lock_hides_data_and_the_same_person_unlocks(services, head, make_staff, clock):
    sender = make_staff("lobby_manager", staff_no="L01", name="赵大堂")
    services.handoffs.create(sender, kind="general", to_staff_id=head.staff_id,
                             note="机密备注甲乙丙")
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "H001")
        assert "机密备注甲乙丙" in screen_text(app)
        clock.advance(minutes=services.settings.ui.idle_lock_minutes - 1)
        assert not app.check_idle_lock()
        clock.advance(minutes=1)
        watch = LoopWatch(services.ctx.engine)
        with watch.watching():  # locking audits the session's end off the event loop
            assert app.check_idle_lock()
            await settle(pilot)
        watch.close()
        assert watch.on_loop == [] and watch.elsewhere > 0
        assert isinstance(app.screen, LockScreen)
        text = screen_text(app)
        assert "机密备注甲乙丙" not in text and t("lock.title") in text
        # app-wide actions are off while locked: no palette, no help, no role switch
        await pilot.press("ctrl+p")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        # a wrong PIN is refused; the right one unlocks
        await type_into(pilot, "#lock-pin", "000000")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.message == t("error.auth.bad_credentials")
        await type_into(pilot, "#lock-pin", TEST_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HeadScreen)
        assert "机密备注甲乙丙" in screen_text(app)
    # the audit shows who was at the terminal: signed in, idle-locked, back in with the PIN
    assert session_events(services, head.staff_id)[-3:] == [
        "auth.idle_locked", "auth.failed", "auth.login"]


async def test_keys_keep_the_lock_away(services, head, clock):
    app = make_app(services)
    async with app.run_test() as pilot:
        await sign_in(pilot, "H001")
        minutes = services.settings.ui.idle_lock_minutes
        clock.advance(minutes=minutes - 1)
        await pilot.press("f5")
        clock.advance(minutes=2)
        assert not app.check_idle_lock()
        clock.advance(minutes=minutes)
        assert app.check_idle_lock()


async def test_another_staff_member_signs_in_at_the_lock(services, head, make_staff, clock):
    make_staff("lobby_manager", staff_no="L01", name="赵大堂")
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "H001")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert app.screen.query_one("#lock-staff-no", FormField).value == "H001"
        await type_into(pilot, "#lock-staff-no", "L01")
        await pilot.press("enter")
        await type_into(pilot, "#lock-pin", TEST_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LobbyScreen)
        assert app.actor is not None and app.actor.staff_no == "L01"
        assert app.role_modes == ["lobby"] and "head" not in app._modes
        assert "赵大堂（L01）" in screen_text(app)


async def test_sign_out_from_the_lock(services, head):
    app = make_app(services)
    async with app.run_test() as pilot:
        await sign_in(pilot, "H001")
        app.lock()
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.actor is None


# --- help, palette, quit, size ------------------------------------------------------------
async def test_f1_lists_the_active_bindings_and_sections(services, head, settings):
    app = make_app(services, quiet_settings(settings, keymap={"app.lock": "ctrl+k"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "H001")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = {k.binding_id: k for k in app.screen.keys}
        assert rows["app.lock"].key == "Ctrl+K"  # the remapped key, not the default
        assert rows["app.help"].key == "F1"
        assert rows["shell.inbox"].text == t("shell.bind.inbox")
        assert "app.next_mode" not in rows  # one role: no role switch
        text = screen_text(app)
        assert "Ctrl+K" in text and t("shell.bind.lock") in text
        assert t("help.group_shell") in text  # keys grouped by where they live
        app.screen.query_one("VerticalScroll").scroll_end(animate=False)
        await settle(pilot)
        text = screen_text(app)
        for section, key in HeadScreen.HELP_SECTIONS:  # what on one line, the section under it
            assert section in text and t(key) in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HeadScreen)
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)


async def test_help_on_the_login_screen(services):
    app = make_app(services)
    async with app.run_test() as pilot:
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        ids = {k.binding_id for k in app.screen.keys}
        assert {"app.help", "app.quit"} <= ids and "app.lock" not in ids


async def test_command_palette_opens(services, head):
    app = make_app(services)
    async with app.run_test() as pilot:
        await sign_in(pilot, "H001")
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert t("shell.cmd.lock") in titles and t("shell.cmd.quit") in titles


async def test_quit_asks_first(services, head):
    app = make_app(services)
    async with app.run_test() as pilot:
        await sign_in(pilot, "H001")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert t("app.quit_confirm") in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HeadScreen) and not app._exit
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app._exit


async def test_too_small_terminal_says_so(services):
    app = make_app(services)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        assert t("app.too_small", width=60, height=20) in screen_text(app).replace("\n", "")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)


# --- kiosk -----------------------------------------------------------------------------------
async def test_kiosk_opens_lobby_and_needs_a_keeper_to_quit(services, head, make_staff):
    make_staff("lobby_assistant", "cash_teller", staff_no="L02")
    make_staff("lobby_manager", staff_no="L01")
    app = make_app(services, kiosk="lobby")
    async with app.run_test() as pilot:
        screen = await sign_in(pilot, "L02")
        assert isinstance(screen, LobbyScreen) and app.role_modes == ["lobby"]
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, PinDialog)
        await type_into(pilot, "#pin-staff-no", "L02")
        await pilot.press("enter")
        await type_into(pilot, "#pin-pin", TEST_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.message == t("shell.kiosk_exit_refused") and not app._exit
        await type_into(pilot, "#pin-staff-no", "L01")
        await pilot.press("enter")
        await type_into(pilot, "#pin-pin", TEST_PIN)
        await pilot.press("enter")
        await pilot.pause()
        assert app._exit


async def test_kiosk_refuses_staff_without_a_lobby_role(services, head, make_staff):
    make_staff("cash_teller", staff_no="T01")
    app = make_app(services, kiosk="lobby")
    async with app.run_test() as pilot:
        screen = await submit_login(pilot, "T01", TEST_PIN)
        assert screen.message == t("login.kiosk_refused") and app.actor is None


# --- live updates and the inbox -------------------------------------------------------------
async def test_change_marker_reloads_only_when_something_was_written(services, head, make_staff):
    sender = make_staff("lobby_manager", staff_no="L01", name="赵大堂")
    # the test polls itself: the app's timer (every `refresh_seconds` of wall time) must not
    # take the change first — on a loaded machine it fired between the write and poll(), which
    # then found no change (or a poll still running) and said False
    app = make_app(services, quiet_settings(services.settings, refresh_seconds=3600))
    calls: list[int] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "H001")
        screen.on_data_changed = lambda: calls.append(1)  # type: ignore[method-assign]
        assert not await poll(pilot)
        assert calls == []
        services.handoffs.create(sender, kind="general", to_staff_id=head.staff_id,
                                 note="新到交接")
        assert await poll(pilot)
        await settle(pilot)
        assert calls == [1]
        assert "新到交接" in screen_text(app)
        assert not await poll(pilot)


def test_role_screens_share_the_shell_layout():
    for cls in (LobbyScreen, CounterScreen, CMScreen, HeadScreen):
        assert issubclass(cls, RoleScreen) and cls.MODE
        assert "compose" not in cls.__dict__, f"{cls.__name__} must implement compose_body()"


@pytest.mark.parametrize(("language", "size"), [("zh_CN", (80, 24)), ("en", (120, 40))],
                         ids=["zh_CN-80x24", "en-120x40"])
async def test_every_role_screen_renders_from_the_catalogs(services, head, make_staff, settings,
                                                            language, size):
    """All four role modes with their inbox and help, in both languages and at both sizes: no
    raw key reaches the screen (the conftest fixture asserts i18n.MISSING is empty afterwards)."""
    make_staff("head", "lobby_manager", "supervisor", "wealth_cm", staff_no="A01", name="全岗位")
    app = make_app(services, quiet_settings(settings, language=language))
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "A01")
        assert app.role_modes == ["lobby", "counter", "cm", "head"]
        for mode in app.role_modes:
            if app.current_mode != mode:
                await pilot.press("f12")
                await settle(pilot)
            assert app.current_mode == mode
            await pilot.press("f9")
            await settle(pilot)
            await pilot.press("f1")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await settle(pilot)


async def test_ctrl_c_says_how_to_quit(services, head):
    app = make_app(services)
    async with app.run_test(notifications=True) as pilot:
        await sign_in(pilot, "H001")
        await pilot.press("ctrl+c")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert t("shell.ctrl_c", key="Ctrl+Q") in messages
        assert not app._exit
