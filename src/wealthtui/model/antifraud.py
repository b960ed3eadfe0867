"""The anti-fraud questions asked at the counter (反诈提醒, issue 17): one row per business asked
about — the answers, why it was asked, and whether it went on (linked to its service record) or
was stopped (linked to the supervisor's hand-off). A stopped business has no service record: the
row keeps what it would have been (ticket, client, type, amount, payee)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field


class AntifraudCheck(SQLModel, table=True):
    __tablename__ = "antifraud_check"
    __table_args__ = (
        Index("ix_antifraud_check_date", "business_date", "stopped"),
        Index("ix_antifraud_check_payee", "client_id", "payee"),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_date: date
    at: datetime = utc_field()
    staff_id: int = Field(foreign_key="staff.id")
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    client_id: int | None = Field(default=None, foreign_key="client.id")
    business_type: str = Field(max_length=30)
    amount_fen: int = Field(default=0, sa_type=BigInteger)
    payee: str = Field(default="", max_length=32)  # the payee's account number, "" when none
    reasons: str = Field(max_length=40)  # comma-separated: amount, new_payee
    questions_version: str = Field(max_length=20)
    answers: str = Field(max_length=2000)  # JSON: {question id: yes | no | unclear}
    suspicious: str = Field(default="", max_length=500)  # comma-separated question ids
    stopped: bool = False
    service_record_id: int | None = Field(default=None, foreign_key="service_record.id")
    handoff_id: int | None = Field(default=None, foreign_key="handoff.id")
