"""Clients (客户), their accounts and products, and the exclusive CM assignment history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Index, func, literal_column, text
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field


class Client(SQLModel, table=True):
    __tablename__ = "client"
    __table_args__ = (
        Index("ix_client_id_number", "id_number"),
        Index("ix_client_phone", "phone"),
        Index("ix_client_name", "name"),
        Index("ix_client_name_pinyin", "name_pinyin"),
        Index("ix_client_name_initials", "name_initials"),
        Index("ix_client_tier", "tier"),  # premium clients without a CM, the KPI's premium share
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40)
    name_pinyin: str = Field(max_length=120)
    name_initials: str = Field(max_length=40)
    title: str = Field(default="", max_length=20)  # 先生 / 女士 / 教授 …
    gender: str = Field(default="", max_length=1)  # M / F / ""
    id_type: str = Field(max_length=20)
    id_number: str = Field(max_length=20)
    id_expires_on: date | None = None
    phone: str = Field(default="", max_length=20)
    birthday: date | None = None
    lunar_birthday: bool = False  # the client keeps the lunar date of `birthday`'s year
    tier: str = Field(default="ordinary", max_length=20)
    aum_fen: int = Field(default=0, sa_type=BigInteger)
    aum_elsewhere_fen: int = Field(default=0, sa_type=BigInteger)
    risk_level: int | None = None  # C1..C5 as 1..5
    risk_assessed_on: date | None = None
    potential_signals: str = Field(default="", max_length=500)
    occupation: str = Field(default="", max_length=60)
    household: str = Field(default="", max_length=200)
    income_band: str = Field(default="", max_length=20)
    goals: str = Field(default="", max_length=500)
    interests: str = Field(default="", max_length=500)
    preferred_channel: str = Field(default="", max_length=20)
    preferred_time: str = Field(default="", max_length=40)
    notes: str = Field(default="", max_length=2000)
    created_at: datetime = utc_field()
    updated_at: datetime | None = utc_field(nullable=True)


#: how many last digits of a mobile the tail index holds (what clients say: 手机尾号)
PHONE_TAIL_DIGITS = 4


def phone_tail(phone: Any) -> ColumnElement[str]:
    """The last PHONE_TAIL_DIGITS characters of `phone`, as the index ix_client_phone_tail holds
    them: the same SQL on SQLite and PostgreSQL, the offset a literal (not a parameter) so that
    a query's expression is the index's and the planner uses it."""
    return func.substr(phone, func.length(phone) - literal_column(str(PHONE_TAIL_DIGITS - 1)))


#: look-up by the last digits of the mobile (migration 0010): an equality on this expression
Index("ix_client_phone_tail", phone_tail(Client.__table__.c.phone))  # type: ignore[attr-defined]


class ClientAccount(SQLModel, table=True):
    """A card or account number by which the client is identified at the door."""

    __tablename__ = "client_account"
    #: the holders of a product (who is entitled to an exclusive CM by their card, issue 16),
    #: their client ids from the index alone (migration 0020_card_holders)
    __table_args__ = (Index("ix_client_account_holders", "product", "closed_on", "client_id"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    number: str = Field(unique=True, max_length=32)
    kind: str = Field(default="card", max_length=10)  # card | account | passbook
    product: str = Field(default="", max_length=40)  # 理财金账户卡, 灵通卡 …
    opened_on: date | None = None
    closed_on: date | None = None


class ProductHolding(SQLModel, table=True):
    __tablename__ = "product_holding"
    # a client's holdings, with what the KPI's product count and the agenda's maturities read,
    # from the index alone (migration 0010)
    __table_args__ = (Index("ix_holding_client_maturity", "client_id", "maturity_date",
                            "product_code"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    product_code: str = Field(max_length=30)
    product_name: str = Field(max_length=80)
    risk_level: int = 1  # R1..R5 as 1..5
    amount_fen: int = Field(default=0, sa_type=BigInteger)
    start_date: date | None = None
    maturity_date: date | None = Field(default=None, index=True)


class CMAssignment(SQLModel, table=True):
    """Effective-dated exclusive CM. At most one open assignment per client (partial unique index)."""

    __tablename__ = "cm_assignment"
    __table_args__ = (
        Index(
            "uq_cm_assignment_active",
            "client_id",
            unique=True,
            sqlite_where=text("end_at IS NULL"),
            postgresql_where=text("end_at IS NULL"),
        ),
        Index("ix_cm_assignment_cm_active", "cm_id", "end_at"),
        # a client's CM history and the CM before the current one (a CM change's clock)
        Index("ix_cm_assignment_client_end", "client_id", "end_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    cm_id: int = Field(foreign_key="staff.id")
    start_at: datetime = utc_field()
    end_at: datetime | None = utc_field(nullable=True)
    assigned_by: int | None = Field(default=None, foreign_key="staff.id")
    reason: str = Field(default="", max_length=200)


class TierChange(SQLModel, table=True):
    __tablename__ = "tier_change"
    __table_args__ = (Index("ix_tier_change_at", "at"),)  # a month's changes (migration 0010)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    at: datetime = utc_field()
    from_tier: str = Field(max_length=20)
    to_tier: str = Field(max_length=20)
    by_staff_id: int | None = Field(default=None, foreign_key="staff.id")
