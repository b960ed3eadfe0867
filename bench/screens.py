"""What the staff feel on a big, busy center (issue 22), each a child process of the benchmark:

    python bench/screens.py fill   --db DB --visits N   today's visits, through the services
    python bench/screens.py opens  --db DB              every role screen and tab
    python bench/screens.py keys   --db DB [--floor]    lobby keystroke → results on screen
    python bench/screens.py writer --db DB [--every S]  a walk-in saved every S seconds

- **fill**: the generated center's today is open and empty; the lobby manager records N walk-ins
  and known clients through the services (each guided to a ticket), so the lobby's board has a
  busy day to read (the history days are closed).
- **opens**: the real app (`wealthtui --db DB`, headless 120×40, as bench/app_probe.py runs it)
  signs in as each role's demo staff member and then switches every tab: the time from the
  last key (Enter on the PIN, or the tab's F-key) until every service call it started has been
  answered and the next frame is drawn — the content shown, not only the layout.
- **keys**: the lobby manager types look-ups a key at a time (THINK seconds after each key's
  results); a key's time runs from the key until the results list answers exactly the text
  typed and a frame is drawn (`_key_to_results`: not Pilot.press, which waits for the whole
  process to be idle and so charged each key with the app's background threads). `--floor`: the
  floor app instead — a plain Textual Input and OptionList whose change handler runs the same
  SQL statements the look-up service sent for that text (recorded first, bench/stats.py),
  replayed on a raw sqlite3 or psycopg connection in a thread (off the event loop, as ours).
- **writer**: another terminal saving: a walk-in every S seconds through the services, until
  killed; the app notices at its next change-marker poll (`ui.refresh_seconds`).

Each prints one JSON line on stdout: {"rows": [[what, seconds], ...]}.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: the role screens: (label, staff number, PIN); the CM is a demo CM of the largest books
ROLES = (("lobby", "8031", "246831"), ("counter_cash", "8011", "246811"),
         ("counter_non_cash", "8021", "246821"), ("supervisor", "8002", "246802"),
         ("cm", "8041", "246841"), ("head", "8001", "246801"))
#: what the lobby manager types: (text typed a key at a time) — names, pinyin, initials, tails
TYPED = ("zhangwei", "wangfang", "lxm", "chenjing", "liuyang", "zs1234", "huanglei", "zhao")
#: a key whose results have not come after this long is counted at this time (and named)
KEY_GIVE_UP = 30.0


def emit(rows: list[tuple[str, float]], **extra: Any) -> None:
    sys.stdout.write(json.dumps({"rows": rows, **extra}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _settings() -> Any:
    from wealthtui.config import load_settings

    return load_settings()


def services_for(db: str) -> Any:
    from wealthtui.services import Services
    from wealthtui.store.engine import make_engine

    return Services(make_engine(db), _settings())


# --- fill and writer ----------------------------------------------------------------------------
def fill(db: str, visits: int) -> None:
    services = services_for(db)
    lobby = services.auth.login("8031", "246831")
    rng = random.Random(22)
    with services.ctx.engine.connect() as conn:
        top = conn.exec_driver_sql("SELECT max(id) FROM client").scalar() or 1
    started = time.perf_counter()
    for n in range(visits):
        client = rng.randrange(1, top + 1) if rng.random() < 0.7 else None
        try:
            visit = services.lobby.arrive(lobby, client_id=client)
            services.lobby.guide(lobby, visit.id, business=rng.choice(("cash", "non_cash")))
        except Exception as exc:  # noqa: BLE001 - a lane's numbers may run out: go on
            if n == 0:
                raise SystemExit(f"fill: {exc!r}") from exc
    emit([("fill", time.perf_counter() - started)], visits=visits)


def writer(db: str, every: float) -> None:
    services = services_for(db)
    lobby = services.auth.login("8032", "246832")  # the lobby assistant, another terminal
    sys.stdout.write("WRITING\n")
    sys.stdout.flush()
    while True:
        services.lobby.arrive(lobby)
        time.sleep(every)


# --- the real app ---------------------------------------------------------------------------------
#: the longest a screen is waited for (a busy store with a writer may never be quiet)
SETTLE_MAX = 60.0


async def _settle(p: Any) -> None:
    """Every service call started so far answered, and a frame drawn. While another process
    writes every 2 s the app's change-marker polls keep starting reloads, so this waits at most
    SETTLE_MAX (a screen's open time is measured without a writer)."""
    import asyncio

    try:
        await asyncio.wait_for(p.app.calls_settled(), SETTLE_MAX)
    except TimeoutError:
        return
    await p.pause()
    await p.app.calls_settled()


async def _sign_in(p: Any, staff_no: str, pin: str) -> float:
    from textual.widgets import Input

    from wealthtui.ui.screens.login import LoginScreen

    while not (isinstance(p.app.screen, LoginScreen) and isinstance(p.app.focused, Input)):
        await p.pause()
    await p.press(*staff_no, "enter")
    await p.pause()
    await p.press(*pin)
    started = time.perf_counter()
    await p.press("enter")
    for _ in range(6000):  # the role screen (or what it opens first: the supervisor's counters)
        if not isinstance(p.app.screen, LoginScreen) and p.app.actor is not None:
            break
        await p.pause(0.01)
    else:
        raise SystemExit(f"{staff_no} could not sign in")
    await _settle(p)
    return time.perf_counter() - started


async def _sign_out(p: Any) -> None:
    from wealthtui.ui.screens.login import LoginScreen

    p.app.sign_out()
    for _ in range(6000):
        if isinstance(p.app.screen, LoginScreen):
            return
        await p.pause(0.01)


def _tabs(screen: Any) -> list[tuple[str, str]]:
    """(tab, key) of a tabbed role screen, in order."""
    module = sys.modules[type(screen).__module__]
    keys = getattr(module, "TAB_KEYS", None)
    return [(tab, key.lower()) for tab, key in keys.items()] if keys else []


async def _opens(p: Any) -> None:
    rows: list[tuple[str, float]] = []
    for label, staff_no, pin in ROLES:
        rows.append((f"{label}: sign-in → screen", await _sign_in(p, staff_no, pin)))
        tabs = _tabs(p.app.screen)
        for tab, key in [*tabs[1:], *tabs[:1]]:  # the first is open already: come back to it
            started = time.perf_counter()
            await p.press(key)
            await _settle(p)
            rows.append((f"{label}: tab {tab}", time.perf_counter() - started))
        await _sign_out(p)
    emit(rows)
    os._exit(0)


#: the typist's pause after a key's results show, before the next key (seconds)
THINK = 0.05


async def _key_to_results(p: Any, key: str, answered: Any) -> float:
    """Seconds from `key` sent to the app (as Pilot sends it: a Key event through the driver)
    until `answered()` and a frame drawn with it. Pilot.press is not used: it returns only once
    the whole process is idle (Textual's wait_for_idle compares process CPU time with the
    clock), so every key counted the CPU of whatever ran in the app's threads meanwhile — a
    board reload after another terminal's write went on in a thread well after the results
    were on screen, and the key was charged with it; the floor app has no such threads."""
    import asyncio

    from textual import events

    started = time.perf_counter()
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(p.app)
    p.app._driver.send_message(event)
    while not answered() and time.perf_counter() - started < KEY_GIVE_UP:
        await asyncio.sleep(0.001)
    p.app.screen._on_timer_update()  # the frame with the results, drawn now
    took = time.perf_counter() - started
    await asyncio.sleep(THINK)
    return took


async def _keys(p: Any) -> None:
    from textual.widgets import Input

    from wealthtui.ui.screens.lobby import LobbyScreen

    await _sign_in(p, "8031", "246831")
    for _ in range(6000):
        if isinstance(p.app.screen, LobbyScreen):
            break
        await p.pause(0.01)
    screen = p.app.screen
    if not isinstance(screen, LobbyScreen):
        raise SystemExit(f"the lobby did not open: {type(screen).__name__}")
    lookup = screen.query_one("#lookup", Input)
    rows: list[tuple[str, float]] = []
    for text in TYPED:
        lookup.value = ""
        await _settle(p)
        for i, key in enumerate(text):
            want = text[: i + 1]
            rows.append((want, await _key_to_results(
                p, key, lambda want=want: screen.results_text == want)))
    emit(rows, gave_up=[w for w, s in rows if s >= KEY_GIVE_UP])
    os._exit(0)


def run_app(db: str, pilot: Any) -> None:
    from textual.app import App

    original = App.run

    def headless_run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return original(self, headless=True, size=(120, 40), auto_pilot=pilot)

    App.run = headless_run  # type: ignore[method-assign]
    sys.argv = ["wealthtui", "--db", db]
    from wealthtui.launch import main

    main()


# --- the floor app --------------------------------------------------------------------------------
def record_lookups(db: str) -> dict[str, list[tuple[str, Any]]]:
    """The statements `lookup.search` sends for every prefix of TYPED, by prefix."""
    from stats import captured_sql

    services = services_for(db)
    lobby = services.auth.login("8031", "246831")
    out: dict[str, list[tuple[str, Any]]] = {}
    for text in TYPED:
        for i in range(1, len(text) + 1):
            want = text[:i]
            with captured_sql(services.ctx.engine) as sent:
                services.lookup.search(lobby, want)
            out[want] = [(sql, params) for sql, params in sent
                         if sql.lstrip().upper().startswith(("SELECT", "WITH"))
                         and "staff" not in sql.split("FROM", 1)[-1][:20]]
    services.ctx.engine.dispose()
    return out


def _raw_connect(db: str) -> Any:
    if "://" in db:
        import psycopg

        url = db.replace("postgresql+psycopg://", "postgresql://")
        return psycopg.connect(url, autocommit=True)
    import sqlite3

    return sqlite3.connect(db, check_same_thread=False)


def floor_keys(db: str) -> None:
    from textual import work
    from textual.app import App, ComposeResult
    from textual.widgets import Input, OptionList

    statements = record_lookups(db)
    conn = _raw_connect(db)

    class Floor(App[None]):
        answered = ""

        def compose(self) -> ComposeResult:
            yield Input(id="lookup")
            yield OptionList(id="results")

        def on_input_changed(self, event: Input.Changed) -> None:
            self.search(event.value)

        @work(thread=True, exclusive=True, group="look-up")
        def search(self, text: str) -> None:
            rows: list[Any] = []
            for sql, params in statements.get(text, []):
                cur = conn.cursor()
                cur.execute(sql, params or ())
                rows += cur.fetchall()
            self.call_from_thread(self.show, text, rows)

        def show(self, text: str, rows: list[Any]) -> None:
            if text != self.query_one(Input).value:
                return  # the last request wins
            results = self.query_one(OptionList)
            results.clear_options()
            results.add_options([str(r[1]) if len(r) > 1 else str(r[0]) for r in rows[:20]])
            self.answered = text

    async def pilot(p: Any) -> None:
        app = p.app
        while not app.query("#lookup"):
            await p.pause()
        lookup = app.query_one(Input)
        rows: list[tuple[str, float]] = []
        for text in TYPED:
            lookup.value = ""
            await p.pause()
            for i, key in enumerate(text):
                want = text[: i + 1]
                rows.append((want, await _key_to_results(
                    p, key, lambda want=want: app.answered == want)))
        emit(rows)
        os._exit(0)

    Floor().run(headless=True, size=(120, 40), auto_pilot=pilot)


def main() -> None:
    kind = sys.argv[1]
    db = sys.argv[sys.argv.index("--db") + 1]
    if kind == "fill":
        fill(db, int(sys.argv[sys.argv.index("--visits") + 1]))
        return
    if kind == "writer":
        writer(db, float(sys.argv[sys.argv.index("--every") + 1]) if "--every" in sys.argv
               else 2.0)
    elif kind == "opens":
        run_app(db, _opens)
    elif kind == "keys" and "--floor" in sys.argv:
        floor_keys(db)
    elif kind == "keys":
        run_app(db, _keys)
    else:
        raise SystemExit(__doc__)
    raise SystemExit("the probe ended without reaching its end")


if __name__ == "__main__":
    main()
