"""Complaints (投诉) and their event history, including every change of the clock.

The clock columns of Complaint (due_date, extensions, paused_since) are a cache: the truth is the
ComplaintEvent rows whose data carries a `clock` kind (rules.deadlines derives the state from
them). `staff_complained` holds the ids of the staff complained about, comma-separated.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field
from wealthtui.model.status import ComplaintStatus


class Complaint(SQLModel, table=True):
    __tablename__ = "complaint"

    id: int | None = Field(default=None, primary_key=True)
    ref_no: str = Field(unique=True, max_length=20)
    business_date: date = Field(index=True)
    received_at: datetime = utc_field()
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    complainant_kind: str = Field(default="client", max_length=10)  # client | agent | heir
    # The person who complained when the bank does not hold them (walk-in, agent, heir).
    complainant_name: str = Field(default="", max_length=40)
    complainant_phone: str = Field(default="", max_length=20)
    agent_authority: str = Field(default="", max_length=200)  # agent or heir: what authorises them
    channel: str = Field(max_length=20)
    external_ref: str = Field(default="", max_length=40)  # the forwarding body's case number
    category: str = Field(max_length=30)
    subcategory: str = Field(default="", max_length=30)
    description: str = Field(max_length=4000)
    requested_remedy: str = Field(default="", max_length=1000)
    staff_complained: str = Field(default="", max_length=200)  # comma-separated staff ids
    first_receiver_id: int = Field(foreign_key="staff.id", index=True)
    handler_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    status: str = Field(default=ComplaintStatus.OPEN, max_length=20, index=True)  # a ComplaintStatus
    # open | investigating | escalated | replied | closed | withdrawn | merged
    resolved_on_spot: bool = False
    escalation: str = Field(default="", max_length=12)  # "" | head | sub_branch | branch
    escalated_at: datetime | None = utc_field(nullable=True)
    due_date: date
    extensions: int = 0
    paused_since: date | None = None
    ended_on: date | None = None  # the day the clock stopped: decision, withdrawal or merge
    reply_at: datetime | None = utc_field(nullable=True)
    reply_channel: str = Field(default="", max_length=20)
    reply_content: str = Field(default="", max_length=4000)
    options_told: bool = False  # verification, mediation, arbitration, litigation
    remedy: str = Field(default="", max_length=1000)
    compensation_fen: int = Field(default=0, sa_type=BigInteger)
    root_cause: str = Field(default="", max_length=2000)
    rectification: str = Field(default="", max_length=2000)
    satisfaction_at: date | None = None
    satisfaction: str = Field(default="", max_length=20)
    satisfaction_note: str = Field(default="", max_length=500)
    closed_by: int | None = Field(default=None, foreign_key="staff.id")
    closed_at: datetime | None = utc_field(nullable=True)
    merged_into_id: int | None = Field(default=None, foreign_key="complaint.id")

    #: the columns a complaint's handling moves (assigned, escalated, the clock extended or
    #: paused, replied, remedied, closed, the satisfaction recorded, merged): investigating and
    #: closing a complaint on a later day is its life, not a change of the day it was received
    #: (services.uow refuses other changes of a closed day's record; see Handoff). What was
    #: received, from whom, by whom and when stays fixed.
    __lifecycle_columns__: ClassVar[frozenset[str]] = frozenset({
        "handler_id", "status", "escalation", "escalated_at", "due_date", "extensions",
        "paused_since", "ended_on", "reply_at", "reply_channel", "reply_content",
        "options_told", "remedy", "compensation_fen", "root_cause", "rectification",
        "satisfaction_at", "satisfaction", "satisfaction_note", "closed_by", "closed_at",
        "merged_into_id",
    })


class ComplaintEvent(SQLModel, table=True):
    __tablename__ = "complaint_event"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    kind: str = Field(max_length=20)
    at: datetime = utc_field()
    by_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    note: str = Field(default="", max_length=2000)
    data_json: str = Field(default="{}")
