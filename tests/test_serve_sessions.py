"""`wealthtui serve` gives each browser session its own terminal name and the browser's address
(issue 15: the sign-in throttle per session and per address, services.auth). The real
textual-serve server of ui/serve.py on a loopback port; two websocket connections, as two
browsers make them; the command each session runs writes down the environment it was given."""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
from pathlib import Path

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from wealthtui.ui.serve import session_server

#: a guard against hanging forever, not a measurement
GUARD_SECONDS = 60
WRITE_ENV = ("import json, os, sys, uuid; "
             "keys = ('WEALTHTUI_TERMINAL', 'WEALTHTUI_REMOTE', 'WEALTHTUI_DB'); "
             "path = os.path.join(sys.argv[1], uuid.uuid4().hex); "
             "open(path + '.part', 'w').write(json.dumps({k: os.environ.get(k) for k in keys})); "
             "os.replace(path + '.part', path + '.json')")


def written(folder: Path) -> list[Path]:
    return list(folder.glob("*.json"))


async def test_two_browser_sessions_get_two_terminal_names_and_their_address(
        tmp_path: Path) -> None:
    command = shlex.join([sys.executable, "-c", WRITE_ENV, str(tmp_path)])
    server = session_server()(command, server_name="kiosk-server")
    test_server = TestServer(await server._make_app(), host="127.0.0.1")
    await test_server.start_server()
    try:
        async with ClientSession() as client:
            for n in (1, 2):  # one browser after the other, each until its process has run
                async with client.ws_connect(test_server.make_url("/ws?width=80&height=24")):
                    async with asyncio.timeout(GUARD_SECONDS):
                        while len(written(tmp_path)) < n:
                            await asyncio.sleep(0.05)
    finally:
        await test_server.close()
    seen = [json.loads(p.read_text()) for p in written(tmp_path)]
    names = {s["WEALTHTUI_TERMINAL"] for s in seen}
    assert len(names) == 2 and all(n.startswith("kiosk-server/web 127.0.0.1 ") for n in names)
    assert {s["WEALTHTUI_REMOTE"] for s in seen} == {"127.0.0.1"}
