"""Faults under a running workstation (issue 15, item 6): a full disk and the database deleted or
moved while the app runs give one translated sentence, the app keeps running and carries on
once the fault is gone, and nothing of the failed call was written (its rows and its audit event
are absent, the chain verifies). Scripted callers get one translated line and a non-zero exit,
never a raw OperationalError.

The full disk is real: a small tmpfs mounted for the test (root only; skipped elsewhere — the
store tests make the same fault with `PRAGMA max_page_count`), filled to the last byte.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tests.conftest import FAST_PIN_HASH, TEST_PIN
from tests.ui.helpers import make_app, settle, sign_in
from wealthtui.config import Settings
from wealthtui.i18n import t
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Actor, Services
from wealthtui.services.audit import verify_engine
from wealthtui.store.engine import make_engine
from wealthtui.ui.screens.base import RoleScreen

EXE = Path(sys.executable).parent / "wealthtui"


# --- a small disk ----------------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs, unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    """Fill `disk` to the last byte; returns the file that holds the space."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (1 << 16, 4096, 512, 1):
            block = b"\0" * chunk
            while True:
                try:
                    os.write(fd, block)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    return filler


def on_disk(db_path: Path, disk: Path) -> Path:
    """The test's database copied onto `disk` (self-contained: no -wal beside it)."""
    target = disk / "center.db"
    shutil.copyfile(db_path, target)
    return target


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def notifications(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


def handoff_to(services: Services, head: Actor, make_staff: Any) -> int:
    sender = make_staff("lobby_manager", staff_no="L01", name="赵大堂")
    return services.handoffs.create(sender, kind="premium_arrival", to_staff_id=head.staff_id,
                                    note="贵宾到店").id


async def accept_first(pilot: Any) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, RoleScreen) and screen.inbox is not None
    if not (pilot.app.focused and screen.inbox in pilot.app.focused.ancestors_with_self):
        await pilot.press("f9")
        await settle(pilot)
    await pilot.press("enter", "f2")  # the hand-off dialog: F2 accepts
    await settle(pilot)


# --- the full disk under the app -------------------------------------------------------------------
async def test_a_full_disk_under_the_app_is_a_sentence_and_the_app_carries_on(
        services: Services, head: Actor, make_staff: Any, db_path: Path, small_disk: Path,
        settings: Settings, clock: FixedClock) -> None:
    handoff = handoff_to(services, head, make_staff)
    services.ctx.engine.dispose()
    db = on_disk(db_path, small_disk)
    app_services = Services(make_engine(str(db)), settings, clock)
    app = make_app(app_services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "H001")
        events_before = rows(db, "SELECT count(*), max(id) FROM audit_event")
        filler = fill(small_disk)
        app.clear_notifications()
        await accept_first(pilot)
        assert t("error.store.full") in notifications(app)
        assert app.is_running and isinstance(app.screen, RoleScreen)
        # nothing of the accept was written: the hand-off is open, no event was appended
        assert rows(db, f"SELECT status FROM handoff WHERE id = {handoff}") == [("open",)]
        assert rows(db, "SELECT count(*), max(id) FROM audit_event") == events_before
        # space again: the same key does it
        filler.unlink()
        await accept_first(pilot)
        assert rows(db, f"SELECT status FROM handoff WHERE id = {handoff}") == [("accepted",)]
        assert rows(db, "SELECT action FROM audit_event ORDER BY id DESC LIMIT 1") == [
            ("handoff.accept",)]
    app_services.ctx.engine.dispose()
    assert verify_engine(make_engine(str(db))).ok


def test_a_full_disk_under_a_command_is_one_line(db_path: Path, small_disk: Path,
                                                 services: Services, head: Actor,
                                                 tmp_path: Path) -> None:
    """`wealthtui staff list --as H001` signs in (an audited write) on a full disk."""
    services.ctx.engine.dispose()
    db = on_disk(db_path, small_disk)
    events_before = rows(db, "SELECT count(*), max(id) FROM audit_event")
    fill(small_disk)
    config = tmp_path / "config.toml"
    config.write_text("[security]\n" + "".join(f"{k} = {v}\n" for k, v in FAST_PIN_HASH.items()))
    env = {**os.environ, "WEALTHTUI_PIN": TEST_PIN, "WEALTHTUI_CONFIG": str(config),
           "WEALTHTUI_LANG": "en"}
    env.pop("WEALTHTUI_DEBUG", None)
    done = subprocess.run([str(EXE), "staff", "list", "--as", "H001", "--db", str(db)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "The disk is full: nothing was saved." in lines[0]
    assert "Traceback" not in done.stderr and "OperationalError" not in done.stderr
    assert rows(db, "SELECT count(*), max(id) FROM audit_event") == events_before


# --- the database moved away under the app -------------------------------------------------------
class Unguarded(Screen[None]):
    """A screen whose key calls a service without catching anything (as a reload may)."""

    BINDINGS = [Binding("f5", "roster", "roster")]

    def compose(self) -> Any:
        yield Static("…")

    def action_roster(self) -> None:
        app: Any = self.app
        app.services.staff.roster(app.actor)
        self.query_one(Static).update("ok")


async def test_the_database_moved_under_the_app_is_a_sentence_and_the_app_carries_on(
        services: Services, head: Actor, make_staff: Any, db_path: Path,
        tmp_path: Path) -> None:
    handoff = handoff_to(services, head, make_staff)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "H001")
        events_before = rows(db_path, "SELECT count(*), max(id) FROM audit_event")
        away = tmp_path / "moved-away.db"
        os.rename(db_path, away)
        app.clear_notifications()
        await accept_first(pilot)
        assert t("error.store.missing") in notifications(app)
        assert app.is_running
        # a handler that catches nothing: the sentence, and the screen still takes keys
        await app.push_screen(Unguarded())
        await settle(pilot)
        for _ in range(2):
            app.clear_notifications()
            await pilot.press("f5")
            await settle(pilot)
            assert notifications(app) == [t("error.store.missing")]
        assert app.is_running and isinstance(app.screen, Unguarded)
        assert not db_path.exists()  # no empty database made where it was
        os.rename(away, db_path)
        await pilot.press("f5")
        await settle(pilot)
        assert str(app.screen.query_one(Static).render()) == "ok"
        app.pop_screen()
        await settle(pilot)
        assert rows(db_path, f"SELECT status FROM handoff WHERE id = {handoff}") == [("open",)]
        assert rows(db_path, "SELECT count(*), max(id) FROM audit_event") == events_before
        await accept_first(pilot)
        assert rows(db_path, f"SELECT status FROM handoff WHERE id = {handoff}") == [
            ("accepted",)]
    assert verify_engine(services.ctx.engine).ok
