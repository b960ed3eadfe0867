"""The client manager's lists: agenda (today or the week), portfolio, targets, CM changes.

Each is a `CMTable` (a row-cursor DataTable) that keeps the object behind each row: `current` is
the row under the cursor and `client_id` its client (None for a walk-in lead). Texts come from
the catalogs and are cut in terminal cells (CJK counts two), never by len().

A list of hundreds (a CM's book of 500, a week's agenda) is put in the table a page at a time
(issue 22): the first `PAGE` rows at each load, the next page when the cursor or the scroll
comes near the last row added, all of them at Ctrl+End / End. Adding and measuring every row
of a 500-client book at each reload cost more than the read itself; the rows are in the
service's order (the most urgent first), so what the CM looks at is there at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual.coordinate import Coordinate

from wealthtui.config import Settings
from wealthtui.i18n import has, t, tl
from wealthtui.rules.agenda import AgendaItem, Fold
from wealthtui.rules.money import format_fen
from wealthtui.services.assignments import ChangeClockView, Portfolio, PortfolioRow
from wealthtui.services.targets import TargetView
from wealthtui.ui.labels import tier_name
from wealthtui.ui.text import PlainTable, fit

R = TypeVar("R")

#: rows added to a table at a time (the first page at each load)
PAGE = 100
#: the next page is added when the cursor (or the scroll) is this close to the last row added
PAGE_MARGIN = 10


def label(prefix: str, code: str) -> str:
    """The catalog name of a code (`cm.channel` + `phone`); a value that is not one of the codes
    (data imported from elsewhere) is shown as it is."""
    if not code:
        return t("common.none")
    key = f"{prefix}.{code}"
    return t(key) if has(key) else code


def short_date(day: date | None, today: date) -> str:
    """MM-DD within this year, else the ISO date; "" for None."""
    if day is None:
        return ""
    return day.strftime("%m-%d") if day.year == today.year else day.isoformat()


def festival_name(settings: Settings, code: str) -> str:
    fest = next((f for f in settings.contact.festivals if f.code == code), None)
    return tl(fest.name, fest.name_en) if fest else code


def kind_name(kind: str) -> str:
    """The agenda kind's label (the appointment's is in the [appt] section)."""
    return t("appt.kind") if kind == "appointment" else t(f"cm.kind.{kind}")


def agenda_text(settings: Settings, item: AgendaItem, today: date) -> str:
    """What to do for an agenda item, in words."""
    p = dict(item.params)
    last = p.get("last") or ""
    if item.kind == "cm_change":
        return t("cm.agenda.cm_change", from_cm=p.get("from_cm", ""), due=p.get("due_on", ""))
    if item.kind == "follow_up":
        return t("cm.agenda.follow_up", action=p.get("action") or t("cm.agenda.no_action"))
    if item.kind == "no_contact":
        if not last:
            return t("cm.agenda.never", days=p.get("days", ""))
        return t("cm.agenda.no_contact", days=p.get("days", ""), last=last)
    if item.kind == "cadence":
        return t("cm.agenda.cadence", days=p.get("days", ""), last=last or t("common.none"))
    if item.kind == "maturity":
        return t("cm.agenda.maturity", product=p.get("product", ""), on=p.get("maturity", ""),
                 amount=format_fen(int(p.get("amount_fen") or 0)))
    if item.kind == "risk_expiring":
        return t("cm.agenda.risk_expiring", on=p.get("expires", ""), assessed=p.get("assessed", ""))
    if item.kind == "birthday":
        if p.get("lunar"):
            return t("cm.agenda.birthday_lunar", month=p.get("lunar_month"),
                     day=p.get("lunar_day"), on=p.get("on"), age=p.get("age"))
        return t("cm.agenda.birthday", on=p.get("on"), age=p.get("age"))
    if item.kind == "appointment":  # issue 18: the calendar's appointments, as reminders
        status = str(p.get("status", ""))
        text = t("appt.agenda", time=p.get("time", ""),
                 purpose=tl(str(p.get("purpose", "")), str(p.get("purpose_en", ""))))
        return text if status == "booked" else f"{text} · {t(f'appointments.status_{status}')}"
    if item.kind == "festival":
        return t("cm.agenda.festival", festival=festival_name(settings, str(p.get("festival"))),
                 on=p.get("on", ""))
    return item.kind


class CMTable(PlainTable, Generic[R]):
    """A DataTable whose rows carry objects."""

    DEFAULT_CSS = """
    CMTable {
        height: 1fr;
    }
    """

    COLUMNS: tuple[str, ...] = ()
    #: the column that takes the width the others leave (PlainTable's `fill`), if any
    FILL: str | None = None

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(cursor_type="row", zebra_stripes=True, id=id, fill=self.FILL)
        #: every item of the list; the table holds the first `row_count` of them (row i is
        #: items[i])
        self.items: list[R] = []
        self._cells: Callable[[R], Sequence[Any]] | None = None
        self._adding = False

    def on_mount(self) -> None:
        for column in self.COLUMNS:
            self.add_column(t(f"cm.col.{column}"), key=column)

    def fill(self, items: Sequence[R], row: Callable[[R], Sequence[Any]]) -> None:
        """Show `items` (the cells of each from `row`): the first page, and as far as the
        cursor was, so it stays on the same row."""
        keep = max(self.cursor_row, 0)
        self.clear()
        self.items = list(items)
        self._cells = row
        self.add_up_to(max(PAGE, keep + PAGE_MARGIN + 1))
        if self.items:
            self.move_cursor(row=min(keep, self.row_count - 1))

    @property
    def more(self) -> int:
        """How many items are not in the table yet."""
        return len(self.items) - self.row_count

    def add_up_to(self, count: int) -> None:
        """Add rows until the table holds `count` items (or all of them), in one batch."""
        cells = self._cells
        if cells is None or self._adding:
            return
        self._adding = True  # add_row sets the cursor again: no page from inside a page
        try:
            for index in range(self.row_count, min(count, len(self.items))):
                self.add_row(*cells(self.items[index]), key=str(index))
        finally:
            self._adding = False

    def _near_end(self, row: int) -> None:
        if self.more > 0 and not self._adding and row >= self.row_count - PAGE_MARGIN:
            self.add_up_to(self.row_count + PAGE)

    def watch_cursor_coordinate(self, old_coordinate: Coordinate,
                                new_coordinate: Coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        self._near_end(new_coordinate.row)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.more > 0 and new_value >= self.max_scroll_y - PAGE_MARGIN:
            self._near_end(self.row_count)

    def action_scroll_bottom(self) -> None:
        """Ctrl+End: the last row of all."""
        self.add_up_to(len(self.items))
        super().action_scroll_bottom()

    def action_scroll_end(self) -> None:
        """End: the end of the whole list."""
        self.add_up_to(len(self.items))
        super().action_scroll_end()

    @property
    def current(self) -> R | None:
        if not self.items or self.row_count == 0:
            return None
        index = self.cursor_row
        return self.items[index] if 0 <= index < len(self.items) else None

    @property
    def client_id(self) -> int | None:
        item = self.current
        return getattr(item, "client_id", None) if item is not None else None


class AgendaTable(CMTable[AgendaItem | Fold]):
    """Agenda items, and folded lines of overdue items of one kind (rules.agenda.Fold)."""

    COLUMNS = ("due", "kind", "client", "tier", "action")
    FILL = "action"

    def show(self, items: Sequence[AgendaItem | Fold], settings: Settings, today: date) -> None:
        warning = self.app.current_theme.warning or "yellow"

        def row(i: AgendaItem | Fold) -> Sequence[Any]:
            if isinstance(i, Fold):
                return (Text(t("cm2.agenda.fold_due"), style=f"bold {warning}"),
                        kind_name(i.kind), t("cm2.agenda.fold_count", count=i.count), "",
                        t("cm2.agenda.fold_hint"))
            due: Text | str = short_date(i.due, today)
            kind: Text | str = kind_name(i.kind)
            if i.done:
                kind = Text(t("cm.agenda.done_kind", kind=kind), style="dim")
            elif i.overdue(today):
                due = Text(t("cm.agenda.overdue", date=due), style=f"bold {warning}")
            return (due, kind, fit(i.client_name, 12), tier_name(settings, i.tier),
                    agenda_text(settings, i, today))

        self.fill(items, row)


class PortfolioTable(CMTable[PortfolioRow]):
    COLUMNS = ("client", "tier", "aum", "last_contact", "next_due")

    def show(self, portfolio: Portfolio, settings: Settings, today: date) -> None:
        warning = self.app.current_theme.warning or "yellow"

        def row(r: PortfolioRow) -> Sequence[Any]:
            due: Text | str = short_date(r.next_due, today)
            if r.overdue(today):
                due = Text(t("cm.agenda.overdue", date=due), style=f"bold {warning}")
            return (fit(r.name, 12), tier_name(settings, r.tier), format_fen(r.aum_fen),
                    short_date(r.last_contact, today) or t("cm.portfolio.never"), due)

        self.fill(portfolio.rows, row)


class TargetTable(CMTable[TargetView]):
    COLUMNS = ("list", "deadline", "client", "tier", "status", "outcome")

    def show(self, targets: Sequence[TargetView], settings: Settings, today: date) -> None:
        warning = self.app.current_theme.warning or "yellow"

        def row(x: TargetView) -> Sequence[Any]:
            deadline: Text | str = short_date(x.deadline, today)
            if x.overdue(today):
                deadline = Text(t("cm.agenda.overdue", date=deadline), style=f"bold {warning}")
            return (fit(x.list_name, 14), deadline, fit(x.name, 12),
                    tier_name(settings, x.tier) if x.tier else "",
                    t(f"cm.target_status.{x.status}"), fit(x.outcome.replace("\n", " "), 24))

        self.fill(targets, row)


class ChangeTable(CMTable[ChangeClockView]):
    COLUMNS = ("client", "change", "started", "first_contact_due", "state")

    def show(self, clocks: Sequence[ChangeClockView], settings: Settings, today: date) -> None:
        warning = self.app.current_theme.warning or "yellow"

        def row(c: ChangeClockView) -> Sequence[Any]:
            if c.first_contact_on is not None:
                state: Text | str = t("cm.change.met", date=short_date(c.first_contact_on, today))
            elif c.overdue(today):
                state = Text(t("cm.change.overdue", days=-c.days_left(today)),
                             style=f"bold {warning}")
            else:
                state = t("cm.change.days_left", days=c.days_left(today))
            return (fit(c.client_name, 12),
                    fit(t("cm.change.from_to", old=c.from_cm_name, new=c.to_cm_name), 18),
                    short_date(c.started_on, today), short_date(c.due_on, today), state)

        self.fill(clocks, row)
