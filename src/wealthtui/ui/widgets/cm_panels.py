"""The panels of the client manager's tabs: each owns its list, its loading and its keys.

    AgendaPanel(days=1, id="today")   PortfolioPanel()   TargetsPanel()   ChangesPanel()

Issue 19's key model: the tab actions are bindings of the panel in the tab (F8 log a contact,
Ctrl+T hand the cash part to the tellers, Ctrl+K the marketing checklist; Ctrl+R / Ctrl+B on the
targets, Ctrl+G on the CM changes), so the focus decides what is active and the footer and F1
follow; the screen only switches tabs. A panel never opens a screen: for what a CM does for the
client of a row it posts `CMPanel.ClientAction(action, client_id, name, item)` and the CM screen
acts (Enter on a row: action "open", the client's file).

Each panel reads through `Calls.call` with its own key (off the event loop, the last request
wins); `reload()` during a read marks it dirty and reads once more after it, so change-marker
reloads never stack. Until the first answer a dim "加载中…" line shows over the (focusable) table.

The agenda (issue 19) opens on today: first-contact clocks of CM changes first, then what falls
due today (and birthdays coming up), then the older overdue items folded into one line per kind
with their count (`rules.agenda.today_first`); Enter on a folded line opens it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from wealthtui.i18n import t
from wealthtui.rules import agenda as agenda_rules
from wealthtui.rules import permissions
from wealthtui.rules.agenda import AgendaItem, Fold
from wealthtui.services import Actor, Services
from wealthtui.services.assignments import ChangeClockView, Portfolio
from wealthtui.services.targets import TargetView
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.cm_edit import target_form
from wealthtui.ui.dialogs.targets import target_builder
from wealthtui.ui.hooks import require
from wealthtui.ui.labels import tier_name
from wealthtui.ui.text import plain
from wealthtui.ui.widgets.cm_tables import (
    AgendaTable,
    ChangeTable,
    CMTable,
    PortfolioTable,
    TargetTable,
)

#: a met first contact stays on the changes tab this many days
MET_SHOWN_DAYS = 30

CLIENT_BINDINGS = [
    Binding("f8", "client('log_contact')", "cm.bind.log_contact", id="cm.log_contact"),
    Binding("ctrl+t", "client('to_teller')", "cm.bind.to_teller", id="cm.to_teller"),
    Binding("ctrl+k", "client('marketing')", "cm.bind.marketing", id="cm.marketing"),
]


class CMPanel(Calls, Vertical):
    """A tab's list with its empty line, its loading and the client actions of its rows."""

    DEFAULT_CSS = """
    CMPanel {
        height: 1fr;
    }
    CMPanel > .tab-head {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    CMPanel > .tab-empty {
        color: $text-muted;
        padding: 0 1;
    }
    """

    BINDINGS = CLIENT_BINDINGS
    #: binding ids in the order they matter (the footer shows as many as fit)
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = ("cm.log_contact", "cm.to_teller", "cm.marketing")
    #: catalog key of the line shown when the list is empty
    EMPTY: ClassVar[str] = ""

    # --- what a panel implements (ui/hooks.py checks it when the class is made) ------------
    HOOKS: ClassVar[tuple[str, ...]] = ("make_table", "fetch", "show")
    #: the panel's table (made once, in compose)
    make_table: Callable[[], CMTable[Any]]
    #: the read, as a function of the actor (runs off the event loop)
    fetch: Callable[[], Callable[[Actor], Any]]
    #: show what the read answered (on the event loop)
    show: Callable[[Any], None]

    def __init_subclass__(cls, *, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        require(cls, abstract=abstract)

    class ClientAction(Message):
        """Do `action` for the client of a row: open (the file), log_contact, to_teller,
        marketing, change_checklist. The CM screen handles it."""

        def __init__(self, panel: CMPanel, action: str, client_id: int, name: str,
                     item: Any) -> None:
            super().__init__()
            self.panel = panel
            self.action = action
            self.client_id = client_id
            self.name = name
            self.item = item

        @property
        def control(self) -> CMPanel:
            return self.panel

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.loaded = False
        self._loading = False
        self._dirty = False

    def compose(self) -> ComposeResult:
        yield from self.compose_head()
        yield Static(t(self.empty_key()) if self.empty_key() else "", classes="tab-empty")
        yield self.make_table()

    def compose_head(self) -> ComposeResult:
        yield from ()

    def empty_key(self) -> str:
        return self.EMPTY

    @property
    def table(self) -> CMTable[Any]:
        return self.query_one(CMTable)

    @property
    def today(self) -> date:
        return self.services.ctx.today()

    def on_mount(self) -> None:
        # a dim line until the first answer (the table stays focusable, so keys work at once)
        self.query_one(".tab-empty", Static).update(t("cm2.loading"))

    def focus(self, scroll_visible: bool = True) -> CMPanel:
        self.table.focus(scroll_visible)
        return self

    # --- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        if self._loading:
            self._dirty = True
            return
        self._loading, self._dirty = True, False
        self.call(self.fetch(), key="load", then=self._loaded, failed=self._failed)

    def shown(self) -> None:
        """Its tab was shown: read it again, unless a read is on its way (its answer is as
        fresh; at the screen's first showing that is the mount's read, not a second one)."""
        if not self._loading:
            self.reload()

    def _loaded(self, data: Any) -> None:
        self._loading = False
        if not self.loaded:
            self.loaded = True
            empty = self.query_one(".tab-empty", Static)
            empty.update(t(self.empty_key()) if self.empty_key() else "")
            empty.display = False
        self.show(data)
        if self._dirty:
            self.reload()

    def _failed(self, _failure: Failed) -> None:
        self._loading = False
        if self._dirty:
            self.reload()

    def show_empty(self, empty: bool) -> None:
        if self.empty_key():
            self.query_one(".tab-empty").display = empty

    # --- the client of a row ---------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.row_chosen()

    def row_chosen(self) -> None:
        self.action_client("open")

    def action_client(self, action: str) -> None:
        item = self.table.current
        client_id = getattr(item, "client_id", None)
        if item is None or client_id is None:
            self.notify(t("cm.no_client"), severity="warning")
            return
        name = getattr(item, "client_name", None) or getattr(item, "name", "")
        self.post_message(self.ClientAction(self, action, client_id, name, item))

    def _wrote(self, key: str) -> Callable[[object], None]:
        def done(result: object) -> None:
            if result is not None:
                self.notify(t(key))
                self.reload()
                self.wealth_app.poll_changes()
        return done


class AgendaPanel(CMPanel):
    """The maintenance agenda over `days` days from today, today's way round (see the module).
    Appointments (issue 18) are on it as reminders, today's and tomorrow's; Ctrl+N books one
    for the client of the row (a prospect on an empty agenda), Ctrl+D opens my calendar."""

    BINDINGS = [
        *CLIENT_BINDINGS,
        Binding("ctrl+n", "book", "appt.bind.book", id="cm.book_appointment"),
        Binding("ctrl+d", "calendar", "appt.bind.calendar", id="cm.calendar"),
    ]
    # Ctrl+N and Ctrl+D rank after the screen's keys (the CM screen's FOOTER_ORDER): the inbox
    # key keeps its place in the footer; both are in F1 help
    FOOTER_ORDER = ("cm.log_contact", "cm.to_teller", "cm.marketing")

    class OpenCalendar(Message):
        """Ctrl+D: the CM screen opens my appointment calendar."""

    class Loaded(Message):
        """The agenda was read (the CM screen's status line counts today's from it)."""

        def __init__(self, panel: AgendaPanel, items: list[AgendaItem]) -> None:
            super().__init__()
            self.panel = panel
            self.items = items

    def action_book(self) -> None:
        item = self.table.current
        if isinstance(item, AgendaItem):
            self.post_message(self.ClientAction(self, "book", item.client_id or 0,
                                                item.client_name, item))  # 0: a prospect's
        else:  # no client row: a prospect's appointment
            self.post_message(self.ClientAction(self, "book", 0, "", None))

    def action_calendar(self) -> None:
        self.post_message(self.OpenCalendar())

    def __init__(self, *, days: int, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.days = days
        #: the kinds whose folded overdue line was opened (kept across reloads)
        self.opened: set[str] = set()
        self.agenda: list[AgendaItem] = []

    def empty_key(self) -> str:
        return "cm.agenda.empty" if self.days == 1 else "cm.agenda.empty_week"

    def make_table(self) -> CMTable[Any]:
        return AgendaTable(id="agenda-today" if self.days == 1 else "agenda-week")

    def fetch(self) -> Callable[[Actor], Any]:
        agenda, days = self.services.agenda, self.days
        return lambda actor: agenda.items(actor, days=days)

    def show(self, data: list[AgendaItem]) -> None:
        self.agenda = list(data)
        self.refill()
        self.post_message(self.Loaded(self, self.agenda))

    def rows(self) -> list[AgendaItem | Fold]:
        first, folds, done = agenda_rules.today_first(self.agenda, self.today)
        rows: list[AgendaItem | Fold] = list(first)
        for fold in folds:
            if fold.kind in self.opened:
                rows.extend(fold.items)
            else:
                rows.append(fold)
        return [*rows, *done]

    def refill(self) -> None:
        table = self.table
        assert isinstance(table, AgendaTable)
        table.show(self.rows(), self.settings, self.today)
        self.show_empty(not self.agenda)

    def row_chosen(self) -> None:
        item = self.table.current
        if isinstance(item, Fold):
            self.opened.add(item.kind)
            self.refill()
            return
        super().row_chosen()


class PortfolioPanel(CMPanel):
    """My clients (and, for an assistant, the books of the CMs they work for)."""

    def compose_head(self) -> ComposeResult:
        yield Static("", classes="tab-head", id="portfolio-head")

    def make_table(self) -> CMTable[Any]:
        return PortfolioTable(id="portfolio-table")

    def fetch(self) -> Callable[[Actor], Any]:
        services = self.services
        return lambda actor: portfolios(services, actor)

    def show(self, data: list[Portfolio]) -> None:
        if not data:
            return
        heads = []
        for book in data:
            tiers = "  ".join(f"{tier_name(self.settings, code)} {n}" for code, n in book.by_tier
                              if n)
            heads.append(t(f"cm.portfolio.head_{book.state}", name=book.cm_name, size=book.size,
                           min=book.minimum, max=book.maximum, tiers=tiers or t("common.none")))
        self.query_one("#portfolio-head", Static).update(plain("\n".join(heads)))
        merged = data[0]
        if len(data) > 1:
            rows = tuple(r for b in data for r in b.rows)
            merged = Portfolio(data[0].cm_id, data[0].cm_name, rows, (), 0, 0, False)
        table = self.table
        assert isinstance(table, PortfolioTable)
        table.show(merged, self.settings, self.today)


def portfolios(services: Services, actor: Actor) -> list[Portfolio]:
    """The books shown on the portfolio tab: mine, and an assistant's CMs' (off the loop)."""
    ids = [actor.staff_id]
    if permissions.CM_ASSISTANT in actor.roles:
        ids += [x.cm_id for x in services.assignments.assistants(actor)
                if x.assistant_id == actor.staff_id]
    found = [services.assignments.portfolio(actor, i) for i in ids]
    return [p for p in found if p.rows or p.cm_id == actor.staff_id]


class TargetsPanel(CMPanel):
    """My targets of the targeted lists; Ctrl+R records where one stands, Ctrl+B builds a list
    from my own book."""

    EMPTY = "cm.targets.empty"
    BINDINGS = [
        *CLIENT_BINDINGS,
        Binding("ctrl+r", "record_target", "cm.bind.record_target", id="cm.record_target"),
        Binding("ctrl+b", "build_targets", "targets.bind.build_own", id="cm.build_targets"),
    ]
    FOOTER_ORDER = ("cm.record_target", "cm.log_contact", "cm.build_targets", "cm.to_teller",
                    "cm.marketing")

    def make_table(self) -> CMTable[Any]:
        return TargetTable(id="target-table")

    def fetch(self) -> Callable[[Actor], Any]:
        return self.services.targets.mine

    def show(self, data: list[TargetView]) -> None:
        table = self.table
        assert isinstance(table, TargetTable)
        table.show(data, self.settings, self.today)
        self.show_empty(not data)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        actor = self.wealth_app.actor
        if action == "build_targets":
            return actor is not None and actor.can("targetlist.own")
        return True

    def action_record_target(self) -> None:
        target = self.table.current
        if isinstance(target, TargetView):
            self.app.push_screen(target_form(self.services, self.actor, target),
                                 self._wrote("cm.target.saved"))

    def action_build_targets(self) -> None:
        """A target list from my own book (every target mine), previewed as it is typed."""
        self.app.push_screen(target_builder(self.services, self.actor, self.settings),
                             self._wrote("targets.created"))


class ChangesPanel(CMPanel):
    """The CM changes of my clients and their first-contact clocks; Ctrl+G their checklist."""

    EMPTY = "cm.change.empty"
    BINDINGS = [
        *CLIENT_BINDINGS,
        Binding("ctrl+g", "client('change_checklist')", "cm.bind.change_checklist",
                id="cm.change_checklist"),
    ]
    FOOTER_ORDER = ("cm.log_contact", "cm.change_checklist", "cm.to_teller", "cm.marketing")

    def make_table(self) -> CMTable[Any]:
        return ChangeTable(id="change-table")

    def fetch(self) -> Callable[[Actor], Any]:
        assignments = self.services.assignments
        since = self.today - timedelta(days=MET_SHOWN_DAYS)  # the met ones of the last month
        return lambda actor: assignments.change_clocks(actor, include_done=True, met_since=since)

    def show(self, data: list[ChangeClockView]) -> None:
        since = self.today - timedelta(days=MET_SHOWN_DAYS)
        shown = [c for c in data if c.first_contact_on is None or c.first_contact_on >= since]
        table = self.table
        assert isinstance(table, ChangeTable)
        table.show(shown, self.settings, self.today)
        self.show_empty(not shown)

