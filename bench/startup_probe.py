"""One start-up, measured from outside: `python bench/startup_probe.py bare|app [--db DB]`.

Both kinds run Textual headless and end the same way: an auto-pilot waits until the screen is
interactive (bare: the label is mounted; app: the login screen's staff-number Input has the
focus), lets the screen settle once, prints READY and leaves at once (no tear-down is measured).
The parent (bench/startup.py) times from spawning this process to reading READY, so interpreter
start, imports, opening the database and the first frame are all counted, for both alike.

- bare: a Textual app that shows one label — the floor any Textual program pays;
- app:  the real command line, `wealthtui --db DB` (Typer, settings, schema check, services, the
        demo accounts when the center is a demo), with WealthApp.run made headless.
"""

from __future__ import annotations

import os
import sys


def done() -> None:
    sys.stdout.write("READY\n")
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


def app(db: str) -> None:
    from textual.app import App

    original = App.run

    def headless_run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        async def pilot(p) -> None:  # type: ignore[no-untyped-def]
            from textual.widgets import Input

            from wealthtui.ui.screens.login import LoginScreen

            while not (isinstance(p.app.screen, LoginScreen)
                       and isinstance(p.app.focused, Input)):
                await p.pause()
            await p.pause()
            done()

        return original(self, headless=True, size=(120, 40), auto_pilot=pilot)

    App.run = headless_run  # type: ignore[method-assign]
    sys.argv = ["wealthtui", "--db", db]
    from wealthtui.cli import main

    main()


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    else:
        app(sys.argv[sys.argv.index("--db") + 1])
    sys.exit("the probe ended without reaching READY")
