"""Compliance at the point of sale: every sale attempt checked for suitability, with its verdict.

One row per product per attempt on any sale path (the counter's wealth-product business, a CM's
contact, a lead's conversion): what was sold to whom, the two levels, the assessment date and age
it was judged on, and the outcome — a refused attempt is kept too (written in its own
transaction after the refused call rolled back), so the head's compliance figures count it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field


class SaleCheck(SQLModel, table=True):
    __tablename__ = "sale_check"
    __table_args__ = (Index("ix_sale_check_date", "business_date", "refused"),)

    id: int | None = Field(default=None, primary_key=True)
    business_date: date
    at: datetime = utc_field()
    staff_id: int = Field(foreign_key="staff.id")
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    path: str = Field(max_length=10)  # services.compliance.PATHS: counter | contact
    product_code: str = Field(max_length=30)
    product_level: int  # R1..R5 as 1..5
    client_level: int | None = None  # C1..C5 as 1..5, None: never assessed (or a walk-in)
    assessed_on: date | None = None
    assessment_valid: bool = False
    client_age: int | None = None
    amount_fen: int = Field(default=0, sa_type=BigInteger)
    outcome: str = Field(max_length=20)  # rules.suitability outcomes
    refused: bool = False
    service_record_id: int | None = Field(default=None, foreign_key="service_record.id")
    contact_id: int | None = Field(default=None, foreign_key="contact_log.id")


class RiskAssessment(SQLModel, table=True):
    """One risk-tolerance assessment of a client (风险承受能力评估): the questionnaire's version,
    the answers, the score and the level C1–C5, who took it and when, and for a client of the
    senior age the second staff member who confirmed it. The client's `risk_level` and
    `risk_assessed_on` are the newest row's; older rows are the client's history."""

    __tablename__ = "risk_assessment"
    __table_args__ = (Index("ix_risk_assessment_client", "client_id", "taken_at"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    business_date: date
    taken_at: datetime = utc_field()
    staff_id: int = Field(foreign_key="staff.id")
    confirmed_by_id: int | None = Field(default=None, foreign_key="staff.id")
    questionnaire_version: str = Field(max_length=20)
    answers: str = Field(max_length=2000)  # JSON: {question id: option id}
    score: int
    level: int  # C1..C5 as 1..5
    client_age: int | None = None
    expires_on: date
