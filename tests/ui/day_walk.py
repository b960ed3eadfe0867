"""The whole day from `wealthtui init` walked through the screens (issue 16 "Done when"), shared
by tests/ui/test_day_*.py. Keys are pressed by binding id (tests/ui/keys.py).

The morning is walked ONCE per test run (`copy_morning`: the first xdist worker to need it walks
it under the run's shared temp root, the others wait for it; then each test copies it):
`wealthtui init`; the head adds the staff (F3 staff tab, F8 form, the one-time PIN shown once);
each person signs in with their one-time PIN at ANOTHER terminal (a second app whose
`insiders.terminal` differs: the PIN is refused where it was issued) and chooses their own PIN
on the change-PIN form; the head records the roster (Ctrl+N: F8 all in, F6 duty CM, F7 duty
lobby manager) and does the morning meeting and appearance check (Ctrl+Y); the lobby manager,
the supervisor and the CMs do their opening routines (Ctrl+Y). At the command line
(`_approve_the_set_up`, `cli`): the supervisor's role grant, which a new center's founding head
cannot approve alone, is approved by the administrator named in the center's configuration
(`[insiders] administrators`, added by the head on the staff tab like everyone), whose account
the head then closes; the head imports the client book (`wealthtui clients import`).

Each test copies that center (`copy_morning`) and walks one part of the day."""

from __future__ import annotations

import fcntl
import functools
import re
import shutil
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, OptionList, SelectionList

from tests.conftest import FAST_PIN_HASH, T0, TEST_PIN
from tests.demo_fixture import config_at, shared_root
from tests.ui.helpers import make_app, screen_text, settle, sign_in, type_into
from tests.ui.keys import press_action
from tests.whole_day import (
    GOOD_CHOICES,
    HEAD_NO,
    STAFF,
    Day,
    Tally,
    book_file,
    cli,
    client_rows,
    init_center,
    open_services,
)
from wealthtui.config import Settings, load_settings
from wealthtui.i18n import t
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Services
from wealthtui.ui.dialogs.choice import ChoiceDialog
from wealthtui.ui.dialogs.flow_confirm import FlowLogConfirmDialog
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.dialogs.roster import RosterDialog
from wealthtui.ui.dialogs.second_person import SecondPersonDialog
from wealthtui.ui.screens.base import RoleScreen
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.login import LoginScreen
from wealthtui.ui.screens.my_checklists import MyChecklistsScreen
from wealthtui.ui.widgets.checklist import ChecklistPanel
from wealthtui.ui.widgets.today import TodayList

ROLES = {HEAD_NO: ("head",), **{no: roles for no, _name, roles in STAFF}}
#: the routines done in the morning (the head's two, the four opening routines)
MORNING_ROUTINES = 6
#: the set-up's second person: an officer of the branch named in `[insiders] administrators`
#: of the center's configuration, who approves the first supervisor's role at the command line
APPROVER = ("A000", "审批管理员", ("officer",))
#: the terminal where the people choose their own PIN (not the head's, which issued it)
SECOND_TERMINAL = "desk-2"


def walk_settings() -> Settings:
    """The settings of the tests' `settings` fixture (tests/conftest.py)."""
    return load_settings(overrides={"security": FAST_PIN_HASH, "antifraud": {"enabled": False}})


def later(pilot: Any, d: Day, hh: int, mm: int) -> None:
    """Move the day's clock on while the app runs: whoever is signed in worked meanwhile, so
    the idle lock (tests/ui/test_shell.py's subject, checked on a real-time timer) does not
    take the screen at a moment that depends on the machine's speed."""
    d.at(hh, mm)
    pilot.app.last_activity = d.clock.now()


# --- pressing keys ----------------------------------------------------------------------------
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


async def sign_out(pilot: Any) -> None:
    await back_to_role_screen(pilot)
    await act(pilot, "app.sign_out")
    assert isinstance(pilot.app.screen, LoginScreen), screen_text(pilot.app)


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


def _value(step: Any) -> str:
    if step.kind in ("number", "amount"):
        return str(step.min or 0)
    return "按规定完成"


