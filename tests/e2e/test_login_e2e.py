"""End to end: the INSTALLED `wealthtui` console script in a real terminal (tmux, 120x40):
sign in to a demo center, see the role screen, quit with confirmation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.tmux import TmuxSession, tmux_available
from wealthtui import i18n

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed (apt-get install tmux)"),
]

EXE = Path(sys.executable).parent / "wealthtui"
HEAD_PIN = "246810"


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


def has_demo_command(env: dict[str, str]) -> bool:
    result = subprocess.run([str(EXE), "--help"], capture_output=True, text=True, env=env,
                            timeout=60, check=False)
    return result.returncode == 0 and " demo " in f" {result.stdout} "


def build_center(db: Path, env: dict[str, str]) -> tuple[str, str, str]:
    """A center to sign in to: `wealthtui demo` when the CLI has it, otherwise a head account
    made through the services. Returns (staff number, PIN, name) of a head."""
    if has_demo_command(env):
        result = subprocess.run([str(EXE), "demo", "--db", str(db), "--json"],
                                capture_output=True, text=True, env=env, timeout=300, check=False)
        assert result.returncode == 0, result.stderr
        accounts = json.loads(result.stdout[result.stdout.index("["):])
        head = next(a for a in accounts if "head" in a["roles"])
        return str(head["staff_no"]), str(head["pin"]), str(head["name"])
    from wealthtui.config import load_settings
    from wealthtui.services import Services
    from wealthtui.store import schema
    from wealthtui.store.engine import make_engine

    engine = make_engine(str(db))
    schema.upgrade(engine)
    Services(engine, load_settings(environ=env)).staff.bootstrap_head("H001", "王主任", HEAD_PIN)
    engine.dispose()
    return "H001", HEAD_PIN, "王主任"


def test_installed_app_signs_in_and_quits(tmp_path: Path):
    assert EXE.is_file(), f"the console script is not installed at {EXE} (pip install -e .)"
    env = clean_env(tmp_path)
    db = tmp_path / "center.db"
    staff_no, pin, name = build_center(db, env)
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
        # the signed-in screen, whole (a demo center's sign-in screen lists the demo PINs)
        screen = tm.wait_for(f"{name}（{staff_no}）", without=zh["login.hint"])
        assert pin not in screen  # the PIN was never echoed
        tm.press("C-q")
        tm.wait_for(zh["app.quit_confirm"])
        tm.press("Escape")  # No: the app stays
        tm.wait_for(f"{name}（{staff_no}）")
        assert tm.exit_status() is None
        tm.press("C-q")
        tm.wait_for(zh["app.quit_confirm"])
        tm.press("Enter")
        assert tm.wait_for_exit(timeout=120) == 0
