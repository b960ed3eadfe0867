"""The CM screen's key model and call path (issues 19, 20, 22): no statement on the event loop
during a walk through its keys and tabs, find-client typing that echoes while the look-up runs on
a slow store, one meaning per key, and the inbox sequence of issue 19 at 80×24."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import event
from textual.binding import Binding
from textual.widgets import Static

from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from tests.ui.helpers import make_app, screen_text, settle, sign_in
from tests.ui.loop_watch import LoopWatch, SlowStore
from tests.ui.test_cm import sample
from wealthtui.i18n import t
from wealthtui.ui.dialogs.cm_find import FindClientDialog
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.handoff import HandoffDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.screens.client_file import ClientFileScreen
from wealthtui.ui.screens.cm import CMScreen
from wealthtui.ui.widgets.cm_panels import PortfolioPanel
from wealthtui.ui.widgets.inbox import InboxPanel


async def test_a_walk_through_the_cm_keys_sends_no_statement_from_the_event_loop(
        desk: Desk) -> None:
    ids = sample(desk)
    desk.services.handoffs.create(desk.lobby, kind="premium_arrival",
                                  to_staff_id=desk.cm1.staff_id, client_id=ids["mai"],
                                  source="lobby", note="在理财室等候")
    app = make_app(desk.services)
    watch = LoopWatch(desk.engine)
    books: list[str] = []  # the agenda's read of the desk's book (AgendaService.facts_in)

    def book_read(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "JOIN cm_assignment ON cm_assignment.client_id = client.id" in statement:
            books.append(statement)

    event.listen(desk.engine, "before_cursor_execute", book_read)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            with watch.watching():  # the sign-in and the screen's first loads too
                screen = await sign_in(pilot, "C01")
                await settle(pilot)
            assert watch.on_loop == [], watch.on_loop[:3]
            # the agenda read once at sign-in: the first tab's activation at mount does not
            # read the whole book a second time
            assert len(books) == 1
            with watch.watching():
                for key in ("f3", "f4", "f5", "f6", "f7", "f2"):  # every tab, loads included
                    await pilot.press(key)
                    await settle(pilot)
                assert screen.tab == "today"
                await pilot.press("enter")  # the client's file
                assert isinstance(app.screen, ClientFileScreen)
                await pilot.press("escape")
                await pilot.press("f8")  # the contact form (its run and products read first)
                assert isinstance(app.screen, FormDialog)
                await pilot.press("escape")
                await pilot.press("ctrl+t")
                assert isinstance(app.screen, ReasonDialog)
                await pilot.press("escape")
                await pilot.press("f9", "enter")  # the inbox and its hand-off dialog
                assert isinstance(app.screen, HandoffDialog)
                await pilot.press("f2")  # accept
                await pilot.press("ctrl+w", "ctrl+w", "f9")
                await pilot.press("ctrl+f", *"qdd")
                assert isinstance(app.screen, FindClientDialog)
                await pilot.press("enter")
                assert isinstance(app.screen, ClientFileScreen)
                await pilot.press("escape")
                screen.data_changed(None)  # a change marker: everything reloads
                await settle(pilot)
            assert watch.on_loop == [], watch.on_loop[:3]
            assert watch.elsewhere > 0
    finally:
        watch.close()
        event.remove(desk.engine, "before_cursor_execute", book_read)


class Gate:
    """Statements sent from worker threads wait until `open()` (a store that has not answered
    yet, without timings); the event loop's own statements would not wait (there are none)."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.opened = engine, threading.Event()
        event.listen(engine, "before_cursor_execute", self._wait)

    def _wait(self, *_args: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            self.opened.wait(10)

    def open(self) -> None:
        self.opened.set()

    def close(self) -> None:
        self.opened.set()
        event.remove(self.engine, "before_cursor_execute", self._wait)


@pytest.mark.raw_pilot
async def test_find_client_typing_echoes_at_once_and_only_the_last_answer_shows(
        desk: Desk) -> None:
    """On a store that adds 20 ms to every statement (and holds the answers until the last key)
    each key shows in the box at once while its look-up runs, and the list shows only the
    answer to the last text."""
    client = desk.client("钱多多", cm=desk.cm1)
    desk.client("钱大方", cm=desk.cm1)
    app = make_app(desk.services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "C01")
        await settle(pilot)
        slow = SlowStore(desk.engine, 0.02)
        try:
            await pilot.press("ctrl+f")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, FindClientDialog)
            shown: list[tuple[str, str | None]] = []
            show = dialog._show

            def watched(text: str, cards: Any) -> None:
                shown.append((text, dialog.asked))
                show(text, cards)

            dialog._show = watched  # type: ignore[method-assign]
            box = dialog.query_one("#find-input")
            gate = Gate(desk.engine)  # the look-ups wait until every key is typed
            try:
                typed = ""
                for key in "qdd":
                    await pilot.press(key)
                    typed += key
                    assert box.value == typed  # the key is on screen while its look-up waits
                    assert shown == []
            finally:
                gate.open()
            await settle(pilot)
            gate.close()  # (listeners are removed only when no statement is running)
            # the answers for "q" and "qd" came after "qdd" was asked: dropped, never shown
            assert shown == [("qdd", "qdd")]
            options = dialog.query_one("#find-results")
            assert options.option_count == 1
            assert options.get_option_at_index(0).id == str(client)
        finally:
            slow.close()


