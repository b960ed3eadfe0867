"""The counter's screens on the one call path (issues 20/22): no statement runs on the event
loop while a teller, a supervisor or an officer walks through their keys; with 20 ms added to
every statement the counter's reload never holds a key back, change markers during a reload give
exactly one more reload, and what is shown at the end is the last reload's answer. No timings are
asserted: the reload is held open with an Event."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.ui.helpers import make_app, settle, sign_in
from tests.ui.loop_watch import LoopWatch, SlowStore
from wealthtui.services.balancing import MATCHES
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.screens.counter import CounterScreen
from wealthtui.ui.screens.counter_oversee import CounterOverseeScreen
from wealthtui.ui.widgets.counter_queue import QueueList
from wealthtui.ui.widgets.inbox import InboxPanel


@pytest.fixture
def counter_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hand-off inbox under every role screen has its own coalescing test
    (tests/ui/test_inbox*.py); here only the counter's reloads are counted."""
    monkeypatch.setattr(InboxPanel, "reload", lambda self: None)


async def walk(pilot: Any, *keys: str) -> None:
    """Press each key and let the calls it started answer."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def busy_counter(center: Center) -> None:
    """Teller T1 at counter 02 with people waiting; a supervisor's inbox with a request, and
    teller T2's balance submitted with a difference."""
    s = center.services
    center.sign_on(center.t1, "02", "100,000")
    for _ in range(3):
        s.queue.issue(center.lobby, "A")
    s.counter.sign_on(center.t2, "01", "1,000")
    s.balancing.submit(center.t2, "990", {**dict.fromkeys(MATCHES, True), "physical": False,
                                          "cash": False}, "少 10 元")


async def test_a_teller_walks_the_counter_keys_without_a_statement_on_the_loop(
        center: Center) -> None:
    busy_counter(center)
    s = center.services
    app = make_app(s)
    watch = LoopWatch(s.ctx.engine)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await sign_in(pilot, "T1")
            assert isinstance(screen, CounterScreen)
            with watch.watching():
                # idle at the counter: break and back, call by number, hand-over, balancing
                await walk(pilot, "ctrl+b")
                assert screen.session is not None and screen.session.state == "break"
                await walk(pilot, "ctrl+u")
                assert screen.session.state == "open"
                for key in ("ctrl+n", "ctrl+t", "ctrl+d"):
                    await walk(pilot, key)
                    assert isinstance(app.screen, FormDialog), key
                    await walk(pilot, "escape")
                # a ticket: call, recall, start; the serving forms open and close
                await walk(pilot, "f2")
                assert screen.serving is not None and screen.serving.ticket.status == "called"
                await walk(pilot, "f3", "f4")
                assert screen.serving.ticket.status == "serving"
                for key in ("f5", "f7", "f6"):
                    await walk(pilot, key)
                    assert isinstance(app.screen, FormDialog), key
                    await walk(pilot, "escape")
                await walk(pilot, "f8", "escape")  # park: the note dialog, left
                screen.data_changed(None)  # a change marker from elsewhere
                await settle(pilot)
            assert app.screen is screen
            assert watch.on_loop == [], watch.on_loop[:3]
            assert watch.elsewhere > 0
    finally:
        watch.close()


async def test_the_supervisor_and_the_officer_walk_their_view_off_the_loop(
        center: Center) -> None:
    busy_counter(center)
    s = center.services
    ticket = s.queue.call_next(center.t1, "02")
    rec = s.counter.record(center.t1, ticket.id, "cash_withdrawal", "90,000")
    s.authorization.request(center.t1, rec.id, note="购房首付")
    watch = LoopWatch(s.ctx.engine)
    try:
        app = make_app(s)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await sign_in(pilot, "S1")
            assert isinstance(screen, CounterOverseeScreen) and screen.alone
            with watch.watching():
                for key in ("f2", "f3", "f8"):
                    await walk(pilot, key)
                    assert app.screen is not screen, key
                    await walk(pilot, "escape")
                screen.query_one("#ov-tellers").focus()
                await walk(pilot, "down")
                await walk(pilot, "f5", "escape")
                await walk(pilot, "f6", "enter")  # refused: the difference is not handled
                await walk(pilot, "f7", "enter")  # refused: a teller is not signed off
                await walk(pilot, "escape")  # alone: nothing to go back to
                assert app.screen is screen
                screen.data_changed(None)
                await settle(pilot)
            assert watch.on_loop == [], watch.on_loop[:3]
            assert watch.elsewhere > 0

        app = make_app(s)
        async with app.run_test(size=(80, 24)) as pilot:
            counter = await sign_in(pilot, "O1")
            assert isinstance(counter, CounterScreen)
            with watch.watching():
                await walk(pilot, "ctrl+v")
                oversee = app.screen
                assert isinstance(oversee, CounterOverseeScreen) and not oversee.alone
                assert oversee.view.requests  # the officer decides authorisations too
                await walk(pilot, "escape")
                assert app.screen is counter
            assert watch.on_loop == [], watch.on_loop[:3]
    finally:
        watch.close()


