"""The head's staff and allocation tab: the staff list (roles, account state, today's roster
state, clients held) and the exceptions list (clients entitled to an exclusive CM without one,
CM changes past the first-contact deadline, CMs outside their portfolio range; manual ch.2 §5.1,
digest §3.5). The account state (active / locked / inactive) and the roster state (in / leave /
lunch / out, from services.roster) are two columns with their own labels."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wealthtui.i18n import t, tl
from wealthtui.services.assignments import Exceptions
from wealthtui.services.roster import RosterView
from wealthtui.services.staff import StaffView
from wealthtui.ui.dialogs.roster import duty_text, state_text
from wealthtui.ui.text import PlainTable


def staff_state(s: StaffView, now: datetime) -> str:
    if not s.active:
        return "inactive"
    if s.locked_until is not None and s.locked_until > now:
        return "locked"
    if s.pin_must_change:
        return "pin_reset"  # a one-time PIN not yet replaced
    return "active"


class StaffPanel(Vertical):
    DEFAULT_CSS = """
    StaffPanel {
        height: 1fr;
    }
    StaffPanel > #staff-table {
        height: 2fr;
    }
    StaffPanel > .panel-title {
        text-style: bold;
        color: $accent;
        padding: 0 1;
    }
    StaffPanel > #exceptions-table {
        height: 1fr;
        min-height: 4;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.staff: list[StaffView] = []

    def compose(self) -> ComposeResult:
        table: DataTable[Text | str] = PlainTable(id="staff-table", cursor_type="row",
                                                 zebra_stripes=True)
        for key in ("staff_no", "name", "roles", "state"):
            table.add_column(t(f"head.staff.col.{key}"), key=key)
        table.add_column(t("roster.col.today"), key="today")
        table.add_column(t("head.staff.col.clients"), key="clients")
        yield table
        yield Static(t("head.staff.exceptions"), classes="panel-title", id="exceptions-title")
        exceptions: DataTable[Text | str] = PlainTable(id="exceptions-table", cursor_type="row")
        for key in ("kind", "who", "detail"):
            exceptions.add_column(t(f"head.staff.col.{key}"), key=key)
        yield exceptions

    @property
    def selected(self) -> StaffView | None:
        table = self.query_one("#staff-table", DataTable)
        if not self.staff or table.cursor_row < 0 or table.cursor_row >= len(self.staff):
            return None
        return self.staff[table.cursor_row]

    def _tier(self, code: str) -> str:
        cfg = self.app.settings.tier(code)  # type: ignore[attr-defined]
        return tl(cfg.name, cfg.name_en) if cfg else code

    def show(self, staff: list[StaffView], books: dict[int, int], exceptions: Exceptions | None,
             now: datetime, roster: RosterView | None = None) -> None:
        table = self.query_one("#staff-table", DataTable)
        keep = self.selected
        self.staff = staff
        table.clear()
        theme = self.app.current_theme
        for s in staff:
            state = staff_state(s, now)
            style = {"locked": theme.warning or "yellow", "inactive": "dim"}.get(state, "")
            line = roster.line(s.id) if roster is not None else None
            today = state_text(line.status) + (f" {duty_text(line)}" if duty_text(line) else "") \
                if line is not None and s.active else ""
            table.add_row(s.staff_no, Text(s.name), "、".join(t(f"role.{r}") for r in s.roles),
                          Text(t("insiders.state.pin_reset" if state == "pin_reset"
                                 else f"head.staff.state.{state}"), style=style), today,
                          Text(str(books.get(s.id, 0)) if books.get(s.id) else "", justify="right"),
                          key=s.staff_no)
        if keep is not None and keep.staff_no in table.rows:
            table.move_cursor(row=table.get_row_index(keep.staff_no))
        rows = self.query_one("#exceptions-table", DataTable)
        rows.clear()
        if exceptions is None:
            return
        for c in exceptions.premium_without_cm:
            detail = self._tier(c.tier)
            if c.entitled_by == "card":
                detail = t("ownership.by_card", tier=detail)
            rows.add_row(t("head.staff.exc.no_cm"), Text(c.name), detail,
                         key=f"client-{c.client_id}")
        for ch in exceptions.overdue_changes:
            rows.add_row(t("head.staff.exc.change_overdue"), ch.client_name,
                         t("head.staff.exc.change_detail", old=ch.from_cm_name, new=ch.to_cm_name,
                           due=ch.due_on.isoformat()), key=f"change-{ch.assignment_id}")
        for load in exceptions.portfolio_out_of_range:
            rows.add_row(t(f"head.staff.exc.{load.state}"), f"{load.staff_no} {load.name}",
                         t("head.staff.exc.book", size=load.size), key=f"cm-{load.cm_id}")
        self.query_one("#exceptions-title", Static).update(
            t("head.staff.exceptions_count", count=exceptions.count))
