"""The outbox of written notices (书面通知): one row per notice, whatever its channel.

A notice holds its rendered text and the client's MASKED contact only (the sender's gateway, or
the person printing it, resolves the rest). `status` is pending (to send, or waiting for its next
attempt), sent, or failed (the last attempt failed; retried at `next_attempt_at` until
`notices.max_attempts`, then left for the head with `next_attempt_at` empty — never dropped).
`run_id`/`step_id` name the checklist step the notice satisfies (the CM change's written notice),
`record_kind`/`record_ref` the record it is about (complaint, appointment, product holding).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field
from wealthtui.model.status import NoticeStatus


class Notice(SQLModel, table=True):
    __tablename__ = "notice"
    __table_args__ = (
        Index("ix_notice_due", "status", "next_attempt_at"),
        Index("ix_notice_client", "client_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    template: str = Field(max_length=40)
    channel: str = Field(max_length=10)  # sms | email | webhook | print
    language: str = Field(default="zh_CN", max_length=5)
    client_id: int | None = Field(default=None, foreign_key="client.id")
    recipient: str = Field(default="", max_length=60)  # masked
    title: str = Field(max_length=200)
    body: str = Field(max_length=8000)
    status: str = Field(default=NoticeStatus.PENDING, max_length=10)  # a NoticeStatus
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    next_attempt_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field()
    created_by: int = Field(foreign_key="staff.id")
    sent_at: datetime | None = utc_field(nullable=True)
    sent_via: str = Field(default="", max_length=10)  # the sender (log | smtp | webhook | print)
    run_id: int | None = Field(default=None, foreign_key="checklist_run.id")
    step_id: str = Field(default="", max_length=60)
    record_kind: str = Field(default="", max_length=20)
    record_ref: str = Field(default="", max_length=40)
