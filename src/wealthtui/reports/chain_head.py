"""The audit chain's head in the end-of-day export (issue 15): the last event id and its hash,
so that a printed or filed summary anchors the audit trail outside the database too."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import Engine

from wealthtui.i18n import t
from wealthtui.reports.export import Section

KEY = "audit_chain_head"


def read(engine: Engine) -> tuple[int, str]:
    from wealthtui.store import anchors

    with engine.connect() as conn:
        last_id, last_hash, _keyed = anchors.head(conn)
    return last_id, last_hash


def text(head: tuple[int, str]) -> str:
    return f"#{head[0]} {head[1]}"


def add(doc: dict[str, Any], sections: list[Section], head: tuple[int, str]) -> None:
    """Put the head in the JSON document and as the last row of the summary section (the
    first section: table, CSV and XLSX)."""
    doc[KEY] = {"last_id": head[0], "hash": head[1]}
    summary = sections[0]
    sections[0] = dataclasses.replace(
        summary, rows=(*summary.rows, (KEY, t("tamper.eod_chain_head"), text(head))))
