"""Sign-in, lockout after wrong PINs, unlock by the head; same answer for unknown and wrong."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PIN
from wealthtui.services import Services
from wealthtui.services.errors import AuthFailed, Conflict, PermissionDenied


def test_login_returns_the_actor_with_roles(services: Services, make_staff) -> None:
    teller = make_staff("cash_teller", "officer", staff_no="T01", name="陈柜员")
    assert teller.staff_no == "T01" and teller.roles == {"cash_teller", "officer"}


def refused(services: Services, staff_no: str, pin: str, terminal: str) -> AuthFailed:
    with pytest.raises(AuthFailed) as exc:
        services.auth.login(staff_no, pin, terminal=terminal)
    return exc.value


def test_unknown_staff_and_wrong_pin_get_the_same_answer(services: Services, make_staff) -> None:
    make_staff("cash_teller", staff_no="T01")
    unknown = refused(services, "NOBODY", TEST_PIN, "t1")
    wrong = refused(services, "T01", "000000", "t2")
    assert unknown.key == wrong.key == "error.auth.bad_credentials"
    assert unknown.params == wrong.params == {}


def test_every_refused_state_answers_the_same_after_the_same_work(
        services: Services, head, make_staff, clock, monkeypatch) -> None:
    """Unknown number, wrong PIN, locked (right or wrong PIN), inactive (right PIN): one
    answer, and one argon2 verification each (a dummy hash for the unknown number)."""
    from argon2 import PasswordHasher

    make_staff("cash_teller", staff_no="T01")
    make_staff("cash_teller", staff_no="T02")
    make_staff("cash_teller", staff_no="T03")
    services.staff.deactivate(head, "T03")
    for i in range(services.settings.security.max_failed_pins):  # lock T02, a terminal each
        refused(services, "T02", "000000", f"lock-{i}")
    calls: list[str] = []
    real = PasswordHasher.verify

    def counting(self, hash_, pin):  # noqa: ANN001, ANN202
        calls.append(pin)
        return real(self, hash_, pin)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    answers = []
    for n, (staff_no, pin) in enumerate([("NOBODY", TEST_PIN), ("T01", "000000"),
                                         ("T02", TEST_PIN), ("T02", "000000"),
                                         ("T03", TEST_PIN)]):
        calls.clear()
        exc = refused(services, staff_no, pin, f"probe-{n}")
        answers.append((exc.key, exc.params))
        assert len(calls) == 1, staff_no
    assert answers == [("error.auth.bad_credentials", {})] * 5


def test_a_terminal_waits_longer_after_each_wrong_pin_without_sleeping(
        services: Services, make_staff, clock) -> None:
    make_staff("cash_teller", staff_no="T01")
    ins = services.settings.insiders
    for _ in range(ins.free_failures - 1):
        assert refused(services, "T01", "000000", "kiosk").key == "error.auth.bad_credentials"
    refused(services, "NOBODY", "000000", "kiosk")  # unknown numbers count the same
    # now the kiosk waits: even the right PIN is not looked at, nothing is counted
    exc = refused(services, "T01", TEST_PIN, "kiosk")
    assert exc.key == "insiders.error.wait" and exc.params == {"seconds": ins.first_wait_seconds}
    assert refused(services, "NOBODY", TEST_PIN, "kiosk").params == exc.params
    # another terminal is not held up
    assert services.auth.login("T01", TEST_PIN, terminal="counter-1").staff_no == "T01"
    clock.advance(seconds=ins.first_wait_seconds)
    refused(services, "T01", "000000", "kiosk")
    assert refused(services, "T01", TEST_PIN, "kiosk").params == {
        "seconds": ins.first_wait_seconds * 2}
    clock.advance(seconds=ins.first_wait_seconds * 2)
    # a right PIN clears the terminal
    assert services.auth.login("T01", TEST_PIN, terminal="kiosk").staff_no == "T01"
    assert refused(services, "T01", "000000", "kiosk").key == "error.auth.bad_credentials"


def test_the_account_locks_after_the_larger_count_then_unlocks_by_time(
        services, make_staff, clock) -> None:
    make_staff("cash_teller", staff_no="T01")
    limit = services.settings.security.max_failed_pins
    assert limit > services.settings.insiders.free_failures
    for i in range(limit - 1):
        assert refused(services, "T01", "000000", f"t{i}").key == "error.auth.bad_credentials"
    assert services.auth.login("T01", TEST_PIN, terminal="desk")  # not locked: count cleared
    for i in range(limit):
        refused(services, "T01", "000000", f"u{i}")
    # locked: even the right PIN gets the one answer
    assert refused(services, "T01", TEST_PIN, "desk").key == "error.auth.bad_credentials"
    clock.advance(minutes=services.settings.security.lockout_minutes, seconds=1)
    assert services.auth.login("T01", TEST_PIN, terminal="desk").staff_no == "T01"


def test_a_supervisor_or_the_head_unlocks_and_others_cannot(services, head, make_staff) -> None:
    lobby = make_staff("lobby_manager")
    supervisor = make_staff("supervisor")
    make_staff("cash_teller", staff_no="T01")
    for _round in range(2):
        for i in range(services.settings.security.max_failed_pins):
            refused(services, "T01", "000000", f"r{_round}-{i}")
        assert refused(services, "T01", TEST_PIN, "desk").key == "error.auth.bad_credentials"
        with pytest.raises(PermissionDenied):
            services.staff.unlock(lobby, "T01")
        services.staff.unlock(supervisor if _round == 0 else head, "T01")
        assert services.auth.login("T01", TEST_PIN, terminal="desk")


def test_inactive_accounts_get_the_same_answer(services, head, make_staff) -> None:
    make_staff("cash_teller", staff_no="T01")
    services.staff.deactivate(head, "T01")
    assert refused(services, "T01", TEST_PIN, "desk").key == "error.auth.bad_credentials"


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
