"""Complaint lists: the head's queue by due date, and each staff member's own complaints.

API for role screens:

    from wealthtui.ui.widgets.complaint_queue import ComplaintQueue

    yield ComplaintQueue(scope="all", id="complaints")   # head (lobby manager, supervisor too)
    yield ComplaintQueue(scope="mine", id="my-complaints")  # anyone: received or handling
    ...
    def on_data_changed(self) -> None:
        self.query_one(ComplaintQueue).reload()

- `scope="all"` reads `services.complaints.queue(actor)` (complaints still to decide by due date,
  overdue first, then the replied ones waiting to be closed); `scope="mine"` reads
  `services.complaints.mine(actor)`, through the one call path (ui/calls.py): in a thread, a
  dim "加载中…" line while it runs, never two loads at once (a reload asked meanwhile follows).
- A summary line counts open, overdue, warning and paused complaints; overdue rows are red,
  warnings yellow. Enter on a row posts `ComplaintQueue.Open(complaint_id)`: the screen opens
  the detail (a widget never imports a screen) and calls `reload()` when it is closed.
- With `scope="all"`, staff who may see statistics (complaint.stats) get a statistics line under
  the table for the last `STATS_DAYS` days: received, first-contact rate, closed, average days to
  close, replies in time, and the counts by category, channel and staff complained about.
- No F-keys of its own: the role screen keeps its bindings.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from wealthtui.i18n import t
from wealthtui.services.complaints import ComplaintStats, ComplaintView
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs import complaint_labels as lbl
from wealthtui.ui.labels import listing
from wealthtui.ui.text import Paragraph, PlainTable, columns_to_drop

COLUMNS = ("ref", "due", "clock", "category", "complainant", "handler", "channel")
#: left out, in this order, while the table does not fit its width (issue 19: at 80 columns the
#: channel was 2 cells wide); the complaint's detail (Enter) shows them
NARROW = ("channel", "handler")
#: the column that gives up cells (cut with …) when the table is still too wide
FILL = "complainant"
#: the statistics line covers this many days up to today
STATS_DAYS = 30


def stats_text(settings: Any, s: ComplaintStats) -> Text:
    """One paragraph of complaint statistics (wraps to the width it gets)."""
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}%"

    def counts(items: list[tuple[str, int]]) -> str:
        return listing(f"{name} {n}" for name, n in items) or "-"

    out = Text()
    out.append(t("complaint.stats.period", start=s.start.isoformat(), end=s.end.isoformat()),
               style="bold")
    out.append("  ")
    out.append(t("complaint.stats.summary", received=s.received, repeats=s.repeats,
                 first=pct(s.first_contact_pct), closed=s.closed,
                 days="-" if s.avg_close_days is None else f"{s.avg_close_days:.1f}",
                 timely=pct(s.timely_pct)))
    out.append("\n")
    out.append(t("complaint.stats.by_category",
                 items=counts([(lbl.category_name(settings, k), n) for k, n in s.by_category.items()])))
    out.append("  ")
    out.append(t("complaint.stats.by_channel",
                 items=counts([(lbl.channel_name(settings, k), n) for k, n in s.by_channel.items()])))
    out.append("  ")
    out.append(t("complaint.stats.by_staff",
                 items=counts([(name, n) for _, name, n in s.by_staff])))
    return out


class ComplaintQueue(Calls, Vertical):
    DEFAULT_CSS = """
    ComplaintQueue {
        height: 1fr;
    }
    ComplaintQueue > #cq-summary {
        height: 1;
        padding: 0 1;
    }
    ComplaintQueue.-focus > #cq-summary {
        background: $accent 30%;
        text-style: bold;
    }
    ComplaintQueue > DataTable {
        height: 1fr;
    }
    ComplaintQueue > #cq-empty {
        color: $text-muted;
        padding: 0 1;
    }
    ComplaintQueue > #cq-stats {
        height: auto;
        max-height: 6;
        padding: 0 1;
        border-top: solid $primary;
    }
    """

    class Open(Message):
        """Enter on a row: the screen opens the complaint's detail."""

        def __init__(self, complaint_id: int) -> None:
            super().__init__()
            self.complaint_id = complaint_id

    def __init__(self, scope: Literal["all", "mine"] = "all", *, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        if scope not in ("all", "mine"):
            raise ValueError(f"unknown scope {scope!r}; accepted: all, mine")
        self.scope = scope
        self.rows: list[ComplaintView] = []
        self.busy = False
        self.dirty = False
        #: the columns the table has now (all of COLUMNS, less those left out for width)
        self.shown: tuple[str, ...] = COLUMNS

    def compose(self) -> ComposeResult:
        yield Paragraph(Text(t("head.panel.loading"), style="dim"), id="cq-summary")
        table: DataTable[Any] = PlainTable(cursor_type="row", zebra_stripes=True, id="cq-table",
                                           fill=FILL)
        for col in COLUMNS:
            table.add_column(t(f"complaint.col.{col}"), key=col)
        yield table
        yield Static(t("complaint.queue.empty"), id="cq-empty")
        yield Paragraph(id="cq-stats")

    def on_mount(self) -> None:
        self.reload()

    # the focus in the list shows on its title line (issue 19: a visible focus, also while the
    # list is empty and hidden); a class, as Textual restyles the other children on a class
    # change, not on :focus-within
    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.add_class("-focus")

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        self.remove_class("-focus")

    def reload(self) -> None:
        """Load the list (and the statistics) again; coalesced while a load runs."""
        if self.busy:
            self.dirty = True
            return
        self.busy = True
        fn = self.services.complaints.queue if self.scope == "all" else \
            self.services.complaints.mine
        self.call(fn, then=self._cq_arrived, failed=self._cq_refused, key="complaints", quiet=True)
        stats = self.query_one("#cq-stats", Static)
        stats.display = self.scope == "all" and self.actor.can("complaint.stats")
        if stats.display:
            today = self.clock.now().astimezone(self.services.ctx.tz).date()
            self.call(self.services.complaints.stats, today - timedelta(days=STATS_DAYS - 1),
                      today, key="complaint-stats", quiet=True,
                      then=self._cq_stats, failed=lambda f: stats.update(Text(f.message, style="red")))

    def _cq_arrived(self, rows: list[ComplaintView]) -> None:
        self.rows = rows
        self._summarise()
        self._fill()
        self._cq_again()

    def _cq_refused(self, failure: Failed) -> None:
        self.rows = []
        self.query_one("#cq-summary", Static).update(Text(failure.message, style="red"))
        self._fill()
        self._cq_again()

    def _cq_again(self) -> None:
        self.busy = False
        if self.dirty:
            self.dirty = False
            self.reload()

    def _cq_stats(self, s: ComplaintStats) -> None:
        self.query_one("#cq-stats", Static).update(stats_text(self.settings, s))

    def _summarise(self) -> None:
        open_rows = [r for r in self.rows if r.standing != "stopped"]
        count = {k: sum(1 for r in open_rows if r.standing == k)
                 for k in ("overdue", "warning", "paused")}
        title = t("complaint.queue.title_all" if self.scope == "all" else "complaint.queue.title_mine")
        summary = Text.assemble(
            (title, "bold"), "  ",
            t("complaint.queue.open", n=len(open_rows)), "  ",
            (t("complaint.queue.overdue", n=count["overdue"]),
             lbl.STANDING_STYLE["overdue"] if count["overdue"] else ""), "  ",
            (t("complaint.queue.warning", n=count["warning"]),
             lbl.STANDING_STYLE["warning"] if count["warning"] else ""), "  ",
            t("complaint.queue.paused", n=count["paused"]),
        )
        self.query_one("#cq-summary", Static).update(summary)

    def _cells(self, v: ComplaintView) -> dict[str, Any]:
        settings = self.settings
        style = lbl.STANDING_STYLE.get(v.standing, "")
        due = "" if v.standing == "stopped" else v.due_date.strftime("%m-%d")
        return {
            "ref": Text(v.ref_no, style=style),
            "due": Text(due, style=style),
            "clock": lbl.standing_text(v),
            "category": lbl.category_name(settings, v.category),
            "complainant": lbl.complainant(v),
            "handler": v.handler.name if v.handler else "",
            "channel": lbl.channel_name(settings, v.channel),
        }

    def _columns_for(self, rows: list[dict[str, Any]], width: int) -> tuple[str, ...]:
        """The columns that fit `width` cells (the fill column counted at 20 cells at most)."""
        if width <= 0 or not rows:
            return self.shown
        widths = {}
        for col in COLUMNS:
            cells = (cell_len(r[col].plain if isinstance(r[col], Text) else str(r[col]))
                     for r in rows)
            widths[col] = max(cell_len(t(f"complaint.col.{col}")), *cells) + 2
        widths[FILL] = min(widths[FILL], 20)
        dropped = columns_to_drop(widths, NARROW, width - 2)  # less the vertical scrollbar
        return tuple(c for c in COLUMNS if c not in dropped)

    def on_resize(self) -> None:
        if self.rows and self._columns_for([self._cells(v) for v in self.rows],
                                           self.size.width) != self.shown:
            self._fill()

    def _fill(self) -> None:
        table = self.query_one("#cq-table", DataTable)
        keep = table.cursor_row
        rows = [self._cells(v) for v in self.rows]
        shown = self._columns_for(rows, self.size.width)
        if shown != self.shown:
            table.clear(columns=True)
            for col in shown:
                table.add_column(t(f"complaint.col.{col}"), key=col)
            self.shown = shown
        table.clear()
        for v, cells in zip(self.rows, rows, strict=True):
            table.add_row(*(cells[col] for col in shown), key=str(v.id))
        self.query_one("#cq-empty").display = not self.rows
        table.display = bool(self.rows)
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))

    @property
    def selected(self) -> ComplaintView | None:
        table = self.query_one("#cq-table", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def open_selected(self) -> None:
        """Ask the screen to open the detail of the highlighted complaint."""
        v = self.selected
        if v is not None:
            self.post_message(self.Open(v.id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_selected()
