"""Sign-in, lockout after wrong PINs, unlock by the head; same answer for unknown and wrong."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PIN
from wealthtui.services import Services
from wealthtui.services.errors import AuthFailed, Conflict, PermissionDenied


def test_login_returns_the_actor_with_roles(services: Services, make_staff) -> None:
    teller = make_staff("cash_teller", "officer", staff_no="T01", name="陈柜员")
    assert teller.staff_no == "T01" and teller.roles == {"cash_teller", "officer"}


def test_unknown_staff_and_wrong_pin_get_the_same_answer(services: Services, make_staff) -> None:
    make_staff("cash_teller", staff_no="T01")
    with pytest.raises(AuthFailed) as unknown:
        services.auth.login("NOBODY", TEST_PIN)
    with pytest.raises(AuthFailed) as wrong:
        services.auth.login("T01", "000000")
    assert unknown.value.key == wrong.value.key == "error.auth.bad_credentials"


def test_five_wrong_pins_lock_for_fifteen_minutes_then_unlock_by_time(services, make_staff, clock) -> None:
    make_staff("cash_teller", staff_no="T01")
    for _ in range(4):
        with pytest.raises(AuthFailed) as exc:
            services.auth.login("T01", "000000")
        assert exc.value.key == "error.auth.bad_credentials"
    with pytest.raises(AuthFailed) as exc:
        services.auth.login("T01", "000000")
    assert exc.value.key == "error.auth.now_locked"
    # even the right PIN is refused while locked
    with pytest.raises(AuthFailed) as exc:
        services.auth.login("T01", TEST_PIN)
    assert exc.value.key == "error.auth.locked"
    assert exc.value.params["until"] == "09:45"
    clock.advance(minutes=15, seconds=1)
    assert services.auth.login("T01", TEST_PIN).staff_no == "T01"


def test_the_head_unlocks_and_others_cannot(services, head, make_staff) -> None:
    lobby = make_staff("lobby_manager")
    make_staff("cash_teller", staff_no="T01")
    for _ in range(5):
        with pytest.raises(AuthFailed):
            services.auth.login("T01", "000000")
    with pytest.raises(PermissionDenied):
        services.staff.unlock(lobby, "T01")
    services.staff.unlock(head, "T01")
    assert services.auth.login("T01", TEST_PIN)


def test_inactive_accounts_are_refused_with_their_own_message(services, head, make_staff) -> None:
    make_staff("cash_teller", staff_no="T01")
    services.staff.deactivate(head, "T01")
    with pytest.raises(AuthFailed) as exc:
        services.auth.login("T01", TEST_PIN)
    assert exc.value.key == "error.auth.inactive"


def test_a_deactivated_actor_can_no_longer_act(services, head, make_staff) -> None:
    teller = make_staff("cash_teller", staff_no="T01")
    services.staff.deactivate(head, "T01")
    with pytest.raises(PermissionDenied) as exc:
        services.handoffs.inbox(teller)
    assert exc.value.key == "error.permission.inactive"


def test_second_person_must_be_someone_else_with_the_authority(services, make_staff) -> None:
    teller = make_staff("cash_teller", staff_no="T01")
    make_staff("supervisor", staff_no="S01")
    make_staff("cash_teller", staff_no="T02")
    checker = services.auth.second_person(teller, "S01", TEST_PIN, "authz.decide")
    assert checker.staff_no == "S01"
    with pytest.raises(Conflict):
        services.auth.second_person(teller, "T01", TEST_PIN, "authz.decide")
    with pytest.raises(PermissionDenied):
        services.auth.second_person(teller, "T02", TEST_PIN, "authz.decide")


def test_a_session_end_is_audited_for_its_own_staff_member(services: Services, make_staff,
                                                           engine) -> None:
    from sqlmodel import Session, col, select

    from wealthtui.model import AuditEvent

    make_staff("lobby_manager", staff_no="L01")
    lobby = services.auth.login("L01", TEST_PIN)
    services.auth.session_ended(lobby, "idle_locked")
    services.auth.session_ended(lobby, "locked")
    services.auth.session_ended(lobby, "signed_out")
    with Session(engine) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.entity == "staff",
                                                 AuditEvent.entity_id == str(lobby.staff_id))
                        .order_by(col(AuditEvent.id))).all()
    assert [e.action for e in events][-4:] == [
        "auth.login", "auth.idle_locked", "auth.locked", "auth.signed_out"]
    assert {e.actor_id for e in events[-3:]} == {lobby.staff_id}
    with pytest.raises(ValueError):
        services.auth.session_ended(lobby, "vanished")
