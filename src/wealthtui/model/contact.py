"""Client managers' contact log (接触记录)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field


class ContactLog(SQLModel, table=True):
    __tablename__ = "contact_log"
    __table_args__ = (
        Index("ix_contact_client_at", "client_id", "at"),
        Index("ix_contact_next", "staff_id", "next_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    staff_id: int = Field(foreign_key="staff.id")
    at: datetime = utc_field()
    channel: str = Field(max_length=20)  # phone | visit | meeting | sms | wechat | mail
    purpose: str = Field(default="", max_length=40)
    content: str = Field(default="", max_length=2000)
    needs: str = Field(default="", max_length=500)
    products_proposed: str = Field(default="", max_length=500)
    result: str = Field(default="", max_length=200)
    next_action: str = Field(default="", max_length=200)
    next_date: date | None = None
