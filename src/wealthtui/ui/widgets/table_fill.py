"""Filling a table or a text widget only when what it would show differs from what it shows: a
reload after another terminal's write that changed nothing here costs the event loop a
comparison, not a cleared and refilled widget laid out again while a key waits (issue 22).
Shared by the lobby's board, the hand-off inbox and the other panels reloaded at change
markers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import DataTable, Static


def fill(table: DataTable[Any], columns: Sequence[tuple[str, str]],
         rows: Sequence[tuple[str, Sequence[str | Text]]]) -> bool:
    """`table` cleared and filled with `rows` ((key, cells)) under `columns` ((key, label)),
    each column as wide as its widest cell or label, measured here in cells: the widths
    follow the rows shown now, never an earlier load's, and do not wait for the table's idle
    re-measuring (a screen shows the same table however its loads came).

    Rows and columns equal to those the table shows already leave it alone (returns False): a
    reload after another terminal's write that changed nothing here costs the event loop a
    comparison, not a cleared and refilled table laid out again while a key waits."""
    shown = (tuple(columns), tuple((key, tuple(cells)) for key, cells in rows))
    if table.__dict__.get("_filled_with") == shown:
        return False
    table.__dict__["_filled_with"] = shown
    widths = [cell_len(label) for _key, label in columns]
    for _key, cells in rows:
        for i, cell in enumerate(cells):
            widths[i] = max(widths[i], cell.cell_len if isinstance(cell, Text)
                            else cell_len(cell))
    table.clear(columns=True)
    for (key, label), width in zip(columns, widths, strict=True):
        table.add_column(label, key=key, width=width)
    for key, cells in rows:
        table.add_row(*cells, key=key)
    return True


def update_static(widget: Static, content: str | Text | Table | Group) -> bool:
    """`widget.update(content)` unless it shows that already (returns whether it updated): an
    update lays the widget out again, at every reload, for nothing."""
    if widget.content == content:
        return False
    widget.update(content)
    return True
