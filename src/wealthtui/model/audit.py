"""The audit trail: append-only (database triggers), hash-chained (store.chain), and the seals
that tie business rows to it (store.seals)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from wealthtui.model.base import utc_field


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int = Field(primary_key=True)  # assigned from AuditHead, contiguous
    at: datetime = utc_field(index=True)
    actor_id: int | None = Field(default=None, index=True)  # no FK: outlives staff rows
    action: str = Field(max_length=60)
    entity: str = Field(default="", max_length=40)
    entity_id: str = Field(default="", max_length=40)
    detail: str = Field(default="{}")  # JSON: before/after summary, never unmasked numbers or PINs
    manual_section: str = Field(default="", max_length=40)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    #: the row seals of this write: "table<TAB>row id<TAB>digest" lines, sorted (store.seals);
    #: covered by the hash when not empty
    seals: str = Field(default="")


class AuditHead(SQLModel, table=True):
    """One row: the last audit id and hash. Locked by every write, so the chain stays linear.

    Its `last_id` doubles as the cheap change marker other terminals poll.
    """

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    last_id: int = 0
    last_hash: str = Field(default="0" * 64, max_length=64)
    #: the first event hashed with the audit key (HMAC); 0 while the chain is plain SHA-256
    keyed_from: int = 0


class RowSeal(SQLModel, table=True):
    """The last sealed state of one business row: its digest and the audit event that carries
    it (store.seals). A deleted row keeps a seal with the digest "-"."""

    __tablename__ = "row_seal"
    __table_args__ = {"sqlite_with_rowid": False}  # the key is the table: no second index

    tbl: str = Field(primary_key=True, max_length=40)
    row_id: str = Field(primary_key=True, max_length=40)
    digest: str = Field(max_length=32)
    audit_id: int = Field(index=True)


class Meta(SQLModel, table=True):
    """Key/value facts about this database (demo flag, creation time)."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(default="", max_length=400)
