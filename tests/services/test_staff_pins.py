"""PIN resets give a one-time PIN that must be changed (issue 15): random, shown once, refused on
the terminal where it was issued, expiring, allowing nothing but choosing a new PIN; weak PINs
are refused everywhere a PIN is set. Real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, select

from tests.conftest import TEST_PIN
from wealthtui.i18n import StaffRef
from wealthtui.model import AuditEvent, Staff
from wealthtui.rules.pins import weak_pin_reason
from wealthtui.services.errors import (
    AuthFailed,
    Conflict,
    FieldError,
    PermissionDenied,
    PinChangeRequired,
)

OFFICE = "head-office"   # the terminal where the head resets PINs
COUNTER = "counter-3"    # the supervisor's own terminal


def test_the_resetter_does_not_choose_the_pin_and_the_old_one_stops(services, head, make_staff,
                                                                     engine) -> None:
    make_staff("supervisor", staff_no="S01")
    first = services.staff.reset_pin(head, "S01", terminal=OFFICE)
    second = services.staff.reset_pin(head, "S01", terminal=OFFICE)
    assert first.pin != second.pin and len(first.pin) == services.settings.insiders.one_time_pin_length
    assert first.staff.pin_must_change
    with pytest.raises(AuthFailed) as exc:
        services.auth.login("S01", TEST_PIN, terminal=COUNTER)
    assert exc.value.key == "error.auth.bad_credentials"
    with pytest.raises(AuthFailed):  # the first one-time PIN was replaced by the second
        services.auth.login("S01", first.pin, terminal=COUNTER)
    with Session(engine) as s:  # only a hash is stored, and the audit names no PIN
        row = s.exec(select(Staff).where(Staff.staff_no == "S01")).one()
        assert second.pin not in row.pin_hash
        details = [e.detail for e in s.exec(select(AuditEvent)).all()]
    assert not any(second.pin in d or first.pin in d for d in details)


def test_the_one_time_pin_only_leads_to_choosing_a_new_pin(services, head, make_staff) -> None:
    supervisor = make_staff("supervisor", staff_no="S01", name="李主管")
    otp = services.staff.reset_pin(head, "S01", terminal=OFFICE).pin
    # the reset also ends what an open session of theirs could do
    with pytest.raises(PermissionDenied) as denied:
        services.handoffs.inbox(supervisor)
    assert denied.value.key in ("insiders.error.must_change_first", "error.permission.inactive")
    with pytest.raises(PermissionDenied) as denied:
        services.staff.roster(supervisor)
    assert denied.value.key == "insiders.error.must_change_first"
    # signing in with it gives no actor: it says who reset it and when
    with pytest.raises(PinChangeRequired) as exc:
        services.auth.login("S01", otp, terminal=COUNTER)
    assert exc.value.key == "insiders.error.must_change"
    assert exc.value.params == {"by": StaffRef("王主任", "H001"), "at": "2026-11-30 09:30"}
    assert str(exc.value.params["by"]) == "王主任（H001）"  # worded in the reader's language
    # weak new PINs are refused, naming the rule; nothing changes
    for weak, rule in (("000000", "same"), ("123456", "run"), ("890123", "run"),
                       ("800101", "date"), (otp, "one_time")):
        with pytest.raises(FieldError) as bad:
            services.auth.complete_reset("S01", otp, weak, terminal=COUNTER)
        assert bad.value.field == "insiders.field.new_pin"
        assert bad.value.key == f"insiders.pin_weak.{rule}"
    actor = services.auth.complete_reset("S01", otp, "592716", terminal=COUNTER)
    assert actor.staff_no == "S01"
    assert services.handoffs.inbox(actor) == []
    assert services.auth.login("S01", "592716", terminal=OFFICE).staff_no == "S01"
    with pytest.raises(AuthFailed):  # the one-time PIN is gone
        services.auth.login("S01", otp, terminal=COUNTER)


def test_the_resetter_cannot_use_it_on_the_terminal_of_the_reset(services, head, make_staff) -> None:
    make_staff("supervisor", staff_no="S01")
    otp = services.staff.reset_pin(head, "S01", terminal=OFFICE).pin
    with pytest.raises(AuthFailed) as exc:
        services.auth.login("S01", otp, terminal=OFFICE)
    assert exc.value.key == "insiders.error.one_time_here"
    assert not isinstance(exc.value, PinChangeRequired)
    with pytest.raises(AuthFailed) as exc:
        services.auth.complete_reset("S01", otp, "592716", terminal=OFFICE)
    assert exc.value.key == "insiders.error.one_time_here"
    # at the person's own terminal it works
    assert services.auth.complete_reset("S01", otp, "592716", terminal=COUNTER).staff_no == "S01"


def test_the_one_time_pin_expires(services, head, make_staff, clock) -> None:
    make_staff("cash_teller", staff_no="T01")
    otp = services.staff.reset_pin(head, "T01", terminal=OFFICE).pin
    clock.advance(hours=services.settings.insiders.one_time_pin_hours, seconds=1)
    with pytest.raises(AuthFailed) as exc:
        services.auth.complete_reset("T01", otp, "592716", terminal=COUNTER)
    assert exc.value.key == "error.auth.bad_credentials"


def test_reset_is_the_heads_and_not_of_ones_own_pin(services, head, make_staff) -> None:
    teller = make_staff("cash_teller", staff_no="T01")
    make_staff("cash_teller", staff_no="T02")
    with pytest.raises(PermissionDenied):
        services.staff.reset_pin(teller, "T02")
    with pytest.raises(Conflict) as exc:
        services.staff.reset_pin(head, "H001")
    assert exc.value.key == "insiders.error.reset_own"


def test_complete_reset_refuses_an_ordinary_pin(services, make_staff) -> None:
    make_staff("cash_teller", staff_no="T01")
    with pytest.raises(AuthFailed) as exc:
        services.auth.complete_reset("T01", TEST_PIN, "592716", terminal=COUNTER)
    assert exc.value.key == "insiders.error.not_one_time"
    assert services.auth.login("T01", TEST_PIN, terminal=COUNTER)  # unchanged


def test_the_reset_and_the_new_pin_are_audited(services, head, make_staff, engine) -> None:
    supervisor = make_staff("supervisor", staff_no="S01")
    otp = services.staff.reset_pin(head, "S01", terminal=OFFICE).pin
    services.auth.complete_reset("S01", otp, "592716", terminal=COUNTER)
    with Session(engine) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.entity == "staff",
                                                 AuditEvent.entity_id == str(supervisor.staff_id))
                        .order_by(col(AuditEvent.id))).all()
    actions = [e.action for e in events]
    assert actions[-3:] == ["staff.reset_pin", "auth.pin_chosen", "auth.login"]
    reset = events[-3]
    assert reset.actor_id == head.staff_id and OFFICE in reset.detail
    assert COUNTER in events[-2].detail


@pytest.mark.parametrize(("pin", "rule"), [
    ("000000", "same"), ("123456", "run"), ("654321", "run"), ("890123", "run"),
    ("800101", "date"), ("19800101", "date"), ("123", None),
])
def test_weak_pins_are_refused_at_the_first_choice_init_and_change(services, head, make_staff, pin,
                                                                   rule) -> None:
    new = services.staff.add(head, "T9", "陈", ["cash_teller"])
    with pytest.raises(FieldError) as exc:  # the new person's own first PIN
        services.auth.complete_reset("T9", new.pin, pin, terminal="counter")
    assert exc.value.field == "insiders.field.new_pin"
    assert exc.value.key == (f"insiders.pin_weak.{rule}" if rule else "error.field.pin")
    with pytest.raises(FieldError) as exc:
        services.staff.bootstrap_head("H009", "李主任", pin)
    assert exc.value.field == "field.pin"
    teller = make_staff("cash_teller", staff_no="T01")
    with pytest.raises(FieldError) as exc:
        services.staff.change_own_pin(teller, TEST_PIN, pin)
    assert exc.value.field == "insiders.field.new_pin"


def test_the_staff_number_and_own_birthday_are_refused(services, head, make_staff) -> None:
    new = services.staff.add(head, "5837", "陈", ["cash_teller"])
    with pytest.raises(FieldError) as exc:
        services.auth.complete_reset("5837", new.pin, "158379", terminal="counter")
    assert exc.value.key == "insiders.pin_weak.staff_no"
    new = services.staff.add(head, "T9", "陈", ["cash_teller"], birthday=date(1988, 9, 16))
    with pytest.raises(FieldError) as exc:
        services.auth.complete_reset("T9", new.pin, "370916", terminal="counter")
    assert exc.value.key == "insiders.pin_weak.birthday"
    teller = services.auth.complete_reset("T9", new.pin, "370961", terminal="counter")
    with pytest.raises(FieldError) as exc:
        services.staff.change_own_pin(teller, "370961", "19880916")
    assert exc.value.key == "insiders.pin_weak.birthday"
    with pytest.raises(FieldError) as exc:
        services.staff.change_own_pin(teller, "370961", "370961")
    assert exc.value.key == "insiders.pin_weak.unchanged"
    # the one-time PIN of a reset passes the rules too
    otp = services.staff.reset_pin(head, "T9").pin
    assert weak_pin_reason(otp, staff_no="T9", birthday=date(1988, 9, 16), min_len=len(otp),
                           max_len=len(otp)) is None


def test_bootstrap_refuses_a_weak_pin(services) -> None:
    with pytest.raises(FieldError) as exc:
        services.staff.bootstrap_head("H001", "王主任", "111111")
    assert exc.value.key == "insiders.pin_weak.same"
    assert not services.staff.has_staff()


def test_the_one_time_pin_lifts_a_lock(services, head, make_staff) -> None:
    make_staff("cash_teller", staff_no="T01")
    for i in range(services.settings.security.max_failed_pins):
        with pytest.raises(AuthFailed):
            services.auth.login("T01", "000000", terminal=f"t{i}")
    otp = services.staff.reset_pin(head, "T01", terminal=OFFICE).pin
    assert services.auth.complete_reset("T01", otp, "592716", terminal=COUNTER)
