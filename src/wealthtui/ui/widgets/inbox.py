"""The hand-off inbox panel: hand-offs addressed to me (or a role I hold), and the ones I sent.

Rows: kind, client, from (to, in the sent view), age, due, status; a hand-off past its due time
shows "late" in the warning colour. Keys while the panel has focus (issue 19's key model): Enter
opens the hand-off in a `HandoffDialog` (F2 accept, F3 decline with a reason, F4 done with an
outcome, F5 open what it is about, Escape close); Ctrl+W switches between received and sent. The
panel binds no F-key, so F2–F7 keep their one meaning on every screen.

It reads `services.handoffs.inbox(actor)` / `sent(actor)` through `Calls.call` (off the event
loop, the last request wins); `reload()` while a load runs only marks it dirty and loads once more
when the answer came (change-marker reloads never stack). Until the first answer the panel's
title reads "加载中…".

F5 does not open anything itself: the panel posts `InboxPanel.OpenSubject(handoff)` and the screen
opens it (RoleScreen opens a complaint; the CM screen a client's file).

Issue 16: an accepted hand-off reads "in progress" and is late only when the configuration gives
a completion time; every `handoffs.expire_check_minutes` (and once FIRST_EXPIRY_CHECK seconds after
the panel opens) the panel asks whether any hand-off has expired (a read) and, if so, has them
returned to their senders (`services.handoffs.expire_overdue`), in a call off the event loop.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from wealthtui.i18n import t
from wealthtui.rules import stop_note
from wealthtui.rules.antifraud import Checklist
from wealthtui.services import Actor
from wealthtui.services.handoffs import OPEN, HandoffView
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.handoff import HandoffDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.labels import stop_note_text
from wealthtui.ui.text import PlainTable
from wealthtui.ui.widgets.table_fill import fill

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


class InboxTable(PlainTable):
    BINDINGS = [
        Binding("enter", "select_cursor", "cm2.inbox.open", id="inbox.open"),
    ]


class InboxPanel(Calls, Vertical):
    """Put one in a role screen; it reads through `Calls` (services, actor, clock)."""

    DEFAULT_CSS = """
    InboxPanel {
        height: 12;
        border-top: solid $primary;
        border-title-align: left;
    }
    InboxPanel:focus-within {
        border-top: thick $accent;
        border-title-color: $accent;
        border-title-style: bold;
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
        Binding("ctrl+w", "switch_view", "inbox.bind.switch", id="inbox.switch"),
    ]
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = ("inbox.open", "inbox.switch")

    class OpenSubject(Message):
        """F5 in the hand-off dialog: open what the hand-off is about (a complaint, a client)."""

        def __init__(self, panel: InboxPanel, handoff: HandoffView) -> None:
            super().__init__()
            self.panel = panel
            self.handoff = handoff

        @property
        def control(self) -> InboxPanel:
            return self.panel

    #: "received" or "sent"
    view: reactive[str] = reactive("received", init=False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.received: list[HandoffView] = []
        self.sent: list[HandoffView] = []
        self._questions: Checklist | None = None  # the anti-fraud questions, for stop notes
        self.loaded = False
        self._loading = False
        self._dirty = False

    def compose(self) -> ComposeResult:
        table: DataTable[Text | str] = InboxTable(cursor_type="row", zebra_stripes=True)
        for column, label in self.columns():
            table.add_column(label, key=column)
        yield table
        yield Static(t("inbox.empty"), classes="inbox-empty")

    def on_mount(self) -> None:
        self.border_title = t("cm2.loading")
        self.query_one(".inbox-empty").display = False
        self.reload()
        minutes = self.settings.handoffs.expire_check_minutes
        self.set_interval(minutes * 60, self.expire_now, name="handoff-expiry")
        # a first look soon after sign-in (not at once: the screen's own loading goes first)
        self.set_timer(FIRST_EXPIRY_CHECK, self.expire_now, name="handoff-expiry-first")

    # --- expiry ------------------------------------------------------------------------------
    def expire_now(self) -> None:
        """Return expired hand-offs to their senders (off the event loop); reload when some
        were. A failure is quiet: the next tick tries again, nothing was half-written."""
        if self.wealth_app.actor is None:
            return
        handoffs = self.services.handoffs

        def expire(actor: Actor) -> int:
            return handoffs.expire_overdue(actor) if handoffs.expiry_due(actor) else 0

        self.call(expire, key="handoff-expiry", quiet=True,
                  then=lambda count: self._changed_elsewhere() if count else None)

    def _changed_elsewhere(self) -> None:
        self.reload()
        self.wealth_app.poll_changes()

    # --- data ------------------------------------------------------------------------------
    @property
    def table(self) -> DataTable[Text | str]:
        return self.query_one(DataTable)

    @property
    def rows(self) -> list[HandoffView]:
        return self.sent if self.view == "sent" else self.received

    def _now(self) -> datetime:
        return self.clock.now()

    def reload(self) -> None:
        """Read both views again (off the event loop); while a read runs, once more after it."""
        if self.wealth_app.actor is None:
            return
        if self._loading:
            self._dirty = True
            return
        self._loading, self._dirty = True, False
        handoffs, antifraud = self.services.handoffs, self.services.antifraud

        def both(actor: Actor) -> tuple[list[HandoffView], list[HandoffView], Checklist | None]:
            received, sent = handoffs.inbox(actor), handoffs.sent(actor)
            stops = any(stop_note.parse(h.note) for h in (*received, *sent))
            return received, sent, antifraud.checklist() if stops else None  # their questions

        self.call(both, key="inbox", then=self._loaded, failed=self._load_failed)

    def _loaded(self, views: tuple[list[HandoffView], list[HandoffView], Checklist | None]
                ) -> None:
        self._loading = False
        keep = self.selected
        self.received, self.sent, self._questions = views
        self.loaded = True
        self._fill(keep)
        if self._dirty:
            self.reload()

    def _load_failed(self, _failure: Failed) -> None:
        self._loading = False
        if self._dirty:
            self.reload()

    @staticmethod
    def columns() -> list[tuple[str, str]]:
        return [(column, t(f"inbox.col.{column}")) for column in COLUMNS]

    def _fill(self, keep: HandoffView | None = None) -> None:
        """Show the rows of the view; rows equal to those shown leave the table alone (a change
        marker that changed nothing here does not clear and refill it, nor move the cursor)."""
        table = self.table
        now = self._now()
        warning = self.app.current_theme.warning or "yellow"
        rows: list[tuple[str, tuple[Text | str, ...]]] = []
        for h in self.rows:
            late = h.overdue(now)
            due: Text | str = ""
            if h.due_at is not None and h.status in OPEN:
                due = (t("inbox.late_by", time=age_text(now - h.due_at)) if late
                       else t("inbox.due_in", time=age_text(h.due_at - now)))
            status = Text(self._status(h))
            if late:
                status = Text(t("inbox.late"), style=f"bold {warning}")
                due = Text(str(due), style=warning)
            rows.append((str(h.id), (
                t(f"handoff.kind.{h.kind}"), self._client(h), self._party(h),
                age_text(now - h.created_at), due, status, self.note_text(h).replace("\n", " "),
            )))
        if fill(table, self.columns(), rows) and keep is not None and str(keep.id) in table.rows:
            table.move_cursor(row=table.get_row_index(str(keep.id)))
        open_count = sum(1 for h in self.received if h.status in OPEN)
        late_count = sum(1 for h in self.received if h.overdue(now))
        title = t("inbox.title_received" if self.view == "received" else "inbox.title_sent",
                  open=open_count, late=late_count, sent=len(self.sent))
        self.border_title = title
        self.query_one(".inbox-empty").display = not self.rows
        self.refresh_bindings()

    @staticmethod
    def _status(h: HandoffView) -> str:
        return (t(f"handoff.status.{h.status}") if h.status != "accepted"
                else t("handoff.lifecycle.in_progress"))

    @staticmethod
    def _client(h: HandoffView) -> str:
        client = h.client_name or t("common.none")
        return f"{client} {h.ticket_no}" if h.ticket_no else client

    def _party(self, h: HandoffView) -> str:
        if self.view == "sent":
            return h.to_name or (t(f"role.{h.to_role}") if h.to_role else "")
        return h.from_name

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

    # --- the hand-off dialog ---------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a hand-off: the dialog with what can be done with it."""
        event.stop()
        h = self.selected
        if h is not None:
            self.open_dialog(h)

    def can_open(self, h: HandoffView) -> bool:
        """Whether F5 can open what the hand-off is about on this screen: a complaint anywhere;
        the CM's panel adds the client's file."""
        return h.subject_type == "complaint" and h.subject_id is not None

    def actions_for(self, h: HandoffView) -> set[str]:
        actions: set[str] = set()
        if self.view == "received":
            if h.status == "open":
                actions.add("accept")
            if h.status in OPEN:
                actions |= {"decline", "done"}
        if self.can_open(h):
            actions.add("open")
        return actions

    def note_text(self, h: HandoffView) -> str:
        """The note as typed; an anti-fraud stop's (codes) worded in the screen's language."""
        stop = stop_note.parse(h.note)
        return h.note if stop is None else stop_note_text(self.settings, stop, self._questions)

    def detail_lines(self, h: HandoffView) -> list[str]:
        now = self._now()

        def line(label_key: str, value: str) -> str:
            return t("cm2.handoff.line", label=t(label_key), value=value)

        lines = [
            line("inbox.col.client", self._client(h)),
            line("cm2.handoff.from", h.from_name),
            line("cm2.handoff.to", h.to_name or (t(f"role.{h.to_role}") if h.to_role else "")),
            line("inbox.col.age", age_text(now - h.created_at)),
            line("inbox.col.status", t("inbox.late") if h.overdue(now) else self._status(h)),
        ]
        if h.due_at is not None and h.status in OPEN:
            lines.append(line("inbox.col.due", (
                t("inbox.late_by", time=age_text(now - h.due_at)) if h.overdue(now)
                else t("inbox.due_in", time=age_text(h.due_at - now)))))
        if h.note:
            lines.append(line("inbox.col.note", self.note_text(h)))
        return lines

    def open_dialog(self, h: HandoffView) -> None:
        dialog = HandoffDialog(t(f"handoff.kind.{h.kind}"), self.detail_lines(h),
                               actions=self.actions_for(h))

        def chosen(action: str | None) -> None:
            if action == "accept":
                self.accept(h)
            elif action == "decline":
                self.decline(h)
            elif action == "done":
                self.done(h)
            elif action == "open":
                self.post_message(self.OpenSubject(self, h))

        self.app.push_screen(dialog, chosen)

    # --- actions ---------------------------------------------------------------------------
    def _after_change(self, key: str) -> None:
        self.notify(t(key))
        self.reload()
        self.wealth_app.poll_changes()

    def accept(self, h: HandoffView) -> None:
        self.call(self.services.handoffs.accept, h.id,
                  then=lambda _view: self._after_change("inbox.accepted"),
                  failed=lambda _failure: self.reload())

    def _detail(self, h: HandoffView) -> str:
        return t("inbox.detail", kind=t(f"handoff.kind.{h.kind}"),
                 client=h.client_name or t("common.none"), sender=h.from_name)

    def decline(self, h: HandoffView) -> None:
        services, actor = self.services, self.actor
        dialog = ReasonDialog(
            t("inbox.decline_title"), field_key="field.reason", detail=self._detail(h),
            required=True, submit=lambda text: services.handoffs.decline(actor, h.id, text),
        )
        self.app.push_screen(dialog, self._on_dialog_closed("inbox.declined"))

    def done(self, h: HandoffView) -> None:
        services, actor = self.services, self.actor
        dialog = ReasonDialog(
            t("inbox.done_title"), field_key="field.outcome", detail=self._detail(h),
            required=False, submit=lambda text: services.handoffs.complete(actor, h.id, text),
        )
        self.app.push_screen(dialog, self._on_dialog_closed("inbox.completed"))

    def _on_dialog_closed(self, key: str) -> Any:
        def callback(result: object) -> None:
            if result is not None:
                self._after_change(key)
        return callback

    def action_switch_view(self) -> None:
        self.view = "sent" if self.view == "received" else "received"

    def focus_table(self) -> None:
        self.table.focus()
