"""Shift hand-over: the box summary, confirmation by the receiving teller with their PIN, a
difference that must be explained, the witness for leave and transfer, and the box figures of
both tellers afterwards."""

from __future__ import annotations

import pytest

from tests.services.counter_helpers import TEST_PIN, Center, center_fixture  # noqa: F401
from wealthtui.services.errors import AuthFailed, Conflict, FieldError, PermissionDenied

# 3 × 100 yuan + 4 × 50 yuan + 5 × 1 yuan = 505 yuan
COUNT = {10000: "3", 5000: "4", 100: "5"}


def busy_morning(center: Center) -> None:
    """T1 signs on to counter 02 with 500 yuan, takes in 10 yuan, parks a ticket and leaves a
    transfer waiting for authorisation on another (a 510-yuan box pays out no large withdrawal)."""
    s = center.services
    center.sign_on(center.t1, "02", "500")
    ticket = center.ticket_at(center.t1, "02")
    s.counter.record(center.t1, ticket, "cash_deposit", "10")
    s.counter.record(center.t1, ticket, "transfer", "600,000")
    s.queue.park(center.t1, ticket, "客户去取身份证")


def test_the_box_summary_lists_cash_vouchers_and_what_is_open(center: Center) -> None:
    s = center.services
    busy_morning(center)
    box = s.handover.box(center.t1)
    assert box.expected_cash_fen == 51_000 and box.open_tickets == ("A001",)
    h = s.handover.start(center.t1, "shift", COUNT,
                         [("passbook", "00012001", "00012050"), ("debit_card", "", "")])
    assert (h.declared_cash_fen, h.expected_cash_fen, h.status) == (50_500, 51_000, "open")
    assert h.denominations == {10000: 3, 5000: 4, 100: 5}
    assert [(v.kind, v.first, v.last, v.count) for v in h.vouchers] == [
        ("passbook", "00012001", "00012050", 50)]
    assert h.open_tickets == ("A001",) and len(h.pending_authorizations) == 1
    assert not h.witness_required


def test_the_receiver_confirms_with_their_pin_and_takes_the_counter(center: Center) -> None:
    s = center.services
    s.counter.sign_on(center.t1, "02", "505")
    h = s.handover.start(center.t1, "shift", COUNT)
    with pytest.raises(AuthFailed):
        s.handover.confirm_at_counter(center.t1, h.id, "T2", "999999", "505")
    done = s.handover.confirm_at_counter(center.t1, h.id, "T2", TEST_PIN, "505.00")
    assert (done.status, done.to_name, done.difference_fen, done.complete) == (
        "confirmed", "林柜员", 0, True)
    assert s.counter.current(center.t1) is None
    taken = s.counter.current(center.t2)
    assert (taken.counter_no, taken.opening_cash_fen) == ("02", 50_500)
    assert s.balancing.mine(center.t2).figures.expected_cash_fen == 50_500
    assert s.balancing.mine(center.t1).figures.expected_cash_fen == 0


def test_a_difference_must_be_explained(center: Center) -> None:
    s = center.services
    s.counter.sign_on(center.t1, "02", "505")
    h = s.handover.start(center.t1, "shift", COUNT)
    with pytest.raises(FieldError) as err:
        s.handover.confirm(center.t2, h.id, "455")
    assert (err.value.field, err.value.key) == ("counter.field.difference_note",
                                                "error.handover.explain")
    assert s.handover.get(center.t1, h.id).status == "open"
    done = s.handover.confirm(center.t2, h.id, "455", "少一张 50 元，交班人复点确认")
    assert (done.counted_cash_fen, done.difference_fen) == (45_500, -5_000)
    # the shortfall shows in the giver's books: handed over less than they held
    assert s.balancing.mine(center.t1).figures.expected_cash_fen == 5_000


def test_nobody_confirms_their_own_handover(center: Center) -> None:
    s = center.services
    s.counter.sign_on(center.t1, "02", "505")
    h = s.handover.start(center.t1, "shift", COUNT)
    with pytest.raises(PermissionDenied) as err:
        s.handover.confirm(center.t1, h.id, "505")
    assert err.value.key == "error.handover.own_work"
    with pytest.raises(Conflict) as err:
        s.handover.confirm_at_counter(center.t1, h.id, "T1", TEST_PIN, "505")
    assert err.value.key == "error.four_eyes.same_person"


