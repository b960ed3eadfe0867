"""The close of a day at scale (issue 22): the day's state counts the open hand-offs and lists
only the oldest few; the close carries every open one the head was shown the count of, and
refuses — carrying nothing — when one arrived or ended between the look and the close. Each
carried hand-off keeps its own audit row. On SQLite and PostgreSQL; the plan of the count and
the list on SQLite (no full scan of handoff)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from wealthtui.model import AuditEvent, BusinessDay, Handoff
from wealthtui.services import Actor, Services
from wealthtui.services.day import DayCloseRefused
from wealthtui.services.errors import Conflict
from wealthtui.services.handoffs import HandoffsSeen
from wealthtui.services.uow import run_in_uow


@pytest.fixture
def people(make_staff: Any) -> dict[str, Actor]:
    return {"lobby": make_staff("lobby_manager", staff_no="L1", name="赵大堂"),
            "cm": make_staff("wealth_cm", staff_no="C1", name="李理财")}


@pytest.fixture
def two_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("wealthtui.services.handoffs.SHOWN_AT_CLOSE", 2)


def _arrivals(services: Services, people: dict[str, Actor], n: int) -> list[int]:
    return [services.handoffs.create(people["lobby"], kind="premium_arrival", source="lobby",
                                     to_staff_id=people["cm"].staff_id, note=f"贵宾室 {i}").id
            for i in range(n)]


def _others(state: Any) -> dict[str, str]:
    return {p.key: "说明" for p in state.problems if p.kind != "handoff"}


def _carried(engine: Engine) -> tuple[list[int], list[int]]:
    """(ids carried, ids with a handoff.carry audit row)."""
    with Session(engine) as s:
        rows = [h.id for h in s.exec(select(Handoff).order_by(Handoff.id)) if h.carried_to]
        audit = sorted(int(a.entity_id) for a in s.exec(
            select(AuditEvent).where(AuditEvent.action == "handoff.carry")))
    return rows, audit


def test_the_state_counts_the_open_handoffs_and_lists_the_oldest_few(
        services: Services, people: dict[str, Actor], head: Actor, two_shown: None) -> None:
    ids = _arrivals(services, people, 5)
    services.handoffs.complete(people["cm"], ids[0], "已接待")
    state = services.day.state(head)
    listed = [int(p.ref) for p in state.problems if p.kind == "handoff"]
    assert listed == ids[1:3]                        # the oldest open ones, two of them
    assert state.handoffs_seen == HandoffsSeen(4, ids[4])
    assert state.problem_count == len(_others(state)) + 4
    with pytest.raises(DayCloseRefused) as refused:   # not carried, not explained
        services.day.close(head, explanations=_others(state))
    assert refused.value.count == 4 and refused.value.params["count"] == 4
    assert [int(p.ref) for p in refused.value.problems] == ids[1:3]


def test_the_close_carries_every_open_handoff_the_head_saw(
        services: Services, people: dict[str, Actor], head: Actor, engine: Engine,
        two_shown: None) -> None:
    ids = _arrivals(services, people, 5)
    state = services.day.state(head)
    closed = services.day.close(head, explanations=_others(state), carry_over=True,
                                seen=state.handoffs_seen)
    assert closed.closed
    assert _carried(engine) == (ids, ids)             # all five, each with its audit row


def test_a_handoff_arriving_between_the_look_and_the_close_refuses_it(
        services: Services, people: dict[str, Actor], head: Actor, engine: Engine,
        two_shown: None) -> None:
    ids = _arrivals(services, people, 3)
    state = services.day.state(head)
    late = _arrivals(services, people, 1)[0]           # another terminal, after the look
    with pytest.raises(Conflict) as changed:
        services.day.close(head, explanations=_others(state), carry_over=True,
                           seen=state.handoffs_seen)
    assert changed.value.key == "close_handoffs.handoffs_changed"
    assert changed.value.params == {"seen": 3, "now": 4}
    assert _carried(engine) == ([], [])               # nothing carried, the day still open
    assert not services.day.state(head).closed
    # the head looks again: the new set is carried
    again = services.day.state(head)
    assert again.handoffs_seen == HandoffsSeen(4, late)
    services.day.close(head, explanations=_others(again), carry_over=True,
                       seen=again.handoffs_seen)
    assert _carried(engine) == (ids + [late], ids + [late])


def test_a_handoff_ended_meanwhile_refuses_too(
        services: Services, people: dict[str, Actor], head: Actor, engine: Engine) -> None:
    ids = _arrivals(services, people, 2)
    state = services.day.state(head)
    services.handoffs.complete(people["cm"], ids[1], "已接待")
    with pytest.raises(Conflict) as changed:
        services.day.close(head, explanations=_others(state), carry_over=True,
                           seen=state.handoffs_seen)
    assert changed.value.params == {"seen": 2, "now": 1}
    assert _carried(engine) == ([], [])


def test_explained_handoffs_close_without_a_carry_and_their_reasons_are_kept(
        services: Services, people: dict[str, Actor], head: Actor, engine: Engine,
        two_shown: None) -> None:
    ids = _arrivals(services, people, 3)
    state = services.day.state(head)
    shown = {p.key: f"客户改约{p.ref}" for p in state.problems if p.kind == "handoff"}
    with pytest.raises(DayCloseRefused) as refused:  # the third, not shown before, now is
        services.day.close(head, explanations={**_others(state), **shown})
    assert [int(p.ref) for p in refused.value.problems] == ids[2:]
    assert refused.value.count == 1
    everything = {**_others(state), **shown, f"handoff:{ids[2]}": "客户改约",
                  "handoff:999999": "不存在的交接"}  # an id that is not open is not kept
    assert services.day.close(head, explanations=everything).closed
    with Session(engine) as s:
        note = json.loads(s.get(BusinessDay, state.date).close_note)
    assert {k for k in note if k.startswith("handoff:")} == {f"handoff:{i}" for i in ids}
    assert _carried(engine) == ([], [])


def test_the_count_and_the_list_read_through_the_index(
        backend: str, services: Services, people: dict[str, Actor], head: Actor,
        engine: Engine) -> None:
    if backend != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    _arrivals(services, people, 3)
    seen: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
             executemany: bool) -> None:
        if "FROM handoff" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        state = services.day.state(head)
        run_in_uow(services.ctx, head.staff_id, True,
                   lambda uow: services.handoffs.carry_in(uow, state.date,
                                                          seen=state.handoffs_seen))
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    plans = []
    with engine.connect() as conn:
        for statement, parameters in seen:
            plans.append([row[3] for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters)])
    assert len(plans) >= 3                            # the count, the first ids, the carry
    for plan in plans:
        assert not [line for line in plan if re.match(r"SCAN handoff\b", line)], plan
    counted = [p for p, (st, _) in zip(plans, seen, strict=True) if "count(" in st]
    assert counted and all(any("USING COVERING INDEX ix_handoff_open" in line for line in p)
                           for p in counted)
