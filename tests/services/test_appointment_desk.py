"""What the desks do with appointments, on the real database (SQLite and PostgreSQL; issue 18):
the confirmation queued with the booking (and not when the booking is refused), the reference
its QR code holds read back, the check-in that takes the visit the look-up recorded, and the
appointments on the CM's agenda — today's and tomorrow's, prospects' too, the same read as the
calendar."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlmodel import Session, col, select

from tests.services.counter_helpers import Center, center_fixture, resident_id  # noqa: F401
from tests.services.test_appointments import TODAY, at
from wealthtui.model import Notice, Visit
from wealthtui.notices.pdf import qr_modules
from wealthtui.rules import scans
from wealthtui.services.errors import Conflict, FieldError, NotFound


def notices(center: Center) -> list[Notice]:
    with Session(center.services.ctx.engine) as db:
        return list(db.exec(select(Notice).order_by(col(Notice.id))).all())


def test_booking_queues_the_confirmation_with_the_masked_contact_and_its_reference(
        center: Center) -> None:
    s = center.services
    card = s.lookup.register(center.lobby, name="郑确认", id_type="resident",
                             id_number=resident_id(31), phone="13912345678")
    view = s.appointments.book(center.cm, client_id=card.id, purpose="large_cash",
                               start=at(10, 0, 1), staff_id=center.cm.staff_id, source="cm",
                               amount="200000", denominations="100元×2000张")
    prospect = s.appointments.book(center.lobby, contact_name="王新客",
                                   contact_phone="13800138000", purpose="account_open",
                                   start=at(11), source="online")
    no_phone = s.appointments.book(center.lobby, client_id=center.client("冯无号", seq=32),
                                   purpose="wealth", start=at(14))
    sent = notices(center)
    assert [n.id for n in sent] == [view.notice_id, prospect.notice_id, no_phone.notice_id]
    first = sent[0]
    assert (first.template, first.channel, first.client_id) == (
        "appointment_confirmation", "sms", card.id)
    assert first.record_kind == "appointment" and first.record_ref == str(view.id)
    assert "13912345678" not in first.recipient and first.recipient.endswith("5678")
    assert view.reference in first.body and scans.parse_reference(view.reference) == view.id
    assert "200,000" in first.body and center.cm.name in first.body
    assert sent[1].client_id is None and sent[1].recipient.endswith("8000")
    assert sent[2].channel == "print"  # a client without a mobile: the desk prints it

    # the printable confirmation carries the reference and its QR code
    pdf = s.notices.document(center.lobby, view.notice_id)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert view.reference in page.extract_text()
    drawn = page.get_contents().get_data().decode("latin-1").count(" re")
    assert drawn >= len(qr_modules(view.reference)) > 20


def test_a_refused_booking_queues_no_notice(center: Center) -> None:
    s = center.services
    client = center.client("钱冲突", seq=33)
    s.appointments.book(center.lobby, client_id=client, purpose="wealth", start=at(10),
                        staff_id=center.cm.staff_id)
    before = len(notices(center))
    with pytest.raises(FieldError) as clash:
        s.appointments.book(center.lobby, client_id=center.client("孙另一", seq=34),
                            purpose="wealth", start=at(10, 15), staff_id=center.cm.staff_id)
    assert clash.value.field == "appointments.field.start"
    assert len(notices(center)) == before


def test_the_reference_finds_its_appointment_and_nothing_else(center: Center) -> None:
    s = center.services
    view = s.appointments.book(center.lobby, client_id=center.client("周扫码", seq=35),
                               purpose="wealth", start=at(10))
    assert s.appointments.by_reference(center.lobby, view.reference).id == view.id
    wrong = view.reference[:-1] + str((int(view.reference[-1]) + 1) % 10)
    for text in (wrong, scans.reference(view.id + 500), "13800138000"):
        with pytest.raises(NotFound):
            s.appointments.by_reference(center.lobby, text)


def test_check_in_takes_the_visit_the_look_up_recorded(center: Center) -> None:
    s = center.services
    client = center.client("吴到访", seq=36)
    other = center.client("郑旁人", seq=37)
    appt = s.appointments.book(center.lobby, client_id=client, purpose="account_open",
                               start=at(10))
    s.clock.set(at(9, 50))  # type: ignore[attr-defined]
    stranger = s.lobby.arrive(center.lobby, client_id=other)
    with pytest.raises(Conflict):  # another client's visit is not this arrival
        s.appointments.check_in(center.lobby, appt.id, visit_id=stranger.id)
    visit = s.lobby.arrive(center.lobby, client_id=client)
    done = s.appointments.check_in(center.lobby, appt.id, visit_id=visit.id)
    assert done.visit_id == visit.id and done.ticket_no.startswith("B")
    with Session(s.ctx.engine) as db:  # one visit of the client, not two
        visits = db.exec(select(Visit).where(Visit.client_id == client)).all()
    assert [v.id for v in visits] == [visit.id]


def test_a_ticketed_visit_cannot_be_an_appointments_arrival(center: Center) -> None:
    s = center.services
    client = center.client("冯已取号", seq=38)
    appt = s.appointments.book(center.lobby, client_id=client, purpose="wealth", start=at(10))
    s.clock.set(at(9, 50))  # type: ignore[attr-defined]
    visit = s.lobby.arrive(center.lobby, client_id=client)
    s.lobby.guide(center.lobby, visit.id, business="non_cash")
    with pytest.raises(Conflict):
        s.appointments.check_in(center.lobby, appt.id, visit_id=visit.id)
    assert s.appointments.get(center.lobby, appt.id).status == "booked"


def test_todays_and_tomorrows_appointments_are_on_the_cms_agenda_prospects_too(
        center: Center) -> None:
    s = center.services
    cm = center.cm
    mine = [center.client(name, cm=cm, seq=40 + i)
            for i, name in enumerate(("甲今天", "乙明天", "丙后天", "丁取消"))]
    today = s.appointments.book(cm, client_id=mine[0], purpose="wealth", start=at(15),
                                staff_id=cm.staff_id, source="cm")
    tomorrow = s.appointments.book(cm, client_id=mine[1], purpose="wealth", start=at(10, 0, 1),
                                   staff_id=cm.staff_id, source="cm")
    later = s.appointments.book(cm, client_id=mine[2], purpose="wealth", start=at(10, 0, 2),
                                staff_id=cm.staff_id, source="cm")
    gone = s.appointments.book(cm, client_id=mine[3], purpose="wealth", start=at(16),
                               staff_id=cm.staff_id, source="cm")
    s.appointments.cancel(cm, gone.id, "客户来电改期")
    prospect = s.appointments.book(center.lobby, contact_name="王新客",
                                   contact_phone="13800138000", purpose="wealth", start=at(11),
                                   staff_id=cm.staff_id)  # not a client yet

    def appointments(days: int) -> list[tuple[int | None, str]]:
        items = s.agenda.items(cm, days=days)
        return sorted((i.ref, str(i.param("time"))) for i in items if i.kind == "appointment")

    assert appointments(1) == sorted([(today.id, "15:00"), (tomorrow.id, "10:00"),
                                      (prospect.id, "11:00")])
    assert appointments(7) == sorted([(today.id, "15:00"), (tomorrow.id, "10:00"),
                                      (later.id, "10:00"), (prospect.id, "11:00")])
    calendar = {v.id for v in s.appointments.calendar(cm, cm.staff_id, TODAY, days=7)}
    assert {ref for ref, _ in appointments(7)} == calendar  # the calendar's read, prospects too
    seen = next(i for i in s.agenda.items(cm, days=1) if i.ref == prospect.id)
    assert (seen.client_id, seen.client_name, seen.tier) == (None, "王新客", "")
    assert seen.param("status") == "booked" and not seen.done

    s.clock.set(at(14, 50))  # type: ignore[attr-defined]
    s.appointments.check_in(center.lobby, today.id)
    done = [i for i in s.agenda.items(cm, days=1) if i.kind == "appointment" and i.done]
    assert [i.ref for i in done] == [today.id]
