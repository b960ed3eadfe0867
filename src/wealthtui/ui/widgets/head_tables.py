"""Report sections (wealthtui.reports.export.Section) shown as titled DataTables, one under the
other in a scrolling column. Used by the head's flow log, KPI and end-of-day tabs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from wealthtui.i18n import t
from wealthtui.reports.export import Section
from wealthtui.reports.render import display
from wealthtui.ui.text import PlainTable

NUMERIC = ("int", "fen", "seconds", "number")


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
    SectionTables > DataTable {
        height: auto;
        max-height: 30;
    }
    SectionTables > .section-empty {
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.sections: list[Section] = []

    def compose(self) -> ComposeResult:
        yield from ()

    def show(self, sections: list[Section]) -> None:
        """Show `sections`: rows are replaced in place when the tables are the same (the cursor
        and the scroll position stay), the tables are rebuilt otherwise."""
        same = [(x.key, x.columns, bool(x.rows)) for x in sections] == [
            (x.key, x.columns, bool(x.rows)) for x in self.sections]
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
            return
        self.run_worker(self._rebuild(sections), exclusive=True, group="section-tables")

    async def _rebuild(self, sections: list[Section]) -> None:
        await self.remove_children()
        widgets: list[Static | DataTable[Text | str]] = []
        for i, section in enumerate(sections):
            widgets.append(Static(section.title,
                                  classes="section-title" + (" -first" if not i else "")))
            if not section.rows:
                widgets.append(Static(t("report.empty"), classes="section-empty"))
                continue
            table: DataTable[Text | str] = PlainTable(cursor_type="row", zebra_stripes=True,
                                                     id=f"section-{section.key}")
            for j in self._shown(section):
                table.add_column(section.columns[j].title, key=section.columns[j].key)
            self._fill(table, section)
            widgets.append(table)
        await self.mount_all(widgets)

    @staticmethod
    def _shown(section: Section) -> list[int]:
        return [j for j, c in enumerate(section.columns) if c.key != "key"]

    def _fill(self, table: DataTable[Text | str], section: Section) -> None:
        shown = self._shown(section)
        for row in section.rows:
            cells: list[Text | str] = []
            for j in shown:
                kind = section.columns[j].kind
                text = display(row[j], kind)
                numeric = kind in NUMERIC or kind == "mixed"
                cells.append(Text(text, justify="right") if numeric else text)
            table.add_row(*cells)

    def table(self, key: str) -> DataTable[Text | str] | None:
        found = self.query(f"#section-{key}")
        return found.first(DataTable) if found else None  # type: ignore[return-value]
