"""Text from people is data: the one way stored text reaches the screen.

Notes, names, reasons, outcomes, complaint texts and explanations are never parsed as Textual or
Rich markup, so `[/]` cannot crash a screen, `[@click=…]` cannot run an action and `[link=…]`
cannot put a link on it. Textual parses a plain `str` as markup in most places — a `Static` or
`Label` (unless `markup=False`), a DataTable cell, a notification, an `Option` prompt, a
`Select`/`SelectionList` prompt, a tab or button label — so stored text goes in wrapped:

- `plain(s)`: a `Content` that is exactly `s` (for `Static(...)`, `.update(...)`, options, labels);
- `plain_text(s, style=…)`: the same as a Rich `Text` (for Rich tables and renderables);
- `PlainTable`: a DataTable whose `str` cells and labels are shown as they are, never as markup
  (use it instead of `DataTable`); `PlainRichTable` the same for a Rich `Table` in a `Static`;
- `escape(s)`: for the rare catalog string that carries markup and must interpolate stored text;
- `Paragraph` (a Static) and `flow(s)` (a Visual for any Static): flowing text broken into lines
  by the one line-breaking rule (`rules/linebreak.py`: between CJK characters as well as at
  spaces, closing punctuation never starting a line), measured in cells — Textual's own wrapping
  breaks Chinese only at spaces and puts a lone 、 or ， at a line's start.

The app's `notify` never parses markup (see `WealthApp.notify`); catalog strings hold none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.markup import escape as _escape_markup
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from wealthtui.rules.linebreak import break_offsets, narrowest


def plain(text: object, style: str = "") -> Content:
    """`text` as Content that shows exactly these characters (no markup, no actions, no links).
    Content and Rich Text (already built without markup) are kept as they are."""
    if isinstance(text, Content):
        return text
    if isinstance(text, Text):
        return Content.from_rich_text(text)
    return Content.styled(str(text), style) if style else Content(str(text))


def plain_options(options: Iterable[tuple[Any, Any]]) -> list[tuple[Text, Any]]:
    """(prompt, value) pairs for a `Select` with every prompt plain (a staff member's name), as
    Rich Text: the Select's type-to-search reads Text and str prompts only."""
    return [(plain_text(prompt), value) for prompt, value in options]


def plain_text(text: object, style: str = "", **kw: Any) -> Text:
    """`text` as a Rich Text that shows exactly these characters (`kw` goes to Text)."""
    if isinstance(text, Text):
        return text
    return Text(str(text), style=style, **kw)


def escape(text: object) -> str:
    """`text` escaped for interpolation into a markup string (Textual and Rich markup alike)."""
    return _escape_markup(str(text))


def _cell(value: object) -> object:
    """A DataTable cell: a `str` becomes Text as it is; renderables and None are kept."""
    if isinstance(value, str):
        return Text(value, no_wrap=True, overflow="ellipsis", end="")
    return value


def _width(cell: Any) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))


class PlainTable(DataTable[Any]):
    """A DataTable that never parses markup: `str` cells, column and row labels are plain text.

    (DataTable's own cell formatter reads every `str` as Rich markup.)"""

    def __init__(self, *args: Any, fill: str | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        #: the key of the column that gives up cells when the table is wider than its room, its
        #: text then cut with … (issue 19: a table at 80 columns never runs past the screen's
        #: edge, cut mid-word)
        self.fill_column = fill

    def add_column(self, label: Any, *args: Any, **kw: Any) -> Any:
        return super().add_column(_cell(label), *args, **kw)

    def add_row(self, *cells: Any, label: Any = None, **kw: Any) -> Any:
        return super().add_row(*(_cell(c) for c in cells), label=_cell(label), **kw)

    def add_rows(self, rows: Iterable[Iterable[Any]]) -> list[Any]:
        return [self.add_row(*row) for row in rows]

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kw: Any) -> None:
        super().update_cell(row_key, column_key, _cell(value), **kw)

    def update_cell_at(self, coordinate: Any, value: Any, **kw: Any) -> None:
        super().update_cell_at(coordinate, _cell(value), **kw)

    def render_lines(self, crop: Any) -> Any:
        self._measure_now()
        self._fit_fill_column()
        return super().render_lines(crop)

    def _fit_fill_column(self) -> None:
        """The fill column as wide as its cells, or as the room the other columns leave when that
        is less (at least its label), so the table never scrolls sideways; its cells are then
        cut to that width with …."""
        key = self.fill_column
        column = self.columns.get(ColumnKey(key)) if key is not None else None
        if column is None or not self.size.width:
            return
        others = sum(c.get_render_width(self) for c in self.ordered_columns if c is not column)
        room = self.size.width - others - self._row_label_column_width - (
            self.scrollbar_size_vertical if self.show_vertical_scrollbar else 0)
        natural = max(_width(column.label), column.content_width)
        width = max(_width(column.label), min(natural, room - 2 * self.cell_padding))
        if column.width == width and not column.auto_width:
            return
        column.width, column.auto_width = width, False
        self._clear_caches()
        self.virtual_size = self.virtual_size.with_width(
            others + self._row_label_column_width + column.get_render_width(self))

    def _measure_now(self) -> None:
        """Measure new and changed cells before drawing them: DataTable does it only when it next
        idles, and a frame drawn before that (a busy machine, a screenshot) shows every cell of
        an auto-sized column cut to its label's width. The same steps as DataTable._on_idle."""
        if not (self._updated_cells or self._require_update_dimensions):
            return
        if self._updated_cells:
            cells = self._updated_cells.copy()
            self._updated_cells.clear()
            self._update_column_widths(cells)
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(rows)
        self._clear_caches()

    def size_columns(self) -> None:
        """Every column as wide as its label or its widest cell, now: DataTable measures its
        auto-sized columns only when it next idles, and a screen drawn before that (a busy
        machine, a screenshot) shows every cell cut to its column label's width."""
        for index, column in enumerate(self.ordered_columns):
            widest = max((_width(cell) for cell in self.get_column_at(index)), default=0)
            column.width, column.auto_width = max(_width(column.label), widest), False
        self.refresh()


