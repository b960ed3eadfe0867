"""The audit chain's head in the end-of-day summary (issue 15): the last event id and its hash,
so that every export of the summary (`wealthtui eod` as table, JSON, CSV or XLSX, and the head's
F7 tab and its export) anchors the audit trail outside the database too."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from wealthtui.i18n import t
from wealthtui.store.tables import audit_head

if TYPE_CHECKING:
    from wealthtui.reports.export import Section
    from wealthtui.reports.sql import Db

KEY = "audit_chain_head"
NONE: tuple[int, str] = (0, "")


def read(session: Db) -> tuple[int, str]:
    row = session.execute(select(audit_head.c.last_id, audit_head.c.last_hash)
                          .where(audit_head.c.id == 1)).first()
    return (int(row[0]), str(row[1])) if row else NONE


#: hex digits of the hash in the summary's row (64 bits: enough to tell a rewritten chain, and
#: short enough for the summary at 80 columns); the JSON document holds the whole hash
SHOWN = 16


def text(head: tuple[int, str]) -> str:
    return f"#{head[0]} {head[1][:SHOWN]}"


def doc(head: tuple[int, str]) -> dict[str, Any]:
    """The head as the JSON document holds it (nothing for a report made without one)."""
    return {KEY: {"last_id": head[0], "hash": head[1]}} if head != NONE else {}


def with_row(document: dict[str, Any], sections: list[Section]) -> list[Section]:
    """The sections with the head as the last row of the first (summary) section."""
    head = document.get(KEY)
    if head is None:
        return sections
    summary = sections[0]
    row = (KEY, t("tamper.eod_chain_head"), text((head["last_id"], head["hash"])))
    return [dataclasses.replace(summary, rows=(*summary.rows, row)), *sections[1:]]
