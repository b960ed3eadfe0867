"""The lobby on the one call path (issues 20, 22, 19): no statement on the event loop during a
walk through the lobby's keys; typing in the look-up echoes at once while a slow store answers
and only the last text's results show; another terminal's writes never hold the input back;
board reloads are coalesced; the quick paths at the door (a cash ticket in three keys, F3
clearing the previous client, the business keys only on the business line, 张 1234).

Store delays and held answers are real (SlowStore adds 20 ms to every statement; a gate holds a
service call until released); nothing here measures time."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, OptionList, SelectionList

from tests.devices.test_printer import Capture
from tests.lobby_data import add_client, card_no
from tests.ui.helpers import make_app, quiet_settings, screen_text, settle, sign_in
from tests.ui.loop_watch import LoopWatch, SlowStore
from tests.ui.test_lobby import clients, lobby_screen, look_up, people  # noqa: F401
from wealthtui.devices.printer import decode_text
from wealthtui.rules import scans
from wealthtui.services import Services
from wealthtui.ui.dialogs.complaint_intake import ComplaintIntakeDialog
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.screens import lobby as lobby_module
from wealthtui.ui.screens.lobby import LobbyScreen
from wealthtui.ui.widgets.client_card import ClientCardView
from wealthtui.ui.widgets.lobby_bigtext import BigText
from wealthtui.ui.widgets.lobby_board import QueueBoard, VisitsTable
from wealthtui.ui.widgets.lobby_business import BusinessChoice


class Gate:
    """Holds every call of a service method until `open()` (counting the calls)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
        self.released = threading.Event()
        self.calls = 0
        original: Callable[..., Any] = getattr(owner, name)

        self._came = threading.Condition()

        def held(*args: Any, **kwargs: Any) -> Any:
            with self._came:
                self.calls += 1
                self._came.notify_all()
            self.released.wait(30)
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, held)

    def open(self) -> None:
        self.released.set()

    async def reached(self, calls: int) -> int:
        """Wait (off the loop) until `calls` calls are held — their threads may not have
        started when the keys that asked for them were handled; the count then."""
        def wait() -> int:
            with self._came:
                self._came.wait_for(lambda: self.calls >= calls, 30)
                return self.calls
        return await asyncio.to_thread(wait)


@pytest.fixture
def slow(engine) -> Iterator[SlowStore]:  # type: ignore[no-untyped-def]
    store = SlowStore(engine, 0.02)
    yield store
    store.close()


def results(screen: LobbyScreen) -> list[str]:
    return [c.name for c in screen.results]


# --- nothing on the event loop -------------------------------------------------------------
async def test_a_walk_through_the_lobby_keys_sends_no_statement_from_the_event_loop(
        services: Services, people, clients, engine, monkeypatch) -> None:  # noqa: F811
    app = make_app(services)
    watch = LoopWatch(engine)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await lobby_screen(pilot)
            with watch.watching():
                await look_up(pilot, "zs")
                await pilot.press("enter")             # identify: the arrival, the CM told
                await pilot.press("1", "f6")           # cash, the ticket
                await pilot.press("f5")                # tell the CM again
                await pilot.press("f2")                # next visitor
                await look_up(pilot, "李 0139000")     # the surname and the mobile's tail
                await pilot.press("enter", "f7")       # divert to self-service
                await pilot.press("f3", "3", "f6")     # a walk-in for wealth
                for key in ("f4", "f10", "f8"):        # register, lead, complaint: open, close
                    await pilot.press(key)
                    await settle(pilot)
                    assert app.screen is not screen
                    await pilot.press("escape")
                    await settle(pilot)
                    assert app.screen is screen
                screen.query_one("#arrivals-table").focus()
                await pilot.press("ctrl+r")            # re-route an arrival: the form, closed
                await settle(pilot)
                assert isinstance(app.screen, FormDialog)
                await pilot.press("escape")
                await pilot.press("ctrl+k")
                screen.data_changed(None)              # a change marker
                screen.reload_board()                  # the 30 s tick
                await settle(pilot)
            assert watch.on_loop == [], watch.on_loop[:3]
            assert watch.elsewhere > 0
            assert len(services.queue.tickets(people["lobby"])) == 2  # 张三's and the walk-in's
    finally:
        watch.close()


