"""The calling board (叫号屏) for the waiting area's screen: `wealthtui display`.

Read-only and full screen: the ticket being called and its counter in large digits, the last few
calls, and how many wait per category. Numbers only — no names, nothing about clients. No sign-in
is needed and no other screen can be reached from it (no modes, no command palette); ctrl+q ends it.
It reads the board every `ui.refresh_seconds` and rings the terminal bell on a new call.
The reads run in a thread, never on the event loop; a tick while a read runs is skipped (the
next tick reads again), so a slow store never piles reads up.

The board is read by reports.calling_board over the Core tables, on the services' engine alone
— the read `QueueService.board` runs too, so the wall and the lobby show the same figures — and
so the board's first data shows without the ORM models, SQLModel or the services being loaded
(issue 22). Exposure as ever: unauthenticated, ticket and counter numbers and counts only.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static
from textual.worker import Worker

from wealthtui import i18n
from wealthtui.config import Settings
from wealthtui.i18n import t, tl
from wealthtui.rules.clock import Clock, business_date, local, zone
from wealthtui.services import Services
from wealthtui.ui.text import PlainRichTable
from wealthtui.ui.widgets.lobby_bigtext import BigText

#: how long (seconds) the first board's read waits for the first frame at most
FIRST_FRAME_WAIT = 2.0

if TYPE_CHECKING:  # the board's read (and SQLAlchemy under it) loads after the first frame
    from wealthtui.reports.calling_board import BoardView


def recent_table(board: BoardView, rows: int) -> Table:
    table = PlainRichTable(box=None, expand=True, show_edge=False, pad_edge=False)
    table.add_column(t("display.col.ticket"), justify="center", style="bold")
    table.add_column(t("display.col.counter"), justify="center")
    for call in board.recent[:rows]:
        table.add_row(call.display_no, call.counter_no)
    if not board.recent:
        table.add_row("-", "-")
    return table


def waiting_text(board: BoardView) -> Text:
    text = Text()
    for i, (prefix, name, name_en, count) in enumerate(board.waiting):
        if i:
            text.append("   ")
        text.append(f"{prefix} ", style="bold")
        text.append(tl(name, name_en))
        text.append(" ")
        text.append(t("display.waiting_count", count=count), style="bold yellow")
    return text


class DisplayApp(App[None]):
    """The calling board as its own small application."""

    ENABLE_COMMAND_PALETTE = False
    TITLE = "wealthtui display"

    CSS = """
    Screen {
        background: $background;
        layout: vertical;
    }
    #top {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    #now-title {
        height: 1;
        content-align: center middle;
        text-style: bold;
        color: $warning;
        margin-top: 1;
    }
    #now {
        height: 5;
        align: center middle;
    }
    #now > BigText {
        margin: 0 2;
    }
    #now > .go-to {
        width: auto;
        height: 3;
        content-align: center middle;
        text-style: bold;
    }
    #lower {
        height: 1fr;
    }
    #recent-box {
        width: 1fr;
        border: round $primary;
        border-title-align: center;
    }
    #waiting {
        height: auto;
        padding: 0 1;
        background: $boost;
        content-align: center middle;
    }
    """

    BINDINGS = [Binding("ctrl+q", "quit", "display.bind.quit", id="display.quit", show=False)]

    def __init__(self, *, services: Services, settings: Settings, clock: Clock | None = None,
                 recent: int | None = None) -> None:
        i18n.set_language(settings.ui.language)
        super().__init__()
        self.services = services
        self.settings = settings
        self.clock = clock or services.clock
        self.tz = zone(settings.center.timezone)
        self.recent = recent or settings.queue.board_recent_calls
        self.board: BoardView | None = None
        self._last_call: tuple[str, str, object] | None = None
        self._marker: int | None = None  # the audit change marker the board was read at
        self._drawn = threading.Event()  # the first frame is up
        self._reading: Worker[Any] | None = None  # the read on its way

    def compose(self) -> ComposeResult:
        yield Static("", id="top")
        yield Static(t("display.now_calling"), id="now-title")
        with Horizontal(id="now"):
            yield BigText("", id="now-ticket")
            yield Static(t("display.go_to"), classes="go-to")
            yield BigText("", id="now-counter")
            yield Static(t("display.counter_suffix"), classes="go-to")
        with Vertical(id="lower"):
            box = Vertical(id="recent-box")
            box.border_title = t("display.recent")
            with box:
                yield Static("", id="recent")
        yield Static("", id="waiting")

    def on_mount(self) -> None:
        """The first frame shows at once (the board's frame and a loading line); SQLAlchemy, the
        engine and the first board (reports.calling_board) load in a thread, then the board is read
        again at every tick (`wealthtui display` starts like a bare Textual app, issue 22)."""
        self.theme = self.settings.ui.theme
        self.query_one("#top", Static).update(Text(t("display_start.loading")))
        self.call_after_refresh(self._drawn.set)
        self._reading = self.run_worker(self._first_board, thread=True, group="first-board",
                                        exit_on_error=False)

    def _first_board(self) -> None:
        # the imports wait for the first frame (they would hold the GIL while it is drawn)
        self._drawn.wait(FIRST_FRAME_WAIT)
        try:
            from wealthtui.reports import calling_board

            marker, board = calling_board.read(self.services.engine, self.settings,
                                               self.clock.now(), self.recent)
        except Exception:  # noqa: BLE001 - a busy or unreachable store: the ticks try again
            board = marker = None
        self.call_from_thread(self._start_ticking, board, marker)

    def _start_ticking(self, board: BoardView | None, marker: int | None) -> None:
        if not gc.isenabled():
            # the start-up is over (`wealthtui display` starts without the collector,
            # launch.main): what is loaded by now (modules, the engine, the widgets) lives as long
            # as the board, so it is frozen out of the collections, which would otherwise walk
            # it all again on the event loop right after the first board shows
            gc.freeze()
            gc.enable()
        if board is not None:
            self._marker = marker
            self.show(board)
        else:
            self.refresh_board()
        self.set_interval(self.settings.ui.refresh_seconds, self.refresh_board)

    def refresh_board(self) -> None:
        """Re-read the board when the audit change marker moved (a write on any terminal) or the
        date turned; otherwise only the clock line changes (a one-row read, no ticket read).
        In a thread; skipped while the last read is still on its way."""
        if self._reading is not None and not self._reading.is_finished:
            return
        self._reading = self._read_board(self.board, self._marker)

    @work(thread=True, group="board", exit_on_error=False)
    def _read_board(self, shown: BoardView | None, shown_marker: int | None) -> None:
        answer: tuple[str, Any, Any]
        try:
            from wealthtui.reports import calling_board

            now = self.clock.now()
            marker, board = calling_board.read(
                self.services.engine, self.settings, now, self.recent,
                shown_marker if shown is not None else None,
                business_date(shown.at, self.tz) if shown is not None else None)
            answer = ("same", now, None) if board is None else ("new", marker, board)
        except Exception:  # noqa: BLE001 - a busy or unreachable store: keep the last board
            answer = ("stale", None, None)
        try:
            self.call_from_thread(self._board_read, *answer)
        except RuntimeError:  # the app is closing
            pass

    def _board_read(self, how: str, value: Any, board: BoardView | None) -> None:
        if how == "same":
            self._show_top(value)
        elif how == "stale":
            self.query_one("#top", Static).update(Text(t("display.stale"), style="bold red"))
        elif board is not None:
            self._marker = value
            self.show(board)

    @property
    def calls_in_flight(self) -> int:
        """Reads on their way (the tests wait for them as for WealthApp's calls)."""
        return int(self._reading is not None and not self._reading.is_finished)

    async def calls_settled(self) -> None:
        while self._reading is not None and not self._reading.is_finished:
            await asyncio.gather(self._reading.wait(), return_exceptions=True)

    def _show_top(self, at: datetime) -> None:
        at = local(at, self.tz)
        self.query_one("#top", Static).update(
            Text(f"{tl(self.settings.center.name, self.settings.center.name_en)}  "
                 f"{at:%Y-%m-%d %H:%M}"))

    def show(self, board: BoardView) -> None:
        self.board = board
        self._show_top(board.at)
        call = board.now_calling
        self.query_one("#now-ticket", BigText).value = call.display_no if call else ""
        self.query_one("#now-counter", BigText).value = call.counter_no if call else ""
        for widget in self.query(".go-to"):
            widget.display = call is not None
        key = (call.display_no, call.counter_no, call.at) if call else None
        if key is not None and self._last_call is not None and key != self._last_call:
            self.bell()
        self._last_call = key
        self.query_one("#recent", Static).update(recent_table(board, self.recent))
        self.query_one("#waiting", Static).update(waiting_text(board))
