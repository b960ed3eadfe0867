"""Keys sent in one burst after a look-up's Enter (issue 19: a fast typist, a browser terminal
sending its keys together): the Enter acts on the look-up of the text typed before it, and the
keys after it act on what the Enter found — never typed into the box, never run before it.

Each burst is queued on the app before any of it runs, on a store that adds 20 ms to every
statement (tests/ui/loop_watch.py), so the look-up is still running when the Enter comes. Both
failed before the Enter became a priority binding: the lobby issued a non-cash ticket to an
anonymous walk-in, with "lisi1" in the box; the CM's find took no client, with "sdfq" in it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from tests.ui.helpers import make_app, settle, sign_in
from tests.ui.loop_watch import SlowStore
from tests.ui.test_lobby import clients, lobby_screen, people  # noqa: F401
from wealthtui.ui.dialogs.cm_find import FindClientDialog
from wealthtui.ui.widgets.lobby_business import BusinessChoice


def burst(app: Any, keys: list[str]) -> None:
    """Queue `keys` on the app at once (nothing runs until the test awaits)."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def caught_up(pilot: Pilot[Any], done: Callable[[], bool]) -> None:
    """Settle until `done()` (each settle waits for the calls the keys started; a burst's keys
    start their calls one after another), at most a bounded number of times."""
    for _ in range(30):
        await settle(pilot)
        if done():
            return


@pytest.mark.raw_pilot
async def test_a_burst_after_the_lobby_look_ups_enter_identifies_then_tickets(
        services, people, clients, engine) -> None:  # noqa: F811
    app = make_app(services)
    slow = SlowStore(engine, 0.0)  # removed only after the app (no statement running then)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await lobby_screen(pilot)
            await pilot.press(*"zhang")              # an earlier look-up, answered
            await settle(pilot)
            assert [c.name for c in screen.results] == ["张三"]
            screen.query_one("#lookup", Input).value = ""
            await settle(pilot)
            slow.seconds = 0.02
            burst(app, [*"lisi", "enter", "1", "f6"])  # identify, cash, ticket
            await caught_up(pilot, lambda: screen.last is not None)
            assert screen.query_one("#lookup", Input).value == "lisi"
            assert screen.card is not None and screen.card.name == "李四"
            assert screen.query_one(BusinessChoice).value == "cash"
            assert screen.last is not None and screen.last.ticket_no.startswith("A")
            assert screen.last.visit.client_name == "李四"
    finally:
        slow.close()


@pytest.mark.raw_pilot
async def test_a_burst_after_the_finds_enter_takes_the_typed_texts_match(desk: Desk) -> None:  # noqa: F811
    desk.client("钱多多", cm=desk.cm1)
    wanted = desk.client("孙大方", cm=desk.cm1)
    app = make_app(desk.services)
    slow = SlowStore(desk.engine, 0.0)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot, "C01")
            await settle(pilot)
            await pilot.press("ctrl+f")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, FindClientDialog)
            await pilot.press(*"qdd")                # an earlier look-up, answered
            await settle(pilot)
            taken: list[int | None] = []
            dialog.dismiss = taken.append  # type: ignore[method-assign,assignment]
            dialog.query_one(Input).value = ""
            await settle(pilot)
            slow.seconds = 0.02
            burst(app, [*"sdf", "enter", "q"])       # a key after the Enter
            await caught_up(pilot, lambda: bool(taken))
            assert taken == [wanted]
            assert dialog.query_one(Input).value == "sdf"
    finally:
        slow.close()
