"""The life of a hand-off (issue 16, "What is wrong today" item 3), on the real database:
accepted is not overdue; expiry by the configured hours returns an untaken hand-off to its
sender with a notice, on day open and when asked by any screen; a hand-off of a closed day can be
finished; the close lists open hand-offs and carries them over; a complaint's, an authorisation's
and a checklist run's hand-offs end with what they are about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from tests.conftest import FAST_PIN_HASH
from tests.counter_ready import sign_on_ready
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from wealthtui.config import load_settings
from wealthtui.model import AuditEvent, Handoff
from wealthtui.model.handoff import is_overdue
from wealthtui.services import Actor, Services
from wealthtui.services.day import DayCloseRefused
from wealthtui.services.errors import Conflict
from wealthtui.services.uow import run_in_uow


@pytest.fixture
def people(make_staff: Any) -> dict[str, Actor]:
    return {
        "lobby": make_staff("lobby_manager", staff_no="L1", name="赵大堂"),
        "cm": make_staff("wealth_cm", staff_no="C1", name="李理财"),
        "cm2": make_staff("wealth_cm", staff_no="C2", name="周理财"),
        "teller": make_staff("cash_teller", staff_no="T1", name="陈柜员"),
        "sup": make_staff("supervisor", staff_no="U1", name="孙主管"),
    }


def _arrival(services: Services, people: dict[str, Actor], **over: Any) -> Any:
    fields: dict[str, Any] = dict(kind="premium_arrival", to_staff_id=people["cm"].staff_id,
                                  note="贵宾室 2", source="lobby")
    fields.update(over)
    return services.handoffs.create(people["lobby"], **fields)


def test_an_accepted_arrival_is_in_progress_not_overdue(
        services: Services, people: dict[str, Actor], clock: Any, head: Actor) -> None:
    h = _arrival(services, people)
    clock.advance(minutes=31)  # past the default 30 minutes, nobody took it: overdue
    assert services.handoffs.get(people["cm"], h.id).overdue(clock.now())
    assert services.dashboard.snapshot(head).handoffs_overdue == 1
    services.handoffs.accept(people["cm"], h.id)
    clock.advance(minutes=5)
    view = services.handoffs.get(people["cm"], h.id)
    assert view.status == "accepted" and not view.overdue(clock.now())
    assert services.dashboard.snapshot(head).handoffs_overdue == 0
    report = services.reports.eod(head)
    assert len(report.handoffs_open) == 1 and report.handoffs_overdue == 0


class TestWithACompletionTime:
    @pytest.fixture
    def settings(self) -> Any:
        return load_settings(overrides={"security": FAST_PIN_HASH,
                                        "handoffs": {"complete_within_minutes": 60}})

    def test_a_long_accepted_one_is_overdue(
            self, services: Services, people: dict[str, Actor], clock: Any,
            head: Actor) -> None:
        h = _arrival(services, people)
        services.handoffs.accept(people["cm"], h.id)
        clock.advance(minutes=59)
        assert not services.handoffs.get(people["cm"], h.id).overdue(clock.now())
        clock.advance(minutes=2)
        assert services.handoffs.get(people["cm"], h.id).overdue(clock.now())
        assert services.dashboard.snapshot(head).handoffs_overdue == 1
        assert services.reports.eod(head).handoffs_overdue == 1


def test_expiry_returns_an_untaken_handoff_to_its_sender_with_a_notice(
        services: Services, people: dict[str, Actor], clock: Any, engine: Any) -> None:
    h = _arrival(services, people, to_staff_id=None, to_role="wealth_cm", kind="referral",
                 note="想了解基金")
    taken = _arrival(services, people)
    services.handoffs.accept(people["cm"], taken.id)
    clock.advance(hours=24, minutes=29)  # due 30 min after creation + 24 h: not yet
    assert not services.handoffs.expiry_due(people["teller"])
    assert services.handoffs.expire_overdue(people["teller"]) == 0
    clock.advance(minutes=2)
    assert services.handoffs.expiry_due(people["teller"])
    assert services.handoffs.expire_overdue(people["teller"]) == 1  # any signed-in screen
    assert services.handoffs.expire_overdue(people["teller"]) == 0  # once
    assert not services.handoffs.expiry_due(people["teller"])
    assert services.handoffs.get(people["lobby"], h.id).status == "expired"
    assert services.handoffs.get(people["cm"], taken.id).status == "accepted"  # in progress
    notices = [x for x in services.handoffs.inbox(people["lobby"]) if x.kind == "returned"]
    assert len(notices) == 1
    notice = notices[0]
    assert notice.to_staff_id == people["lobby"].staff_id and notice.source == "system"
    assert "想了解基金" in notice.note and not notice.overdue(clock.now() + timedelta(days=9))
    assert services.handoffs.inbox(people["cm2"]) == []  # gone from the role's inbox
    # the sender acknowledges the notice: it is theirs to finish
    assert services.handoffs.complete(people["lobby"], notice.id, "已电话联系客户").status == "done"
    with Session(engine) as s:
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "handoff.expire")).all()
        assert [a.entity_id for a in audit] == [str(h.id)]


def test_opening_the_day_runs_the_expiry(
        services: Services, people: dict[str, Actor], clock: Any, head: Actor) -> None:
    h = _arrival(services, people)
    clock.advance(days=2)  # the next business day but one: the day is opened by the head
    services.day.open(head)
    assert services.handoffs.get(head, h.id).status == "expired"


def _close_yesterday(services: Services, head: Actor, clock: Any) -> None:
    state = services.day.state(head)
    explanations = {p.key: "说明" for p in state.problems if p.kind != "handoff"}
    services.day.close(head, explanations=explanations, carry_over=True)
    clock.advance(days=1)


def test_a_handoff_of_a_closed_day_can_be_finished(
        services: Services, people: dict[str, Actor], clock: Any, head: Actor,
        engine: Any) -> None:
    accepted = _arrival(services, people)
    services.handoffs.accept(people["cm"], accepted.id)
    waiting = _arrival(services, people, to_staff_id=people["cm2"].staff_id)
    _close_yesterday(services, head, clock)
    # the next day: finishing and declining are not changes of the closed day
    assert services.handoffs.complete(people["cm"], accepted.id, "已接待").status == "done"
    assert services.handoffs.accept(people["cm2"], waiting.id).status == "accepted"
    assert services.handoffs.decline(people["cm2"], waiting.id, "客户已离开").status == "declined"
    # changing what the hand-off was (its note) is still a change of the closed day
    def rewrite(uow: Any) -> None:
        row = uow.session.get(Handoff, accepted.id)
        row.note = "改写"
        uow.session.add(row)
        uow.session.flush()
    with pytest.raises(Conflict):
        run_in_uow(services.ctx, people["cm"].staff_id, True, rewrite)


def test_the_close_lists_open_handoffs_and_the_head_carries_them_over(
        services: Services, people: dict[str, Actor], clock: Any, head: Actor,
        engine: Any) -> None:
    open_one = _arrival(services, people)
    accepted = _arrival(services, people, to_staff_id=people["cm2"].staff_id)
    services.handoffs.accept(people["cm2"], accepted.id)
    done = _arrival(services, people)
    services.handoffs.complete(people["cm"], done.id)
    problems = services.day.state(head).problems
    listed = {p.ref: p.status for p in problems if p.kind == "handoff"}
    assert listed == {str(open_one.id): "open", str(accepted.id): "accepted"}
    assert all(p.explainable for p in problems)
    others = {p.key: "说明" for p in problems if p.kind != "handoff"}
    with pytest.raises(DayCloseRefused) as refused:
        services.day.close(head, explanations=others)
    assert {p.kind for p in refused.value.problems} == {"handoff"}
    state = services.day.close(head, explanations=others, carry_over=True)
    assert state.closed
    with Session(engine) as s:
        rows = {h.id: h for h in s.exec(select(Handoff)).all()}
        carried = s.exec(select(AuditEvent).where(AuditEvent.action == "handoff.carry")).all()
    assert rows[open_one.id].carried_to == rows[open_one.id].business_date + timedelta(days=1)
    assert rows[done.id].carried_to is None
    assert sorted(int(a.entity_id) for a in carried) == sorted([open_one.id, accepted.id])
    # carried work stays with its addressee, and is listed again at the next close
    clock.advance(days=1)
    assert [h.id for h in services.handoffs.inbox(people["cm2"]) if h.status == "accepted"] == [
        accepted.id]
    again = {p.ref for p in services.day.state(head).problems if p.kind == "handoff"}
    assert str(accepted.id) in again


def test_a_refused_close_carries_nothing(
        services: Services, people: dict[str, Actor], head: Actor, engine: Any) -> None:
    _arrival(services, people)
    sign_on_ready(services, people["teller"], "01")  # a teller not balanced: not explainable
    with pytest.raises(DayCloseRefused):
        services.day.close(head, carry_over=True)
    with Session(engine) as s:
        assert all(h.carried_to is None for h in s.exec(select(Handoff)).all())


def _complaint(services: Services, people: dict[str, Actor]) -> Any:
    return services.complaints.intake(
        people["teller"], channel="on_site", category="attitude", subcategory="rude",
        description="柜员办理取款时态度生硬", name="王女士", phone="139 1234 5678")


def test_a_complaints_handoff_ends_when_it_is_closed(
        services: Services, people: dict[str, Actor], head: Actor) -> None:
    c = _complaint(services, people)
    services.complaints.assign(head, c.id, people["sup"].staff_id)
    h = next(x for x in services.handoffs.inbox(people["sup"]) if x.status == "open")
    assert (h.subject_type, h.subject_id) == ("complaint", c.id)
    services.complaints.reply(people["sup"], c.id, channel="phone", content="已致歉并说明",
                              options_told=True)
    assert services.handoffs.get(people["sup"], h.id).status == "open"  # not ended yet
    services.complaints.close(people["sup"], c.id, "服务意识不足", "组织服务培训")
    ended = services.handoffs.get(people["sup"], h.id)
    assert ended.status == "done" and c.ref_no in ended.outcome


def test_a_new_handler_ends_the_previous_handlers_handoff(
        services: Services, people: dict[str, Actor], head: Actor) -> None:
    c = _complaint(services, people)
    services.complaints.assign(head, c.id, people["sup"].staff_id)
    first = services.handoffs.inbox(people["sup"])[0]
    services.complaints.assign(head, c.id, people["cm"].staff_id)
    assert services.handoffs.get(people["sup"], first.id).status == "done"
    assert [x.subject_id for x in services.handoffs.inbox(people["cm"])
            if x.status == "open"] == [c.id]


def test_a_withdrawn_complaints_handoff_ends_too(
        services: Services, people: dict[str, Actor], head: Actor) -> None:
    c = _complaint(services, people)
    services.complaints.assign(head, c.id, people["sup"].staff_id)
    h = services.handoffs.inbox(people["sup"])[0]
    services.complaints.withdraw(people["sup"], c.id, "客户表示不再追究")
    assert services.handoffs.get(people["sup"], h.id).status == "done"


def test_a_checklist_runs_handoff_ends_when_the_run_is_finished(
        services: Services, people: dict[str, Actor], head: Actor) -> None:
    lobby = people["lobby"]
    run = services.checklists.start(lobby, "lobby_closing")
    run = services.checklists.record(lobby, run.id, "to_head")
    handoff_id = run.state("to_head").handoff_id
    assert handoff_id is not None
    h = services.handoffs.get(head, handoff_id)
    assert (h.status, h.subject_type, h.subject_id) == ("open", "checklist_run", run.id)
    for step in ("last_clients", "complaints_logged", "tidy"):
        services.checklists.record(lobby, run.id, step)
    services.day.confirm_flow_log(lobby, run_id=run.id)
    services.checklists.complete(lobby, run.id)
    assert services.handoffs.get(head, handoff_id).status == "done"


def test_an_authorisations_handoff_ends_when_it_is_decided(
        services: Services, center: Center) -> None:
    center.sign_on(center.t1, "02")  # the opening cash and the sign-on checklist
    ticket = center.ticket_at(center.t1, "02")
    rec = services.counter.record(center.t1, ticket, "cash_withdrawal", "80,000")
    req = services.authorization.request(center.t1, rec.id)

    def about_it(uow: Any) -> int:
        h = services.handoffs.create_in(uow, kind="general", to_role="supervisor",
                                        subject_type="authorization", subject_id=req.id)
        assert h.id is not None
        return h.id
    hid = run_in_uow(services.ctx, center.t1.staff_id, True, about_it)
    assert services.handoffs.get(center.sup, hid).status == "open"
    services.authorization.decide(center.off, req.id, True, "已核对")
    h = services.handoffs.get(center.sup, hid)
    assert (h.status, h.outcome) == ("done", "approved")


@given(status=st.sampled_from(("open", "accepted", "done", "declined", "expired", "returned")),
       due_min=st.one_of(st.none(), st.integers(-600, 600)),
       accepted_min=st.one_of(st.none(), st.integers(-600, 0)),
       within=st.integers(0, 300))
def test_overdue_only_while_waiting_on_someone(status: str, due_min: int | None,
                                              accepted_min: int | None, within: int) -> None:
    """The rule behind every "overdue" count: an open one past due; an accepted one only past a
    configured completion time; nothing else, ever."""
    now = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
    due = None if due_min is None else now + timedelta(minutes=due_min)
    accepted = None if accepted_min is None else now + timedelta(minutes=accepted_min)
    late = is_overdue(status, due, accepted, now, within)
    if status == "open":
        assert late == (due is not None and now > due)
    elif status == "accepted":
        assert late == (within > 0 and accepted is not None
                        and now > accepted + timedelta(minutes=within))
    else:
        assert not late
