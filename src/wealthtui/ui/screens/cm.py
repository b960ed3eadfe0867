"""The client manager's screen (理财经理 / 营销经理 / 客户经理助理): inbox, maintenance agenda,
portfolio, targeted lists, CM changes, the day's procedures, and the client file.

Manual ch.2 §2.9–2.13 (the CM's duties: premium clients identified and served one-stop, the
premium-client file, dynamic monitoring; the assistant's paperwork and contacts), ch.2 §5.1
(exclusive CM; CM change with oral and written notice and direct contact within one month);
manual digest §4.2 (targeted marketing), §4.3 (contact marketing), §4.6 (maintenance), §8.3.

Layout: a status line (inbox, agenda, portfolio, open CM changes), the tabs, and the CM's inbox
under them (from 30 rows; F9 shows it on smaller terminals). Keys: F2–F7 the tabs; Enter on a row
opens the client file; F8 logs a contact for the client of the row (the agenda item sets the
purpose; a follow-up item is kept by it); ctrl+f finds any client; ctrl+t hands the cash part of
the business to the cash tellers; ctrl+k opens the client's contact-marketing checklist; ctrl+g the
CM-change checklist of the change under the cursor; ctrl+r records a target's progress; ctrl+y the
CM's routines (the marketing CM's own) and open checklists; ctrl+j my complaints.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from wealthtui.i18n import t
from wealthtui.rules import permissions
from wealthtui.services.assignments import Portfolio
from wealthtui.services.client_file import ClientFileView
from wealthtui.services.errors import FieldError, ServiceError
from wealthtui.services.handoffs import OPEN
from wealthtui.ui.dialogs.cm_contact import contact_form
from wealthtui.ui.dialogs.cm_edit import edit_form, target_form
from wealthtui.ui.dialogs.cm_find import FindClientDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.dialogs.targets import target_builder
from wealthtui.ui.errors import describe
from wealthtui.ui.screens.base import INBOX_AUTO_HEIGHT, RoleScreen
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.client_file import ClientFileScreen
from wealthtui.ui.screens.my_checklists import MyChecklistsScreen
from wealthtui.ui.text import plain
from wealthtui.ui.widgets.cm_inbox import CMInboxPanel
from wealthtui.ui.widgets.cm_tables import (
    AgendaTable,
    ChangeTable,
    CMTable,
    PortfolioTable,
    TargetTable,
    tier_name,
)
from wealthtui.ui.widgets.today import TodayList

TABS = ("today", "week", "portfolio", "targets", "changes", "procedures")
TAB_KEYS = dict(zip(TABS, ("F2", "F3", "F4", "F5", "F6", "F7"), strict=True))
MARKETING = "cm_contact_marketing"
CM_CHANGE = "cm_change"
#: a met first contact stays on the changes tab this many days
MET_SHOWN_DAYS = 30


class CMScreen(RoleScreen):
    MODE = "cm"
    INBOX_PANEL = False  # the CM's own inbox (declines go on to the duty CM or the lobby)
    HELP_SECTIONS = (
        ("ch.2 §2.9", "cm.help.duties"),
        ("ch.2 §2.13", "cm.help.assistant"),
        ("ch.2 §5.1", "cm.help.exclusive"),
        ("digest §4.2", "cm.help.targets"),
        ("digest §4.3", "cm.help.contact"),
        ("digest §4.6", "cm.help.agenda"),
    )

    DEFAULT_CSS = """
    CMScreen #cm-status {
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    CMScreen TabbedContent {
        height: 1fr;
    }
    CMScreen TabPane {
        padding: 0;
    }
    CMScreen .tab-head {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    CMScreen .tab-empty {
        color: $text-muted;
        padding: 0 1;
    }
    CMScreen #inbox-panel {
        height: 12;
    }
    """

    BINDINGS = [
        *(Binding(key.lower(), f"show_tab('{tab}')", f"cm.tab.{tab}", id=f"cm.tab_{tab}",
                  show=False) for tab, key in TAB_KEYS.items()),
        Binding("f8", "log_contact", "cm.bind.log_contact", id="cm.log_contact"),
        Binding("ctrl+f", "find", "cm.bind.find", id="cm.find"),
        Binding("ctrl+t", "to_teller", "cm.bind.to_teller", id="cm.to_teller"),
        Binding("ctrl+k", "marketing", "cm.bind.marketing", id="cm.marketing"),
        Binding("ctrl+g", "change_checklist", "cm.bind.change_checklist",
                id="cm.change_checklist"),
        Binding("ctrl+r", "record_target", "cm.bind.record_target", id="cm.record_target"),
        Binding("ctrl+b", "build_targets", "targets.bind.build_own", id="cm.build_targets"),
        Binding("ctrl+y", "checklists", "resume.bind.checklists", id="cm.checklists",
                show=False),  # in F1 help, as on every role screen (the footer is full at 80)
        Binding("ctrl+j", "my_complaints", "my_complaints.bind.show", id="cm.my_complaints",
                show=False),  # in F1 help
    ]

    def __init__(self, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.arrivals_seen: set[int] | None = None

    # --- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static("", id="cm-status")
        with TabbedContent(id="cm-tabs", initial="today"):
            with TabPane(self._label("today"), id="today"):
                yield Static(t("cm.agenda.empty"), classes="tab-empty", id="today-empty")
                yield AgendaTable(id="agenda-today")
            with TabPane(self._label("week"), id="week"):
                yield Static(t("cm.agenda.empty_week"), classes="tab-empty", id="week-empty")
                yield AgendaTable(id="agenda-week")
            with TabPane(self._label("portfolio"), id="portfolio"):
                yield Static("", classes="tab-head", id="portfolio-head")
                yield PortfolioTable(id="portfolio-table")
            with TabPane(self._label("targets"), id="targets"):
                yield Static(t("cm.targets.empty"), classes="tab-empty", id="targets-empty")
                yield TargetTable(id="target-table")
            with TabPane(self._label("changes"), id="changes"):
                yield Static(t("cm.change.empty"), classes="tab-empty", id="changes-empty")
                yield ChangeTable(id="change-table")
            with TabPane(self._label("procedures"), id="procedures"):
                yield TodayList(include_open=True)  # with their open runs of earlier days
        panel = CMInboxPanel(id="inbox-panel")
        panel.display = self.app.size.height >= INBOX_AUTO_HEIGHT
        yield panel

    def _label(self, tab: str) -> str:
        return f"{t(f'cm.tab.{tab}')} {TAB_KEYS[tab]}"

    def on_mount(self) -> None:
        super().on_mount()
        self.reload()
        self.query_one("#agenda-today", AgendaTable).focus()

    # --- the inbox panel (the base sizes only its own bottom panel) -------------------------
    def _apply_inbox_size(self) -> None:
        if self._inbox_choice is not None:
            return
        panel = self.query_one("#inbox-panel", CMInboxPanel)
        show = self.app.size.height >= INBOX_AUTO_HEIGHT
        if panel.display == show:
            return
        if not show and self.focused is not None and panel in self.focused.ancestors_with_self:
            self._focus_body()
        panel.display = show

    def action_toggle_inbox(self) -> None:
        panel = self.query_one("#inbox-panel", CMInboxPanel)
        inside = self.focused is not None and panel in self.focused.ancestors_with_self
        if not panel.display:
            self._inbox_choice = True
            panel.display = True
            panel.focus_table()
        elif not inside:
            panel.focus_table()
        else:
            if self.app.size.height < INBOX_AUTO_HEIGHT:
                self._inbox_choice = False
                panel.display = False
            self.current_table().focus()

    # --- data ------------------------------------------------------------------------------
    @property
    def today(self) -> date:
        return self.services.ctx.today()

    @property
    def tab(self) -> str:
        return self.query_one("#cm-tabs", TabbedContent).active or "today"

    def current_table(self) -> CMTable[Any]:
        ids = {"today": "#agenda-today", "week": "#agenda-week", "portfolio": "#portfolio-table",
               "targets": "#target-table", "changes": "#change-table"}
        return self.query_one(ids.get(self.tab, "#agenda-today"), CMTable)

    def reload(self) -> None:
        if not self.query("#cm-status"):
            return  # a change noticed while the screen is being built or taken down
        today = self.run_service(self.services.agenda.items, days=1)
        self._load_status(today or [])
        if self.tab == "today" and today is not None:
            self._show_agenda("today", today)
        else:
            self._load_tab(self.tab)

    def on_data_changed(self) -> None:
        self.reload()

    @on(TabbedContent.TabActivated, "#cm-tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._load_tab(event.pane.id or "today")
        self.refresh_bindings()

    def _load_tab(self, tab: str) -> None:
        loaders: dict[str, Callable[[], None]] = {
            "today": lambda: self._load_agenda("today", 1),
            "week": lambda: self._load_agenda("week", 7),
            "portfolio": self._load_portfolio,
            "targets": self._load_targets,
            "changes": self._load_changes,
            "procedures": lambda: self.query_one(TodayList).reload(),
        }
        loaders[tab]()

    def _load_agenda(self, tab: str, days: int) -> None:
        items = self.run_service(self.services.agenda.items, days=days)
        if items is not None:
            self._show_agenda(tab, items)

    def _show_agenda(self, tab: str, items: list[Any]) -> None:
        self.query_one(f"#agenda-{tab}", AgendaTable).show(items, self.settings, self.today)
        self.query_one(f"#{tab}-empty").display = not items

    def _portfolios(self) -> list[Portfolio]:
        ids = [self.actor.staff_id]
        if permissions.CM_ASSISTANT in self.actor.roles:
            links = self.run_service(self.services.assignments.assistants) or []
            ids += [x.cm_id for x in links if x.assistant_id == self.actor.staff_id]
        found = [self.run_service(self.services.assignments.portfolio, i) for i in ids]
        return [p for p in found if p is not None and (p.rows or p.cm_id == self.actor.staff_id)]

    def _load_portfolio(self) -> None:
        books = self._portfolios()
        if not books:
            return
        heads = []
        for book in books:
            tiers = "  ".join(f"{tier_name(self.settings, code)} {n}" for code, n in book.by_tier
                              if n)
            heads.append(t(f"cm.portfolio.head_{book.state}", name=book.cm_name, size=book.size,
                           min=book.minimum, max=book.maximum, tiers=tiers or t("common.none")))
        self.query_one("#portfolio-head", Static).update(plain("\n".join(heads)))
        merged = books[0]
        if len(books) > 1:
            rows = tuple(r for b in books for r in b.rows)
            merged = Portfolio(books[0].cm_id, books[0].cm_name, rows, (), 0, 0, False)
        self.query_one(PortfolioTable).show(merged, self.settings, self.today)

    def _load_targets(self) -> None:
        targets = self.run_service(self.services.targets.mine)
        if targets is None:
            return
        self.query_one(TargetTable).show(targets, self.settings, self.today)
        self.query_one("#targets-empty").display = not targets

    def _load_changes(self) -> None:
        clocks = self.run_service(self.services.assignments.change_clocks, include_done=True)
        if clocks is None:
            return
        since = self.today - timedelta(days=MET_SHOWN_DAYS)
        shown = [c for c in clocks if c.first_contact_on is None or c.first_contact_on >= since]
        self.query_one(ChangeTable).show(shown, self.settings, self.today)
        self.query_one("#changes-empty").display = not shown

    def _load_status(self, agenda: list[Any]) -> None:
        parts: list[str] = []
        inbox = self.run_service(self.services.handoffs.inbox, include_closed_today=False) or []
        now = self.clock.now()
        waiting = [h for h in inbox if h.status == "open"]
        late = [h for h in inbox if h.overdue(now)]
        parts.append(t("cm.status.inbox", open=len(waiting), late=len(late)))
        todo = [i for i in agenda if not i.done]
        parts.append(t("cm.status.agenda", count=len(todo),
                       overdue=sum(1 for i in todo if i.overdue(self.today))))
        received = self.run_service(self.services.agenda.premium_received)
        if received is not None:
            parts.append(t("figures.cm_received", count=received))
        clocks = self.run_service(self.services.assignments.change_clocks) or []
        if clocks:
            parts.append(t("cm.status.changes", count=len(clocks),
                           overdue=sum(1 for c in clocks if c.overdue(self.today))))
        self.query_one("#cm-status", Static).update(t("cm.status.sep").join(parts))
        self._announce_arrivals([h for h in inbox if h.kind == "premium_arrival"
                                 and h.status in OPEN])

    def _announce_arrivals(self, arrivals: list[Any]) -> None:
        ids = {h.id for h in arrivals}
        if self.arrivals_seen is not None:
            for h in arrivals:
                if h.id not in self.arrivals_seen:
                    self.notify(t("cm.status.arrival", client=h.client_name or t("common.none"),
                                  ticket=h.ticket_no, sender=h.from_name),
                                severity="warning", timeout=10)
        self.arrivals_seen = ids

    # --- opening a client ------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        table = event.data_table
        if isinstance(table, CMTable):
            event.stop()
            self.open_client(table.client_id)
        elif isinstance(table.parent, CMInboxPanel):  # Enter on a hand-off: its client's file
            event.stop()
            handoff = table.parent.selected
            self.open_client(handoff.client_id if handoff else None)

    def open_client(self, client_id: int | None) -> None:
        if client_id is None:
            self.notify(t("cm.no_client"), severity="warning")
            return
        view = self.run_service(self.services.client_file.open, client_id)
        if view is not None:
            self.app.push_screen(ClientFileScreen(view), lambda _: self.reload())

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#cm-tabs", TabbedContent).active = tab
        if tab != "procedures":
            self.current_table().focus()

    def action_find(self) -> None:
        def found(client_id: int | None) -> None:
            if client_id:
                self.open_client(client_id)

        self.app.push_screen(FindClientDialog(), found)

    # --- what a CM does for a client --------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # actions of one tab are left out of the footer elsewhere (it has 80 cells at least)
        if action == "change_checklist":
            return self.tab == "changes"
        if action == "record_target":
            return self.tab == "targets"
        if action == "build_targets":
            return self.tab == "targets" and self.actor.can("targetlist.own")
        if action in ("log_contact", "to_teller", "marketing"):
            return self.tab != "procedures"
        return super().check_action(action, parameters)

    def _selected(self) -> tuple[int, str, Any] | None:
        if self.tab == "procedures":
            return None
        item = self.current_table().current
        client_id = getattr(item, "client_id", None)
        if item is None or client_id is None:
            self.notify(t("cm.no_client"), severity="warning")
            return None
        name = getattr(item, "client_name", None) or getattr(item, "name", "")
        return client_id, name, item

    def action_checklists(self) -> None:
        """The CM's routines (a marketing CM's own) and every checklist of theirs still open."""
        def closed(_result: None) -> None:
            self.on_data_changed()
            self.changed()
        self.app.push_screen(MyChecklistsScreen(), closed)


    def action_log_contact(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        client_id, name, item = chosen
        purpose = getattr(item, "purpose", "") or "care"
        keeps = [item.ref] if getattr(item, "kind", "") == "follow_up" and item.ref else []
        self.log_contact(client_id, name, purpose=purpose, keeps=keeps)

    def log_contact(self, client_id: int, name: str, *, purpose: str = "care",
                    keeps: list[int] | None = None, after: Callable[[], None] | None = None) -> None:
        run = self._open_run(client_id, MARKETING)
        try:
            form = contact_form(self.services, self.actor, self.settings, self.today, client_id,
                                name, purpose=purpose, keeps=keeps or [],
                                run_id=run.id if run else None)
        except (ServiceError, FieldError) as exc:  # e.g. not this CM's client
            self.notify(describe(exc), severity="error", timeout=8)
            return

        def saved(result: object) -> None:
            if result is not None:
                self.notify(t("cm.contact.saved", name=name))
                self.changed()
                if after is not None:
                    after()

        self.app.push_screen(form, saved)

    def edit_file(self, view: ClientFileView, *, after: Callable[[], None]) -> None:
        def saved(result: object) -> None:
            if result is not None:
                self.notify(t("cm.edit.saved"))
                self.changed()
                after()

        self.app.push_screen(edit_form(self.services, self.actor, view), saved)

    def action_to_teller(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.hand_to_teller(chosen[0], chosen[1])

    def hand_to_teller(self, client_id: int, name: str) -> None:
        services, actor = self.services, self.actor
        dialog = ReasonDialog(
            t("cm.teller.title"), field_key="field.note", required=True,
            detail=t("cm.teller.detail", name=name),
            submit=lambda text: services.assignments.hand_to_teller(actor, client_id, text),
        )

        def sent(result: object) -> None:
            if result is not None:
                self.notify(t("cm.teller.sent"))
                self.changed()

        self.app.push_screen(dialog, sent)

    def _open_run(self, client_id: int, procedure_id: str) -> Any:
        runs = self.run_service(self.services.checklists.open_runs, client_id=client_id) or []
        return next((r for r in runs if r.procedure.id == procedure_id), None)

    def action_marketing(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.open_marketing(chosen[0])

    def open_marketing(self, client_id: int) -> None:
        run = self.run_service(self.services.checklists.start, MARKETING, client_id=client_id)
        if run is not None:
            self.app.push_screen(ChecklistScreen(run.id), lambda _: self.reload())

    def action_change_checklist(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        run = self._open_run(chosen[0], CM_CHANGE)
        if run is None:
            self.notify(t("cm.change.no_run"), severity="warning")
            return
        self.app.push_screen(ChecklistScreen(run.id), lambda _: self.reload())

    def action_build_targets(self) -> None:
        """A target list from my own book (every target mine), previewed as it is typed."""
        def built(result: object) -> None:
            if result is not None:
                self.notify(t("targets.created"))
                self.changed()

        self.app.push_screen(target_builder(self.services, self.actor, self.settings), built)

    def action_record_target(self) -> None:
        target = self.query_one(TargetTable).current
        if target is None:
            return

        def saved(result: object) -> None:
            if result is not None:
                self.notify(t("cm.target.saved"))
                self.changed()

        self.app.push_screen(target_form(self.services, self.actor, target), saved)
