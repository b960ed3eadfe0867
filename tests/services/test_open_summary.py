"""The resume line's reading of open runs (ChecklistService.open_summary, issue 22): every open
run of a staff member counted in SQL by today and earlier days — a busy lobby leaves hundreds
open, and the line used to read the newest 100 whole and count those — and only the newest of
today's read as a view, in a number of statements that does not grow with the runs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event

from tests.conftest import T0
from wealthtui.services import Services


def statements(services: Services, fn: Any) -> tuple[Any, int]:
    sent: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    engine = services.ctx.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        return fn(), len(sent)
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_open_runs_are_counted_not_read(services: Services, make_staff, clock) -> None:
    lm = make_staff("lobby_manager")
    mine = lm.staff_id

    def start() -> int:
        return services.checklists.start(lm, "lobby_identification", subject_staff_id=mine).id

    def summary(**kw: Any) -> Any:
        return services.checklists.open_summary(lm, subject_staff_id=mine, **kw)

    clock.set(T0 - timedelta(days=2))
    old = start()
    clock.set(T0)
    first = start()
    one, sent_for_one = statements(services, summary)
    assert (one.today, one.earlier) == (1, 1) and one.newest_today is not None
    assert one.newest_today.id == first

    later = [start() for _ in range(3)]
    services.checklists.abandon(lm, later[0], "客户已离开")
    many, sent_for_many = statements(services, summary)
    assert (many.today, many.earlier) == (3, 1)
    assert many.newest_today is not None and many.newest_today.id == later[-1]
    assert sent_for_many == sent_for_one   # more runs open, not more statements

    # the runs the "today" list names already are left out; the same runs as open_runs reads
    left = summary(exclude=frozenset({later[-1], old}))
    assert (left.today, left.earlier) == (2, 0)
    assert left.newest_today is not None and left.newest_today.id == later[1]
    opened = services.checklists.open_runs(lm, subject_staff_id=mine)
    assert {r.id for r in opened} == {old, first, later[1], later[2]}
    assert many.newest_today == opened[0]

    # another day seen as today: yesterday's and today's runs are all of "today or later"
    assert (summary(today=(T0 - timedelta(days=3)).date()).today, summary().earlier) == (4, 1)
    assert summary(exclude=frozenset({old, first, *later})) == type(one)(0, 0, None)
