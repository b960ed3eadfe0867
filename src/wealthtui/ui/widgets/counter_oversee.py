"""The supervisor's and officer's view at the counter: the authorisation inbox, every teller of
the day (signed on, serving, on a break, signed off; balance and difference), and the hand-overs
that wait for a witness."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wealthtui.config import Settings
from wealthtui.i18n import t
from wealthtui.rules.money import format_fen
from wealthtui.services.authorization import AuthzView
from wealthtui.services.balancing import BalanceView
from wealthtui.services.counter import TellerState
from wealthtui.services.handover import HandoverView
from wealthtui.ui.labels import business_name
from wealthtui.ui.text import PlainTable, fit, minutes


def balance_text(b: BalanceView | None) -> Text:
    if b is None or b.status == "draft":
        return Text(t("counter.balance.none"), style="dim")
    if b.status == "signed_off":
        return Text(t("counter.balance.signed_off"), style="green")
    if b.blocked:
        return Text(t("counter.balance.blocked"), style="bold red")
    if b.has_difference:
        return Text(t("counter.balance.handled"), style="yellow")
    return Text(t("counter.balance.submitted"))


class OverseePanel(Vertical):
    DEFAULT_CSS = """
    OverseePanel {
        height: 1fr;
    }
    OverseePanel .ov-title {
        height: 1;
        background: $boost;
        padding: 0 1;
    }
    OverseePanel #ov-authz {
        height: 1fr;
        min-height: 3;
    }
    OverseePanel #ov-tellers {
        height: 1fr;
        min-height: 3;
    }
    OverseePanel #ov-witness {
        height: auto;
        max-height: 5;
    }
    OverseePanel #ov-outlet {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.requests: list[AuthzView] = []
        self.rows: list[tuple[TellerState, BalanceView | None]] = []
        self.handovers: list[HandoverView] = []

    def compose(self) -> ComposeResult:
        yield Static(t("counter.oversee.authz", count=0), id="ov-authz-title", classes="ov-title")
        yield PlainTable(id="ov-authz", cursor_type="row")
        yield Static(t("counter.oversee.tellers"), classes="ov-title")
        yield PlainTable(id="ov-tellers", cursor_type="row")
        yield Static(t("counter.oversee.witness", count=0), id="ov-witness-title",
                     classes="ov-title")
        yield PlainTable(id="ov-witness", cursor_type="row")
        yield Static("", id="ov-outlet")

    def on_mount(self) -> None:
        columns = {
            "#ov-authz": ("ticket", "maker", "business", "amount", "waited", "note"),
            "#ov-tellers": ("teller", "counter_no", "teller_state", "balance", "difference"),
            "#ov-witness": ("counter_no", "from", "to", "reason", "difference"),
        }
        for selector, cols in columns.items():
            table = self.query_one(selector, DataTable)
            for col in cols:
                table.add_column(t(f"counter.col.{col}"), key=col)

    def _cursor(self, selector: str, items: list) -> int | None:  # type: ignore[type-arg]
        table = self.query_one(selector, DataTable)
        if not items or table.cursor_row < 0:
            return None
        return min(table.cursor_row, len(items) - 1)

    @property
    def selected_request(self) -> AuthzView | None:
        i = self._cursor("#ov-authz", self.requests)
        return None if i is None else self.requests[i]

    @property
    def selected_teller(self) -> tuple[TellerState, BalanceView | None] | None:
        i = self._cursor("#ov-tellers", self.rows)
        return None if i is None else self.rows[i]

    @property
    def selected_handover(self) -> HandoverView | None:
        i = self._cursor("#ov-witness", self.handovers)
        return None if i is None else self.handovers[i]

    def show(self, settings: Settings, now: datetime, requests: list[AuthzView],
             tellers: list[TellerState], balances: list[BalanceView],
             handovers: list[HandoverView], outlet_line: str) -> None:
        self.requests, self.handovers = requests, handovers
        by_teller = {b.teller_id: b for b in balances}
        self.rows = [(s, by_teller.get(s.staff_id)) for s in tellers]
        self.query_one("#ov-authz-title", Static).update(
            t("counter.oversee.authz", count=len(requests)))
        self.query_one("#ov-witness-title", Static).update(
            t("counter.oversee.witness", count=len(handovers)))
        table = self.query_one("#ov-authz", PlainTable)
        table.clear()
        for r in requests:
            table.add_row(r.ticket_no or "-", fit(r.maker_name, 8),
                          fit(business_name(settings, r.business_type), 10),
                          Text(format_fen(r.amount_fen), justify="right"),
                          t("counter.queue.minutes",
                            minutes=minutes((now - r.requested_at).total_seconds())),
                          fit(r.note, 16), key=str(r.id))
        table.size_columns()
        table = self.query_one("#ov-tellers", PlainTable)
        table.clear()
        for state, balance in self.rows:
            diff = ""
            if balance is not None and balance.difference_fen is not None:
                diff = format_fen(balance.difference_fen)
            label = t(f"counter.teller_state.{state.state}")
            if state.ticket_no:
                label += f" {state.ticket_no}"
            table.add_row(fit(state.name, 8), state.counter_no, label, balance_text(balance),
                          Text(diff, justify="right",
                               style="red" if balance and balance.difference_fen else ""),
                          key=str(state.staff_id))
        table.size_columns()
        table = self.query_one("#ov-witness", PlainTable)
        table.clear()
        for h in handovers:
            table.add_row(h.counter_no, fit(h.from_name, 8), fit(h.to_name, 8),
                          t(f"counter.handover_reason.{h.reason}"),
                          Text(format_fen(h.difference_fen), justify="right"), key=str(h.id))
        table.size_columns()
        self.query_one("#ov-outlet", Static).update(outlet_line)