# --- typing while the store is slow ---------------------------------------------------------
@pytest.mark.raw_pilot
async def test_typing_echoes_each_key_and_only_the_last_text_answers(
        services: Services, people, clients, slow, monkeypatch) -> None:  # noqa: F811
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        lookup = screen.query_one("#lookup", Input)
        answered: list[str] = []
        show = screen._show_results
        monkeypatch.setattr(screen, "_show_results", lambda text, cards: (
            answered.append(text) if text == screen.query_text else None, show(text, cards)))
        gate = Gate(monkeypatch, services.lookup, "search")
        typed = "zhangs"
        for i, key in enumerate(typed):
            await pilot.press(key)
            assert lookup.value == typed[: i + 1]  # echoed while every answer is still held
            assert screen.results == []
        assert await gate.reached(len(typed)) == len(typed) and app.calls_in_flight >= 1
        gate.open()
        await settle(pilot)
        assert answered == [typed]                 # no earlier text's answer was shown
        assert results(screen) == ["张三"]          # zhangsan (the slow store answered)
        assert "张三" in screen_text(app)


@pytest.mark.raw_pilot
async def test_a_readers_burst_is_one_look_up_at_its_enter_and_typed_keys_each_search(
        services: Services, people, clients, monkeypatch) -> None:  # noqa: F811
    """A card reader's 19 digits and Enter arrive while the first look-up runs: the burst is
    looked up once, at the Enter, and selects the client; a person's keys (each after the
    answer) each search."""
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        asked: list[str] = []  # the look-ups the screen starts (counted as they are asked)
        call = screen.call

        def counting(fn: Callable[..., Any], *args: Any, **kw: Any) -> None:
            if fn == services.lookup.search:
                asked.append(args[0])
            call(fn, *args, **kw)

        monkeypatch.setattr(screen, "call", counting)
        for key in "zhang":                     # typed: each key after its answer
            await pilot.press(key)
            await settle(pilot)
        assert asked == ["z", "zh", "zha", "zhan", "zhang"]
        assert results(screen) == ["张三"]
        await pilot.press("ctrl+k")
        screen.query_one("#lookup", Input).value = ""
        await settle(pilot)

        asked.clear()
        gate = Gate(monkeypatch, services.lookup, "search")   # the store holds every answer
        number = card_no(1)
        await pilot.press(*number, "enter")      # the whole burst before any answer
        assert screen.query_one("#lookup", Input).value == number
        # the first number worth asking (before the burst could be told), and the burst
        assert asked == [number[:scans.SHORTEST_NUMBER], number]
        gate.open()
        await settle(pilot)
        assert asked == [number[:scans.SHORTEST_NUMBER], number]
        assert screen.card is not None and screen.card.name == "张三"  # at once, no extra key


@pytest.mark.raw_pilot
async def test_enter_before_the_answer_picks_when_it_comes(
        services: Services, people, clients, slow) -> None:  # noqa: F811
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await pilot.press(*"lisi", "enter", "1", "f6")  # as fast as the keys come
        await settle(pilot)
        assert screen.card is not None and screen.card.name == "李四"
        assert screen.query_one(BusinessChoice).value == "cash"
        assert screen.last is not None and screen.last.ticket_no.startswith("A")


@pytest.mark.raw_pilot
async def test_another_terminal_writing_never_holds_the_input_back(
        services: Services, people, clients, engine, settings, clock, slow,  # noqa: F811
        monkeypatch) -> None:
    other = Services(engine, settings, clock)  # another terminal on the same database file
    lobby = people["lobby"]
    # the test polls the marker itself: no reload from the app's poll timer or the board's tick
    # (wall-clock timers, which fire within the test on a loaded machine and add a reload)
    monkeypatch.setattr(lobby_module, "BOARD_TICK", 3600.0)
    app = make_app(services, quiet_settings(settings, refresh_seconds=3600))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        lookup = screen.query_one("#lookup", Input)
        gate = Gate(monkeypatch, services.lobby, "visits_board")
        typed = "wangwu"
        for i, key in enumerate(typed):
            other.lobby.arrive(lobby)             # a walk-in saved elsewhere
            app.poll_changes()                    # the marker moved: the board reloads
            await pilot.press(key)
            assert lookup.value == typed[: i + 1]  # the key shows while the reload waits
        assert await gate.reached(1) == 1         # one reload running, the rest folded into it
        gate.open()
        await settle(pilot)
        assert gate.calls == 2                    # ... and exactly one more after it
        assert results(screen) == ["王五"]
        title = str(screen.query_one(".visits-title").render())
        assert f"{len(typed)}" in title


