"""Appointments (预约, issue 18): a client (or a prospect: a name and a phone) booked for a purpose
at a time, with a staff member or with any counter.

`status`: booked → checked_in (the client came: a visit, and a ticket at the head of the purpose's
lane or a hand-off to the CM) → done; or cancelled (with a reason), or no_show (still booked past
the end and the grace). `late` is recorded at check-in. `source` is who asked for it: the CM, the
lobby, a 95588 call or online banking. Large cash: `amount_fen` and the denominations wanted, for
the cash supervisor to prepare the day before; `large_cash_record_id` is the counter's business
record it covered.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field


class Appointment(SQLModel, table=True):
    __tablename__ = "appointment"
    __table_args__ = (
        Index("ix_appointment_day", "business_date", "status"),
        Index("ix_appointment_staff", "staff_id", "start_at"),
        Index("ix_appointment_client", "client_id", "business_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int | None = Field(default=None, foreign_key="client.id")
    contact_name: str = Field(default="", max_length=40)   # a prospect without a client record
    contact_phone: str = Field(default="", max_length=20)
    purpose: str = Field(max_length=20)                     # [[appointments.purposes]] code
    business_date: date                                     # the local day of start_at
    start_at: datetime = utc_field()
    end_at: datetime = utc_field()
    staff_id: int | None = Field(default=None, foreign_key="staff.id")  # None: any counter
    source: str = Field(max_length=12)                      # cm | lobby | phone_95588 | online
    amount_fen: int = Field(default=0, sa_type=BigInteger)
    denominations: str = Field(default="", max_length=200)
    status: str = Field(default="booked", max_length=12)
    # booked | checked_in | no_show | cancelled | done
    late: bool = False
    checked_in_at: datetime | None = utc_field(nullable=True)
    checked_in_by: int | None = Field(default=None, foreign_key="staff.id")
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    handoff_id: int | None = Field(default=None, foreign_key="handoff.id")
    large_cash_record_id: int | None = Field(default=None, foreign_key="service_record.id")
    booked_by: int = Field(foreign_key="staff.id")
    created_at: datetime = utc_field()
    cancelled_at: datetime | None = utc_field(nullable=True)
    cancel_reason: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=500)
