"""Targeted marketing (定向营销): lists of clients (or walk-in leads) built from filters, each
target assigned to a CM with a deadline and followed to an outcome. Manual digest §4.2."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field
from wealthtui.model.status import TargetListStatus, TargetStatus


class TargetList(SQLModel, table=True):
    __tablename__ = "target_list"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    purpose: str = Field(default="", max_length=200)
    filters_json: str = Field(default="{}")  # the filters it was built from, for the record
    deadline: date
    created_by: int = Field(foreign_key="staff.id")
    created_at: datetime = utc_field()
    status: str = Field(default=TargetListStatus.OPEN, max_length=10)  # a TargetListStatus
    closed_at: datetime | None = utc_field(nullable=True)


class Target(SQLModel, table=True):
    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint("list_id", "client_id", name="uq_target_client"),
        UniqueConstraint("list_id", "lead_id", name="uq_target_lead"),
        Index("ix_target_cm_status", "cm_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="target_list.id", index=True)
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    lead_id: int | None = Field(default=None, foreign_key="lead.id")
    cm_id: int = Field(foreign_key="staff.id")
    status: str = Field(default=TargetStatus.OPEN, max_length=12)  # a TargetStatus
    # open | contacted | appointment | converted | declined | unreachable
    outcome: str = Field(default="", max_length=500)
    contact_id: int | None = Field(default=None, foreign_key="contact_log.id")
    updated_at: datetime | None = utc_field(nullable=True)
    updated_by: int | None = Field(default=None, foreign_key="staff.id")
