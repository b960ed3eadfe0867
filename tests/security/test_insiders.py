"""Issue 15, insiders: the head cannot sign in as someone whose PIN he reset, cannot lock the
head out from the kiosk, cannot grant himself roles alone; what the screens and the command
line do with it (Pilot at 80x24, the CLI in-process)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from tests.conftest import TEST_PIN
from tests.test_cli import cli, demo_db  # noqa: F401 - fixtures
from tests.ui.helpers import make_app, screen_text, settle, sign_in, type_into
from wealthtui import i18n
from wealthtui.demo.accounts import DEMO_STAFF
from wealthtui.i18n import t
from wealthtui.services import Services
from wealthtui.services.errors import AuthFailed
from wealthtui.ui.dialogs.confirm import ConfirmDialog
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.second_person import SecondPersonDialog
from wealthtui.ui.screens.counter import CounterScreen
from wealthtui.ui.screens.counter_oversee import CounterOverseeScreen
from wealthtui.ui.screens.head import HeadScreen
from wealthtui.ui.screens.login import LoginScreen

zh = i18n.catalog("zh_CN")
HEAD = next(a for a in DEMO_STAFF if "head" in a.roles)
SUPERVISOR = next(a for a in DEMO_STAFF if a.roles == ("supervisor",))
OFFICER = next(a for a in DEMO_STAFF if "officer" in a.roles)


def at_terminal(services: Services, name: str) -> Services:
    """The same center seen from another terminal (another machine or kiosk)."""
    settings = services.settings
    insiders = settings.insiders.model_copy(update={"terminal": name})
    return Services(services.ctx.engine, settings.model_copy(update={"insiders": insiders}),
                    services.clock)


async def login(pilot: Any, staff_no: str, pin: str) -> Any:
    await type_into(pilot, "#staff-no", staff_no)
    await pilot.press("enter")
    await type_into(pilot, "#pin", pin)
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen


# --- PIN reset through the screens ----------------------------------------------------------
async def test_reset_on_the_heads_screen_and_the_new_pin_at_the_persons_terminal(
        services: Services, head, make_staff) -> None:
    make_staff("supervisor", "cash_teller", staff_no="S01", name="李主管")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "H001")
        assert isinstance(screen, HeadScreen)
        await pilot.press("f3")
        await settle(pilot)
        table = screen.query_one("#staff-table", DataTable)
        table.move_cursor(row=table.get_row_index("S01"))
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        app.screen.action_answer(True)
        await settle(pilot)
        shown = app.screen
        assert isinstance(shown, FormDialog) and shown.id == "one-time-pin"
        one_time = re.search(r"(\d{8})", screen_text(app)).group(1)
        await pilot.press("escape")
        await settle(pilot)
        assert one_time not in screen_text(app)  # shown once
        # the head signs out and tries it on this terminal: refused
        app.sign_out()
        await settle(pilot)
        screen = await login(pilot, "S01", one_time)
        assert isinstance(screen, LoginScreen)
        assert screen.message == t("insiders.error.one_time_here")
        assert app.actor is None

    elsewhere = at_terminal(services, "counter-2")
    app = make_app(elsewhere, settings=services.settings)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await login(pilot, "S01", one_time)
        assert isinstance(form, FormDialog) and form.id == "choose-pin"
        text = screen_text(app)
        assert "王主任（H001）" in text and "2026-11-30 09:30" in text  # who reset it, when
        await type_into(pilot, "#f-new_pin", "123456")
        await type_into(pilot, "#f-again", "123456")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form and app.actor is None
        assert t("insiders.pin_weak.run") in form.query_one("#f-new_pin").error_text
        assert form.query_one("#f-new_pin").value == "123456"  # what was typed stays
        await type_into(pilot, "#f-new_pin", "592716")
        await type_into(pilot, "#f-again", "592716")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen)
        assert app.actor is not None and app.actor.staff_no == "S01"
    assert services.auth.login("S01", "592716", terminal="x").staff_no == "S01"


# --- the kiosk cannot lock the head out --------------------------------------------------------
def test_wrong_pins_for_the_heads_number_at_the_kiosk_do_not_lock_him_out_early(
        services: Services, head, clock) -> None:
    kiosk = at_terminal(services, "kiosk-lobby")
    limit = services.settings.security.max_failed_pins
    counted, waited = 0, 0.0
    while counted < limit - 1:
        # hammering during the wait is refused at once and counts for nothing
        for _ in range(50):
            with pytest.raises(AuthFailed) as exc:
                kiosk.auth.login("H001", "000000")
            if exc.value.key == "insiders.error.wait":
                continue
            assert exc.value.key == "error.auth.bad_credentials"
            counted += 1
            break
        if exc.value.key == "insiders.error.wait":
            seconds = exc.value.params["seconds"]
            waited += seconds
            clock.advance(seconds=seconds)
    # the head still signs in at his own office after limit - 1 wrong PINs at the kiosk
    assert services.auth.login("H001", TEST_PIN, terminal="office").staff_no == "H001"
    # and getting that far took the kiosk minutes of waiting, each wait audited
    ins = services.settings.insiders
    assert waited >= sum(min(ins.first_wait_seconds * 2 ** i, ins.max_wait_seconds)
                         for i in range(limit - 1 - ins.free_failures))


def test_unknown_and_existing_numbers_look_the_same_at_the_kiosk(services: Services, head,
                                                                   make_staff) -> None:
    make_staff("cash_teller", staff_no="T01")
    answers = {}
    for staff_no in ("H001", "T01", "NOPE1"):
        kiosk = at_terminal(services, f"kiosk-{staff_no}")
        seen = []
        for _ in range(services.settings.insiders.free_failures + 1):
            with pytest.raises(AuthFailed) as exc:
                kiosk.auth.login(staff_no, "000000")
            seen.append((exc.value.key, exc.value.params))
        answers[staff_no] = seen
    assert answers["H001"] == answers["T01"] == answers["NOPE1"]


# --- the command line ---------------------------------------------------------------------------
def test_cli_role_grant_needs_a_second_person(cli, demo_db: Path) -> None:  # noqa: F811
    db = ("--db", str(demo_db))
    as_head = {"WEALTHTUI_PIN": HEAD.pin}
    asked = cli("staff", "roles", OFFICER.staff_no, "--role", "officer,non_cash_teller,supervisor",
                "--as", HEAD.staff_no, *db, env=as_head)
    assert asked.exit_code == 0
    grant = re.search(r"申请 (\d+)", asked.stdout).group(1)
    listed = cli("staff", "grants", "--as", SUPERVISOR.staff_no, *db,
                 env={"WEALTHTUI_PIN": SUPERVISOR.pin})
    assert listed.exit_code == 0 and OFFICER.name in listed.stdout
    alone = cli("staff", "approve-roles", grant, "--as", HEAD.staff_no, *db, env=as_head)
    assert alone.exit_code == 1 and zh["insiders.grant.same_person"] in alone.stderr
    ok = cli("staff", "approve-roles", grant, "--as", SUPERVISOR.staff_no, *db,
             env={"WEALTHTUI_PIN": SUPERVISOR.pin})
    assert ok.exit_code == 0 and zh["role.supervisor"] in ok.stdout
    # the head cannot make himself a teller alone either
    mine = cli("staff", "roles", HEAD.staff_no, "--role", "head,cash_teller", "--as",
               HEAD.staff_no, *db, env=as_head)
    assert mine.exit_code == 0 and "approve-roles" in mine.stdout
    staff = cli("staff", "list", "--as", HEAD.staff_no, *db, env=as_head)
    head_row = next(line for line in staff.stdout.splitlines() if HEAD.staff_no in line)
    assert zh["role.cash_teller"] not in head_row


def at_terminal_cli(cli, name: str, *args: str, env: dict[str, str]):  # type: ignore[no-untyped-def]  # noqa: F811
    """`wealthtui ARGS` run at the terminal `name` (another machine than the head's)."""
    config = Path(os.environ["WEALTHTUI_CONFIG"])
    base = config.read_text()
    config.write_text(base + f'\n[insiders]\nterminal = "{name}"\n')
    try:
        return cli(*args, env=env)
    finally:
        config.write_text(base)


def test_cli_weak_pin_is_refused_naming_the_rule(cli, demo_db: Path) -> None:  # noqa: F811
    db = ("--db", str(demo_db))
    added = cli("staff", "add", "9101", "某人", "--role", "cash_teller", "--as", HEAD.staff_no,
                *db, env={"WEALTHTUI_PIN": HEAD.pin})
    first = re.search(r"一次性密码：(\d+)", added.stdout).group(1)
    weak = at_terminal_cli(cli, "counter-9", "staff", "list", "--as", "9101", *db,
                           env={"WEALTHTUI_PIN": first, "WEALTHTUI_NEW_PIN": "800101"})
    assert weak.exit_code == 1 and zh["insiders.pin_weak.date"] in weak.stderr


def test_cli_staff_add_of_a_supervisor_waits_for_a_second_person(cli, demo_db: Path) -> None:  # noqa: F811
    db = ("--db", str(demo_db))
    as_head = {"WEALTHTUI_PIN": HEAD.pin}
    added = cli("staff", "add", "9102", "钱主管", "--role", "supervisor,officer", "--as",
                HEAD.staff_no, *db, env=as_head)
    assert added.exit_code == 0, added.output
    grant = re.search(r"申请 (\d+)", added.stdout).group(1)
    assert "approve-roles" in added.stdout
    listed = cli("staff", "list", "--as", HEAD.staff_no, *db, env=as_head)
    row = next(line for line in listed.stdout.splitlines() if "9102" in line)
    assert zh["role.officer"] in row and zh["role.supervisor"] not in row  # not yet
    alone = cli("staff", "approve-roles", grant, "--as", HEAD.staff_no, *db, env=as_head)
    assert alone.exit_code == 1 and zh["insiders.grant.same_person"] in alone.stderr
    ok = cli("staff", "approve-roles", grant, "--as", SUPERVISOR.staff_no, *db,
             env={"WEALTHTUI_PIN": SUPERVISOR.pin})
    assert ok.exit_code == 0 and zh["role.supervisor"] in ok.stdout


def test_cli_unlock_by_the_supervisor(cli, demo_db: Path) -> None:  # noqa: F811
    db = ("--db", str(demo_db))
    teller = next(a for a in DEMO_STAFF if a.roles == ("cash_teller",))
    config = Path(os.environ["WEALTHTUI_CONFIG"])
    base = config.read_text()
    for i in range(10):  # from ten terminals, so that no terminal waits
        config.write_text(base + f'\n[insiders]\nterminal = "t{i}"\n')
        cli("staff", "list", "--as", teller.staff_no, *db, env={"WEALTHTUI_PIN": "000000"})
    config.write_text(base)
    locked = cli("staff", "list", "--as", SUPERVISOR.staff_no, *db,
                 env={"WEALTHTUI_PIN": SUPERVISOR.pin})
    assert zh["cli.staff.locked"].split("{")[0] in locked.stdout
    done = cli("staff", "unlock", teller.staff_no, "--as", SUPERVISOR.staff_no, *db,
               env={"WEALTHTUI_PIN": SUPERVISOR.pin})
    assert done.exit_code == 0


# --- role grant on the head's screen ------------------------------------------------------------
async def test_the_heads_screen_grants_supervisor_only_with_a_second_person(
        services: Services, head, make_staff) -> None:
    make_staff("supervisor", staff_no="S01", name="李主管")
    make_staff("officer", staff_no="O01", name="张主办")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "H001")
        await pilot.press("f3")
        await settle(pilot)
        table = screen.query_one("#staff-table", DataTable)
        table.move_cursor(row=table.get_row_index("O01"))
        await pilot.press("ctrl+r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-roles").select("supervisor")
        await pilot.press("f2")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SecondPersonDialog)
        assert "张主办" in screen_text(app)
        await type_into(pilot, "#sp-staff-no", "H001")  # the head himself: refused
        await type_into(pilot, "#sp-pin", TEST_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        await type_into(pilot, "#sp-staff-no", "S01")
        await type_into(pilot, "#sp-pin", TEST_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
    officer = next(v for v in services.staff.roster(head) if v.staff_no == "O01")
    assert officer.roles == ("supervisor", "officer")


async def test_the_heads_f8_adds_a_supervisor_only_with_a_second_person(
        services: Services, head, make_staff) -> None:
    make_staff("supervisor", staff_no="S01", name="李主管")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "H001")
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        await type_into(pilot, "#f-staff_no", "S02")
        await type_into(pilot, "#f-name", "钱主管")
        form.query_one("#f-roles").select("supervisor")
        form.query_one("#f-roles").select("officer")
        await pilot.press("f2")
        await settle(pilot)
        shown = app.screen
        assert isinstance(shown, FormDialog) and shown.id == "one-time-pin"
        one_time = re.search(r"(\d{8})", screen_text(app)).group(1)
        await pilot.press("escape")
        await settle(pilot)
        dialog = app.screen  # then the second person for the supervisor role
        assert isinstance(dialog, SecondPersonDialog) and "钱主管" in screen_text(app)
        await type_into(pilot, "#sp-staff-no", "H001")  # the head himself: refused
        await type_into(pilot, "#sp-pin", TEST_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        await type_into(pilot, "#sp-staff-no", "S01")
        await type_into(pilot, "#sp-pin", TEST_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
    added = next(v for v in services.staff.roster(head) if v.staff_no == "S02")
    assert added.roles == ("supervisor", "officer")
    # the new supervisor chooses their own PIN at their own terminal
    counter = at_terminal(services, "counter-2")
    assert counter.auth.complete_reset("S02", one_time, "592716").roles == {"supervisor", "officer"}


async def test_a_one_time_pin_at_the_lock_screen_asks_for_the_new_pin(
        services: Services, head, make_staff) -> None:
    make_staff("supervisor", staff_no="S01", name="李主管")
    one_time = services.staff.reset_pin(head, "S01", terminal="head-office").pin
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "H001")
        app.lock()
        await settle(pilot)
        await type_into(pilot, "#lock-staff-no", "S01")
        await type_into(pilot, "#lock-pin", one_time)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog) and form.id == "choose-pin"
        await type_into(pilot, "#f-new_pin", "592716")
        await type_into(pilot, "#f-again", "592761")  # typed differently
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert t("insiders.error.new_pins_differ") in form.query_one("#f-again").error_text
        await type_into(pilot, "#f-again", "592716")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CounterOverseeScreen)  # a supervisor at no counter
        assert app.actor.staff_no == "S01"


async def test_the_supervisor_unlocks_a_locked_teller_from_the_counter_screen(
        services: Services, head, make_staff) -> None:
    make_staff("supervisor", staff_no="S01", name="李主管")
    make_staff("cash_teller", staff_no="T01", name="刘柜员")
    for i in range(services.settings.security.max_failed_pins):
        with pytest.raises(AuthFailed):
            services.auth.login("T01", "000000", terminal=f"t{i}")
    with pytest.raises(AuthFailed):
        services.auth.login("T01", TEST_PIN, terminal="counter-1")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "S01")
        assert isinstance(screen, CounterOverseeScreen)  # a supervisor at no counter
        await pilot.press("f8")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        await type_into(pilot, "#f-staff_no", "T01")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is screen
    assert services.auth.login("T01", TEST_PIN, terminal="counter-1").staff_no == "T01"