async def test_change_markers_during_a_reload_give_one_more_reload(
        services: Services, people, clients, monkeypatch) -> None:  # noqa: F811
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await lobby_screen(pilot)
        gate = Gate(monkeypatch, services.lobby, "visits_board")
        for _ in range(3):
            screen.data_changed(None)
            screen.reload_board()
        assert screen.board.running and gate.calls <= 1
        gate.open()
        await settle(pilot)
        assert gate.calls == 2 and not screen.board.running


async def test_the_visits_table_reads_only_the_rows_it_shows_and_then_only_changes(
        services: Services, people, clients, monkeypatch) -> None:  # noqa: F811
    lobby = people["lobby"]
    for _ in range(40):
        services.lobby.arrive(lobby)
    asked: list[tuple[int, int | None, bool, int]] = []  # limit, since, complete, rows
    board = services.lobby.visits_board

    def watched(actor, *, limit, since=None):  # type: ignore[no-untyped-def]
        read = board(actor, limit=limit, since=since)
        asked.append((limit, since, read.complete, len(read.rows)))
        return read

    monkeypatch.setattr(services.lobby, "visits_board", watched)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        table = screen.query_one(VisitsTable)
        grid = table.query_one("#visits-table", DataTable)
        limit = table.rows_fit()
        # one read at sign-in, made at the mount before any layout: a screenful at most (the
        # terminal's height), cut to the rows that fit once laid out — no second read
        assert len(asked) == 1 and limit < asked[0][0] <= 24 < 40
        assert grid.row_count == limit
        assert "40" in str(table.query_one(".visits-title").render())  # the day's count
        # another terminal: a walk-in guided to a ticket and a new arrival
        other = Services(services.ctx.engine, services.settings, services.clock)
        shown = int(grid.coordinate_to_cell_key(Coordinate(1, 0)).row_key.value or 0)
        ticket = other.lobby.guide(lobby, shown, business="non_cash").ticket_no
        newcomer = other.lobby.arrive(lobby).id
        asked.clear()
        assert app.poll_changes()
        await settle(pilot)
        _limit, since, complete, rows = asked[-1]
        assert since is not None and not complete and rows == 2  # only the two changed visits
        keys = [grid.coordinate_to_cell_key(Coordinate(r, 0)).row_key.value
                for r in range(grid.row_count)]
        assert grid.row_count == limit and keys[0] == str(newcomer) and str(shown) in keys
        assert ticket in screen_text(app)
        assert "41" in str(table.query_one(".visits-title").render())


async def test_a_reload_that_changes_nothing_shown_leaves_the_board_alone(
        services: Services, people, clients, monkeypatch) -> None:  # noqa: F811
    """A change marker reloads the board (another terminal's write); the event loop then
    redraws only what changed: a write that changes nothing on the board clears no table and
    updates no panel, a walk-in elsewhere refills the visits list alone (and its count)."""
    lobby = people["lobby"]
    for _ in range(3):
        services.lobby.arrive(lobby)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await lobby_screen(pilot)
        await settle(pilot)
        cleared: list[str] = []
        updated: list[str] = []
        clear, update = DataTable.clear, QueueBoard.update

        def counted_clear(table, columns=False):  # type: ignore[no-untyped-def]
            if table.id in ("visits-table", "arrivals-table"):  # the board's (not the inbox's)
                cleared.append(table.id)
            return clear(table, columns)

        def counted_update(board, *args, **kwargs):  # type: ignore[no-untyped-def]
            updated.append(board.id)
            return update(board, *args, **kwargs)

        monkeypatch.setattr(DataTable, "clear", counted_clear)
        monkeypatch.setattr(QueueBoard, "update", counted_update)
        before = screen.board.started
        screen.reload_board()                         # nothing written meanwhile
        await settle(pilot)
        assert screen.board.started == before + 1
        assert cleared == [] and updated == []
        other = Services(services.ctx.engine, services.settings, services.clock)
        newcomer = other.lobby.arrive(lobby).id        # a walk-in saved at another terminal
        assert app.poll_changes()
        await settle(pilot)
        assert cleared == ["visits-table"] and updated == []
        grid = screen.query_one("#visits-table", DataTable)
        assert grid.coordinate_to_cell_key(Coordinate(0, 0)).row_key.value == str(newcomer)
        assert "4" in str(screen.query_one(".visits-title").render())


