"""When a hand-off is overdue (model.handoff re-exports these for the services; the reports
use them from here, without loading the models)."""

from __future__ import annotations

from datetime import datetime, timedelta

from wealthtui.rules.status import HandoffStatus

#: states that wait on the addressee (open: nobody has taken it yet; accepted: in progress)
WAITING = HandoffStatus.OPEN
IN_PROGRESS = HandoffStatus.ACCEPTED


def is_overdue(status: str, due_at: datetime | None, accepted_at: datetime | None,
               now: datetime, complete_within_minutes: int = 0) -> bool:
    """Overdue only for the state that waits on someone: an open hand-off nobody took past its
    due time. An accepted one is in progress; it is overdue only when the configuration gives a
    completion time (`handoffs.complete_within_minutes` > 0) and that has passed since it was
    accepted."""
    if status == WAITING:
        return due_at is not None and now > due_at
    if status == IN_PROGRESS and complete_within_minutes > 0 and accepted_at is not None:
        return now > accepted_at + timedelta(minutes=complete_within_minutes)
    return False


__all__ = ["IN_PROGRESS", "WAITING", "is_overdue"]
