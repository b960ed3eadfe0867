"""Appointments on the real database, SQLite and PostgreSQL (issue 18): booking, conflicts, opening
hours, the CM's and the lobby's calendar, check-in as an arrival with the ticket called before the
lane's walk-ins (premium lanes keep their priority), the CM told at once, late arrivals and
no-shows, and large cash the day before and at the counter."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from tests.conftest import FAST_PIN_HASH, T0
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from wealthtui.config import load_settings
from wealthtui.model import Appointment, AuditEvent, Handoff, ServiceRecord, Ticket, Visit
from wealthtui.services import Services
from wealthtui.services.errors import Conflict, FieldError, PermissionDenied
from wealthtui.store import seals

TZ = T0.tzinfo
TODAY = T0.date()          # Monday 2026-11-30, 09:30 in Shanghai


def at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime(TODAY.year, TODAY.month, TODAY.day, hour, minute, tzinfo=TZ) + timedelta(
        days=days)


def events(s: Services, action: str) -> list[AuditEvent]:
    with Session(s.ctx.engine) as db:
        return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)
                            .order_by(col(AuditEvent.id))).all())


def detail(event: AuditEvent) -> dict:
    return json.loads(event.detail) if isinstance(event.detail, str) else dict(event.detail)


def sealed_clean(s: Services) -> bool:
    """`wealthtui db check` finds nothing: every appointment row written is sealed."""
    with s.ctx.engine.connect() as conn:
        return seals.check(conn) == []


def row(s: Services, appointment_id: int) -> Appointment:
    with Session(s.ctx.engine) as db:
        found = db.get(Appointment, appointment_id)
        assert found is not None
        return found


# --- booking -----------------------------------------------------------------------------------
def test_booked_appointments_show_on_the_cms_day_and_week_and_the_lobbys_day(
        center: Center) -> None:
    s = center.services
    client = center.client("周预约", seq=1)
    mine = s.appointments.book(center.cm, client_id=client, purpose="wealth", start=at(10),
                               staff_id=center.cm.staff_id, source="cm", note="<b>带身份证</b>")
    wed = s.appointments.book(center.cm, client_id=client, purpose="wealth", start=at(14, 0, 2),
                              staff_id=center.cm.staff_id, source="phone_95588")
    counter = s.appointments.book(center.lobby, contact_name="王新客", contact_phone="13800138000",
                                  purpose="account_open", start=at(11), source="online")
    assert (mine.start_at, mine.end_at) == (at(10), at(10, 30))  # the purpose's 30 minutes
    assert mine.status == "booked" and mine.staff_name == center.cm.name
    assert mine.note == "<b>带身份证</b>"  # text is data, kept as typed
    assert counter.client_name == "王新客" and "8000" in counter.contact_phone
    assert counter.contact_phone != "13800138000"  # masked

    assert [v.id for v in s.appointments.calendar(center.cm, center.cm.staff_id)] == [mine.id]
    week = s.appointments.calendar(center.cm, center.cm.staff_id, TODAY, days=7)
    assert [v.id for v in week] == [mine.id, wed.id]
    lobby_day = s.appointments.calendar(center.lobby, None)
    assert [v.id for v in lobby_day] == [mine.id, counter.id]
    assert [v.id for v in s.appointments.for_client(center.lobby, client)] == [mine.id]
    with pytest.raises(FieldError):
        s.appointments.calendar(center.cm, None, TODAY, days=3)

    booked = events(s, "appointment.book")
    assert len(booked) == 3 and all(e.manual_section == "practice industry" for e in booked)
    assert booked[0].actor_id == center.cm.staff_id and booked[0].entity_id == str(mine.id)


def test_only_cms_the_lobby_and_the_head_book_and_everyone_sees(center: Center) -> None:
    s = center.services
    client = center.client("吴权限", seq=2)
    with pytest.raises(PermissionDenied):
        s.appointments.book(center.t1, client_id=client, purpose="wealth", start=at(10))
    s.appointments.book(center.lobby, client_id=client, purpose="wealth", start=at(10))
    assert len(s.appointments.calendar(center.t1, None)) == 1
    appt = s.appointments.calendar(center.t1, None)[0]
    with pytest.raises(PermissionDenied):
        s.appointments.check_in(center.cm, appt.id)


def test_an_overlapping_slot_of_the_same_staff_member_is_refused_naming_the_time(
        center: Center) -> None:
    s = center.services
    a, b = center.client("甲客户", seq=3), center.client("乙客户", seq=4)
    first = s.appointments.book(center.cm, client_id=a, purpose="wealth", start=at(10),
                                staff_id=center.cm.staff_id)
    with pytest.raises(FieldError) as refused:
        s.appointments.book(center.cm, client_id=b, purpose="wealth", start=at(10, 15),
                            staff_id=center.cm.staff_id)
    assert refused.value.field == "appointments.field.start"
    assert refused.value.key == "appointments.error.conflict"
    assert "10:00–10:30" in str(refused.value.params["time"])
    # back to back is fine, and so is another staff member or any counter at the same time
    s.appointments.book(center.cm, client_id=b, purpose="wealth", start=at(10, 30),
                        staff_id=center.cm.staff_id)
    s.appointments.book(center.lobby, client_id=b, purpose="account_open", start=at(11))
    # the same client twice at once is refused too
    with pytest.raises(FieldError) as twice:
        s.appointments.book(center.lobby, client_id=b, purpose="account_open", start=at(11, 20))
    assert twice.value.key == "appointments.error.client_conflict"
    # a cancelled slot is free again; the cancellation is audited with its reason
    s.appointments.cancel(center.cm, first.id, "客户来电改期")
    again = s.appointments.book(center.cm, client_id=b, purpose="wealth", start=at(10),
                                staff_id=center.cm.staff_id, minutes=20)
    assert again.end_at == at(10, 20)
    assert row(s, first.id).status == "cancelled"
    assert detail(events(s, "appointment.cancel")[0])["reason"] == "客户来电改期"
    with pytest.raises(Conflict):
        s.appointments.cancel(center.cm, first.id, "再次取消")
    with pytest.raises(FieldError):
        s.appointments.cancel(center.cm, again.id, "  ")


@pytest.mark.parametrize(("start", "minutes", "key"), [
    (at(8, 30, 1), None, "appointments.error.closed"),     # before opening
    (at(16, 45), None, "appointments.error.closed"),       # ends after closing (17:00)
    (at(10, 0, 5), None, "appointments.error.closed"),     # a Saturday
    (at(9), None, "appointments.error.past"),              # earlier today (now 09:30)
    (at(10, 0, -1), None, "appointments.error.past"),
    (at(10), 3, "appointments.error.minutes"),
])
def test_slots_outside_the_opening_hours_or_in_the_past_are_refused(
        center: Center, start: datetime, minutes: int | None, key: str) -> None:
    s = center.services
    client = center.client("郑时间", seq=5)
    with pytest.raises(FieldError) as refused:
        s.appointments.book(center.lobby, client_id=client, purpose="wealth", start=start,
                            minutes=minutes)
    assert refused.value.key == key
    assert s.appointments.calendar(center.lobby, None, TODAY, days=7) == []


def test_bad_input_names_the_field(center: Center) -> None:
    s = center.services
    with pytest.raises(FieldError) as purpose:
        s.appointments.book(center.lobby, contact_name="王新客", contact_phone="13800138000",
                            purpose="nope", start=at(10))
    assert purpose.value.field == "appointments.field.purpose"
    with pytest.raises(FieldError) as phone:
        s.appointments.book(center.lobby, contact_name="王新客", contact_phone="12",
                            purpose="wealth", start=at(10))
    assert phone.value.field == "field.phone"
    with pytest.raises(FieldError) as amount:
        s.appointments.book(center.lobby, client_id=center.client("钱大额", seq=6),
                            purpose="large_cash", start=at(10, 0, 1), amount="")
    assert amount.value.field == "field.amount"
    with pytest.raises(FieldError) as source:
        s.appointments.book(center.lobby, client_id=center.client("钱来源", seq=7),
                            purpose="wealth", start=at(10), source="fax")
    assert source.value.field == "appointments.field.source"


# --- check-in ------------------------------------------------------------------------------
def test_a_checked_in_appointment_is_called_before_earlier_walk_ins_of_its_lane(
        center: Center) -> None:
    s = center.services
    client = center.client("冯预约", seq=8)
    s.clock.set(at(9, 45))  # type: ignore[attr-defined]  (within the starvation limit: no boost)
    walk_1 = s.queue.issue(center.lobby, "B")
    walk_2 = s.queue.issue(center.lobby, "B")
    appt = s.appointments.book(center.lobby, client_id=client, purpose="account_open",
                               start=at(10), source="phone_95588")
    assert s.queue.waiting_for(center.n1, "04")[0].id == walk_1.id
    s.clock.set(at(9, 50))  # type: ignore[attr-defined]
    done = s.appointments.check_in(center.lobby, appt.id)
    assert done.status == "checked_in" and not done.late and done.ticket_no.startswith("B")
    assert done.visit_id is not None and done.handoff_id is None
    with Session(s.ctx.engine) as db:  # it counts as an arrival: a visit of the client
        visit = db.get(Visit, done.visit_id)
        assert visit is not None and visit.client_id == client
        assert visit.business_kind == "non_cash"
    assert s.lobby.flow_counts(center.lobby).visitors == 1

    waiting = s.queue.waiting_for(center.n1, "04")
    assert [t.id for t in waiting] == [done.ticket_id, walk_1.id, walk_2.id]
    center.sign_on(center.n1, "04")
    called = s.queue.call_next(center.n1, "04")
    assert called is not None and called.id == done.ticket_id
    with pytest.raises(Conflict):
        s.appointments.check_in(center.lobby, appt.id)  # once only
    assert detail(events(s, "appointment.check_in")[0])["ticket_id"] == done.ticket_id


def test_premium_lanes_keep_their_priority_over_a_checked_in_appointment(center: Center) -> None:
    s = center.services
    vip = center.client("钱贵宾", "premium", seq=9)
    client = center.client("孙普通", seq=10)
    appt = s.appointments.book(center.lobby, client_id=client, purpose="account_open",
                               start=at(10))
    s.clock.set(at(9, 55))  # type: ignore[attr-defined]
    done = s.appointments.check_in(center.lobby, appt.id)
    premium = s.queue.issue(center.lobby, "V", client_id=vip)
    walk_in = s.queue.issue(center.lobby, "B")
    order = [t.id for t in s.queue.waiting_for(center.n1, "03")]
    assert order == [premium.id, done.ticket_id, walk_in.id]


def test_a_cm_appointment_hands_the_client_to_the_cm_at_once(center: Center) -> None:
    s = center.services
    client = center.client("陈理财", seq=11)
    appt = s.appointments.book(center.cm, client_id=client, purpose="wealth", start=at(10),
                               staff_id=center.cm.staff_id, source="cm")
    s.clock.set(at(10, 20))  # type: ignore[attr-defined]
    done = s.appointments.check_in(center.lobby, appt.id)
    assert done.ticket_id is None and done.handoff_id is not None
    assert done.late  # 20 minutes after the start, the tolerance is 15
    with Session(s.ctx.engine) as db:
        h = db.get(Handoff, done.handoff_id)
        assert h is not None and h.kind == "premium_arrival"
        assert (h.to_staff_id, h.client_id, h.status) == (center.cm.staff_id, client, "open")
        assert db.exec(select(Ticket)).all() == []
    assert detail(events(s, "appointment.check_in")[0])["late"] is True


def test_a_premium_clients_cm_appointment_makes_one_hand_off(center: Center) -> None:
    s = center.services
    client = center.client("黄贵宾", "premium", seq=12, cm=center.cm)
    appt = s.appointments.book(center.cm, client_id=client, purpose="wealth", start=at(10),
                               staff_id=center.cm.staff_id)
    done = s.appointments.check_in(center.lobby, appt.id)
    with Session(s.ctx.engine) as db:
        arrivals = db.exec(select(Handoff).where(Handoff.client_id == client)).all()
    assert [h.id for h in arrivals] == [done.handoff_id]
    assert not done.late  # early is not late


def test_a_premium_client_booked_with_another_cm_is_one_arrival_and_a_notice(
        center: Center, make_staff) -> None:  # type: ignore[no-untyped-def]
    """The booked CM receives the client (one arrival hand-off); the client's own CM is told by
    a notice, not a second arrival task — whether the look-up recorded the visit first (the
    lobby's arrival to the own CM is sent on) or the check-in did."""
    s = center.services
    other = make_staff("wealth_cm", staff_no="C2", name="周理财")
    looked_up = center.client("何贵宾", "premium", seq=15, cm=center.cm)
    direct = center.client("罗贵宾", "premium", seq=16, cm=center.cm)
    first = s.appointments.book(other, client_id=looked_up, purpose="wealth", start=at(10),
                                staff_id=other.staff_id, source="cm")
    second = s.appointments.book(other, client_id=direct, purpose="wealth", start=at(11),
                                 staff_id=other.staff_id, source="cm")
    visit = s.lobby.arrive(center.lobby, client_id=looked_up)  # the look-up: own CM told
    assert visit.arrival is not None and visit.arrival.to_staff_id == center.cm.staff_id
    done = [s.appointments.check_in(center.lobby, first.id, visit_id=visit.id),
            s.appointments.check_in(center.lobby, second.id)]

    with Session(s.ctx.engine) as db:
        for view, client in zip(done, (looked_up, direct), strict=True):
            handoffs = db.exec(select(Handoff).where(Handoff.client_id == client)
                               .order_by(col(Handoff.id))).all()
            live = [h for h in handoffs if h.status == "open"]
            assert [(h.kind, h.to_staff_id) for h in live] == [
                ("premium_arrival", other.staff_id), ("general", center.cm.staff_id)]
            assert live[0].id == view.handoff_id
            assert view.client_name in live[1].note and "周理财" in live[1].note
            closed = [h for h in handoffs if h.status != "open"]  # the own CM's arrival
            assert [(h.kind, h.to_staff_id, h.status, h.decline_reason) for h in closed] == [
                ("premium_arrival", center.cm.staff_id, "declined", "rerouted")]
            assert live[0].rerouted_from_id == closed[0].id
    assert len(events(s, "handoff.reroute")) == 2
    with s.ctx.engine.connect() as conn:  # (the helper sets the tiers behind the services' back)
        assert [f for f in seals.check(conn) if f.params.get("table") == "handoff"] == []


def test_no_shows_are_recorded_past_the_end_and_the_grace(center: Center) -> None:
    s = center.services
    a, b = center.client("林爽约", seq=13), center.client("高下午", seq=14)
    missed = s.appointments.book(center.lobby, client_id=a, purpose="wealth", start=at(10))
    later = s.appointments.book(center.lobby, client_id=b, purpose="wealth", start=at(14))
    s.clock.set(at(10, 59))  # type: ignore[attr-defined]
    assert s.appointments.mark_no_shows(center.lobby) == []  # end 10:30 + 30 grace not reached
    s.clock.set(at(11))  # type: ignore[attr-defined]
    marked = s.appointments.mark_no_shows(center.lobby)
    assert [v.id for v in marked] == [missed.id] and marked[0].status == "no_show"
    assert row(s, later.id).status == "booked"
    assert s.appointments.mark_no_shows(center.lobby) == []  # once
    assert [e.entity_id for e in events(s, "appointment.no_show")] == [str(missed.id)]
    with pytest.raises(Conflict):
        s.appointments.check_in(center.lobby, missed.id)
    assert sealed_clean(s)


def test_an_appointment_of_another_day_is_not_checked_in_today(center: Center) -> None:
    s = center.services
    client = center.client("何明天", seq=15)
    appt = s.appointments.book(center.lobby, client_id=client, purpose="wealth",
                               start=at(10, 0, 1))
    with pytest.raises(Conflict):
        s.appointments.check_in(center.lobby, appt.id)
    assert row(s, appt.id).status == "booked"


# --- large cash --------------------------------------------------------------------------------
def test_large_cash_is_prepared_the_day_before_and_satisfies_the_counter(center: Center) -> None:
    s = center.services
    big, other = center.client("罗大额", seq=16), center.client("梁大额", seq=17)
    first = s.appointments.book(center.lobby, client_id=big, purpose="large_cash",
                                start=at(10, 0, 1), amount="200,000", denominations="100元")
    s.appointments.book(center.lobby, client_id=other, purpose="large_cash", start=at(11, 0, 1),
                        amount="60000", denominations=" 100元 ")
    s.appointments.book(center.lobby, client_id=other, purpose="large_cash", start=at(15, 0, 1),
                        amount="50000", denominations="50元")
    s.appointments.book(center.lobby, client_id=big, purpose="wealth", start=at(14, 0, 1))
    plan = s.appointments.large_cash_tomorrow(center.sup)
    assert plan.day == TODAY + timedelta(days=1)  # Monday → Tuesday
    assert [v.amount_fen for v in plan.appointments] == [20_000_000, 6_000_000, 5_000_000]
    assert plan.total_fen == 31_000_000
    assert plan.by_denomination == (("100元", 26_000_000), ("50元", 5_000_000))
    s.clock.set(at(16, 0, 4))  # type: ignore[attr-defined]  (Friday: Monday's cash)
    monday = s.appointments.book(center.lobby, client_id=big, purpose="large_cash",
                                 start=at(10, 0, 7), amount="80000", denominations="100元")
    friday = s.appointments.large_cash_tomorrow(center.sup)
    assert friday.day == TODAY + timedelta(days=7)
    assert [v.id for v in friday.appointments] == [monday.id]
    assert s.appointments.large_cash_tomorrow(center.sup, TODAY + timedelta(days=5)).total_fen == 0

    # the next day: checked in at the lobby, the withdrawal at the counter uses it
    s.clock.set(at(9, 40, 1))  # type: ignore[attr-defined]
    done = s.appointments.check_in(center.lobby, first.id)
    assert done.ticket_no.startswith("C")
    with Session(s.ctx.engine) as db:
        assert db.get(Visit, done.visit_id).business_kind == "cash"  # type: ignore[union-attr]
    assert s.appointments.satisfies_large_cash(center.t1, big, 20_000_000) == first.id
    assert s.appointments.satisfies_large_cash(center.t1, big, 20_000_001) is None
    assert s.appointments.satisfies_large_cash(center.t1, other, 6_000_000) is None  # not in
    center.sign_on(center.t1, "01", "300,000")
    called = s.queue.call_next(center.t1, "01")
    assert called is not None and called.id == done.ticket_id
    record = s.counter.record(center.t1, called.id, "cash_withdrawal", "200000")
    used = row(s, first.id)
    assert (used.status, used.large_cash_record_id) == ("done", record.id)
    event = [e for e in events(s, "counter.record") if e.entity_id == str(record.id)][0]
    assert detail(event)["large_cash_appointment"] == first.id
    assert detail(events(s, "appointment.large_cash")[-1])["service_record_id"] == record.id
    assert sealed_clean(s)


def test_the_counter_refuses_unbooked_large_cash_when_configured(center: Center) -> None:
    base = center.services
    settings = load_settings(overrides={
        "security": FAST_PIN_HASH,
        "appointments": {"large_cash_needs_appointment": True}})
    assert settings.appointments.large_cash_needs_appointment
    s = Services(base.ctx.engine, settings, base.clock)
    client = center.client("叶未约", seq=18)
    center.sign_on(center.t1, "01", "300,000")
    ticket = s.queue.issue(center.lobby, "C", client_id=client)
    called = s.queue.call_next(center.t1, "01")
    assert called is not None and called.id == ticket.id
    with pytest.raises(FieldError) as refused:
        s.counter.record(center.t1, called.id, "cash_withdrawal", "60000")
    assert refused.value.key == "appointments.error.large_cash_unbooked"
    small = s.counter.record(center.t1, called.id, "cash_withdrawal", "49999")
    with Session(s.ctx.engine) as db:
        assert [r.id for r in db.exec(select(ServiceRecord)).all()] == [small.id]


# --- from a CM's contact -------------------------------------------------------------------------
def test_a_contact_ending_in_an_appointment_books_it_with_the_cm(center: Center) -> None:
    s = center.services
    client = center.client("马联系", seq=19, cm=center.cm)
    s.contacts.log(center.cm, client, channel="phone", result="appointment",
                   appointment={"purpose": "wealth", "start": at(10, 0, 1), "note": "带上存单"})
    [view] = s.appointments.calendar(center.cm, center.cm.staff_id, TODAY, days=7)
    assert (view.client_id, view.source, view.staff_id) == (client, "cm", center.cm.staff_id)
    assert detail(events(s, "contact.log")[-1])["appointment_id"] == view.id
    # a bad slot refuses the whole contact, and so does an appointment on another result
    before = len(events(s, "contact.log"))
    with pytest.raises(FieldError) as closed:
        s.contacts.log(center.cm, client, channel="phone", result="appointment",
                       appointment={"purpose": "wealth", "start": at(20, 0, 1)})
    assert closed.value.key == "appointments.error.closed"
    with pytest.raises(FieldError) as wrong:
        s.contacts.log(center.cm, client, channel="phone", result="reached",
                       appointment={"purpose": "wealth", "start": at(11, 0, 1)})
    assert wrong.value.field == "cm.field.result"
    assert len(events(s, "contact.log")) == before
    assert len(s.appointments.calendar(center.cm, None, TODAY, days=7)) == 1


def test_a_prospect_checks_in_as_a_walk_in_with_a_ticket_or_to_the_cm(center: Center) -> None:
    s = center.services
    counter = s.appointments.book(center.lobby, contact_name="王新客", contact_phone="13800138000",
                                  purpose="account_open", start=at(10), source="online")
    with_cm = s.appointments.book(center.cm, contact_name="李新客", contact_phone="13900139000",
                                  purpose="wealth", start=at(10), staff_id=center.cm.staff_id)
    first = s.appointments.check_in(center.lobby, counter.id)
    second = s.appointments.check_in(center.lobby, with_cm.id)
    assert first.ticket_no.startswith("B") and first.client_id is None
    with Session(s.ctx.engine) as db:
        h = db.get(Handoff, second.handoff_id)
        assert h is not None and h.to_staff_id == center.cm.staff_id and h.client_id is None
        assert "李新客" in h.note
        visits = db.exec(select(Visit).order_by(col(Visit.id))).all()
        assert [v.client_id for v in visits] == [None, None]
