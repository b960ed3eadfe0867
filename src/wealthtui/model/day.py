"""The business day (营业日), per-day staff attendance and figures the head enters by hand."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field
from wealthtui.model.status import DayStatus, RosterState


class BusinessDay(SQLModel, table=True):
    __tablename__ = "business_day"

    business_date: date = Field(primary_key=True)
    status: str = Field(default=DayStatus.OPEN, max_length=10)  # a DayStatus
    opened_at: datetime = utc_field()
    closed_at: datetime | None = utc_field(nullable=True)
    closed_by: int | None = Field(default=None, foreign_key="staff.id")
    close_note: str = Field(default="", max_length=2000)
    flow_log_confirmed_by: int | None = Field(default=None, foreign_key="staff.id")
    flow_log_confirmed_at: datetime | None = utc_field(nullable=True)


#: a staff member's state in the day's roster (排班): in, on leave, at lunch, out of the center
ROSTER_STATES = tuple(RosterState)


class Attendance(SQLModel, table=True):
    """One line of the day's roster (当日排班): a staff member's state on a business date, and
    whether they are the duty CM (值班客户经理) or the duty lobby manager (值班大堂经理).

    Written only by services.roster (audited); read through its query functions. `present` is
    `status == "in"`, kept by the service for the readers that join on it (the look-up)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("business_date", "staff_id", name="uq_attendance"),)

    id: int | None = Field(default=None, primary_key=True)
    business_date: date
    staff_id: int = Field(foreign_key="staff.id")
    present: bool = True
    duty_cm: bool = False
    status: str = Field(default=RosterState.IN, max_length=8)  # a RosterState
    duty_lobby: bool = False
    note: str = Field(default="", max_length=200)
    updated_by: int | None = Field(default=None, foreign_key="staff.id")
    updated_at: datetime | None = utc_field(nullable=True)


class ManualFigure(SQLModel, table=True):
    """A KPI figure the app cannot record itself, entered by the head per month."""

    __tablename__ = "manual_figure"
    __table_args__ = (UniqueConstraint("month", "indicator", "staff_id", name="uq_manual_figure"),)

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7)  # YYYY-MM
    indicator: str = Field(max_length=40)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    value: float
    entered_by: int = Field(foreign_key="staff.id")
    entered_at: datetime = utc_field()