class PlainRichTable(Table):
    """A Rich Table (and `PlainRichTable.grid()`) whose `str` cells are plain text: Rich reads a
    `str` cell as markup. Titles and column headers are ours (catalog strings)."""

    def add_row(self, *renderables: Any, **kw: Any) -> None:
        super().add_row(*(Text(r) if isinstance(r, str) else r for r in renderables), **kw)


class Flow(Visual):
    """Plain text (or Content) drawn in lines broken by `rules.linebreak.break_offsets` at the
    width it is given: a Visual, so a Static measures its height with the same lines it draws."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._cache: tuple[int, Content] | None = None

    def __str__(self) -> str:  # what it says, as a Content's str (tests read `render()`)
        return self.content.plain

    def lines(self, width: int) -> Content:
        """The content with its lines broken to `width` cells (each line's trailing spaces
        dropped); a line that fits is kept as it is."""
        if self._cache is not None and self._cache[0] == width:
            return self._cache[1]
        out: list[Content] = []
        for line in self.content.split("\n", allow_blank=True):
            if line.cell_length <= width:
                out.append(line)
                continue
            out.extend(part.rstrip() for part in line.divide(break_offsets(line.plain, width)))
        broken = Content("\n").join(out)
        self._cache = (width, broken)
        return broken

    def render_strips(self, width: int, height: int | None, style: Style,
                      options: RenderOptions) -> list[Strip]:
        return self.lines(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return narrowest(self.content.plain)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.lines(width).get_height(rules, width) if width > 0 else 0


def flow(text: object, style: str = "") -> Flow:
    """`text` as plain text (never markup) that breaks its lines by the one rule (see Flow)."""
    if isinstance(text, Flow):
        return text
    return Flow(plain(text, style))


def _flowing(content: Any) -> Any:
    """Text (a `str`, Rich Text or Content) as a Flow; any other renderable as it is."""
    return flow(content) if isinstance(content, str | Text | Content) else content


class Paragraph(Static):
    """A Static for a paragraph of flowing text: broken into lines by the one rule (see Flow),
    at its content width, again on every resize. Its text is plain text, never markup (another
    renderable, a Rich table, is drawn as it is)."""

    def __init__(self, text: object = "", *args: Any, **kw: Any) -> None:
        super().__init__(_flowing(text), *args, **kw)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        super().update(_flowing(content), layout=layout)


__all__ = ["Flow", "Paragraph", "PlainRichTable", "PlainTable", "escape", "flow", "plain",
           "plain_options", "plain_text"]


def fit(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells (a CJK character counts two), ending in …
    when cut; never half a character."""
    if cell_len(text) <= cells:
        return text
    out = Text(text)
    out.truncate(cells, overflow="ellipsis")
    return out.plain


def minutes(seconds: float) -> int:
    """Whole minutes of a duration in seconds (never negative: clocks of two terminals differ)."""
    return max(0, int(seconds // 60))


def columns_to_drop(widths: dict[str, int], order: Iterable[str], room: int) -> tuple[str, ...]:
    """The columns (keys of `widths`, each its cells with padding) to leave out, in `order`,
    until the rest fit `room` cells (issue 19: a table at 80 columns never scrolls sideways)."""
    dropped: list[str] = []
    for key in order:
        if sum(w for k, w in widths.items() if k not in dropped) <= room:
            break
        dropped.append(key)
    return tuple(dropped)
