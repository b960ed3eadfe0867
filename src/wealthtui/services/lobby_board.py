"""The lobby's board in one read (issue 22): the queue, the premium arrivals, the visits and
the day's flow counts, each read in proportion to what the board shows however busy the day —
the last few calls walked back from now, the latest arrivals (the open ones kept) with the
count of those waiting, the latest visits or only those changed since the marker of the rows
shown, and the flow counts aggregated in SQL. The screen calls `read_board` off the event loop
(a coalesced load, ui/screens/lobby.py); what the actor may not see comes back as None."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from wealthtui.services.lobby import ArrivalBoard, FlowCounts, VisitBoard
from wealthtui.services.queue import QueueSnapshot

if TYPE_CHECKING:
    from wealthtui.services import Actor, Services

#: the last calls the lobby's queue board lists
LAST_CALLS = 4


@dataclass(frozen=True)
class Board:
    """What one board load reads (None: not the actor's to see)."""

    snap: QueueSnapshot
    arrivals: ArrivalBoard | None
    visits: VisitBoard
    counts: FlowCounts | None


def read_board(services: Services, actor: Actor, rows: int, since: int | None) -> Board:
    """The board's reads, in the caller's thread: the queue, today's latest arrivals, the visits
    (the latest `rows`, or only those changed since the marker `since` of the rows shown) and
    the flow counts."""
    return Board(
        snap=services.queue.snapshot(actor, last_calls=LAST_CALLS),
        arrivals=services.lobby.arrivals_board(actor) if actor.can("handoff.view_all") else None,
        visits=services.lobby.visits_board(actor, limit=rows, since=since),
        counts=services.lobby.flow_counts(actor) if actor.can("flowlog.view") else None,
    )
