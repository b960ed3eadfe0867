"""The lobby in a web browser: `wealthtui serve [--mode lobby|display]` (textual-serve).

textual-serve runs a small web server; every browser that opens the page gets its own copy of the
program, started as a subprocess that talks to the page through a websocket (Textual's web
driver). Two modes:

- `lobby`   the workstation in kiosk lobby mode (`wealthtui --kiosk lobby`), for the touch-screen
            kiosk at the door: sign-in as the lobby manager, look-up, tickets, diversion;
- `display` the calling board (`wealthtui display`): read-only, no sign-in, for the screen in
            the waiting area.

The database is handed to the subprocess in WEALTHTUI_DB (not on its command line, where a
PostgreSQL password would show in the process list). The server listens on 127.0.0.1 unless
told otherwise; to serve other machines give `--host 0.0.0.0` and the address the browsers use
as `--public-url` (the page connects its websocket there).

This module does not import Textual: the server itself only starts programs.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

MODES = ("lobby", "display")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def app_command(mode: str, *, lang: str | None = None, config: Path | None = None,
                python: str | None = None) -> str:
    """The shell command textual-serve runs for each browser session."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; accepted: {', '.join(MODES)}")
    args = [python or sys.executable, "-m", "wealthtui"]
    if lang:
        args += ["--lang", lang]
    if config is not None:
        args += ["--config", str(config)]
    args += ["--kiosk", "lobby"] if mode == "lobby" else ["display"]
    return shlex.join(args)


def public_url(host: str, port: int) -> str:
    """The address browsers use when none is given: the host itself, or loopback for a
    wildcard host (a wildcard is not an address a browser can open)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    if ":" in shown:  # an IPv6 literal
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def serve(mode: str, *, db: str, title: str, banner: str, host: str = DEFAULT_HOST,
          port: int = DEFAULT_PORT, lang: str | None = None, config: Path | None = None,
          url: str | None = None) -> None:
    """Serve `mode` on host:port until interrupted (ctrl+c or SIGTERM). `title` names the
    page; `banner` is printed once the server listens (both already translated)."""
    from aiohttp import web
    from textual_serve.server import Server

    class LobbyServer(Server):
        async def on_startup(self, app: web.Application) -> None:
            self.console.print(banner, highlight=False, markup=False)

    command = app_command(mode, lang=lang, config=config)
    os.environ["WEALTHTUI_DB"] = db  # inherited by every session's subprocess
    LobbyServer(command, host=host, port=port, title=title,
                public_url=url or public_url(host, port)).serve()
