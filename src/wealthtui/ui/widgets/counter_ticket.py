"""What the teller sees of the ticket at their counter: the ticket and its times, the client card
(the lobby's ClientCardView: numbers masked, tier, exclusive CM, flags), the business recorded for
it, and what still stops it being finished (or the suggestion to refer the client to a CM)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wealthtui.config import Settings
from wealthtui.i18n import t, tl
from wealthtui.rules.money import format_fen
from wealthtui.services.counter import RecordView, ServingView
from wealthtui.services.lookup import ClientCard
from wealthtui.ui.labels import business_name
from wealthtui.ui.text import Paragraph, PlainTable, fit, minutes
from wealthtui.ui.widgets.client_card import ClientCardView


def record_state(r: RecordView) -> str:
    if r.outcome == "pending_auth":
        key = "requested" if r.authorization_status == "pending" else "needs_auth"
        return t(f"counter.record.{key}")
    return t(f"counter.outcome.{r.outcome}")


class TicketPanel(Vertical):
    """Shows a ServingView; `selected_record` is the record under the table's cursor."""

    DEFAULT_CSS = """
    TicketPanel {
        height: 1fr;
    }
    TicketPanel #tp-ticket {
        height: 1;
        text-style: bold;
        background: $boost;
    }
    TicketPanel #tp-client {
        max-height: 5;
    }
    TicketPanel #tp-records {
        height: 1fr;
        min-height: 3;
    }
    TicketPanel #tp-hint {
        height: auto;
        color: $warning;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.serving: ServingView | None = None
        self._records: list[RecordView] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="tp-ticket")
        yield ClientCardView(id="tp-client")
        table: DataTable[str | Text] = PlainTable(id="tp-records", cursor_type="row",
                                                 zebra_stripes=True)
        yield table

        yield Paragraph("", id="tp-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in ("business", "amount", "cash", "state"):
            table.add_column(t(f"counter.col.{col}"), key=col)

    @property
    def selected_record(self) -> RecordView | None:
        table = self.query_one(DataTable)
        if not self._records or table.cursor_row < 0:
            return None
        return self._records[min(table.cursor_row, len(self._records) - 1)]

    def show(self, serving: ServingView | None, card: ClientCard | None, settings: Settings,
             now: datetime, idle_text: str = "", risk: str = "") -> None:
        self.serving = serving
        ticket_line = self.query_one("#tp-ticket", Static)
        client = self.query_one("#tp-client", ClientCardView)
        hint = self.query_one("#tp-hint", Static)
        table = self.query_one(DataTable)
        table.clear()
        self._records = []
        table.display = serving is not None
        if serving is None:
            ticket_line.update(idle_text or t("counter.ticket.none"))
            client.display = False
            hint.update("")
            return
        tk = serving.ticket
        cat = settings.category(tk.category)
        cat_name = tl(cat.name, cat.name_en) if cat else tk.category
        waited = (tk.called_at or now) - tk.queued_at
        line = t("counter.ticket.line", ticket=tk.display_no, category=cat_name,
                 status=t(f"queue.status.{tk.status}"), wait=minutes(waited.total_seconds()))
        if tk.started_at is not None:
            line += "  " + t("counter.ticket.served",
                             minutes=minutes((now - tk.started_at).total_seconds()))
        if tk.recalls:
            line += "  " + t("counter.ticket.recalls", count=tk.recalls)
        ticket_line.update(line)
        client.display = True
        client.show(card, settings, walk_in=tk.client_id is None)
        self._records = list(serving.records)
        for r in self._records:
            cash = t(f"counter.cash.{r.cash}")
            state = record_state(r)
            style = "yellow" if r.outcome == "pending_auth" else (
                "dim" if r.outcome in ("cancelled", "rejected") else "")
            table.add_row(
                Text(fit(business_name(settings, r.business_type), 16), style=style),
                Text(format_fen(r.amount_fen) if r.amount_fen else "-", justify="right"),
                cash, Text(state, style=style), key=str(r.id),
            )
        notes = [risk] if risk else []  # the client's risk level and its expiry (issue 17)
        notes += [t(key) for key in serving.blockers]
        if serving.referral_suggested:
            notes.append(t("counter.hint.refer",
                           amount=format_fen(settings.counter.premium_signal_amount_fen)))
        hint.update("\n".join(notes))
