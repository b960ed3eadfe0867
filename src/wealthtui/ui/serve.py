"""The lobby in a web browser: `wealthtui serve [--mode lobby|display]` (textual-serve).

textual-serve runs a small web server; every browser that opens the page gets its own copy of the
program, started as a subprocess that talks to the page through a websocket (Textual's web
driver). Two modes:

- `lobby`   the workstation in kiosk lobby mode (`wealthtui --kiosk lobby`), for the touch-screen
            kiosk at the door: sign-in as the lobby manager, look-up, tickets, diversion;
- `display` the calling board (`wealthtui display`): read-only, no sign-in, for the screen in
            the waiting area.

The database is handed to the subprocess in WEALTHTUI_DB (not on its command line, where a
PostgreSQL password would show in the process list). Each browser session is its own terminal
for the sign-in throttle (issue 15): its process gets WEALTHTUI_TERMINAL, a name of its own
(`<server>/web <address> <random>`), and WEALTHTUI_REMOTE, the browser's address as the server
sees it (aiohttp's `request.remote`; behind a reverse proxy that is the proxy's), on which the
throttle also counts — a reconnect is a new session but the same address (services.auth). The server listens on 127.0.0.1 unless
told otherwise; to serve other machines give `--host 0.0.0.0` and the address the browsers use
as `--public-url` (the page connects its websocket there).

This module does not import Textual: the server itself only starts programs.
"""

from __future__ import annotations

import os
import secrets
import shlex
import sys
from pathlib import Path
from typing import Any

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


def session_environment(server: str, remote: str | None) -> dict[str, str]:
    """The variables of one browser session's process: its own terminal name (unique, at most
    100 characters) and the browser's address."""
    address = (remote or "?").strip()[:50] or "?"  # an IPv6 address has at most 45
    token = secrets.token_hex(4)
    return {"WEALTHTUI_TERMINAL": f"{server[:30]}/web {address} {token}",
            "WEALTHTUI_REMOTE": address}


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

    from wealthtui.config import load_settings
    from wealthtui.services.auth import this_terminal

    server_name = this_terminal(load_settings(config_file=config))

    class LobbyServer(session_server()):  # type: ignore[misc]
        async def on_startup(self, app: web.Application) -> None:
            self.console.print(banner, highlight=False, markup=False)

    command = app_command(mode, lang=lang, config=config)
    os.environ["WEALTHTUI_DB"] = db  # inherited by every session's subprocess
    LobbyServer(command, server_name=server_name, host=host, port=port, title=title,
                public_url=url or public_url(host, port)).serve()


def session_server() -> Any:
    """textual-serve's Server, each of whose browser sessions runs with its own
    session_environment (imported when serving only)."""
    import asyncio
    import logging

    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, to_int

    log = logging.getLogger("textual-serve")

    class SessionApp(AppService):
        def __init__(self, *args: Any, extra_env: dict[str, str], **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.extra_env = extra_env

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            return {**super()._build_environment(width, height), **self.extra_env}

    class Sessions(Server):  # type: ignore[misc]
        def __init__(self, command: str, *, server_name: str = "serve", **kwargs: Any) -> None:
            super().__init__(command, **kwargs)
            self.server_name = server_name

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """textual-serve's handler (1.1), with the session's own environment."""
            websocket = web.WebSocketResponse(heartbeat=15)
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            app_service: AppService | None = None
            try:
                await websocket.prepare(request)
                app_service = SessionApp(
                    self.command, write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str, close=websocket.close,
                    download_manager=self.download_manager, debug=self.debug,
                    extra_env=session_environment(self.server_name, request.remote))
                await app_service.start(width, height)
                try:
                    await self._process_messages(websocket, app_service)
                finally:
                    await app_service.stop()
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # noqa: BLE001 - as textual-serve: logged, session ends
                log.exception(error)
            finally:
                if app_service is not None:
                    await app_service.stop()
            return websocket

    return Sessions

