"""The lobby board: today's visits, the queue (waiting per category, longest wait, counters open and what each is
serving, last calls), premium clients in the lobby with their CM's response, and today's counts
for the daily flow log (manual ch.2 §2.7 items 3, 4 and 8)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from wealthtui.config import Settings
from wealthtui.i18n import t, tl
from wealthtui.services.lobby import ArrivalView, FlowCounts, VisitView
from wealthtui.services.queue import QueueSnapshot
from wealthtui.ui.text import PlainRichTable, PlainTable, minutes
from wealthtui.ui.widgets.table_fill import fill, update_static


def queue_table(snap: QueueSnapshot, settings: Settings, *, wide: bool) -> Table:
    """Waiting per category with the longest wait (and the zone when wide)."""
    table = PlainRichTable.grid(padding=(0, 1))
    table.add_column()
    table.add_column(justify="right")
    table.add_column(justify="right")
    if wide:
        table.add_column()
    for load in snap.categories:
        name = tl(load.name, load.name_en)
        longest = t("lobby.board.minutes", minutes=minutes(load.longest_wait_seconds)) \
            if load.waiting else "-"
        style = "bold red" if minutes(load.longest_wait_seconds) >= \
            settings.queue.starvation_minutes and load.waiting else ""
        row: list[Text | str] = [Text(f"{load.prefix} {name}"),
                                 t("lobby.board.people", count=load.waiting),
                                 Text(longest, style=style)]
        if wide:
            zone = settings.zones.get(load.zone)
            row.append(Text(tl(zone.name, zone.name_en) if zone else load.zone, style="dim"))
        table.add_row(*row)
    return table


def counters_text(snap: QueueSnapshot) -> Text:
    """Counters open and the ticket each is on: `01:V001 02:- 03:(break)`."""
    text = Text()
    for c in snap.counters:
        if text:
            text.append("  ")
        if c.state == "closed":
            text.append(f"{c.no}", style="dim")
            text.append(f":{t('lobby.board.closed')}", style="dim")
        elif c.state == "break":
            text.append(f"{c.no}:{t('lobby.board.on_break')}", style="yellow")
        else:
            text.append(f"{c.no}:", style="bold")
            text.append(c.ticket_no or "-", style="green" if c.ticket_no else "")
    return text


def calls_text(snap: QueueSnapshot) -> Text:
    text = Text(t("lobby.board.last_calls") + " ", style="dim")
    if not snap.last_calls:
        text.append("-")
    for i, call in enumerate(snap.last_calls):
        if i:
            text.append("  ")
        text.append(t("lobby.board.call", ticket=call.display_no, counter=call.counter_no))
    return text


def flow_text(counts: FlowCounts) -> Text:
    return Text(t("lobby.flow.line", visitors=counts.visitors,
                  premium=counts.premium_identified, leads=counts.leads_lobby,
                  diversions=counts.diversions, complaints=counts.complaints))


class QueueBoard(Static):
    """The queue part of the lobby board."""

    DEFAULT_CSS = """
    QueueBoard {
        height: auto;
        padding: 0 1;
    }
    """

    #: what the board shows now (see `drawn`)
    _drawn: tuple[object, ...] | None = None

    @staticmethod
    def drawn(snap: QueueSnapshot, settings: Settings, *, wide: bool) -> tuple[object, ...]:
        """What `show` draws of `snap`, as values: the waits in the minutes shown."""
        starving = settings.queue.starvation_minutes
        return (wide, tuple((c.code, c.prefix, c.name, c.name_en, c.zone, c.waiting,
                             minutes(c.longest_wait_seconds) if c.waiting else None,
                             minutes(c.longest_wait_seconds) >= starving and bool(c.waiting))
                            for c in snap.categories),
                tuple((c.no, c.state, c.ticket_no) for c in snap.counters),
                tuple((c.display_no, c.counter_no) for c in snap.last_calls) if wide else ())

    def show(self, snap: QueueSnapshot, settings: Settings, *, wide: bool) -> bool:
        """Draw `snap`; a snapshot that draws the same as the one shown changes nothing
        (returns whether it drew)."""
        drawn = self.drawn(snap, settings, wide=wide)
        if drawn == self._drawn:
            return False
        self._drawn = drawn
        parts: list = [queue_table(snap, settings, wide=wide), counters_text(snap)]
        if wide:
            parts.append(calls_text(snap))
        self.update(Group(*parts))
        return True


class ArrivalsTable(Vertical):
    """Premium clients in the lobby today: the CM it went to, their response, how long it waited.
    The row under the cursor is the one ctrl+r re-routes."""

    DEFAULT_CSS = """
    ArrivalsTable {
        height: 1fr;
        min-height: 3;
    }
    ArrivalsTable > .arrivals-title {
        height: 1;
        background: $boost;
        padding: 0 1;
    }
    ArrivalsTable > DataTable {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.arrivals: list[ArrivalView] = []

    def compose(self) -> ComposeResult:
        yield Static(t("lobby.arrivals.title", count=0), classes="arrivals-title")
        table: DataTable[str | Text] = PlainTable(cursor_type="row", id="arrivals-table")
        yield table

    def on_mount(self) -> None:
        fill(self.query_one(DataTable), self.columns(), [])

    @staticmethod
    def columns() -> list[tuple[str, str]]:
        return [(key, t(f"lobby.arrivals.{key}")) for key in ("client", "cm", "status", "wait")]

    @property
    def selected(self) -> ArrivalView | None:
        table = self.query_one(DataTable)
        if not self.arrivals or table.cursor_row < 0:
            return None
        return self.arrivals[min(table.cursor_row, len(self.arrivals) - 1)]

    def show(self, arrivals: list[ArrivalView], now: datetime, late_minutes: int, *,
             waiting: int | None = None) -> None:
        """The rows of `arrivals`; the title counts `waiting` (all of today's arrivals still
        waiting for their CM, when the rows are only the latest) or the open rows."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        self.arrivals = arrivals
        if waiting is None:
            waiting = sum(1 for a in arrivals if a.status == "open")
        update_static(self.query_one(".arrivals-title", Static),
                      t("lobby.arrivals.title", count=waiting))
        rows: list[tuple[str, Sequence[str | Text]]] = []
        for a in arrivals:
            to = a.to_name or (t(f"role.{a.to_role}") if a.to_role else "")
            wait = minutes(a.waited_seconds(now))
            late = a.status == "open" and wait >= late_minutes
            status_style = {"open": "bold red" if late else "yellow", "accepted": "green",
                            "done": "green", "declined": "dim", "expired": "dim"}.get(a.status, "")
            rows.append((str(a.handoff_id), (
                a.client_name + (f" {a.ticket_no}" if a.ticket_no else ""), to,
                Text(t(f"handoff.status.{a.status}"), style=status_style),
                Text(t("lobby.board.minutes", minutes=wait), style="bold red" if late else ""),
            )))
        if fill(table, self.columns(), rows) and arrivals:
            table.move_cursor(row=min(max(row, 0), len(arrivals) - 1))


#: rows the visits table asks for before it has been laid out
VISITS_FIRST_ROWS = 10


class VisitsTable(Vertical):
    """Today's latest visits, newest first: time, client (or walk-in), business, where they
    went; the title counts the day's visits. It holds only the rows it can show (`rows_fit`),
    so a reload on a busy day measures a screenful, never the whole day."""

    DEFAULT_CSS = """
    VisitsTable {
        height: 1fr;
        min-height: 0;
    }
    VisitsTable > .visits-title {
        height: 1;
        background: $boost;
        padding: 0 1;
    }
    VisitsTable > DataTable {
        height: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(t("lobby.visits.title", count=0), classes="visits-title")
        table: DataTable[str | Text] = PlainTable(cursor_type="row", id="visits-table")
        yield table

    def on_mount(self) -> None:
        fill(self.query_one(DataTable), self.columns(), [])

    @staticmethod
    def columns() -> list[tuple[str, str]]:
        return [(key, t(f"lobby.visits.{key}"))
                for key in ("time", "client", "business", "route")]

    class Fits(Message):
        """The table was laid out or resized: it now shows `rows` rows."""

        def __init__(self, rows: int) -> None:
            super().__init__()
            self.rows = rows

    def rows_fit(self) -> int:
        """How many rows the table shows at its size (the title and header rows aside)."""
        height = self.size.height
        return max(1, height - 2) if height else VISITS_FIRST_ROWS

    def on_resize(self) -> None:
        self.post_message(self.Fits(self.rows_fit()))

    def count(self, total: int) -> None:
        """The title: how many visits the day has had, all of them."""
        update_static(self.query_one(".visits-title", Static),
                      t("lobby.visits.title", count=total))

    def show(self, visits: Sequence[VisitView], settings: Settings, tz: tzinfo) -> None:
        """List these visits (newest first); the title is `count`'s."""
        rows: list[tuple[str, Sequence[str | Text]]] = []
        for v in visits:
            name = Text(v.client_name, style="bold yellow" if v.premium else "") \
                if v.client_id else Text(t("lobby.visits.walk_in"), style="dim")
            business = t(f"lobby.business.{v.business_kind}") if v.business_kind else "-"
            zone = settings.zones.get(v.zone)
            where = Text(tl(zone.name, zone.name_en) if zone else v.zone)
            if v.ticket_no:
                where = Text(v.ticket_no + " ", style="bold").append(where)
            elif v.diverted:
                where.stylize("green")
            rows.append((str(v.id), (f"{v.arrived_at.astimezone(tz):%H:%M}", name, business,
                                     where)))
        fill(self.query_one(DataTable), self.columns(), rows)
