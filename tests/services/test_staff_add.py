"""Adding staff (issue 15, the gaps of stop 14): a new account gets a random one-time PIN that
its holder replaces at the first sign-in, and the head or supervisor role asked for it waits for
a second person, as a change of roles does. The first head is made alone, and says so. Real
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from tests.conftest import TEST_PIN
from tests.staffing import FIXTURE_TERMINAL, add_staff
from wealthtui import i18n
from wealthtui.i18n import t
from wealthtui.model import AuditEvent, Staff
from wealthtui.rules.pins import weak_pin_reason
from wealthtui.services.errors import AuthFailed, Conflict, PermissionDenied, PinChangeRequired

HEAD_DESK, COUNTER = "head-office", "counter-7"


def events(engine, action: str) -> list[AuditEvent]:
    with Session(engine) as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)
                           .order_by(col(AuditEvent.id))))


def test_a_new_account_gets_a_one_time_pin_nobody_chose(services, head, engine) -> None:
    new = services.staff.add(head, "T01", "刘柜员", ["cash_teller"], terminal=HEAD_DESK,
                             birthday=date(1990, 3, 14))
    assert new.pending is None and new.staff.roles == ("cash_teller",)
    assert new.staff.pin_must_change
    ins = services.settings.insiders
    assert len(new.pin) == ins.one_time_pin_length
    assert weak_pin_reason(new.pin, staff_no="T01", birthday=date(1990, 3, 14),
                           min_len=len(new.pin), max_len=len(new.pin)) is None
    assert new.expires_at == services.clock.now() + timedelta(hours=ins.one_time_pin_hours)
    # the PIN is stored only as its hash, and is in no audit event
    with Session(engine) as s:
        staff = s.exec(select(Staff).where(Staff.staff_no == "T01")).one()
        assert new.pin not in staff.pin_hash
        assert all(new.pin not in e.detail for e in s.exec(select(AuditEvent)))
    (added,) = events(engine, "staff.add")
    detail = json.loads(added.detail)
    assert added.actor_id == head.staff_id and detail["terminal"] == HEAD_DESK
    assert detail["roles"] == detail["asked"] == "cash_teller"


def test_the_one_time_pin_is_not_a_sign_in_and_not_on_the_terminal_that_issued_it(
        services, head) -> None:
    new = services.staff.add(head, "T01", "刘柜员", ["cash_teller"], terminal=HEAD_DESK)
    # whoever saw it at the head's desk cannot use it there
    with pytest.raises(AuthFailed) as here:
        services.auth.login("T01", new.pin, terminal=HEAD_DESK)
    assert here.value.key == "insiders.error.one_time_here"
    with pytest.raises(AuthFailed):
        services.auth.complete_reset("T01", new.pin, "592716", terminal=HEAD_DESK)
    # elsewhere it only leads to choosing one's own PIN, and says who issued it and when
    with pytest.raises(PinChangeRequired) as must:
        services.auth.login("T01", new.pin, terminal=COUNTER)
    assert must.value.key == "insiders.error.must_change"
    by = must.value.params["by"]  # a name and number, worded in the reader's language
    assert str(by) == "王主任（H001）"
    i18n.set_language("en")
    assert t(must.value.key, **must.value.params).startswith(
        "Your one-time PIN was issued by 王主任 (H001) at ")
    i18n.set_language("zh_CN")
    actor = services.auth.complete_reset("T01", new.pin, "592716", terminal=COUNTER)
    assert actor.staff_no == "T01" and actor.roles == {"cash_teller"}
    # now the chosen PIN signs in anywhere, the one-time PIN nowhere
    assert services.auth.login("T01", "592716", terminal=HEAD_DESK).staff_no == "T01"
    with pytest.raises(AuthFailed):
        services.auth.login("T01", new.pin, terminal=COUNTER)


def test_an_unused_one_time_pin_of_a_new_account_expires(services, head, clock) -> None:
    new = services.staff.add(head, "T01", "刘柜员", ["cash_teller"], terminal=HEAD_DESK)
    clock.advance(hours=services.settings.insiders.one_time_pin_hours)
    with pytest.raises(AuthFailed) as exc:
        services.auth.login("T01", new.pin, terminal=COUNTER)
    assert exc.value.key == "error.auth.bad_credentials"
    # the head resets it: a fresh one-time PIN
    again = services.staff.reset_pin(head, "T01", terminal=HEAD_DESK)
    assert services.auth.complete_reset("T01", again.pin, "592716", terminal=COUNTER)


def test_adding_a_supervisor_waits_for_a_second_person(services, head, make_staff,
                                                       engine) -> None:
    supervisor = make_staff("supervisor", staff_no="S01", name="李主管")
    officer = make_staff("officer", staff_no="O01", name="张主办")
    new = services.staff.add(head, "S02", "钱主管", ["supervisor", "officer"], terminal=HEAD_DESK)
    # the account exists at once with what needs nobody else; the supervisor role waits
    assert new.staff.roles == ("officer",)
    assert new.pending is not None and new.pending.status == "pending"
    assert new.pending.roles_before == ("officer",)
    assert new.pending.roles_after == ("supervisor", "officer")
    assert new.pending.requested_by_no == "H001"
    assert [g.id for g in services.staff.grants(head)] == [new.pending.id]
    detail = json.loads(events(engine, "staff.add")[-1].detail)
    assert (detail["roles"], detail["asked"]) == ("officer", "supervisor,officer")
    # not by the head who asked, not by the person, not by an officer without authority
    with pytest.raises(Conflict) as same:
        services.staff.approve_grant(head, new.pending.id)
    assert same.value.key == "insiders.grant.same_person"
    person = services.auth.complete_reset("S02", new.pin, "592716", terminal=COUNTER)
    with pytest.raises(PermissionDenied):  # an officer who is no administrator: no authority
        services.staff.approve_grant(officer, new.pending.id)
    with pytest.raises(Conflict):  # the person (an officer already) for themself
        services.staff.approve_grant(person, new.pending.id)
    done = services.staff.approve_grant(supervisor, new.pending.id)
    assert done.staff.roles == ("supervisor", "officer")
    assert services.auth.login("S02", "592716").roles == {"supervisor", "officer"}


def test_a_new_head_alone_holds_no_role_until_approved(services, head, make_staff) -> None:
    make_staff("supervisor", staff_no="S01")
    new = services.staff.add(head, "H002", "李副主任", ["head"], terminal=HEAD_DESK)
    assert new.staff.roles == () and new.pending is not None
    person = services.auth.complete_reset("H002", new.pin, "592716", terminal=COUNTER)
    assert person.roles == frozenset()
    with pytest.raises(PermissionDenied):  # a person without roles may do nothing
        services.staff.roster(person)
    with pytest.raises(PermissionDenied):  # nor approve their own grant
        services.staff.approve_grant(person, new.pending.id)
    # rejected: the account stays without the role
    supervisor = services.auth.login("S01", TEST_PIN)
    services.staff.reject_grant(supervisor, new.pending.id, "尚未任命")
    assert next(v for v in services.staff.roster(head) if v.staff_no == "H002").roles == ()


def test_the_first_head_is_made_alone_only_in_a_center_without_staff(services, engine) -> None:
    services.staff.bootstrap_head("H001", "王主任", TEST_PIN)
    (boot,) = events(engine, "staff.bootstrap")
    detail = json.loads(boot.detail)
    assert boot.actor_id is None and detail["second_person"] == "none"
    assert "no active head or supervisor" in detail["basis"]
    with pytest.raises(Conflict) as exc:
        services.staff.bootstrap_head("H002", "李主任", TEST_PIN)
    assert exc.value.key == "error.staff.bootstrap_done"


def test_the_fixture_helper_goes_through_the_same_path(services, head, engine) -> None:
    """tests/staffing.add_staff: the person chose their PIN elsewhere; the first supervisor of
    this center was approved by the configured administrator, who is not active afterwards."""
    view = add_staff(services, head, "S01", "李主管", ["supervisor"])
    assert view.roles == ("supervisor",) and not view.pin_must_change
    (grant,) = services.staff.grants(head, pending_only=False)
    assert grant.status == "approved" and grant.decided_by_no == "A000"
    chosen = events(engine, "auth.pin_chosen")
    assert all(FIXTURE_TERMINAL in e.detail for e in chosen)
    active = [v.staff_no for v in services.staff.roster(head, include_inactive=False)]
    assert active == ["H001", "S01"]
