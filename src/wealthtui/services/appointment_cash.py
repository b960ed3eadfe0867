"""The counter's large-cash rule against appointments (issue 18), kept apart from the
appointment service so the counter does not import the lobby: a cash withdrawal from
`[appointments] large_cash_fen` is covered by the client's checked-in large-cash appointment of
the day, and the appointment is recorded against the business record.

Practice, not our manual's text: a large cash withdrawal is booked the day before so the outlet
can prepare the notes.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.model import Appointment
from wealthtui.rules import appointments as rules
from wealthtui.services.base import UnitOfWork

SECTION_CASH = service_section("appointment_cash.SECTION_CASH")  # the day before (docstring)


def large_cash_in(uow: UnitOfWork, client_id: int | None, amount_fen: int,
                  day: date | None = None, record_id: int | None = None) -> int | None:
    """Inside the counter's transaction: the client's checked-in large-cash appointment of the
    day whose amount covers `amount_fen` (the first not yet used by another record), recorded
    with an audit event (and against the business record `record_id`); None when there is none."""
    if client_id is None:
        return None
    codes = [p.code for p in uow.settings.appointments.purposes if p.large_cash]
    row = uow.session.exec(
        select(Appointment).where(Appointment.client_id == client_id,
                                  Appointment.business_date == (day or uow.today),
                                  col(Appointment.purpose).in_(codes),
                                  col(Appointment.status).in_((rules.CHECKED_IN, rules.DONE)),
                                  col(Appointment.large_cash_record_id).is_(None),
                                  Appointment.amount_fen >= amount_fen)
        .order_by(col(Appointment.start_at), col(Appointment.id))
    ).first()
    if row is None:
        return None
    if record_id is not None:
        row.large_cash_record_id = record_id
        row.status = rules.DONE
        uow.session.add(row)
    uow.audit("appointment.large_cash", "appointment", row.id, manual_section=SECTION_CASH,
              client_id=client_id, amount_fen=amount_fen, booked_fen=row.amount_fen,
              service_record_id=record_id)
    return row.id
