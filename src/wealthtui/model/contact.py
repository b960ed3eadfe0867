"""The client-manager desk: contact log (接触记录), products proposed in a contact, and CM
assistants attached to CMs.

Manual ch.2 §2.9 (CMs keep the premium-client file and record contacts), §2.13 (CM assistants
contact clients and keep client information for the CMs they assist); manual digest §8.3 form 4.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, text
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field


class ContactLog(SQLModel, table=True):
    __tablename__ = "contact_log"
    __table_args__ = (
        Index("ix_contact_client_at", "client_id", "at"),
        # contacts of a period per staff member, from the index alone (migration 0010)
        Index("ix_contact_at_staff", "at", "staff_id"),
        Index("ix_contact_next", "staff_id", "next_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    staff_id: int = Field(foreign_key="staff.id")
    at: datetime = utc_field()
    channel: str = Field(max_length=20)  # phone | sms | visit | walk_in | meeting | letter | wechat | email
    purpose: str = Field(default="", max_length=40)
    content: str = Field(default="", max_length=2000)
    needs: str = Field(default="", max_length=500)
    products_proposed: str = Field(default="", max_length=500)  # product codes, comma-separated
    result: str = Field(default="", max_length=200)
    #: a sale (result `sold`): its amount in fen; the product is in products_proposed
    sale_amount_fen: int | None = Field(default=None, sa_type=BigInteger)
    next_action: str = Field(default="", max_length=200)
    next_date: date | None = None
    #: the later contact that kept the follow-up promised here (None while it is open)
    follow_up_done_id: int | None = Field(default=None, foreign_key="contact_log.id")
    run_id: int | None = Field(default=None, foreign_key="checklist_run.id")


class ContactProposal(SQLModel, table=True):
    """One product proposed in a contact, checked against the client's risk level then."""

    __tablename__ = "contact_proposal"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact_log.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    product_code: str = Field(max_length=30)
    product_name: str = Field(max_length=80)
    product_risk: int  # R1..R5
    client_risk: int | None = None  # C1..C5 at the time, None when not assessed
    verdict: str = Field(max_length=20)  # suitable | acknowledged (refused ones are not stored)
    acknowledgement: str = Field(default="", max_length=200)  # the signed acknowledgement's reference


class CMAssistant(SQLModel, table=True):
    """An assistant attached to a CM (effective-dated). One assistant may serve several CMs and a
    CM may have several assistants; each pair is active at most once."""

    __tablename__ = "cm_assistant"
    __table_args__ = (
        Index(
            "uq_cm_assistant_active",
            "assistant_id",
            "cm_id",
            unique=True,
            sqlite_where=text("end_at IS NULL"),
            postgresql_where=text("end_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    assistant_id: int = Field(foreign_key="staff.id", index=True)
    cm_id: int = Field(foreign_key="staff.id", index=True)
    start_at: datetime = utc_field()
    end_at: datetime | None = utc_field(nullable=True)
    assigned_by: int | None = Field(default=None, foreign_key="staff.id")
