"""Visits, queue tickets (排队叫号) and their event timeline, counter sessions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field
from wealthtui.model.status import CounterSessionState, TicketStatus


class Visit(SQLModel, table=True):
    """A person walking in, identified (or not) by the lobby."""

    __tablename__ = "visit"
    # the lobby's latest visits of a day, in board order from the index (migration 0010)
    __table_args__ = (Index("ix_visit_day_arrived", "business_date", "arrived_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    business_date: date
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    arrived_at: datetime = utc_field()
    identified_by: int | None = Field(default=None, foreign_key="staff.id")
    tier_at_arrival: str = Field(default="", max_length=20)
    business_kind: str = Field(default="", max_length=20)  # cash | non_cash | wealth | self_service …
    route: str = Field(default="", max_length=20)  # zone code
    diverted: bool = False  # sent to self-service / e-channels instead of a counter
    # the identification checklist run of this visit (checklist_run.id; no foreign key, which
    # would make a cycle visit → checklist_run → ticket → visit)
    checklist_run_id: int | None = None
    note: str = Field(default="", max_length=500)


class Ticket(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("business_date", "series", "number", name="uq_ticket_number"),
        Index("ix_ticket_day_status", "business_date", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_date: date
    category: str = Field(max_length=10)  # the lane it waits in now (changes on a transfer)
    series: str = Field(max_length=10)  # the category whose range the number came from (kept)
    number: int
    display_no: str = Field(max_length=12)  # prefix + zero-padded number, e.g. A012
    status: str = Field(default=TicketStatus.WAITING, max_length=12)  # a TicketStatus
    # waiting | called | serving | parked | no_show | done | cancelled
    priority: int = 0
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="visit.id", index=True)
    counter_no: str | None = Field(default=None, max_length=10)
    served_by: int | None = Field(default=None, foreign_key="staff.id")
    issued_by: int | None = Field(default=None, foreign_key="staff.id")
    issued_at: datetime = utc_field()
    queued_at: datetime = utc_field()  # issue time, or when re-queued after a park or transfer
    called_at: datetime | None = utc_field(nullable=True)
    started_at: datetime | None = utc_field(nullable=True)
    finished_at: datetime | None = utc_field(nullable=True)
    recalls: int = 0
    note: str = Field(default="", max_length=500)


class TicketEvent(SQLModel, table=True):
    __tablename__ = "ticket_event"
    # the reports, the KPI scorecard and the calling board look up given kinds of event of a
    # set of tickets: answered from this index alone (migration 0002)
    __table_args__ = (
        Index("ix_ticket_event_ticket_kind", "ticket_id", "kind", "at"),
        # the boards' last calls, walked back from now (migration 0021)
        Index("ix_ticket_event_at", "at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    kind: str = Field(max_length=12)
    # issued | called | recalled | started | transferred | parked | requeued | no_show | finished
    at: datetime = utc_field()
    by_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    counter_no: str | None = Field(default=None, max_length=10)
    from_category: str | None = Field(default=None, max_length=10)
    to_category: str | None = Field(default=None, max_length=10)
    note: str = Field(default="", max_length=500)


class CounterSession(SQLModel, table=True):
    """A staff member signed on to a counter for a period."""

    __tablename__ = "counter_session"
    __table_args__ = (Index("ix_counter_session_day", "business_date", "counter_no"),)

    id: int | None = Field(default=None, primary_key=True)
    business_date: date
    counter_no: str = Field(max_length=10)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    state: str = Field(default=CounterSessionState.OPEN, max_length=10)  # a CounterSessionState
    started_at: datetime = utc_field()
    ended_at: datetime | None = utc_field(nullable=True)
    opening_cash_fen: int = Field(default=0, sa_type=BigInteger)