# --- the quick paths at the door ---------------------------------------------------------------
async def test_a_cash_ticket_is_three_keys_from_an_identified_client_to_the_printer(
        services: Services, people, clients) -> None:  # noqa: F811
    printer = Capture()
    settings = services.settings.model_copy(update={"printer": services.settings.printer
                                                    .model_copy(update={
                                                        "kind": "network", "host": "127.0.0.1",
                                                        "port": printer.port})})
    mine = Services(services.ctx.engine, settings, services.clock)
    app = make_app(mine, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await look_up(pilot, "lisi")
        await pilot.press("enter", "1", "f6")  # identify, cash, ticket
        await settle(pilot)
        number = screen.query_one("#ticket-no", BigText).value
        assert number.startswith("A") and screen.last.route.category == "A"
    assert number in decode_text(printer.received())


async def test_number_keys_choose_the_business_only_on_the_business_line(
        services: Services, people, clients) -> None:  # noqa: F811
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        business = screen.query_one(BusinessChoice)
        await pilot.press("1", "3")  # in the look-up: digits of a number
        await settle(pilot)
        assert screen.query_one("#lookup", Input).value == "13" and business.value == "non_cash"
        await pilot.press("f3")
        await settle(pilot)
        assert app.focused is business
        for key, kind in (("3", "wealth"), ("5", "consult"), ("1", "cash"), ("left", "consult")):
            await pilot.press(key)
            assert business.value == kind
        assert "1现金" in screen_text(app) and "5咨询" in screen_text(app)


async def test_walk_in_clears_the_previous_clients_search_and_card(
        services: Services, people, clients) -> None:  # noqa: F811
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await look_up(pilot, "lisi")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.card is not None and "李四" in screen_text(app)
        await pilot.press("f3")
        await settle(pilot)
        assert screen.query_one("#lookup", Input).value == ""
        assert screen.results == [] and screen.query_one("#results", OptionList).option_count == 0
        assert screen.card is None and screen.query_one(ClientCardView).card is None
        assert screen.walk_in and screen.visit is not None and screen.visit.client_id is None


async def test_surname_and_mobile_tail_find_the_client(services: Services, people, clients,  # noqa: F811
                                                       engine) -> None:
    add_client(engine, "张伟", seq=20, phone="13512349000")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await look_up(pilot, "张 8000")
        assert results(screen) == ["张三"]
        await pilot.press("ctrl+k")
        screen.query_one("#lookup", Input).value = ""
        await look_up(pilot, "zw9000")
        assert results(screen) == ["张伟"]


async def test_a_tail_shared_by_many_asks_for_the_surname(services: Services, people,  # noqa: F811
                                                          engine) -> None:
    for seq in range(9):
        add_client(engine, "赵" + "一二三四五六七八九"[seq], seq=30 + seq, phone="1390000" + "7777")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await look_up(pilot, "7777")
        assert screen.results == [] and "尾号" in screen_text(app)
        screen.query_one("#lookup", Input).value = ""
        await look_up(pilot, "赵五7777")
        assert results(screen) == ["赵五"]


async def test_the_complaint_form_loads_the_client_and_staff_off_the_loop(
        services: Services, people, clients, engine) -> None:  # noqa: F811
    app = make_app(services)
    watch = LoopWatch(engine)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await lobby_screen(pilot)
            await look_up(pilot, "lisi")
            await pilot.press("enter")
            await settle(pilot)
            with watch.watching():
                await pilot.press("f8")
                await settle(pilot)
            form = app.screen
            assert isinstance(form, ComplaintIntakeDialog)
            assert watch.on_loop == []
            await pilot.pause()
            assert "李四" in screen_text(app)
            staff = form.query_one("#staff", SelectionList)
            assert not staff.loading and staff.option_count >= 4  # the staff list arrived
            assert any("陈柜员" in str(staff.get_option_at_index(i).prompt)
                       for i in range(staff.option_count))
    finally:
        watch.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_header_names_the_lobby_assistants_role(services: Services, make_staff,
                                                          size) -> None:
    make_staff("lobby_assistant", staff_no="L9", name="周婷")
    make_staff("lobby_manager", staff_no="L8", name="黄磊")
    app = make_app(services)
    async with app.run_test(size=size) as pilot:
        screen = await sign_in(pilot, "L9")
        assert isinstance(screen, LobbyScreen)
        header = screen_text(app).splitlines()[0]
        assert "[大堂经理助理]" in header and "周婷" in header
        app.sign_out()
        await settle(pilot)
        screen = await sign_in(pilot, "L8")
        assert "[大堂]" in screen_text(app).splitlines()[0]  # the lobby manager: the mode
