"""End to end: the INSTALLED `wealthtui` console script in a real terminal (tmux, 120x40):
sign in to a demo center, see the role screen, quit with confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.installed_demo import EXE, BuiltDemo
from tests.e2e.tmux import TmuxSession, tmux_available
from wealthtui import i18n

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed (apt-get install tmux)"),
]



def test_installed_app_signs_in_and_quits(installed_demo: BuiltDemo, tmp_path: Path):
    env, db = installed_demo.copy_to(tmp_path)
    head = next(a for a in installed_demo.accounts if "head" in a["roles"])
    staff_no, pin, name = str(head["staff_no"]), str(head["pin"]), str(head["name"])
    zh = i18n.catalog("zh_CN")
    with TmuxSession([str(EXE), "--db", str(db)], env=env, width=120, height=40) as tm:
        tm.wait_for(zh["login.hint"])
        # keys typed faster than the app moves the focus would land in the previous field:
        # follow the cursor (Textual puts it at the focused input's caret) between fields
        before = tm.cursor()
        tm.type(staff_no)
        tm.wait_for_cursor_move(before)
        in_staff_no = tm.cursor()
        tm.press("Enter")
        tm.wait_for_cursor_move(in_staff_no)
        tm.type(pin)
        tm.press("Enter")
        # the signed-in screen, whole: a demo center's sign-in screen lists the demo PINs, and
        # tmux can show a frame half drawn over the one before, so wait until the PIN is gone;
        # a PIN echoed on the signed-in screen never goes, and the wait fails
        screen = tm.wait_for(f"{name}（{staff_no}）", without=pin)
        assert zh["login.hint"] not in screen and pin not in screen
        tm.press("C-q")
        tm.wait_for(zh["app.quit_confirm"])
        tm.press("Escape")  # No: the app stays
        tm.wait_for(f"{name}（{staff_no}）")
        assert tm.exit_status() is None
        tm.press("C-q")
        tm.wait_for(zh["app.quit_confirm"])
        tm.press("Enter")
        assert tm.wait_for_exit(timeout=120) == 0
