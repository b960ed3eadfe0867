"""Dual recordings (双录) of sales: the reference of a recording kept in the branch's recording
system, entered before the sale completes; the sale that used it (one recording, one sale).

A recording is made for one client and one product; a sale that `[compliance.dual_recording]`
names finds the client's unused recording of that product of the same business day, ended
before the sale, and links it (`sale_check_id`). Regulatory practice: 银监办发〔2017〕110号.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field


class DualRecording(SQLModel, table=True):
    __tablename__ = "dual_recording"
    __table_args__ = (Index("ix_dual_recording_client", "client_id", "business_date"),
                      Index("ux_dual_recording_sale", "sale_check_id", unique=True))

    id: int | None = Field(default=None, primary_key=True)
    business_date: date
    recording_ref: str = Field(max_length=40)  # the recording system's id
    client_id: int = Field(foreign_key="client.id")
    product_code: str = Field(max_length=30)
    recorded_by: int = Field(foreign_key="staff.id")  # who recorded (and entered it)
    started_at: datetime = utc_field()
    ended_at: datetime = utc_field()
    entered_at: datetime = utc_field()
    sale_check_id: int | None = Field(default=None, foreign_key="sale_check.id")
