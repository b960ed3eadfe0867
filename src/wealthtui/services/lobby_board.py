"""The lobby's board in one read (issue 22): the queue, the premium arrivals, the visits and
the day's flow counts, each read in proportion to what the board shows however busy the day —
the last few calls walked back from now, the latest arrivals (the open ones kept) with the
count of those waiting, the latest visits or only those changed since the marker of the rows
shown, and the flow counts aggregated in SQL. The screen calls `read_board` off the event loop
(a coalesced load, ui/screens/lobby.py); what the actor may not see comes back as None.

The four parts are one service call (`LobbyService.board`): one transaction, the actor and
their roles read once — not four calls each reading the actor again, which at sign-in and at
every change marker were four more round trips for a thread that waits for the interpreter
while the event loop draws."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wealthtui.services.lobby import Board

if TYPE_CHECKING:
    from wealthtui.services import Actor, Services

__all__ = ["LAST_CALLS", "Board", "read_board"]

#: the last calls the lobby's queue board lists
LAST_CALLS = 4


def read_board(services: Services, actor: Actor, rows: int, since: int | None) -> Board:
    """The board's reads, in the caller's thread: the queue, today's latest arrivals, the visits
    (the latest `rows`, or only those changed since the marker `since` of the rows shown) and
    the flow counts."""
    return services.lobby.board(actor, limit=rows, since=since, last_calls=LAST_CALLS)
