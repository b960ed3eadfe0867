"""The hand-off inbox panel: hand-offs addressed to me (or a role I hold), and the ones I sent.

Rows: kind, client, from (to, in the sent view), age, due, status; a hand-off past its due time
shows "late" in the warning colour. Keys while the panel has focus: F2 accept, F3 decline with a
reason, F4 done with an outcome, F5 switch between received and sent. It reads
`services.handoffs.inbox(actor)` / `sent(actor)` and reloads on `reload()` (the app calls it when
the store changed).

Issue 16: an accepted hand-off reads "in progress" and is late only when the configuration gives
a completion time; Enter on a hand-off about a complaint (its handler's, the head's escalation)
opens the complaint with the actions the service allows; and every `handoffs.expire_check_minutes`
(and once FIRST_EXPIRY_CHECK seconds after the panel opens) the panel asks whether any hand-off
has expired (a read) and, if so, has them returned to their senders
(`services.handoffs.expire_overdue`), in a worker thread, never on the UI thread.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.services.errors import ServiceError
from wealthtui.services.handoffs import OPEN, HandoffView
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.errors import describe
from wealthtui.ui.text import PlainTable

COLUMNS = ("kind", "client", "party", "age", "due", "status", "note")
#: seconds after the panel opens before the first look for expired hand-offs
FIRST_EXPIRY_CHECK = 20.0


def age_text(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return t("inbox.age.minutes", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return t("inbox.age.hours", hours=hours, minutes=minutes)
    return t("inbox.age.days", days=hours // 24)


class InboxPanel(Vertical):
    """Put one in a screen; it finds `app.services`, `app.actor` and `app.clock` itself."""

    DEFAULT_CSS = """
    InboxPanel {
        height: 12;
        border-top: solid $primary;
        border-title-align: left;
    }
    InboxPanel:focus-within {
        border-top: solid $accent;
    }
    InboxPanel > DataTable {
        height: 1fr;
    }
    InboxPanel > .inbox-empty {
        color: $text-muted;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("f2", "accept", "inbox.bind.accept", id="inbox.accept"),
        Binding("f3", "decline", "inbox.bind.decline", id="inbox.decline"),
        Binding("f4", "done", "inbox.bind.done", id="inbox.done"),
        Binding("f5", "switch_view", "inbox.bind.switch", id="inbox.switch"),
    ]

    #: "received" or "sent"
    view: reactive[str] = reactive("received", init=False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.received: list[HandoffView] = []
        self.sent: list[HandoffView] = []

    def compose(self) -> ComposeResult:
        table: DataTable[Text | str] = PlainTable(cursor_type="row", zebra_stripes=True)
        for column in COLUMNS:
            table.add_column(t(f"inbox.col.{column}"), key=column)
        yield table
        yield Static(t("inbox.empty"), classes="inbox-empty")

    def on_mount(self) -> None:
        self.reload()
        minutes = self.app.services.settings.handoffs.expire_check_minutes  # type: ignore[attr-defined]
        self.set_interval(minutes * 60, self.expire_now, name="handoff-expiry")
        # a first look soon after sign-in (not at once: the screen's own loading goes first)
        self.set_timer(FIRST_EXPIRY_CHECK, self.expire_now, name="handoff-expiry-first")

    # --- expiry ------------------------------------------------------------------------------
    def expire_now(self) -> None:
        """Return expired hand-offs to their senders, in a thread; reload when some were."""
        app = self.app
        actor = getattr(app, "actor", None)
        if actor is None:
            return
        services = app.services  # type: ignore[attr-defined]

        def work() -> None:
            try:
                count = (services.handoffs.expire_overdue(actor)
                         if services.handoffs.expiry_due(actor) else 0)
            except (ServiceError, FieldError):
                return  # the next tick tries again; nothing was half-written
            if count:
                app.call_from_thread(self._expired)

        self.run_worker(work, thread=True, exclusive=True, group="handoff-expiry",
                        exit_on_error=False)

    def _expired(self) -> None:
        if not self.is_mounted:
            return
        self.reload()
        poll = getattr(self.app, "poll_changes", None)
        if poll is not None:
            poll()

    # --- data ------------------------------------------------------------------------------
    @property
    def table(self) -> DataTable[Text | str]:
        return self.query_one(DataTable)

    @property
    def rows(self) -> list[HandoffView]:
        return self.sent if self.view == "sent" else self.received

    def _now(self) -> datetime:
        return self.app.clock.now()  # type: ignore[attr-defined,no-any-return]

    def reload(self) -> None:
        app = self.app
        actor = getattr(app, "actor", None)
        if actor is None:
            return
        try:
            received = app.services.handoffs.inbox(actor)  # type: ignore[attr-defined]
            sent = app.services.handoffs.sent(actor)  # type: ignore[attr-defined]
        except (ServiceError, FieldError) as exc:
            self.notify(describe(exc), severity="error")
            return
        keep = self.selected
        self.received, self.sent = received, sent
        self._fill(keep)

    def _fill(self, keep: HandoffView | None = None) -> None:
        table = self.table
        table.clear()
        now = self._now()
        warning = self.app.current_theme.warning or "yellow"
        for h in self.rows:
            late = h.overdue(now)
            party = (h.to_name or (t(f"role.{h.to_role}") if h.to_role else "")
                     if self.view == "sent" else h.from_name)
            client = h.client_name or t("common.none")
            if h.ticket_no:
                client = f"{client} {h.ticket_no}"
            due: Text | str = ""
            if h.due_at is not None and h.status in OPEN:
                due = (t("inbox.late_by", time=age_text(now - h.due_at)) if late
                       else t("inbox.due_in", time=age_text(h.due_at - now)))
            status = Text(t(f"handoff.status.{h.status}") if h.status != "accepted"
                          else t("handoff.lifecycle.in_progress"))
            if late:
                status = Text(t("inbox.late"), style=f"bold {warning}")
                due = Text(str(due), style=warning)
            table.add_row(
                t(f"handoff.kind.{h.kind}"), client, party, age_text(now - h.created_at),
                due, status, h.note.replace("\n", " "), key=str(h.id),
            )
        if keep is not None and str(keep.id) in table.rows:
            table.move_cursor(row=table.get_row_index(str(keep.id)))
        open_count = sum(1 for h in self.received if h.status in OPEN)
        late_count = sum(1 for h in self.received if h.overdue(now))
        title = t("inbox.title_received" if self.view == "received" else "inbox.title_sent",
                  open=open_count, late=late_count, sent=len(self.sent))
        self.border_title = title
        self.query_one(".inbox-empty").display = not self.rows
        self.refresh_bindings()

    def watch_view(self) -> None:
        self._fill()

    @property
    def selected(self) -> HandoffView | None:
        rows = self.rows
        try:
            table = self.table
        except Exception:  # noqa: BLE001 - not composed yet
            return None
        if not rows or table.row_count == 0:
            return None
        index = table.cursor_row
        return rows[index] if 0 <= index < len(rows) else None

    def on_data_table_row_highlighted(self) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a hand-off about a complaint opens the complaint (the handler works it from
        here); other rows go on to the screen as before."""
        h = self.selected
        if h is None or h.subject_type != "complaint" or h.subject_id is None:
            return
        event.stop()
        from wealthtui.ui.screens.complaint_detail import ComplaintDetailScreen  # noqa: PLC0415

        def closed(changed: bool | None) -> None:
            self.reload()
            if changed:
                poll = getattr(self.app, "poll_changes", None)
                if poll is not None:
                    poll()
        self.app.push_screen(ComplaintDetailScreen(h.subject_id), closed)

    # --- actions ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept", "decline", "done"):
            h = self.selected
            if self.view != "received" or h is None:
                return None
            if action == "accept":
                return True if h.status == "open" else None
            return True if h.status in OPEN else None
        return True

    def _after_change(self, key: str) -> None:
        self.notify(t(key))
        self.reload()
        poll = getattr(self.app, "poll_changes", None)
        if poll is not None:
            poll()

    def action_accept(self) -> None:
        h = self.selected
        if h is None:
            return
        try:
            self.app.services.handoffs.accept(self.app.actor, h.id)  # type: ignore[attr-defined]
        except (ServiceError, FieldError) as exc:
            self.notify(describe(exc), severity="error", timeout=8)
            self.reload()
            return
        self._after_change("inbox.accepted")

    def _detail(self, h: HandoffView) -> str:
        return t("inbox.detail", kind=t(f"handoff.kind.{h.kind}"),
                 client=h.client_name or t("common.none"), sender=h.from_name)

    def action_decline(self) -> None:
        h = self.selected
        if h is None:
            return
        services, actor = self.app.services, self.app.actor  # type: ignore[attr-defined]
        dialog = ReasonDialog(
            t("inbox.decline_title"), field_key="field.reason", detail=self._detail(h),
            required=True, submit=lambda text: services.handoffs.decline(actor, h.id, text),
        )
        self.app.push_screen(dialog, self._on_dialog_closed("inbox.declined"))

    def action_done(self) -> None:
        h = self.selected
        if h is None:
            return
        services, actor = self.app.services, self.app.actor  # type: ignore[attr-defined]
        dialog = ReasonDialog(
            t("inbox.done_title"), field_key="field.outcome", detail=self._detail(h),
            required=False, submit=lambda text: services.handoffs.complete(actor, h.id, text),
        )
        self.app.push_screen(dialog, self._on_dialog_closed("inbox.completed"))

    def _on_dialog_closed(self, key: str):  # type: ignore[no-untyped-def]
        def callback(result: object) -> None:
            if result is not None:
                self._after_change(key)
        return callback

    def action_switch_view(self) -> None:
        self.view = "sent" if self.view == "received" else "received"

    def focus_table(self) -> None:
        self.table.focus()
