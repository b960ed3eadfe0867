"""End to end in a web browser: `wealthtui serve` (textual-serve) driven by headless Chromium.

A demo center is built with the installed `wealthtui demo`; `wealthtui serve --mode lobby` and
`wealthtui serve --mode display` listen on free loopback ports. In one page the lobby manager
signs in (keys only, as at the kiosk) and issues a walk-in a ticket; a teller calls it (through
the services, as a counter terminal would); the calling board, open in a second page, shows the
ticket and the counter in large characters.

The screen is read from xterm.js's own buffer (the terminal emulator textual-serve uses in the
page), so wide CJK characters are read as the browser lays them out. Debian's `chromium` is
driven by Playwright's Python client; no browser is downloaded (`playwright install` is never
needed). Skipped only when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, sync_playwright
from rich.cells import cell_len
from sqlmodel import Session, col, select
from textual.renderables.digits import DIGITS, DIGITS3X3_BOLD

from tests.counter_ready import sign_on_ready
from tests.e2e.installed_demo import EXE, BuiltDemo
from wealthtui import i18n
from wealthtui.config import load_settings
from wealthtui.demo.accounts import DEMO_POSTS
from wealthtui.model import Ticket
from wealthtui.services import Services
from wealthtui.store.engine import make_engine
from wealthtui.ui.widgets.lobby_bigtext import letters_block, split

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

#: a guard against hanging forever, not a measurement
TIMEOUT = 120.0

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.is_file(),
                       reason="chromium is not installed (apt-get install chromium)"),
]

# textual-serve's page keeps its terminal in a closure; this exposes it to the test
HOOK_FROM = "const t=new w(e,{ping:r});"
HOOK_TO = HOOK_FROM + "(window.__wtTerminals=window.__wtTerminals||[]).push(t);"
READ_SCREEN = """() => {
  const t = (window.__wtTerminals || [])[0];
  if (!t) return null;
  const b = t.terminal.buffer.active, rows = [];
  for (let y = 0; y < t.terminal.rows; y++) {
    const line = b.getLine(y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return {rows: rows, cursor: [b.cursorX, b.cursorY]};
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, f"wealthtui serve exited with {server.returncode}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"wealthtui serve did not listen on port {port}")


@pytest.fixture
def served(installed_demo: BuiltDemo,
           tmp_path: Path) -> Iterator[tuple[dict[str, str], Path, int, int]]:
    """(environment, database, lobby port, board port): a demo center served twice."""
    env, db = installed_demo.copy_to(tmp_path)
    env["DEMO_ACCOUNTS"] = installed_demo.json_text
    servers: list[subprocess.Popen[bytes]] = []
    ports = []
    try:
        for mode in ("lobby", "display"):
            port = free_port()
            servers.append(subprocess.Popen(
                [str(EXE), "serve", "--mode", mode, "--port", str(port), "--db", str(db)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_for_port(port, servers[-1])
            ports.append(port)
        yield env, db, ports[0], ports[1]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


class Terminal:
    """A page of textual-serve: its screen as text, keys sent to it."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page

        def expose_terminal(route: Route) -> None:
            response = route.fetch()
            body = response.text()
            assert HOOK_FROM in body, "textual-serve's page script changed: update HOOK_FROM"
            route.fulfill(response=response, body=body.replace(HOOK_FROM, HOOK_TO))

        page.route("**/static/js/textual.js", expose_terminal)
        page.route("https://fonts.googleapis.com/**", lambda route: route.abort())
        page.goto(url, wait_until="domcontentloaded")

    def read(self) -> tuple[list[str], tuple[int, int]]:
        state = self.page.evaluate(READ_SCREEN)
        if not state:
            return [], (-1, -1)
        return state["rows"], tuple(state["cursor"])  # type: ignore[return-value]

    def text(self) -> str:
        return "\n".join(self.read()[0])

    def wait_for(self, *texts: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.text()
            if all(t in screen for t in texts):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{texts!r} did not appear; the screen:\n{screen}")

    def wait_for_cursor_move(self, before: tuple[int, int]) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.read()[1] != before:
                return
            time.sleep(0.1)
        raise AssertionError(f"the cursor stayed at {before}; the screen:\n{self.text()}")

    def focus(self) -> None:
        self.page.locator(".textual-terminal").click()

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)


def big_rows(text: str) -> list[str]:
    """The three rows the calling board draws `text` with (BigText: letters, then Digits)."""
    head, rest = split(text)
    rows = letters_block(head).split("\n") if head else ["", "", ""]
    for ch in rest:
        at = DIGITS.index(ch) * 3
        for r in range(3):
            rows[r] += DIGITS3X3_BOLD[at + r].ljust(3)
    return [row.rstrip() for row in rows]


def shows_big(screen: str, text: str) -> bool:
    """Whether the three rows of `text` in large characters are on the screen, one above the
    other at the same column (columns in cells: CJK characters on the line are two wide)."""
    rows, lines = big_rows(text), screen.split("\n")

    def columns(line: str, row: str) -> set[int]:
        found, x = set(), line.find(row)
        while x >= 0:
            found.add(cell_len(line[:x]))
            x = line.find(row, x + 1)
        return found

    return any(columns(lines[y], rows[0]) & columns(lines[y + 1], rows[1])
               & columns(lines[y + 2], rows[2]) for y in range(len(lines) - 2))


def test_lobby_ticket_reaches_the_calling_board_in_a_browser(
        served: tuple[dict[str, str], Path, int, int], tmp_path: Path) -> None:
    env, db, lobby_port, board_port = served
    zh = i18n.catalog("zh_CN")
    accounts = json.loads(env["DEMO_ACCOUNTS"])
    manager = next(a for a in accounts if "lobby_manager" in a["roles"])
    pins = {a["staff_no"]: a["pin"] for a in accounts}

    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 800})
        try:
            # the kiosk: the lobby manager signs in and gives a walk-in a ticket
            kiosk = Terminal(browser.new_page(), f"http://127.0.0.1:{lobby_port}/")
            kiosk.wait_for(zh["login.hint"])
            kiosk.focus()
            before = kiosk.read()[1]
            kiosk.type(manager["staff_no"])
            kiosk.wait_for_cursor_move(before)
            in_staff_no = kiosk.read()[1]
            kiosk.press("Enter")
            kiosk.wait_for_cursor_move(in_staff_no)  # on to the PIN
            kiosk.type(manager["pin"])
            kiosk.press("Enter")
            kiosk.wait_for(f"{manager['name']}（{manager['staff_no']}）",
                           zh["lobby.lookup.placeholder"][:6])
            kiosk.press("F3")
            kiosk.wait_for(zh["client_card.walk_in"])
            kiosk.press("F6")

            settings = load_settings(environ=env)
            services = Services(make_engine(str(db)), settings)
            today = services.ctx.today()
            deadline = time.monotonic() + TIMEOUT
            ticket = None
            while ticket is None and time.monotonic() < deadline:
                with Session(services.ctx.engine) as s:
                    ticket = s.exec(select(Ticket).where(Ticket.business_date == today)
                                    .order_by(col(Ticket.id).desc())).first()
                time.sleep(0.2)
            assert ticket is not None, f"no ticket was issued; the kiosk:\n{kiosk.text()}"
            kiosk.wait_for(ticket.display_no)  # the kiosk confirms the number it issued

            # the calling board, in a second page: waiting, then called to a counter
            board = Terminal(browser.new_page(), f"http://127.0.0.1:{board_port}/")
            board.wait_for(zh["display.now_calling"])
            counter_no = next(no for no in DEMO_POSTS
                              if ticket.category in settings.counter_cfg(no).categories)
            teller_no = DEMO_POSTS[counter_no]
            teller = services.auth.login(teller_no, pins[teller_no])
            sign_on_ready(services, teller, counter_no, "50000"
                          if settings.counter_cfg(counter_no).kind == "cash" else "")
            called = services.queue.call_next(teller, counter_no)
            assert called is not None and called.display_no == ticket.display_no

            deadline = time.monotonic() + TIMEOUT
            screen = board.text()
            while not (shows_big(screen, ticket.display_no) and shows_big(screen, counter_no)):
                assert time.monotonic() < deadline, (
                    f"{ticket.display_no} at {counter_no} is not on the calling board:\n{screen}")
                time.sleep(0.2)
                screen = board.text()
            assert manager["name"] not in screen  # numbers only on the board
        finally:
            browser.close()
