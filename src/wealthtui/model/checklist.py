"""Runs of procedures from the manual (checklists) and each step's record.

A run keeps the procedure as it was when the run started (`procedure_json`, `procedure_version`),
so it reads the same after the procedure file changes. Step records are append-only history: a
step recorded again gets a new row, the newest one counts.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field
from wealthtui.model.status import ChecklistStatus


class ChecklistRun(SQLModel, table=True):
    __tablename__ = "checklist_run"
    __table_args__ = (
        Index("ix_checklist_run_day", "business_date", "procedure_id"),
        Index("ix_checklist_run_client", "client_id", "status"),
        Index("ix_checklist_run_ticket", "ticket_id", "status"),
        Index("ix_checklist_run_subject", "subject_staff_id", "business_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    procedure_id: str = Field(max_length=60)
    procedure_version: str = Field(max_length=64)  # content hash of the procedure file
    procedure_json: str  # the procedure as it was when the run started
    business_date: date
    started_by: int = Field(foreign_key="staff.id")
    started_at: datetime = utc_field()
    client_id: int | None = Field(default=None, foreign_key="client.id")
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    subject_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    status: str = Field(default=ChecklistStatus.OPEN, max_length=10)  # a ChecklistStatus
    completed_at: datetime | None = utc_field(nullable=True)
    completed_by: int | None = Field(default=None, foreign_key="staff.id")
    abandon_reason: str = Field(default="", max_length=500)


class StepRecord(SQLModel, table=True):
    __tablename__ = "step_record"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="checklist_run.id", index=True)
    step_id: str = Field(max_length=60)
    value: str = Field(default="", max_length=2000)
    done_by: int = Field(foreign_key="staff.id")
    done_at: datetime = utc_field()
    signed_off_by: int | None = Field(default=None, foreign_key="staff.id")
    handoff_id: int | None = Field(default=None, foreign_key="handoff.id")  # the one it created
