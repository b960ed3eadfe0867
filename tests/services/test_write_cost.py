"""What one service write costs in SQL statements (issue 21, the suite's time): the hot calls of a
working day — a ticket issued, the next one called, a business recorded, a checklist step
recorded — each stay under a bound on the statements it sends, counted on the engine with a
`before_cursor_execute` listener (BEGIN and COMMIT included). The bounds sit below what the
write path cost before it was made cheaper (in brackets), so a regression — a closed-day lookup
per flush, an actor read twice, a row fetched again, an N+1 read — fails here.

The calls still do everything they did: permission, closed-day guard, seals and the audit
chain (their own tests check those); this only counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from tests.services.counter_helpers import Center, center_fixture  # noqa: F401


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def cost(engine: Engine, call: Callable[[], Any]) -> tuple[Any, list[str]]:
    with counted(engine) as seen:
        result = call()
    return result, list(seen)


def test_the_hot_writes_of_a_day_stay_within_their_statement_bounds(center: Center) -> None:
    s = center.services
    engine = s.ctx.engine
    center.sign_on(center.t1, "02")
    center.ticket_at(center.t1, "02")  # warm: the first call of a kind reads the settings
    s.counter.finish(center.t1, s.counter.serving(center.t1).ticket.id, "none")

    costs: dict[str, int] = {}
    issued, seen = cost(engine, lambda: s.queue.issue(center.lobby, "A"))
    costs["issue"] = len(seen)
    print("\n=== issue"); print("\n".join(" ".join(x.split())[:230] for x in seen))
    called, seen = cost(engine, lambda: s.queue.call_next(center.t1, "02"))
    assert called is not None and called.id == issued.id
    costs["call_next"] = len(seen)
    print("\n=== call_next"); print("\n".join(" ".join(x.split())[:230] for x in seen))
    record, seen = cost(engine, lambda: s.counter.record(center.t1, called.id, "cash_deposit",
                                                         "500"))
    assert record.amount_fen == 50_000
    costs["record"] = len(seen)
    print("\n=== record"); print("\n".join(" ".join(x.split())[:230] for x in seen))
    run = s.checklists.start(center.lobby, "lobby_opening")
    s.checklists.record(center.lobby, run.id, "morning_meeting")  # warm, as above
    view, seen = cost(engine, lambda: s.checklists.record(center.lobby, run.id, "queue_machine"))
    assert view.state("queue_machine").done
    costs["checklist_record"] = len(seen)
    print("\n=== checklist_record"); print("\n".join(" ".join(x.split())[:230] for x in seen))
    print(costs)
    assert costs == {}
