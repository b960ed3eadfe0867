"""The business day: closing is refused while a teller is not signed off (and cannot be explained
away), other exceptions need the head's written explanation; after the close a record of that day
changes only by the head with a reason, audited. Real services on the real database."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from wealthtui.model import AuditEvent, BusinessDay
from wealthtui.rules.fields import FieldError
from wealthtui.services import Actor, Services
from wealthtui.services.day import DayCloseRefused, ensure_day_open
from wealthtui.services.errors import Conflict, PermissionDenied
from wealthtui.services.uow import run_in_uow

ALL_MATCH = dict.fromkeys(("accounts", "physical", "vouchers", "cash", "receipts"), True)


@pytest.fixture
def people(make_staff: Any) -> dict[str, Actor]:
    return {
        "teller": make_staff("cash_teller", name="孙柜员", staff_no="T001"),
        "sup": make_staff("supervisor", name="吴主管", staff_no="U001"),
        "lobby": make_staff("lobby_manager", name="钱大堂", staff_no="L001"),
    }


def _refusal(services: Services, head: Actor, day: date | None = None,
             **explanations: str) -> DayCloseRefused:
    with pytest.raises(DayCloseRefused) as caught:
        services.day.close(head, day, explanations=dict(explanations))
    return caught.value


def _explain_all(services: Services, head: Actor) -> dict[str, str]:
    state = services.day.state(head)
    return {p.key: f"说明{p.ref}" for p in state.problems if p.explainable}


def _sign_off_teller(services: Services, people: dict[str, Actor]) -> None:
    balance = services.balancing.submit(people["teller"], "1,000.00", ALL_MATCH)
    services.balancing.sign_off(people["sup"], balance.id)


def test_close_refused_while_a_teller_is_not_signed_off(
        services: Services, head: Actor, people: dict[str, Actor]) -> None:
    services.counter.sign_on(people["teller"], "01", "1,000")
    explanations = _explain_all(services, head)
    # even with every other exception explained, the teller who has not balanced stops the close
    refused = _refusal(services, head, **explanations)
    assert [(p.kind, p.ref, p.status, p.explainable) for p in refused.problems] == [
        ("teller", "T001", "missing", False)]
    # explaining it does not help: it cannot be explained away
    refused = _refusal(services, head, **explanations, **{"teller:T001": "明天补"})
    assert [p.ref for p in refused.problems] == ["T001"]
    # submitted but not signed off: still refused
    balance = services.balancing.submit(people["teller"], "1,000.00", ALL_MATCH)
    refused = _refusal(services, head, **explanations)
    assert [(p.ref, p.status) for p in refused.problems] == [("T001", "submitted")]
    # signed off by the supervisor: the day closes
    services.balancing.sign_off(people["sup"], balance.id)
    state = services.day.close(head, explanations=explanations)
    assert state.closed and state.closed_by == "H001 王主任"
    assert services.day.state(head).closed


def test_every_other_exception_needs_a_written_explanation(
        services: Services, head: Actor, people: dict[str, Actor], engine: Any) -> None:
    services.counter.sign_on(people["teller"], "01", "1,000")   # starts the teller's sign-on checklist
    _sign_off_teller(services, people)
    problems = services.day.state(head).problems
    kinds = {p.kind for p in problems}
    assert kinds == {"checklist", "flow_log"} and all(p.explainable for p in problems)
    # the open sign-on checklist of the teller and the daily checklists nobody did are listed
    assert "checklist:counter_sign_on" in {p.key for p in problems}
    refused = _refusal(services, head)
    assert len(refused.problems) == len(problems)
    # explaining all but one: refused, naming the one left
    explanations = _explain_all(services, head)
    left = explanations.pop("flow_log:flow_log")
    refused = _refusal(services, head, **explanations, **{"flow_log:flow_log": "   "})
    assert [p.key for p in refused.problems] == ["flow_log:flow_log"]
    explanations["flow_log:flow_log"] = left
    state = services.day.close(head, explanations=explanations)
    assert state.closed and state.explanations == explanations
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "day.close")).one()
        assert json.loads(event.detail)["explained"] == explanations
        assert event.actor_id == head.staff_id


def test_the_lobby_manager_confirms_the_flow_log(
        services: Services, head: Actor, people: dict[str, Actor]) -> None:
    assert "flow_log:flow_log" in {p.key for p in services.day.state(head).problems}
    with pytest.raises(PermissionDenied):
        services.day.confirm_flow_log(people["teller"])
    state = services.day.confirm_flow_log(people["lobby"])
    assert state.flow_log_confirmed_by == "L001 钱大堂"
    assert "flow_log:flow_log" not in {p.key for p in services.day.state(head).problems}
    assert services.reports.flow_log(head).confirmed_by == "L001 钱大堂"


def test_only_the_head_closes_and_not_twice(services: Services, head: Actor,
                                            people: dict[str, Actor]) -> None:
    with pytest.raises(PermissionDenied):
        services.day.close(people["sup"], explanations={})
    services.day.close(head, explanations=_explain_all(services, head))
    with pytest.raises(Conflict) as again:
        services.day.close(head, explanations={})
    assert again.value.key == "error.day.already_closed"


def test_a_day_in_the_future_cannot_be_closed(services: Services, head: Actor) -> None:
    tomorrow = services.ctx.today() + timedelta(days=1)
    with pytest.raises(FieldError):
        services.day.close(head, tomorrow, explanations={})


def test_yesterday_can_be_closed_late(services: Services, head: Actor) -> None:
    yesterday = services.ctx.today() - timedelta(days=1)
    # nobody worked yesterday in this database: only the daily checklists and the flow log
    state = services.day.state(head, yesterday)
    assert not any(p.kind == "teller" for p in state.problems)
    explanations = {p.key: "补记" for p in state.problems}
    assert services.day.close(head, yesterday, explanations=explanations).closed
    assert not services.day.state(head).closed  # today stays open


def test_post_close_edits_need_the_head_and_a_reason(
        services: Services, head: Actor, people: dict[str, Actor], engine: Any) -> None:
    day = services.ctx.today()

    def guard(actor: Actor, reason: str = "") -> None:
        run_in_uow(services.ctx, actor.staff_id, True,
                   lambda uow: ensure_day_open(uow, day, reason=reason))

    guard(people["teller"])                     # open day: anyone passes, no reason needed
    services.day.close(head, explanations=_explain_all(services, head))
    with pytest.raises(Conflict) as closed:
        guard(people["teller"], reason="我要改")
    assert closed.value.key == "error.day.closed"
    with pytest.raises(Conflict):
        guard(people["sup"], reason="更正")
    with pytest.raises(FieldError) as no_reason:
        guard(head)
    assert no_reason.value.field == "field.reason"
    guard(head, reason="补录漏记的一笔转介")
    with Session(engine) as session:
        amend = session.exec(select(AuditEvent).where(AuditEvent.action == "day.amend")).one()
        assert json.loads(amend.detail) == {"reason": "补录漏记的一笔转介"}
        assert amend.actor_id == head.staff_id and amend.entity_id == day.isoformat()
        assert session.get(BusinessDay, day).status == "closed"  # type: ignore[union-attr]
    # a service that writes records of the day goes through the guard: confirming is refused
    with pytest.raises(Conflict):
        services.day.confirm_flow_log(people["lobby"])


def test_opening_the_day_explicitly(services: Services, head: Actor,
                                    people: dict[str, Actor]) -> None:
    state = services.day.open(head)
    assert state.status == "open" and state.opened_at is not None
    with pytest.raises(PermissionDenied):
        services.day.open(people["lobby"])
    services.day.close(head, explanations=_explain_all(services, head))
    with pytest.raises(Conflict):
        services.day.open(head)
