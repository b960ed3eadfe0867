"""End to end (issue 19, "Done when"): in a real terminal at 80×24 the lobby manager opens the
complaint form (F8) and types into 投诉人姓名, 联系手机 and 客户诉求; each character shows in the
focused one-line field as it is typed (the fault was a focused field drawing only its border
lines, the text appearing after Tab)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.e2e.test_lobby_tmux import EXE, PIN, clean_env, sign_in
from tests.e2e.tmux import DEFAULT_TIMEOUT, TmuxSession, TmuxTimeout, tmux_available
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

#: Tab presses allowed to reach a field from the one before (a guard, not a count asserted)
MAX_TABS = 20


def _field_at(screen: str, label: str) -> tuple[int, int] | None:
    """Where the empty one-line input under `label` starts (FormField: label, input, error
    line): the row below the label, the label's column (in cells)."""
    for row, line in enumerate(screen.splitlines()):
        if label in line:
            return cell_len(line[:line.index(label)]), row + 1
    return None


def tab(tm: TmuxSession, timeout: float = 2.0) -> None:
    """Press Tab and wait until the screen shows the move and then holds still: keys sent
    before the app has answered would pile up and overshoot the field. A focus that shows
    only in colour (a list, a drop-down; tmux's text has none) changes no text: after
    `timeout` the next Tab goes on (focus_field stops after MAX_TABS)."""
    before = tm.capture(), tm.cursor()
    tm.press("Tab")
    deadline = time.monotonic() + timeout
    while (tm.capture(), tm.cursor()) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    tm.wait_for_cursor_still()


def focus_field(tm: TmuxSession, label: str) -> int:
    """Tab until the terminal cursor stands in the empty input under `label`; returns its row."""
    tm.wait_for_cursor_still()
    for _ in range(MAX_TABS):
        at = _field_at(tm.capture(), label)
        if at is not None and abs(tm.cursor()[0] - at[0]) <= 1 and tm.cursor()[1] == at[1]:
            return at[1]
        tab(tm)
    raise TmuxTimeout(f"no focus reached {label!r}; the screen shows:\n{tm.capture()}")


def row_shows(tm: TmuxSession, row: int, text: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Poll until the screen's `row` shows `text` (the text may be elsewhere on the screen too:
    a staff member's name in the list below)."""
    deadline = time.monotonic() + timeout
    line = ""
    while time.monotonic() < deadline:
        line = tm.capture().splitlines()[row]
        if text in line:
            return
        time.sleep(0.05)
    raise TmuxTimeout(f"after {text!r} the field's row shows {line!r}:\n{tm.capture()}")


def type_and_see(tm: TmuxSession, row: int, text: str) -> None:
    """Type `text` one character at a time; after each, the focused field's row shows all that
    was typed so far."""
    for n in range(1, len(text) + 1):
        tm.type(text[n - 1])
        row_shows(tm, row, text[:n])


def test_each_character_shows_as_it_is_typed_into_the_complaint_form(tmp_path: Path) -> None:
    assert EXE.is_file(), f"the console script is not installed at {EXE} (pip install -e .)"
    env = clean_env(tmp_path)
    db = tmp_path / "center.db"
    engine = make_engine(str(db))
    schema.upgrade(engine)
    services = Services(engine, load_settings(environ=env))
    services.staff.bootstrap_head("H001", "王主任", PIN)
    add_staff(services, services.auth.login("H001", PIN), "L001", "黄磊", ["lobby_manager"], PIN)
    engine.dispose()
    zh = i18n.catalog("zh_CN")
    with TmuxSession([str(EXE), "--db", str(db)], env=env, width=80, height=24) as tm:
        sign_in(tm, "L001", "黄磊")
        tm.wait_for(zh["lobby.lookup.placeholder"][:6])
        tm.press("F8")
        tm.wait_for(zh["complaint.intake.title"])
        for label, text in ((zh["field.complaint.name"], "王女士"),
                            (zh["field.complaint.phone"], "13912345678"),
                            (zh["field.complaint.requested_remedy"], "退还多收的年费")):
            row = focus_field(tm, label)
            type_and_see(tm, row, text)
        tm.press("Escape")
        tm.wait_for(zh["lobby.lookup.placeholder"][:6], without=zh["complaint.intake.title"])
        tm.press("C-q")
        tm.wait_for(zh["app.quit_confirm"])
        tm.press("Enter")
        assert tm.wait_for_exit() == 0
