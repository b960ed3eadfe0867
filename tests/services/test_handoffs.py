"""Hand-offs: open → accepted → done, declined with a reason, expired, re-routed; inboxes."""

from __future__ import annotations

import pytest

from tests.staffing import lobby_people
from wealthtui.services.errors import Conflict, FieldError, PermissionDenied


@pytest.fixture
def people(make_staff):
    return lobby_people(make_staff)


def test_the_addressee_sees_it_and_the_sender_sees_acceptance(services, people) -> None:
    lobby, cm1 = people["lobby"], people["cm1"]
    sent = services.handoffs.create(lobby, kind="premium_arrival", to_staff_id=cm1.staff_id,
                                    note="客户在贵宾室等候", source="lobby", manual_section="ch.2 §2.7")
    assert [h.id for h in services.handoffs.inbox(cm1)] == [sent.id]
    assert services.handoffs.inbox(people["cm2"]) == []
    services.handoffs.accept(cm1, sent.id)
    mine = services.handoffs.sent(lobby)
    assert mine[0].status == "accepted" and mine[0].accepted_at is not None
    done = services.handoffs.complete(cm1, sent.id, "已接待")
    assert (done.status, done.outcome) == ("done", "已接待")


def test_only_the_addressee_may_respond(services, people) -> None:
    sent = services.handoffs.create(people["lobby"], kind="general", to_staff_id=people["cm1"].staff_id)
    with pytest.raises(PermissionDenied):
        services.handoffs.accept(people["cm2"], sent.id)
    with pytest.raises(PermissionDenied):
        services.handoffs.get(people["teller"], sent.id)


def test_a_role_handoff_is_claimed_by_whoever_accepts(services, people) -> None:
    sent = services.handoffs.create(people["teller"], kind="referral", to_role="wealth_cm", note="想了解基金")
    assert [h.id for h in services.handoffs.inbox(people["cm1"])] == [sent.id]
    assert [h.id for h in services.handoffs.inbox(people["cm2"])] == [sent.id]
    services.handoffs.accept(people["cm2"], sent.id)
    assert services.handoffs.inbox(people["cm1"]) == []
    with pytest.raises(PermissionDenied):
        services.handoffs.complete(people["cm1"], sent.id)


def test_decline_needs_a_reason(services, people) -> None:
    sent = services.handoffs.create(people["lobby"], kind="general", to_staff_id=people["cm1"].staff_id)
    with pytest.raises(FieldError) as exc:
        services.handoffs.decline(people["cm1"], sent.id, "  ")
    assert exc.value.field == "field.reason"
    declined = services.handoffs.decline(people["cm1"], sent.id, "今日外出")
    assert declined.status == "declined"
    with pytest.raises(Conflict):
        services.handoffs.accept(people["cm1"], sent.id)


def test_reroute_by_the_lobby(services, people) -> None:
    sent = services.handoffs.create(people["lobby"], kind="premium_arrival", to_staff_id=people["cm1"].staff_id,
                                    note="VIP 室 2")
    new = services.handoffs.reroute(people["lobby"], sent.id, to_staff_id=people["cm2"].staff_id)
    assert new.note == "VIP 室 2" and new.to_staff_id == people["cm2"].staff_id
    assert services.handoffs.inbox(people["cm1"])[0].status == "declined"
    with pytest.raises(PermissionDenied):
        services.handoffs.reroute(people["teller"], new.id, to_staff_id=people["cm1"].staff_id)


def test_cannot_hand_off_to_oneself_or_nobody(services, people) -> None:
    with pytest.raises(FieldError):
        services.handoffs.create(people["lobby"], kind="general", to_staff_id=people["lobby"].staff_id)
    with pytest.raises(FieldError):
        services.handoffs.create(people["lobby"], kind="general")
    with pytest.raises(FieldError):
        services.handoffs.create(people["lobby"], kind="gossip", to_role="head")


def test_stale_open_handoffs_expire(services, people, clock) -> None:
    sent = services.handoffs.create(people["lobby"], kind="general", to_staff_id=people["cm1"].staff_id)
    assert services.handoffs.expire_overdue(people["cm1"]) == 0
    clock.advance(hours=25)
    assert services.handoffs.expire_overdue(people["cm1"]) == 1
    assert services.handoffs.get(people["cm1"], sent.id).status == "expired"
