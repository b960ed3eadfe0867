"""End to end: the lobby manager's flow on the INSTALLED `wealthtui` in a real terminal (tmux,
80x24): sign in, find a premium client by pinyin initials, issue the ticket, divert an ordinary
client to self-service, serve and register a walk-in — keys only. Then the CM signs in (120x40)
and sees the arrival in the inbox, and `wealthtui display` shows the call on the calling board."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.counter_ready import sign_on_ready
from tests.e2e.tmux import TmuxSession, tmux_available
from tests.lobby_data import add_client, id_no
from tests.staffing import add_staff
from wealthtui import i18n
from wealthtui.config import load_settings
from wealthtui.services import Services
from wealthtui.store import schema
from wealthtui.store.engine import make_engine

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed (apt-get install tmux)"),
]

EXE = Path(sys.executable).parent / "wealthtui"
PIN = "135790"


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEALTHTUI_")}
    env.update({
        "WEALTHTUI_CONFIG": str(tmp_path / "no-config.toml"),
        "WEALTHTUI_DATA_DIR": str(tmp_path / "data"),
        "WEALTHTUI_LANG": "zh_CN",
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    })
    return env


def build_center(db: Path, env: dict[str, str]) -> Services:
    """A small center on the real clock: a head, the lobby manager, a CM who is in today, a
    non-cash teller signed on to counter 03 (it calls the premium lane V first), a premium client of that CM and an ordinary client."""
    engine = make_engine(str(db))
    schema.upgrade(engine)
    services = Services(engine, load_settings(environ=env))
    services.staff.bootstrap_head("H001", "王主任", PIN)
    head = services.auth.login("H001", PIN)
    for staff_no, name, role in (("L001", "黄磊", "lobby_manager"), ("C001", "徐慧", "wealth_cm"),
                                 ("T001", "刘洋", "non_cash_teller")):
        add_staff(services, head, staff_no, name, [role], PIN)
    cm = services.auth.login("C001", PIN)
    teller = services.auth.login("T001", PIN)
    services.roster.all_in(head)  # everyone is in today (the head's roster)
    sign_on_ready(services, teller, "03")  # the teller's sign-on with its checklist
    add_client(engine, "李美霞", seq=1, tier="premium", title="女士", cm_id=cm.staff_id)
    add_client(engine, "王诗怡", seq=2, phone="19112345932", title="女士")
    return services


def sign_in(tm: TmuxSession, staff_no: str, name: str) -> str:
    tm.wait_for(i18n.catalog("zh_CN")["login.hint"])
    before = tm.cursor()
    tm.type(staff_no)
    tm.wait_for_cursor_move(before)
    in_staff_no = tm.cursor()
    tm.press("Enter")
    tm.wait_for_cursor_move(in_staff_no)
    tm.type(PIN)
    tm.press("Enter")
    return tm.wait_for(f"{name}（{staff_no}）")


def test_lobby_flow_in_the_installed_app(tmp_path: Path) -> None:
    assert EXE.is_file(), f"the console script is not installed at {EXE} (pip install -e .)"
    env = clean_env(tmp_path)
    db = tmp_path / "center.db"
    services = build_center(db, env)
    zh = i18n.catalog("zh_CN")
    with TmuxSession([str(EXE), "--db", str(db)], env=env, width=80, height=24) as tm:
        sign_in(tm, "L001", "黄磊")
        tm.wait_for(zh["lobby.lookup.placeholder"][:6])
        # a premium client found by pinyin initials: the CM is told at once
        tm.type("lmx")
        tm.wait_for("李美霞女士")
        tm.press("Enter")
        tm.wait_for("专属客户经理：徐慧")
        tm.press("F6")
        screen = tm.wait_for("V001")
        assert "╻ ╻" in screen  # the ticket in large digits
        # an ordinary client by mobile, sent to self-service
        tm.press("F2")
        tm.wait_for(zh["lobby.lookup.placeholder"][:6])  # cleared and focused: type now
        tm.type("19112345932")
        tm.wait_for("王诗怡女士")
        tm.press("Enter")
        tm.wait_for("无专属客户经理")
        tm.press("F7")
        tm.wait_for("分流 1")
        # a walk-in: ticket first, then quick registration
        tm.press("F2")
        tm.press("F3")
        tm.wait_for(zh["client_card.walk_in"])
        tm.press("F6")
        tm.wait_for("B001")
        before = tm.cursor()
        tm.press("F4")
        tm.wait_for(zh["lobby.register.title"])
        tm.wait_for_cursor_move(before)  # the name field has the focus
        tm.type("Chen Jing")
        tm.wait_for("Chen Jing")
        before = tm.cursor()
        tm.press("Enter")  # on to the ID number (the resident ID card stays chosen)
        tm.wait_for_cursor_move(before)
        tm.type(id_no(date(1988, 3, 8), 21))
        tm.press("F2")
        tm.wait_for("Chen Jing   普通客户")  # the walk-in's card now shows the new client
        tm.press("C-q")
        tm.wait_for(zh["app.quit_confirm"])
        tm.press("Enter")
        assert tm.wait_for_exit() == 0

    lobby = services.auth.login("L001", PIN)
    counts = services.lobby.flow_counts(lobby)
    assert (counts.visitors, counts.premium_identified, counts.diversions, counts.tickets) == (
        3, 1, 1, 2)
    walk_in = services.queue.find(lobby, "B001")
    assert walk_in.client_name == "Chen Jing"

    # the CM's inbox has the arrival with its ticket
    with TmuxSession([str(EXE), "--db", str(db)], env=env, width=120, height=40) as tm:
        sign_in(tm, "C001", "徐慧")
        tm.press("F9")  # the inbox
        screen = tm.wait_for("李美霞")
        assert zh["handoff.kind.premium_arrival"] in screen and "V001" in screen
        tm.press("C-q")
        tm.wait_for(zh["app.quit_confirm"])
        tm.press("Enter")
        assert tm.wait_for_exit() == 0

    # the calling board shows the call, no names, without signing in
    teller = services.auth.login("T001", PIN)
    called = services.queue.call_next(teller, "03")
    assert called.display_no == "V001"
    with TmuxSession([str(EXE), "display", "--db", str(db)], env=env, width=80,
                     height=24) as tm:
        # the first frame comes before the board is read (issue 22): wait for the call itself
        screen = tm.wait_for("┗┳┛")  # V in large letters
        assert zh["display.go_to"] in screen
        assert "李美霞" not in screen and "刘洋" not in screen
        tm.press("C-q")
        assert tm.wait_for_exit() == 0
