"""The Core audit tables of store.audit_tables (the operator's commands read the chain through
them without loading the models) describe the same columns as model.audit, which the
migrations follow: a column added to one and not the other fails here."""

from __future__ import annotations

import pytest
from sqlalchemy import Table

from wealthtui.model import AuditEvent, AuditHead
from wealthtui.store.audit_tables import audit_event, audit_head


def _columns(table: Table) -> dict[str, tuple[str, bool, bool, object]]:
    return {c.name: (type(c.type).__name__, bool(c.nullable), bool(c.primary_key),
                     getattr(c.type, "length", None)) for c in table.columns}


@pytest.mark.parametrize(("core", "model"), [(audit_event, AuditEvent), (audit_head, AuditHead)])
def test_the_core_audit_tables_match_the_models(core: Table, model: type) -> None:
    mapped = model.__table__  # type: ignore[attr-defined]
    assert core.name == mapped.name
    ours, theirs = _columns(core), _columns(mapped)
    assert set(ours) == set(theirs)
    for name, (kind, nullable, primary, length) in theirs.items():
        assert (ours[name][1], ours[name][2]) == (nullable, primary), name
        if kind != "AutoString":   # sqlmodel's str column: a String of that length
            assert ours[name][0] == kind, name
        if length is not None:
            assert ours[name][3] == length, name
