"""The audit tables as Core `Table`s, for the store's own readers and writers of the chain
(store.chain, store.anchors, store.audit_check): appending, verifying and anchoring need these
two tables only, so the operator's commands (`wealthtui audit verify`) run without loading the
models (issue 22). The columns are those of model.audit's AuditEvent and AuditHead, which
describe the tables for the migrations (tests/store/test_audit_tables.py keeps them equal)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

from wealthtui.store.utc_type import UTCDateTime

_metadata = MetaData()

audit_event = Table(
    "audit_event", _metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", Integer),
    Column("action", String(60), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", String(40), nullable=False),
    Column("detail", Text, nullable=False),
    Column("manual_section", String(40), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("seals", Text, nullable=False),
)

audit_head = Table(
    "audit_head", _metadata,
    Column("id", Integer, primary_key=True),
    Column("last_id", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
    Column("keyed_from", Integer, nullable=False),
)