def test_leave_needs_a_witness_who_is_neither_teller(center: Center) -> None:
    s = center.services
    s.counter.sign_on(center.t1, "02", "505")
    h = s.handover.start(center.t1, "leave", COUNT, note="下午请假")
    assert h.witness_required
    done = s.handover.confirm(center.t2, h.id, "505")
    assert done.awaiting_witness and not done.complete
    assert [x.id for x in s.handover.awaiting_witness(center.sup)] == [h.id]
    with pytest.raises(PermissionDenied):
        s.handover.witness(center.t2, h.id)  # a teller may not witness at all
    with pytest.raises(Conflict):
        s.handover.witness_at_counter(center.t2, h.id, "T2", TEST_PIN)
    witnessed = s.handover.witness_at_counter(center.t2, h.id, "S1", TEST_PIN)
    assert (witnessed.status, witnessed.witness_name, witnessed.complete) == (
        "witnessed", "孙主管", True)
    assert s.handover.awaiting_witness(center.sup) == []


def test_an_officer_who_took_part_cannot_witness(center: Center) -> None:
    s = center.services
    s.counter.sign_on(center.off, "02", "505")  # the officer doubles as a teller
    h = s.handover.start(center.off, "transfer", COUNT)
    s.handover.confirm(center.t2, h.id, "505")
    with pytest.raises(PermissionDenied) as err:
        s.handover.witness(center.off, h.id)
    assert err.value.key == "error.handover.own_work"
    assert s.handover.witness(center.sup, h.id).status == "witnessed"


def test_a_shift_handover_needs_no_witness(center: Center) -> None:
    s = center.services
    s.counter.sign_on(center.t1, "02", "505")
    h = s.handover.start(center.t1, "shift", COUNT)
    s.handover.confirm(center.t2, h.id, "505")
    with pytest.raises(Conflict):
        s.handover.witness(center.sup, h.id)


def test_a_handover_waits_until_the_ticket_at_the_counter_is_dealt_with(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02")
    center.ticket_at(center.t1, "02")
    with pytest.raises(Conflict) as err:
        s.handover.start(center.t1, "shift", COUNT)
    assert err.value.key == "error.counter.ticket_open"


def test_bad_counts_and_ranges_name_the_field(center: Center) -> None:
    s = center.services
    s.counter.sign_on(center.t1, "02", "505")
    with pytest.raises(FieldError) as err:
        s.handover.start(center.t1, "shift", {10000: "三"})
    assert (err.value.field, err.value.key) == ("counter.field.denomination",
                                                "error.handover.count")
    with pytest.raises(FieldError) as err:
        s.handover.start(center.t1, "shift", {3000: "1"})
    assert err.value.field == "counter.field.denomination" and "100" in err.value.params["accepted"]
    with pytest.raises(FieldError) as err:
        s.handover.start(center.t1, "shift", COUNT, [("passbook", "0050", "0010")])
    assert err.value.field == "counter.field.voucher_range"
    with pytest.raises(FieldError) as err:
        s.handover.start(center.t1, "holiday", COUNT)
    assert err.value.field == "counter.field.handover_reason"
    assert s.handover.open_mine(center.t1) is None


def test_the_receiver_must_not_be_signed_on_elsewhere(center: Center) -> None:
    s = center.services
    s.counter.sign_on(center.t1, "02", "505")
    s.counter.sign_on(center.t2, "01", "1,000")
    h = s.handover.start(center.t1, "shift", COUNT)
    with pytest.raises(Conflict) as err:
        s.handover.confirm(center.t2, h.id, "505")
    assert err.value.key == "error.handover.receiver_signed_on"


def test_one_open_handover_at_a_time_and_it_can_be_cancelled(center: Center) -> None:
    s = center.services
    s.counter.sign_on(center.t1, "02", "505")
    h = s.handover.start(center.t1, "shift", COUNT)
    with pytest.raises(Conflict):
        s.handover.start(center.t1, "shift", COUNT)
    assert s.handover.cancel(center.t1, h.id, "接班人未到").status == "cancelled"
    with pytest.raises(Conflict):
        s.handover.confirm(center.t2, h.id, "505")
    assert s.counter.current(center.t1).counter_no == "02"
