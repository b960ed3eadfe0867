"""Report sections (wealthtui.reports.export.Section) shown as titled DataTables, one under the
other in a scrolling column. Used by the head's flow log, KPI and end-of-day tabs.

A panel may name, per section, a fill column (it gives up cells, cut with …, when the table is
wider than its room) and the columns left out when the table does not fit its room (issue 19:
the KPI table at 80 columns ran past the screen's edge): at 120 columns every column shows, at
80 the secondary ones (where a figure comes from, who entered it) go, and the highlighted row's
left-out values show on the line under the table, so nothing is lost."""

from __future__ import annotations

from collections.abc import Mapping

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widgets import DataTable, Static

from wealthtui.i18n import t
from wealthtui.reports.export import Section
from wealthtui.reports.render import display
from wealthtui.ui.text import Paragraph, PlainTable, columns_to_drop

NUMERIC = ("int", "fen", "seconds", "number")


def numeric(kind: str) -> bool:
    """A column of this kind shows right-aligned figures (a "mixed" column: a summary's values)."""
    return kind in NUMERIC or kind == "mixed"


class SectionTables(VerticalScroll):
    """`show(sections)` replaces what is shown. Summary sections leave out their key column."""

    DEFAULT_CSS = """
    SectionTables {
        height: 1fr;
    }
    SectionTables > .section-title {
        text-style: bold;
        color: $accent;
        margin-top: 1;
        padding: 0 1;
    }
    SectionTables > .section-title.-first {
        margin-top: 0;
    }
    /* one scroll container per panel (issue 19): a table is as tall as its rows and never
       scrolls up and down itself; the column scrolls and follows the table's cursor */
    SectionTables > DataTable {
        height: auto;
        max-height: initial;
        overflow-y: hidden;
        /* columns are left out until the rest fit (issue 19): a table wider than the column
           for a moment, before its cells were measured, kept a scrollbar's line (flaky) */
        overflow-x: hidden;
    }
    SectionTables > .section-empty {
        color: $text-muted;
        padding: 0 1;
    }
    SectionTables > .section-more {
        color: $text-muted;
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None,  # noqa: A002
                 fill: Mapping[str, str] | None = None,
                 narrow: Mapping[str, tuple[str, ...]] | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.sections: list[Section] = []
        #: section key -> the column that gives up cells when the table is wider than its room
        self.fill = dict(fill or {})
        #: section key -> the columns left out, in this order, while the table does not fit
        self.narrow = dict(narrow or {})
        #: section key -> the columns left out as the tables are built now
        self.dropped: dict[str, tuple[str, ...]] = {}

    def _drops(self, section: Section) -> tuple[str, ...]:
        """The columns of `section` to leave out at the width the tables have now."""
        order = self.narrow.get(section.key, ())
        room = self.size.width - 2  # the vertical scrollbar's cells
        if not order or room <= 0 or not section.rows:
            return ()
        widths = {}
        for j, column in enumerate(section.columns):
            if column.key == "key":
                continue
            cells = (cell_len(display(row[j], column.kind)) for row in section.rows)
            widths[column.key] = max(cell_len(column.title), *cells) + 2
        if section.key in self.fill:  # the fill column keeps 20 cells, cut with … past them
            key = self.fill[section.key]
            widths[key] = min(widths.get(key, 0), 20)
        return columns_to_drop(widths, order, room)

    def on_resize(self, event: events.Resize) -> None:
        if self.sections and any(self._drops(x) != self.dropped.get(x.key, ())
                                 for x in self.sections):
            self.run_worker(self._rebuild(self.sections), exclusive=True, group="section-tables")

    def compose(self) -> ComposeResult:
        yield from ()

    def show(self, sections: list[Section]) -> None:
        """Show `sections`: rows are replaced in place when the tables are the same (the cursor
        and the scroll position stay), the tables are rebuilt otherwise."""
        same = [(x.key, x.columns, bool(x.rows)) for x in sections] == [
            (x.key, x.columns, bool(x.rows)) for x in self.sections] and all(
            self._drops(x) == self.dropped.get(x.key, ()) for x in sections)
        self.sections = sections
        if same and self.children:
            for section in sections:
                table = self.table(section.key)
                if table is not None:
                    keep = table.cursor_row
                    table.clear()
                    self._fill(table, section)
                    if 0 <= keep < table.row_count:
                        table.move_cursor(row=keep)
                    self._show_more(section.key)
            return
        self.run_worker(self._rebuild(sections), exclusive=True, group="section-tables")

    async def _rebuild(self, sections: list[Section]) -> None:
        await self.remove_children()
        self.dropped = {x.key: self._drops(x) for x in sections}
        widgets: list[Static | DataTable[Text | str]] = []
        for i, section in enumerate(sections):
            widgets.append(Static(section.title,
                                  classes="section-title" + (" -first" if not i else "")))
            if not section.rows:
                widgets.append(Static(t("report.empty"), classes="section-empty"))
                continue
            table: DataTable[Text | str] = PlainTable(cursor_type="row", zebra_stripes=True,
                                                     id=f"section-{section.key}",
                                                     fill=self.fill.get(section.key))
            for j in self._shown(section):
                column = section.columns[j]
                # a column's title sits over its figures: right-aligned over numbers (issue 19)
                title = Text(column.title, justify="right" if numeric(column.kind) else "left",
                             no_wrap=True, overflow="ellipsis", end="")
                table.add_column(title, key=column.key)
            self._fill(table, section)
            widgets.append(table)
            if self.dropped.get(section.key):
                widgets.append(Paragraph("", id=f"more-{section.key}", classes="section-more"))
        await self.mount_all(widgets)
        for section in sections:
            self._show_more(section.key)

    def _shown(self, section: Section) -> list[int]:
        dropped = self.dropped.get(section.key, ())
        return [j for j, c in enumerate(section.columns) if c.key != "key" and c.key not in dropped]

    def _show_more(self, key: str) -> None:
        """The highlighted row's left-out values, on the line under its table."""
        section = next((x for x in self.sections if x.key == key), None)
        table, found = self.table(key), self.query(f"#more-{key}")
        if section is None or table is None or not found or not section.rows:
            return
        row = section.rows[min(max(table.cursor_row, 0), len(section.rows) - 1)]
        parts = [t("table.column_value", column=c.title, value=display(row[j], c.kind) or "—")
                 for j, c in enumerate(section.columns) if c.key in self.dropped.get(key, ())]
        found.first(Paragraph).update("  ".join(parts))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = (event.data_table.id or "").removeprefix("section-")
        self._show_more(key)
        self.call_after_refresh(self._follow, event.data_table, event.cursor_row)

    def _follow(self, table: DataTable[Text | str], row: int) -> None:
        """Scroll the column so the table's highlighted row shows (the table does not scroll
        itself)."""
        if not self.is_mounted or not table.has_focus or not table.is_valid_row_index(row):
            return
        y = sum(r.height for r in table.ordered_rows[:row])
        y += table.header_height if table.show_header else 0
        top = table.virtual_region.y
        height = table.ordered_rows[row].height
        if row == 0:  # the first row: its title and the header show too
            y, height = -2, height + y + 2
        self.scroll_to_region(Region(0, top + y, 1, height), animate=False, immediate=True,
                              force=True)

    def _fill(self, table: DataTable[Text | str], section: Section) -> None:
        shown = self._shown(section)
        for row in section.rows:
            cells: list[Text | str] = []
            for j in shown:
                kind = section.columns[j].kind
                text = display(row[j], kind)
                cells.append(Text(text, justify="right") if numeric(kind) else text)
            table.add_row(*cells)

    def table(self, key: str) -> DataTable[Text | str] | None:
        found = self.query(f"#section-{key}")
        return found.first(DataTable) if found else None  # type: ignore[return-value]
