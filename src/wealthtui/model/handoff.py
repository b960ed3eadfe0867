"""Hand-offs between people (交接/转介) and the leads (商机) they carry."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Index, and_, or_
from sqlmodel import Field, SQLModel, col

from wealthtui.model.base import utc_field
from wealthtui.model.status import HandoffStatus, LeadStatus
from wealthtui.rules.handoff_state import IN_PROGRESS, WAITING, is_overdue  # noqa: F401 (re-exported)


class Handoff(SQLModel, table=True):
    __tablename__ = "handoff"
    __table_args__ = (
        Index("ix_handoff_to_staff", "to_staff_id", "status"),
        Index("ix_handoff_to_role", "to_role", "status"),
        Index("ix_handoff_day", "business_date"),
        Index("ix_handoff_subject", "subject_type", "subject_id"),
        # the lobby's latest arrivals of a day, newest first from the index (migration 0017)
        Index("ix_handoff_kind_day", "kind", "business_date", "created_at", "id"),
        # the close's open hand-offs: counted and the first few listed from the index alone
        # (services.handoffs.open_until_clause; migration 0018_head)
        Index("ix_handoff_open", "status", "business_date", "carried_to", "kind", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    # premium_arrival | referral | lead | cm_change | escalation | cash_business | shift | general
    # | returned (an expired hand-off back with its sender)
    business_date: date
    from_staff_id: int = Field(foreign_key="staff.id", index=True)
    to_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    to_role: str | None = Field(default=None, max_length=20)
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    source: str = Field(default="", max_length=20)  # lobby | cash_counter | non_cash_counter | cm | head
    note: str = Field(default="", max_length=1000)
    due_at: datetime | None = utc_field(nullable=True)
    status: str = Field(default=HandoffStatus.OPEN, max_length=10)  # a HandoffStatus
    created_at: datetime = utc_field()
    accepted_at: datetime | None = utc_field(nullable=True)
    closed_at: datetime | None = utc_field(nullable=True)
    outcome: str = Field(default="", max_length=500)
    decline_reason: str = Field(default="", max_length=500)
    manual_section: str = Field(default="", max_length=40)
    rerouted_from_id: int | None = Field(default=None, foreign_key="handoff.id")
    # what the hand-off is about, when it is about a record that ends on its own: it is done
    # when that ends ("complaint" closed, "authorization" decided, "checklist_run" finished)
    subject_type: str = Field(default="", max_length=20)
    subject_id: int | None = Field(default=None)
    # carried over at a close: the business date from which it is the work of a later day
    carried_to: date | None = Field(default=None)

    #: the columns that move a hand-off along its life (accept, decline, done, expire, carry):
    #: changing only these is finishing a hand-off, not changing its business day, so it is
    #: allowed after that day was closed (services.uow refuses any other change of a closed
    #: day's record). Who sent what to whom, about which client, on which day stays fixed.
    __lifecycle_columns__: ClassVar[frozenset[str]] = frozenset({
        "status", "accepted_at", "closed_at", "outcome", "decline_reason", "to_staff_id",
        "carried_to",
    })


def overdue_clause(now: datetime, complete_within_minutes: int = 0) -> Any:
    """`is_overdue` as a SQL condition on the handoff table (for counts in reports)."""
    waiting = and_(Handoff.status == WAITING, col(Handoff.due_at).is_not(None),
                   col(Handoff.due_at) < now)
    if complete_within_minutes <= 0:
        return waiting
    limit = now - timedelta(minutes=complete_within_minutes)
    return or_(waiting, and_(Handoff.status == IN_PROGRESS,
                             col(Handoff.accepted_at).is_not(None),
                             col(Handoff.accepted_at) < limit))


class Lead(SQLModel, table=True):
    """A potential-premium signal or a referral (manual digest §3.3)."""

    __tablename__ = "lead"

    id: int | None = Field(default=None, primary_key=True)
    business_date: date = Field(index=True)
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    contact_name: str = Field(default="", max_length=40)  # walk-ins without a record
    contact_phone: str = Field(default="", max_length=20)
    signal: str = Field(default="", max_length=200)
    observed_business: str = Field(default="", max_length=200)
    need: str = Field(default="", max_length=500)
    spotted_by: int = Field(foreign_key="staff.id", index=True)
    source: str = Field(max_length=20)  # lobby | cash_counter | non_cash_counter | cm
    handoff_id: int | None = Field(default=None, foreign_key="handoff.id")
    status: str = Field(default=LeadStatus.NEW, max_length=12)  # a LeadStatus
    created_at: datetime = utc_field()
    converted_at: datetime | None = utc_field(nullable=True)
    # owner_id and converted_by are staff ids without a database foreign key: SQLite adds such a
    # column to a table that others refer to (targets) only by rebuilding it (migration 0004)
    #: the CM who owns the lead (named, the client's CM, or spread by the roster's load)
    owner_id: int | None = Field(default=None, index=True)
    #: a lead for later: the day the owner follows it up
    follow_up_on: date | None = None
    #: the sale that converted it: "contact:<contact_log.id>" or "service:<service_record.id>"
    converted_ref: str = Field(default="", max_length=40)
    converted_by: int | None = None
    converted_product: str = Field(default="", max_length=40)
    converted_amount_fen: int | None = Field(default=None, sa_type=BigInteger)

    #: the columns that move a lead along its life (contacted, converted by a sale, dropped,
    #: followed up later, passed on with its hand-off when that is declined): a lead spotted on a
    #: day since closed may still be worked and sold to (services.uow refuses other changes of a
    #: closed day's record; see Handoff)
    __lifecycle_columns__: ClassVar[frozenset[str]] = frozenset({
        "status", "converted_at", "converted_ref", "converted_by", "converted_product",
        "converted_amount_fen", "follow_up_on", "handoff_id", "owner_id",
    })
