"""A child process of the benchmark: `python bench/app_probe.py bare|app|display|rss [--db DB]`.

bare / app — one start-up, timed by the parent (bench/startup.py) from spawning this process to
reading READY. Both run Textual headless and end the same way: an auto-pilot waits until the
screen is interactive (bare: its one label is mounted; app: the login screen's staff-number
Input has the focus), lets the screen settle once, prints READY and leaves at once (no tear-down
is measured). So interpreter start, imports, opening the database and the first frame count for
both alike.
- bare: a Textual app that shows one label, the floor any Textual program pays;
- app:  the real command line, `wealthtui --db DB` (Typer, settings, schema check, the demo
        accounts when the center is a demo), with App.run made headless.
- display: `wealthtui display --db DB`, the calling board's first frame (its layout mounted;
        the board itself is read in a thread after it, bench/cli_paths.py).

bare-frame / display-frame / display-data — spawn to a frame drawn, for `wealthtui display`
(bench/cli_paths.py). The pilot's pause above waits until the whole process is idle (Textual's
wait_for_idle compares the process's CPU time with the clock): it counted the board's thread that
imports the data layer after the first frame as part of that frame. These kinds time the frame
itself instead: READY when Textual hands the compositor's update of the screen to the driver
(App._display; headless, the driver writes nowhere) and what is asked for is on it:
- bare-frame:    the bare app's label;
- display-frame: the calling board's layout (its loading line);
- display-data:  the calling board with the first board read from the center on it.

rss — the memory of the running app: `wealthtui --db DB` headless, the lobby manager signs in
(keys typed into the login screen), the lobby screen opens and its first loads are answered, ten
look-ups run through the service; then it prints `RSS <kB> HWM <kB>` (resident now, and the
peak) from /proc/self/status. It needs the center's configuration and audit key (the parent
passes them, bench/startup.py `rss`): a keyed chain without its key refuses every sign-in, and
the probe then ends with the sign-in screen's sentence instead of waiting.
"""

from __future__ import annotations

import os
import sys

LOBBY_MANAGER = ("8031", "246831")  # the demo lobby manager (wealthtui gen keeps the demo staff)
QUERIES = ("zhang", "wangf", "lxm", "张伟", "李s", "6222", "1101", "chen", "刘", "zhao")


def done(line: str = "READY") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    os._exit(0)


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("wealthtui", id="label")

    async def pilot(p) -> None:  # type: ignore[no-untyped-def]
        while not p.app.query("#label"):
            await p.pause()
        await p.pause()
        done()

    Bare().run(headless=True, size=(120, 40), auto_pilot=pilot)


def memory() -> str:
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = rest.split()[0]
    return f"RSS {values['VmRSS']} HWM {values['VmHWM']}"


async def _login_ready(p) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input

    from wealthtui.ui.screens.login import LoginScreen

    while not (isinstance(p.app.screen, LoginScreen) and isinstance(p.app.focused, Input)):
        await p.pause()
    await p.pause()


async def _startup(p) -> None:  # type: ignore[no-untyped-def]
    await _login_ready(p)
    done()


async def _display_ready(p) -> None:  # type: ignore[no-untyped-def]
    while not p.app.query("#now-title"):
        await p.pause()
    await p.pause()
    done()


#: the longest the sign-in is waited for (a loaded machine's first sign-in loads the screens)
SIGN_IN_MAX = 300.0


async def _rss(p) -> None:  # type: ignore[no-untyped-def]
    import time

    from wealthtui.ui.screens.base import RoleScreen
    from wealthtui.ui.screens.login import LoginScreen

    await _login_ready(p)
    staff_no, pin = LOBBY_MANAGER
    await p.press(*staff_no, "enter")
    await p.pause()
    await p.press(*pin, "enter")
    deadline = time.monotonic() + SIGN_IN_MAX
    while not isinstance(p.app.screen, RoleScreen):
        screen = p.app.screen
        if isinstance(screen, LoginScreen) and screen.message.strip():
            # refused (a wrong PIN, a keyed audit chain without its key…): say why, at once
            sys.exit(f"the lobby manager could not sign in: {screen.message.strip()}")
        if time.monotonic() > deadline:
            sys.exit(f"the lobby manager was not signed in after {SIGN_IN_MAX:.0f} s")
        await p.pause(0.05)
    await p.app.calls_settled()  # the screen's first loads answered
    await p.pause()
    for query in QUERIES:
        p.app.services.lookup.search(p.app.actor, query)
    await p.pause()
    done(memory())


def on_frame(ready) -> None:  # type: ignore[no-untyped-def]
    """READY at the first frame handed to the driver on which `ready(app)` holds."""
    from textual.app import App

    original = App._display

    def display(self, screen, renderable):  # type: ignore[no-untyped-def]
        original(self, screen, renderable)
        if renderable is not None and not self._batch_count and ready(self):
            done()

    App._display = display  # type: ignore[method-assign]


def bare_frame() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("wealthtui", id="label")

    on_frame(lambda app: bool(app.query("#label")))
    Bare().run(headless=True, size=(120, 40))


def _board_laid_out(app) -> bool:  # type: ignore[no-untyped-def]
    return bool(app.query("#now-title"))


def _board_read(app) -> bool:  # type: ignore[no-untyped-def]
    return getattr(app, "board", None) is not None


def frame(db: str, ready) -> None:  # type: ignore[no-untyped-def]
    """`wealthtui display --db DB`, headless, READY at the first frame where `ready` holds."""
    from textual.app import App

    original = App.run

    def headless_run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return original(self, headless=True, size=(120, 40))

    App.run = headless_run  # type: ignore[method-assign]
    on_frame(ready)
    sys.argv = ["wealthtui", "display", "--db", db]
    from wealthtui.launch import main

    main()


def app(db: str, pilot, *command: str) -> None:  # type: ignore[no-untyped-def]
    from textual.app import App

    original = App.run

    def headless_run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return original(self, headless=True, size=(120, 40), auto_pilot=pilot)

    App.run = headless_run  # type: ignore[method-assign]
    sys.argv = ["wealthtui", *command, "--db", db]
    from wealthtui.launch import main

    main()


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "bare":
        bare()
    elif kind == "bare-frame":
        bare_frame()
    elif kind in ("display-frame", "display-data"):
        frame(sys.argv[sys.argv.index("--db") + 1],
              _board_laid_out if kind == "display-frame" else _board_read)
    else:
        db = sys.argv[sys.argv.index("--db") + 1]
        if kind == "display":
            app(db, _display_ready, "display")
        else:
            app(db, _startup if kind == "app" else _rss)
    sys.exit("the probe ended without reaching its end")
