"""Counter work: service records, maker-checker requests, shift hand-overs, teller balancing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field


class ServiceRecord(SQLModel, table=True):
    __tablename__ = "service_record"
    __table_args__ = (Index("ix_service_record_day_staff", "business_date", "staff_id"),)

    id: int | None = Field(default=None, primary_key=True)
    business_date: date
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    staff_id: int = Field(foreign_key="staff.id")
    counter_no: str = Field(default="", max_length=10)
    business_type: str = Field(max_length=30)
    amount_fen: int = 0
    cash: str = Field(default="none", max_length=5)  # in | out | none
    outcome: str = Field(default="done", max_length=12)  # done | pending_auth | rejected | cancelled
    authorization_id: int | None = Field(default=None, foreign_key="authorization_request.id")
    at: datetime = utc_field()
    note: str = Field(default="", max_length=500)


class AuthorizationRequest(SQLModel, table=True):
    """Maker-checker (复核/授权): never decided by its maker."""

    __tablename__ = "authorization_request"
    __table_args__ = (Index("ix_authz_status", "status", "business_date"),)

    id: int | None = Field(default=None, primary_key=True)
    business_date: date
    maker_id: int = Field(foreign_key="staff.id")
    checker_id: int | None = Field(default=None, foreign_key="staff.id")
    business_type: str = Field(max_length=30)
    amount_fen: int = 0
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    client_id: int | None = Field(default=None, foreign_key="client.id")
    counter_no: str = Field(default="", max_length=10)
    status: str = Field(default="pending", max_length=10)  # pending | approved | rejected | cancelled
    note: str = Field(default="", max_length=500)
    reason: str = Field(default="", max_length=500)  # the checker's reason
    step_up: bool = False  # decided at the maker's counter with the checker's PIN
    requested_at: datetime = utc_field()
    decided_at: datetime | None = utc_field(nullable=True)


class ShiftHandover(SQLModel, table=True):
    __tablename__ = "shift_handover"

    id: int | None = Field(default=None, primary_key=True)
    business_date: date = Field(index=True)
    counter_no: str = Field(max_length=10)
    from_staff_id: int = Field(foreign_key="staff.id")
    to_staff_id: int = Field(foreign_key="staff.id")
    witness_id: int | None = Field(default=None, foreign_key="staff.id")
    reason: str = Field(default="shift", max_length=20)  # shift | leave | transfer
    summary_json: str = Field(default="{}")  # cash by denomination, voucher ranges, open items
    declared_cash_fen: int = 0
    counted_cash_fen: int | None = None
    difference_fen: int = 0
    difference_note: str = Field(default="", max_length=500)
    status: str = Field(default="open", max_length=12)  # open | confirmed | witnessed | cancelled
    created_at: datetime = utc_field()
    confirmed_at: datetime | None = utc_field(nullable=True)
    witnessed_at: datetime | None = utc_field(nullable=True)


class TellerBalance(SQLModel, table=True):
    """End-of-day balancing (轧账) of one teller, with the five matches (五相符)."""

    __tablename__ = "teller_balance"
    __table_args__ = (UniqueConstraint("business_date", "teller_id", name="uq_teller_balance"),)

    id: int | None = Field(default=None, primary_key=True)
    business_date: date
    teller_id: int = Field(foreign_key="staff.id")
    figures_json: str = Field(default="{}")  # items per business type, cash in/out, expected
    expected_cash_fen: int = 0
    counted_cash_fen: int = 0
    difference_fen: int = 0
    match_accounts: bool = False   # 账账相符
    match_physical: bool = False   # 账实相符
    match_vouchers: bool = False   # 账证相符
    match_cash: bool = False       # 账款相符
    match_receipts: bool = False   # 账据相符
    difference_note: str = Field(default="", max_length=500)
    difference_handled_by: int | None = Field(default=None, foreign_key="staff.id")
    status: str = Field(default="draft", max_length=12)  # draft | submitted | signed_off
    submitted_at: datetime | None = utc_field(nullable=True)
    signed_off_by: int | None = Field(default=None, foreign_key="staff.id")
    signed_off_at: datetime | None = utc_field(nullable=True)