async def record_open_steps(pilot: Any, staff_no: str, panel: ChecklistPanel, *,
                            values: dict[str, str] | None = None,
                            system_later: tuple[str, ...] = ()) -> None:
    """On a checklist panel, record each open required step as its kind asks (Enter on a tick,
    a choice picked, a value typed — `values` by step id, else a routine's plain one —, a second
    person's staff number and PIN, the flow log confirmed with F2), except `system_later`."""
    app = pilot.app
    for _ in range(30):
        run = panel.run
        assert run is not None
        todo = [x for x in run.open_required if x.step.id not in system_later]
        if not todo:
            return
        step = todo[0].step
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
            wanted = (values or {}).get(step.id)
            good = wanted or next((c for c in GOOD_CHOICES if c in ids), ids[0])
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
            await pilot.press(*(values or {}).get(step.id, _value(step)))
            await pilot.press("enter")
            await settle(pilot)
        assert app.screen is panel.screen, (step.id, screen_text(app))
    raise AssertionError(f"{run.procedure.id}: steps stay open")  # pragma: no cover


async def routine(pilot: Any, staff_no: str, procedure_id: str, *,
                  system_done: tuple[str, ...] = (), system_later: tuple[str, ...] = ()) -> int:
    """Ctrl+Y, the routine's row, Enter; each required step recorded (`record_open_steps`); F2
    completes. `system_done`: steps already recorded by the system when the routine opens
    (never asked); `system_later`: steps the system records later (the close of the day): the
    routine is left open with only those. Returns the run id."""
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
    await record_open_steps(pilot, staff_no, panel, system_later=system_later)
    run = panel.run
    assert run is not None
    for step_id in system_later:  # not asked: the run waits for the system
        assert not run.state(step_id).done, (procedure_id, step_id)
    if run.status == "open" and not system_later:
        await act(pilot, "checklist.complete")
        assert panel.run is not None and panel.run.status == "done", screen_text(app)
    await back_to_role_screen(pilot)
    return run.id


# --- the morning, walked once per worker ------------------------------------------------------
def second_terminal(s: Services) -> Services:
    """The same center seen from another terminal (`insiders.terminal`)."""
    settings = s.settings
    insiders = settings.insiders.model_copy(update={"terminal": SECOND_TERMINAL})
    return Services(s.ctx.engine, settings.model_copy(update={"insiders": insiders}), s.clock)


async def _head_adds_the_staff(s: Services) -> dict[str, str]:
    app = make_app(s)
    one_time: dict[str, str] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, HEAD_NO)
        await act(pilot, "head.tab_staff")
        for no, name, roles in (APPROVER, *STAFF):
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
    return one_time


async def _each_chooses_a_pin(s: Services, one_time: dict[str, str], db: str) -> None:
    """At the second terminal: staff number, the one-time PIN, Enter → the change-PIN form:
    the new PIN twice, F2 → signed in; Ctrl+O. The administrator first, who then approves the
    supervisor's role at the command line (before it, the supervisor has no screen)."""
    app = make_app(second_terminal(s))
    async with app.run_test(size=(120, 40)) as pilot:
        for no, pin in one_time.items():
            await type_into(pilot, "#staff-no", no)
            await pilot.press("enter")
            await type_into(pilot, "#pin", pin)
            await pilot.press("enter")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, FormDialog) and form.id == "choose-pin", screen_text(app)
            await type_into(pilot, "#f-new_pin", TEST_PIN)
            await type_into(pilot, "#f-again", TEST_PIN)
            await act(pilot, "form.save")
            assert isinstance(app.screen, RoleScreen), (no, screen_text(app))
            await sign_out(pilot)
            if no == APPROVER[0]:
                _approve_the_set_up(db)


async def _roster_and_routines(s: Services, d: Day) -> None:
    app = make_app(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, HEAD_NO)
        await act(pilot, "head.tab_staff", "head.roster")
        dialog = app.screen
        assert isinstance(dialog, RosterDialog)
        await act(pilot, "roster.all_in")
        for staff_no, duty in (("C401", "roster.duty_cm"), ("L101", "roster.duty_lobby")):
            assert dialog.view is not None
            row = next(i for i, x in enumerate(dialog.view.lines) if x.staff_no == staff_no)
            dialog.query_one("#roster-table").move_cursor(row=row)
            await settle(pilot)
            await act(pilot, duty)
        await act(pilot, "roster.close")
        later(pilot, d, 8, 30)
        await routine(pilot, HEAD_NO, "head_morning_meeting")
        await routine(pilot, HEAD_NO, "head_appearance_check")
        await sign_out(pilot)
        for staff_no, procedure in (("L101", "lobby_opening"), ("S301", "supervisor_sign_on"),
                                    ("C401", "cm_start_of_day"), ("C402", "cm_start_of_day")):
            await sign_in(pilot, staff_no)
            await routine(pilot, staff_no, procedure)
            await sign_out(pilot)