def _keys_on(node: Any) -> set[str]:
    """The keys the app's own classes bind on `node` (Textual's built-in ones left out)."""
    return {key.strip() for cls in type(node).__mro__ if cls.__module__.startswith("wealthtui")
            for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)
            for key in b.key.split(",")}


def duplicate_keys(app: Any) -> list[str]:
    """Keys bound by more than one of the app's own nodes on the focus chain (Textual's own
    widgets' editing keys left out)."""
    focused = app.focused
    chain = list(focused.ancestors_with_self) if focused is not None else [app.screen, app]
    counts: Counter[str] = Counter()
    for node in chain:
        counts.update(_keys_on(node))
    return sorted(k for k, n in counts.items() if n > 1)


async def test_every_focus_position_binds_each_key_once_and_f_keys_are_tabs(desk: Desk) -> None:
    sample(desk)
    app = make_app(desk.services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "C01")
        await settle(pilot)
        assert isinstance(screen, CMScreen)
        for key, tab in zip(("f2", "f3", "f4", "f5", "f6", "f7"),
                            ("today", "week", "portfolio", "targets", "changes", "procedures"),
                            strict=True):
            await pilot.press(key)
            await settle(pilot)
            assert screen.tab == tab
            assert duplicate_keys(app) == [], tab
            # F2–F7 are the screen's tab keys only: nothing on the focus chain binds them
            for node in app.focused.ancestors_with_self:
                if node is not screen and node is not app:
                    assert not {"f2", "f3", "f4", "f5", "f6", "f7"} & _keys_on(node), node
        await pilot.press("f9")
        assert isinstance(app.focused.parent, InboxPanel)
        assert duplicate_keys(app) == []
        # every id the footer order names is a binding of the screen or one of its panels
        ids = {b.id for node in [screen, *screen.query("*")] for cls in type(node).__mro__
               for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)}
        assert set(CMScreen.FOOTER_ORDER) <= ids


async def test_the_issue_19_sequence_acts_on_the_hand_off_never_on_another_client(
        desk: Desk) -> None:
    """80×24: close a client file opened from the inbox, F3, F9, F4, type, Enter — the focus is
    visibly in the inbox, so Enter opens the hand-off (not a client of the portfolio tab), and
    nothing was declined on the way."""
    ids = sample(desk)
    arrival = desk.services.handoffs.create(desk.lobby, kind="premium_arrival",
                                            to_staff_id=desk.cm1.staff_id,
                                            client_id=ids["zhou"], source="lobby")
    desk.services.handoffs.accept(desk.cm1, arrival.id)
    app = make_app(desk.services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "C01")
        assert isinstance(screen, CMScreen)
        await pilot.press("f9", "enter", "f5")  # the arrival's client file, from the inbox
        assert isinstance(app.screen, ClientFileScreen) and app.screen.view.id == ids["zhou"]
        await pilot.press("escape")
        assert app.screen is screen
        assert not screen._in_inbox()  # back in the tab's list, not invisibly in the inbox
        await pilot.press("f3")
        assert screen.tab == "week"
        await pilot.press("f9")
        inbox = screen.inbox_panel
        assert inbox.display and screen._in_inbox()
        await pilot.press("f4")
        await settle(pilot)
        assert screen.tab == "portfolio"
        assert inbox.display and screen._in_inbox()  # the tab changed, the focus stayed
        await pilot.press(*"abc", "enter")
        assert isinstance(app.screen, HandoffDialog)
        assert "周潜力" in screen_text(app)
        assert not isinstance(app.screen, ClientFileScreen)
        await pilot.press("escape")
    (seen,) = desk.services.handoffs.sent(desk.lobby)
    assert seen.status == "accepted"


@pytest.mark.raw_pilot
async def test_a_tab_says_it_is_loading_until_its_first_answer(desk: Desk) -> None:
    """While the store has not answered, the portfolio tab shows a dim loading line (not an
    empty list) and its table already has the focus; the answer replaces the line."""
    sample(desk)
    app = make_app(desk.services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "C01")
        await settle(pilot)
        assert not screen.query(PortfolioPanel)  # a tab is made and read when first shown
        gate = Gate(desk.engine)
        try:
            await pilot.press("f4")
            await pilot.pause()
            panel = screen.query_one(PortfolioPanel)
            line = panel.query_one(".tab-empty", Static)
            assert not panel.loaded
            assert line.display and str(line.render()) == t("cm2.loading")
            assert app.focused is panel.table
            gate.open()
            await settle(pilot)
            assert panel.loaded and not line.display and panel.table.row_count == 3
        finally:
            gate.close()
