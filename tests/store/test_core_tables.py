"""The Core tables of store.tables (the reports and the operator's commands read through them
without loading the models) describe the same tables as the models, which the migrations follow:
a column added to a model and not to store.tables (scripts/core_tables.py writes it) fails here."""

from __future__ import annotations

from sqlalchemy import Table
from sqlmodel import SQLModel

import wealthtui.model  # noqa: F401  (registers the tables)
from wealthtui.store import tables


def _columns(table: Table) -> list[tuple[str, str, object, bool, bool]]:
    def kind(c) -> str:  # type: ignore[no-untyped-def]
        name = type(c.type).__name__
        return "String" if name == "AutoString" else name   # sqlmodel's str column

    return [(c.name, kind(c), getattr(c.type, "length", None), bool(c.nullable),
             bool(c.primary_key)) for c in table.columns]


def test_every_model_table_is_a_core_table_with_the_same_columns_in_the_same_order() -> None:
    models = SQLModel.metadata.sorted_tables
    assert [t.name for t in models] == list(tables.metadata.tables)
    for model in models:
        assert _columns(tables.metadata.tables[model.name]) == _columns(model), model.name


def test_the_core_tables_are_module_names() -> None:
    for name, table in tables.metadata.tables.items():
        assert getattr(tables, name) is table