def _approve_the_set_up(db: str) -> None:
    """The set-up's second person, at the command line: the administrator named in the
    center's configuration lists the pending grant and approves it (`staff grants`,
    `staff approve-roles ID`); the head then closes the administrator's account (`staff
    deactivate`): they are not on the center's staff, and an active officer would owe the
    counter's routines."""
    listed = cli(db, "staff", "grants", as_=APPROVER[0])
    found = re.search(r"^\W*(\d+)\W+S301", listed, re.M)
    assert found, listed
    said = cli(db, "staff", "approve-roles", found.group(1), as_=APPROVER[0])
    assert "S301" in said, said
    cli(db, "staff", "deactivate", APPROVER[0], as_=HEAD_NO)


async def _walk_the_morning(db: str, folder: Path) -> None:
    clock = FixedClock(T0)
    s = open_services(db, walk_settings(), clock)
    head = s.auth.login(HEAD_NO, TEST_PIN)
    d = Day(s, clock, s.ctx.today(), {"head": head}, {}, Tally())
    d.at(8, 20)
    one_time = await _head_adds_the_staff(s)
    assert [g.staff_no for g in s.staff.grants(head)] == ["S301"]  # waits for a second person
    assert next(iter(one_time)) == APPROVER[0]
    await _each_chooses_a_pin(s, one_time, db)
    assert not s.staff.grants(head)
    # the book, imported by the head at the command line (`wealthtui clients import`)
    said = cli(db, "clients", "import", str(book_file(d.day, folder / "book.csv")),
               as_=HEAD_NO)
    assert t("client_import.cli.summary", read=4, imported=4, rejected=0, batches=1) in said, said
    await _roster_and_routines(s, d)
    s.ctx.engine.dispose()


@functools.cache
def _morning_folder(base: Path) -> Path:
    """The morning's folder, walked once for the whole run: under the run's temp root shared by
    the xdist workers (the first to take the lock walks it, the others wait and copy it)."""
    import asyncio

    root = shared_root(base)
    folder = root / "day-morning"
    with open(root / "day-morning.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / "walked").exists():
            return folder
        shutil.rmtree(folder, ignore_errors=True)  # what a failed walk left
        folder.mkdir(parents=True)
        with config_at(folder / "config.toml"):  # init writes the audit key beside it
            db = str(folder / "center.db")
            init_center(db)
            with open(folder / "config.toml", "a", encoding="utf-8") as fh:
                fh.write(f'[insiders]\nadministrators = ["{APPROVER[0]}"]\n')
            asyncio.run(_walk_the_morning(db, folder))
        (folder / "walked").touch()
    return folder


def copy_morning(base: Path, into: Path) -> str:
    """A copy of the morning's center (walked once for the run, see `_morning_folder`; `base`:
    the worker's pytest base temp folder) in `into`, whose config.toml (and audit key)
    WEALTHTUI_CONFIG must then name; returns the database path."""
    folder = _morning_folder(base)
    shutil.copytree(folder, into, dirs_exist_ok=True)
    return str(into / "center.db")


def morning_day(db: str, settings: Settings) -> Day:
    """The copied center's services at 08:45 of the walked day, everyone signed in."""
    clock = FixedClock(T0)
    s = open_services(db, settings, clock)
    head = s.auth.login(HEAD_NO, TEST_PIN)
    d = Day(s, clock, s.ctx.today(), {"head": head}, {}, Tally(),
            checklists_done=MORNING_ROUTINES)
    for no, _name, _roles in STAFF:
        d.people[no] = s.auth.login(no, TEST_PIN)
    for r in client_rows(d.day):
        (card,) = s.lookup.search(head, r.name)
        d.clients[r.name] = card.id
    d.at(8, 45)
    return d
