"""Counter work: service records, maker-checker requests, shift hand-overs, teller balancing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field
from wealthtui.model.status import AuthorizationStatus, BalanceStatus, HandoverStatus


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
    amount_fen: int = Field(default=0, sa_type=BigInteger)
    cash: str = Field(default="none", max_length=5)  # in | out | none
    outcome: str = Field(default="done", max_length=12)  # done | pending_auth | rejected | cancelled
    authorization_id: int | None = Field(default=None, foreign_key="authorization_request.id")
    at: datetime = utc_field()
    note: str = Field(default="", max_length=500)


class AuthorizationRequest(SQLModel, table=True):
    """Maker-checker (复核/授权): never decided by its maker. At most one pending request per
    business (ticket and business type), enforced by a partial unique index."""

    __tablename__ = "authorization_request"
    __table_args__ = (
        Index("ix_authz_status", "status", "business_date"),
        Index(
            "uq_authz_pending_business",
            "ticket_id",
            "business_type",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_date: date
    maker_id: int = Field(foreign_key="staff.id")
    checker_id: int | None = Field(default=None, foreign_key="staff.id")
    business_type: str = Field(max_length=30)
    amount_fen: int = Field(default=0, sa_type=BigInteger)
    checker_roles: str = Field(default="", max_length=200)  # who may decide, from the rule
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    client_id: int | None = Field(default=None, foreign_key="client.id")
    counter_no: str = Field(default="", max_length=10)
    status: str = Field(default=AuthorizationStatus.PENDING, max_length=10)  # an AuthorizationStatus
    note: str = Field(default="", max_length=500)
    reason: str = Field(default="", max_length=500)  # the checker's reason
    step_up: bool = False  # decided at the maker's counter with the checker's PIN
    requested_at: datetime = utc_field()
    decided_at: datetime | None = utc_field(nullable=True)


class ShiftHandover(SQLModel, table=True):
    """Shift hand-over (交接班) of a teller's box: declared by the one leaving, counted and
    confirmed by the one taking over, witnessed (监交) by a supervisor when the reason needs it."""

    __tablename__ = "shift_handover"

    id: int | None = Field(default=None, primary_key=True)
    business_date: date = Field(index=True)
    counter_no: str = Field(max_length=10)
    from_staff_id: int = Field(foreign_key="staff.id")
    to_staff_id: int | None = Field(default=None, foreign_key="staff.id")  # set on confirmation
    witness_id: int | None = Field(default=None, foreign_key="staff.id")
    reason: str = Field(default="shift", max_length=20)  # shift | leave | transfer
    witness_required: bool = False
    summary_json: str = Field(default="{}")  # cash by denomination, voucher ranges, open items
    expected_cash_fen: int = Field(default=0, sa_type=BigInteger)  # what the day's records say the box holds
    declared_cash_fen: int = Field(default=0, sa_type=BigInteger)  # what the handing-over teller counted
    counted_cash_fen: int | None = Field(default=None, sa_type=BigInteger)  # what the receiving teller counted
    difference_fen: int = Field(default=0, sa_type=BigInteger)  # counted − declared
    difference_note: str = Field(default="", max_length=500)
    from_session_id: int | None = Field(default=None, foreign_key="counter_session.id")
    to_session_id: int | None = Field(default=None, foreign_key="counter_session.id")
    status: str = Field(default=HandoverStatus.OPEN, max_length=12)  # a HandoverStatus
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
    expected_cash_fen: int = Field(default=0, sa_type=BigInteger)
    counted_cash_fen: int = Field(default=0, sa_type=BigInteger)
    difference_fen: int = Field(default=0, sa_type=BigInteger)
    match_accounts: bool = False   # 账账相符
    match_physical: bool = False   # 账实相符
    match_vouchers: bool = False   # 账证相符
    match_cash: bool = False       # 账款相符
    match_receipts: bool = False   # 账据相符
    teller_note: str = Field(default="", max_length=500)  # the teller's explanation
    difference_handling: str = Field(default="", max_length=12)
    # returned (overage back to its owner) | borne (shortage made good by the teller)
    # | suspense (booked to the suspense account) | corrected (an entry error put right)
    difference_note: str = Field(default="", max_length=500)
    difference_handled_by: int | None = Field(default=None, foreign_key="staff.id")
    difference_handled_at: datetime | None = utc_field(nullable=True)
    status: str = Field(default=BalanceStatus.DRAFT, max_length=12)  # a BalanceStatus
    submitted_at: datetime | None = utc_field(nullable=True)
    signed_off_by: int | None = Field(default=None, foreign_key="staff.id")
    signed_off_at: datetime | None = utc_field(nullable=True)


class OutletBalance(SQLModel, table=True):
    """The outlet's balance for the day (网点轧账), signed off by the supervisor once every teller
    who worked that day has been signed off."""

    __tablename__ = "outlet_balance"

    business_date: date = Field(primary_key=True)
    figures_json: str = Field(default="{}")  # totals over the tellers
    tellers: int = 0
    difference_fen: int = Field(default=0, sa_type=BigInteger)  # sum of the tellers' differences
    signed_off_by: int = Field(foreign_key="staff.id")
    signed_off_at: datetime = utc_field()
    note: str = Field(default="", max_length=500)


class ClosingRetention(SQLModel, table=True):
    """A premium client's account closing: the CM (and the head for key clients) told first, the
    retention attempt recorded before the ticket can be finished (manual digest §4.4.3)."""

    __tablename__ = "closing_retention"

    id: int | None = Field(default=None, primary_key=True)
    business_date: date = Field(index=True)
    service_record_id: int = Field(foreign_key="service_record.id", unique=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    client_id: int = Field(foreign_key="client.id", index=True)
    cm_handoff_id: int | None = Field(default=None, foreign_key="handoff.id")
    head_handoff_id: int | None = Field(default=None, foreign_key="handoff.id")
    notified_at: datetime = utc_field()
    notified_by: int = Field(foreign_key="staff.id")
    outcome: str = Field(default="", max_length=10)  # "" (not yet) | retained | insists
    attempt_note: str = Field(default="", max_length=500)  # reason for leaving, what was offered
    recorded_by: int | None = Field(default=None, foreign_key="staff.id")
    recorded_at: datetime | None = utc_field(nullable=True)
