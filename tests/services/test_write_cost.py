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
from wealthtui.store.engine import is_sqlite


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


#: statements per call, at most (stop 19 sent 12, 17, 14, 10 and 13; before that 13, 20, 16, 11)
BOUNDS = {"issue": 11, "call_next": 15, "record": 12, "checklist_record": 9, "finish": 11}


def asked(seen: list[str], table: str) -> int:
    """The SELECTs of `table`'s own columns (a subquery inside another statement is not one)."""
    return sum(1 for text in seen if text.lstrip().startswith(f"SELECT {table}."))


def test_the_hot_writes_of_a_day_stay_within_their_statement_bounds(center: Center) -> None:
    s = center.services
    engine = s.ctx.engine
    center.sign_on(center.t1, "02")
    center.ticket_at(center.t1, "02")  # warm: the first call of a kind reads the settings
    s.counter.finish(center.t1, s.counter.serving(center.t1).ticket.id, "none")
    run = s.checklists.start(center.lobby, "lobby_opening")
    s.checklists.record(center.lobby, run.id, "morning_meeting")

    costs: dict[str, list[str]] = {}
    issued, costs["issue"] = cost(engine, lambda: s.queue.issue(center.lobby, "A"))
    called, costs["call_next"] = cost(engine, lambda: s.queue.call_next(center.t1, "02"))
    assert called is not None and called.id == issued.id
    record, costs["record"] = cost(
        engine, lambda: s.counter.record(center.t1, called.id, "cash_deposit", "500"))
    assert record.amount_fen == 50_000
    done, costs["finish"] = cost(engine, lambda: s.counter.finish(center.t1, called.id, "none"))
    assert done.ticket.status == "done"
    view, costs["checklist_record"] = cost(
        engine, lambda: s.checklists.record(center.lobby, run.id, "queue_machine"))
    assert view.state("queue_machine").done

    counts = {name: len(seen) for name, seen in costs.items()}
    # PostgreSQL reads the chain's head with its row lock, a statement of its own, and locks the
    # ticket it calls (SELECT ... FOR UPDATE SKIP LOCKED)
    extra = {name: 0 if is_sqlite(engine) else 1 + (name == "call_next") for name in BOUNDS}
    assert all(counts[name] <= bound + extra[name] for name, bound in BOUNDS.items()), (
        counts, costs)
    for name, seen in costs.items():
        # the actor once (the checklist view also reads names); today's day and the audit
        # chain's head asked with the actor, not on their own (PostgreSQL reads the head with
        # its row lock); the head moved once, by a compare-and-set (one append per call)
        assert asked(seen, "staff") == 1 + (name == "checklist_record"), (name, seen)
        assert asked(seen, "business_day") == 0, (name, seen)
        head_reads = sum(text.startswith("SELECT audit_head.last_id") for text in seen)
        assert head_reads == (0 if is_sqlite(engine) else 1), (name, seen)
        moves = [text for text in seen if text.startswith("UPDATE audit_head")]
        assert len(moves) == 1 and "audit_head.last_id = " in moves[0], (name, seen)