@pytest.mark.raw_pilot
async def test_the_counter_reload_never_holds_a_key_and_markers_coalesce(
        center: Center, counter_only: None, monkeypatch: pytest.MonkeyPatch) -> None:
    busy_counter(center)
    s = center.services
    s.queue.call_next(center.t1, "02")  # serving: F5 records business
    app = make_app(s)
    slow = SlowStore(s.ctx.engine, 0.0)  # removed only once the app has stopped
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "T1")
        assert isinstance(screen, CounterScreen)
        await settle(pilot)
        before = {tk.display_no for tk in screen.view.waiting}

        real = s.queue.queue_for
        reads: list[int] = []
        first_read, release = threading.Event(), threading.Event()

        def held(actor: Any, counter_no: str) -> Any:
            reads.append(1)
            found = real(actor, counter_no)
            if len(reads) == 1:  # the first reload has read the queue, and waits
                first_read.set()
                release.wait(10)
            return found

        monkeypatch.setattr(s.queue, "queue_for", held)
        app._polling = True  # the app's own marker poll stays out: the markers are the test's
        slow.seconds = 0.02  # from here every statement waits 20 ms
        base = screen.reloads
        screen.data_changed(None)  # a change marker: the reload starts in a thread
        assert screen.reloading and screen.reloads == base + 1
        await asyncio.to_thread(first_read.wait, 10)
        # a key while the reload is held: its dialog opens and echoes what is typed
        await pilot.press("f5")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog) and not release.is_set()
        await pilot.press("1", "2")
        await pilot.pause()
        assert form.query_one("#f-amount Input", Input).value == "12"
        # another terminal issues a ticket; two markers arrive during the reload
        new = s.queue.issue(center.lobby, "A")
        screen.data_changed(None)
        screen.data_changed(None)
        assert screen.reloads == base + 1 and screen.dirty and len(reads) == 1
        release.set()
        await settle(pilot)
        assert len(reads) == 2 and screen.reloads == base + 2  # exactly one more reload
        assert not screen.reloading and not screen.dirty
        shown = {tk.display_no for tk in screen.query_one(QueueList).tickets}
        assert new.display_no in shown and new.display_no not in before  # the last answer
        assert isinstance(app.screen, FormDialog)  # the form stayed open throughout
    slow.close()


async def test_a_counter_reload_that_changes_nothing_shown_leaves_the_queue_alone(
        center: Center, counter_only: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change marker reloads the counter; its queue list is refilled on the event loop only
    when the rows it shows differ (a busy day's queue is not cleared and re-added at every
    write of another terminal): nothing changed, nothing cleared; a new ticket, one refill."""
    busy_counter(center)
    s = center.services
    app = make_app(s)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "T1")
        assert isinstance(screen, CounterScreen)
        await settle(pilot)
        table = screen.query_one("#ql-table", DataTable)
        assert table.row_count > 0
        cleared: list[int] = []
        clear = DataTable.clear

        def counted(t: Any, columns: bool = False) -> Any:
            if t is table:
                cleared.append(1)
            return clear(t, columns)

        monkeypatch.setattr(DataTable, "clear", counted)
        base = screen.reloads
        screen.data_changed(None)
        await settle(pilot)
        assert screen.reloads == base + 1 and cleared == []
        new = s.queue.issue(center.lobby, "A")       # another terminal issues a ticket
        screen.data_changed(None)
        await settle(pilot)
        assert screen.reloads == base + 2 and cleared == [1]
        assert new.display_no in {tk.display_no for tk in screen.query_one(QueueList).tickets}


# --- the key model (issue 19): every key means one thing on each counter screen ---------------
def keys_twice(screen: Any) -> dict[str, list[str]]:
    """Keys bound more than once in the focus chain + screen + app right now (Textual's own
    widget keys, which carry no id, are not ours to count)."""
    seen: dict[str, list[str]] = {}
    for _node, bindings in screen._binding_chain:
        for key, found in bindings.key_to_bindings.items():
            seen.setdefault(key, []).extend(b.id or b.action for b in found if b.id)
    return {key: ids for key, ids in seen.items() if len(ids) > 1}


async def test_no_key_is_bound_twice_on_the_counter_screens(center: Center) -> None:
    busy_counter(center)
    app = make_app(center.services)
    async with app.run_test(size=(80, 24)) as pilot:
        counter = await sign_in(pilot, "O1")  # an officer: both screens
        for screen in (counter, None):
            if screen is None:
                await walk(pilot, "ctrl+v")
                screen = app.screen
                assert isinstance(screen, CounterOverseeScreen)
            # the body's panels (the inbox panel under it has its own walk: test_inbox*.py)
            focusable = [w for w in screen.query_one("#body").query("*") if w.focusable]
            assert focusable
            for widget in [None, *focusable]:
                if widget is None:
                    screen.set_focus(None)
                else:
                    widget.focus()
                await pilot.pause()
                assert keys_twice(screen) == {}, (type(screen).__name__, widget)
        teller = {b.key for b in CounterScreen.BINDINGS if b.key.startswith("f")}
        oversee = {b.key for b in CounterOverseeScreen.BINDINGS if b.key.startswith("f")}
        assert {"f2", "f3", "f4", "f5", "f6", "f7"} <= teller & oversee  # each on its own screen
