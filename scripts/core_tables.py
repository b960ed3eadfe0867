"""Write src/wealthtui/store/tables.py: the models' tables as plain Core `Table`s.

    .venv/bin/python scripts/core_tables.py

The models (model/) describe the tables for the migrations and the services' ORM; the operator's
commands and the reports read through these Core tables, so they run without loading the models
(issue 22). Run this after changing a model; tests/store/test_core_tables.py fails until then.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import SQLModel

import wealthtui.model  # noqa: F401  (registers the tables)

OUT = Path(__file__).resolve().parents[1] / "src" / "wealthtui" / "store" / "tables.py"

HEAD = '''"""The center's tables as plain Core `Table`s, written by scripts/core_tables.py from the models
(model/) — do not edit by hand. Columns only (the migrations own keys, indexes and constraints):
the reports and the operator's commands (`wealthtui eod`, `db check`) read through these, so they
start without loading the ORM models (issue 22). tests/store/test_core_tables.py keeps them equal
to the models: names, order, types, lengths, nullability and primary keys."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Float, Integer, MetaData, String, Table

from wealthtui.store.utc_type import UTCDateTime

metadata = MetaData()
'''


def type_text(kind: object) -> str:
    name = type(kind).__name__
    if name == "AutoString":  # sqlmodel's str column: a String of that length
        name = "String"
    length = getattr(kind, "length", None)
    return f"{name}({length})" if length is not None else name


def column_text(column) -> str:  # type: ignore[no-untyped-def]
    extra = ", primary_key=True" if column.primary_key else ""
    if not column.primary_key:
        extra += f", nullable={bool(column.nullable)}"
    return f'    Column("{column.name}", {type_text(column.type)}{extra}),'


def render() -> str:
    parts = [HEAD]
    for table in SQLModel.metadata.sorted_tables:
        parts.append(f'\n{table.name} = Table(\n    "{table.name}", metadata,')
        parts += [column_text(c) for c in table.columns]
        parts.append(")\n")
    return "\n".join(parts)


if __name__ == "__main__":
    OUT.write_text(render(), "utf-8")
    print(f"wrote {OUT}")
