"""The client manager's screen (理财经理 / 营销经理 / 客户经理助理): inbox, maintenance agenda,
portfolio, targeted lists, CM changes, the day's procedures, and the client file.

Manual ch.2 §2.9–2.13 (the CM's duties: premium clients identified and served one-stop, the
premium-client file, dynamic monitoring; the assistant's paperwork and contacts), ch.2 §5.1
(exclusive CM; CM change with oral and written notice and direct contact within one month);
manual digest §4.2 (targeted marketing), §4.3 (contact marketing), §4.6 (maintenance), §8.3.

Layout: a status line (inbox, agenda, portfolio, open CM changes), the tabs, and the CM's inbox
under them (from 30 rows; F9 shows and focuses it on smaller terminals).

Keys (issue 19): F2–F7 switch the tabs and do nothing else — with the focus in the inbox the tab
changes and the focus stays where it is visible, so the next key acts on the inbox, never on a
client of the new tab. The tab actions are bindings of the tab's panel (widgets/cm_panels.py:
F8 contact, Ctrl+T to the tellers, Ctrl+K marketing, Ctrl+R/Ctrl+B targets, Ctrl+G CM change);
Ctrl+N book an appointment and Ctrl+D my calendar on the agenda tabs (issue 18);
Enter on a row opens the client's file. The inbox binds Enter (the hand-off dialog: F2 accept,
F3 decline, F4 done, F5 the client's file) and Ctrl+W. Screen keys: Ctrl+F find any client,
Ctrl+Y the CM's routines and open checklists, Ctrl+J my complaints.

Every read runs through `Calls.call` (off the event loop, the last request wins); a change-marker
reload while one runs is folded into one more after it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabbedContent

from wealthtui.i18n import t
from wealthtui.services import Actor, Services
from wealthtui.services.handoffs import OPEN, HandoffView
from wealthtui.ui.dialogs.cm_find import FindClientDialog
from wealthtui.ui.screens.base import INBOX_AUTO_HEIGHT, RoleScreen
from wealthtui.ui.screens.calendar import CalendarScreen
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.client_file import ClientFileScreen
from wealthtui.ui.screens.cm_actions import ClientActions
from wealthtui.ui.widgets.cm_inbox import CMInboxPanel
from wealthtui.ui.widgets.cm_panels import (
    AgendaPanel,
    ChangesPanel,
    CMPanel,
    PortfolioPanel,
    TargetsPanel,
)
from wealthtui.ui.widgets.inbox import InboxPanel
from wealthtui.ui.widgets.lazy_tabs import (
    LazyPane,
    LazyTabbedContent,
    composed_panel,
    pane_ready,
)
from wealthtui.ui.widgets.today import TodayList

TABS = ("today", "week", "portfolio", "targets", "changes", "procedures")
TAB_KEYS = dict(zip(TABS, ("F2", "F3", "F4", "F5", "F6", "F7"), strict=True))
#: what each tab's pane holds, made when the tab is first shown
PANEL_FACTORIES = {
    "today": lambda: [AgendaPanel(days=1, id="today-panel")],
    "week": lambda: [AgendaPanel(days=7, id="week-panel")],
    "portfolio": lambda: [PortfolioPanel(id="portfolio-panel")],
    "targets": lambda: [TargetsPanel(id="targets-panel")],
    "changes": lambda: [ChangesPanel(id="changes-panel")],
    "procedures": lambda: [TodayList(include_open=True)],  # with their open runs of earlier days
}


def status_facts(services: Services, actor: Actor, *, agenda: bool = True) -> dict[str, Any]:
    """What the status line counts (off the event loop). `agenda=False`: without today's
    agenda, which reads the whole book — when the today tab's own read brings it."""
    facts = {
        "inbox": services.handoffs.inbox(actor, include_closed_today=False),
        "received": services.agenda.premium_received(actor),
        "clocks": services.assignments.change_clocks(actor),
    }
    if agenda:
        facts["agenda"] = services.agenda.items(actor, days=1)
    return facts


class CMScreen(ClientActions, RoleScreen):
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
    AUTO_FOCUS = "#agenda-today"

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
    CMScreen #inbox-panel {
        height: 12;
    }
    """

    BINDINGS = [
        *(Binding(key.lower(), f"show_tab('{tab}')", f"cm.tab.{tab}", id=f"cm.tab_{tab}",
                  show=False) for tab, key in TAB_KEYS.items()),
        Binding("ctrl+f", "find", "cm.bind.find", id="cm.find"),
    ]
    #: the footer shows as many as fit, in this order (the panel's own keys first)
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = (
        "cm.log_contact", "cm.record_target", "cm.change_checklist", "inbox.open",
        "inbox.switch", "cm.find", "shell.inbox", "cm.to_teller", "cm.marketing",
        "cm.build_targets", "today.open", "shell.checklists", "shell.my_complaints",
        "cm.book_appointment", "cm.calendar",
    )

    def __init__(self, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.arrivals_seen: set[int] | None = None
        self._status_loading = False
        self._status_dirty = False
        #: today's agenda as last read (by the status line or the today tab), and the status
        #: line's other facts as last read
        self._agenda_today: list[Any] | None = None
        self._status_facts: dict[str, Any] | None = None

    # --- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static(t("cm2.loading"), id="cm-status")
        # each tab's panel is made the first time the tab is shown (issue 22: sign-in mounts
        # today's agenda only)
        with LazyTabbedContent(id="cm-tabs", initial="today"):
            for tab in TABS:
                yield LazyPane(self._label(tab), PANEL_FACTORIES[tab], id=tab)
        panel = CMInboxPanel(id="inbox-panel")
        panel.display = self.app.size.height >= INBOX_AUTO_HEIGHT
        yield panel

    def _label(self, tab: str) -> str:
        return f"{t(f'cm.tab.{tab}')} {TAB_KEYS[tab]}"

    def on_mount(self) -> None:
        super().on_mount()
        self.reload()
        self.current_panel().focus()

    # --- the inbox panel (the base sizes only its own bottom panel) -------------------------
    @property
    def inbox_panel(self) -> CMInboxPanel:
        return self.query_one("#inbox-panel", CMInboxPanel)

    def _in_inbox(self) -> bool:
        focused = self.focused
        return focused is not None and self.inbox_panel in focused.ancestors_with_self

    def _apply_inbox_size(self) -> None:
        if self._inbox_choice is not None:
            return
        panel = self.inbox_panel
        show = self.app.size.height >= INBOX_AUTO_HEIGHT
        if panel.display == show:
            return
        if not show and self._in_inbox():
            self.focus_body()
        panel.display = show

    def action_toggle_inbox(self) -> None:
        """F9: show and focus the inbox; from inside it, back to the tab (on a small terminal
        the inbox hides again then, so the tab has the room)."""
        panel = self.inbox_panel
        if not panel.display or not self._in_inbox():
            if not panel.display:
                self._inbox_choice = True
                panel.display = True
            panel.focus_table()
            return
        if self.app.size.height < INBOX_AUTO_HEIGHT:
            self._inbox_choice = False
            panel.display = False
        self.focus_body()

    def focus_body(self) -> None:
        """The focus into the shown tab's list (nothing while its pane is being composed: its
        activation focuses it)."""
        widget = composed_panel(self, "TodayList" if self.tab == "procedures"
                                else f"#{self.tab}-panel")
        if widget is not None:
            widget.focus()

    # --- data ------------------------------------------------------------------------------
    @property
    def tab(self) -> str:
        return self.query_one("#cm-tabs", TabbedContent).active or "today"

    def current_panel(self) -> CMPanel:
        tab = self.tab if self.tab != "procedures" else "today"
        return self.query_one(f"#{tab}-panel", CMPanel)

    def reload(self) -> None:
        """The status line and the tab shown (each off the event loop, coalesced)."""
        if not self.query("#cm-status"):
            return  # a change noticed while the screen is being built or taken down
        self._load_status()
        self._load_tab(self.tab)

    def on_data_changed(self) -> None:
        self.reload()

    def wrote(self) -> None:
        self.reload()

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content.id != "cm-tabs":
            return
        new = await pane_ready(event.pane)  # composed on its first activation
        tab = event.pane.id or "today"
        if tab == "procedures":
            if not new:  # just made, it is reading already
                self.query_one(TodayList).reload()
        else:  # shown: read again, but not twice when a read is on its way (the first showing)
            self.query_one(f"#{tab}-panel", CMPanel).shown()
        if new and not self._in_inbox():
            self.call_after_refresh(self.focus_body)  # F2–F7 asked for it before it was made

    def _load_tab(self, tab: str) -> None:
        """Read the tab's panel again (a tab whose pane is not composed yet reads when it is)."""
        if tab == "procedures":
            widget = composed_panel(self, "TodayList")
            if isinstance(widget, TodayList):
                widget.reload()
        else:
            panel = composed_panel(self, f"#{tab}-panel")
            if isinstance(panel, CMPanel):
                panel.reload()

    def _load_status(self) -> None:
        if self._status_loading:
            self._status_dirty = True
            return
        self._status_loading, self._status_dirty = True, False
        services = self.services
        # on the today tab its own read of the agenda (the same items) gives the line its count:
        # the whole book is not read twice
        agenda = self.tab != "today"
        self.call(lambda actor: status_facts(services, actor, agenda=agenda), key="status",
                  then=self._show_status, failed=lambda _f: self._status_done())

    def _status_done(self) -> None:
        self._status_loading = False
        if self._status_dirty:
            self._load_status()

    def on_agenda_panel_loaded(self, event: AgendaPanel.Loaded) -> None:
        """The today tab read today's agenda: the status line counts the same items."""
        event.stop()
        if event.panel.days == 1:
            self._agenda_today = list(event.items)
            if self._status_facts is not None:
                self._write_status(self._status_facts)

    def _show_status(self, facts: dict[str, Any]) -> None:
        if "agenda" in facts:
            self._agenda_today = list(facts["agenda"])
        self._status_facts = facts
        if not self._write_status(facts):
            self._status_loading = False
            return
        inbox: list[HandoffView] = facts["inbox"]
        self._announce_arrivals([h for h in inbox if h.kind == "premium_arrival"
                                 and h.status in OPEN])
        self._status_done()

    def _write_status(self, facts: dict[str, Any]) -> bool:
        """The status line from the facts and today's agenda (its count left out until the
        agenda has been read); False when the line is gone (the app closing)."""
        inbox: list[HandoffView] = facts["inbox"]
        today = self.services.ctx.today()
        now = self.clock.now()
        waiting = [h for h in inbox if h.status == "open"]
        late = [h for h in inbox if h.overdue(now)]
        parts = [t("cm.status.inbox", open=len(waiting), late=len(late))]
        if self._agenda_today is not None:
            todo = [i for i in self._agenda_today if not i.done]
            parts.append(t("cm.status.agenda", count=len(todo),
                           overdue=sum(1 for i in todo if i.overdue(today))))
        parts.append(t("figures.cm_received", count=facts["received"]))
        clocks = facts["clocks"]
        if clocks:
            parts.append(t("cm.status.changes", count=len(clocks),
                           overdue=sum(1 for c in clocks if c.overdue(today))))
        line = next(iter(self.query("#cm-status").results(Static)), None)
        if line is None:  # the answer came while the screen's widgets go (the app closing)
            return False
        line.update(t("cm.status.sep").join(parts))
        return True

    def _announce_arrivals(self, arrivals: list[HandoffView]) -> None:
        ids = {h.id for h in arrivals}
        if self.arrivals_seen is not None:
            for h in arrivals:
                if h.id not in self.arrivals_seen:
                    self.notify(t("cm.status.arrival", client=h.client_name or t("common.none"),
                                  ticket=h.ticket_no, sender=h.from_name),
                                severity="warning", timeout=10)
        self.arrivals_seen = ids

    # --- tabs ------------------------------------------------------------------------------
    def action_show_tab(self, tab: str) -> None:
        """F2–F7: the tab; the focus follows into it unless it is in the inbox (it stays there,
        visible, so the next key acts on the hand-off it is on)."""
        in_inbox = self._in_inbox()
        self.query_one("#cm-tabs", TabbedContent).active = tab
        if not in_inbox:
            self.call_after_refresh(self.focus_body)  # once the tab's pane is shown

    # --- clients ---------------------------------------------------------------------------
    def on_cmpanel_client_action(self, event: CMPanel.ClientAction) -> None:
        event.stop()
        item, client_id, name = event.item, event.client_id, event.name
        if event.action == "open":
            self.open_client(client_id)
        elif event.action == "log_contact":
            purpose = getattr(item, "purpose", "") or "care"
            keeps = ([item.ref] if getattr(item, "kind", "") == "follow_up" and item.ref
                     else [])
            self.log_contact(client_id, name, purpose=purpose, keeps=keeps)
        elif event.action == "to_teller":
            self.hand_to_teller(client_id, name)
        elif event.action == "marketing":
            self.open_marketing(client_id)
        elif event.action == "change_checklist":
            self.change_checklist(client_id)
        elif event.action == "book":  # issue 18: client 0 is a prospect without a record
            self.book_appointment(client_id or None, name, after=self.focus_body)

    def on_agenda_panel_open_calendar(self, event: AgendaPanel.OpenCalendar) -> None:
        """Ctrl+D on the agenda: my appointments, the day and the week."""
        event.stop()
        actor = self.actor
        self.app.push_screen(
            CalendarScreen(staff_id=actor.staff_id, title=t("appt.cm_title", name=actor.name),
                           staff=[(actor.name, actor.staff_id)],
                           sources=("cm", "phone_95588", "online")),
            lambda _view: (self.focus_body(), self.reload()))

    def on_inbox_panel_open_subject(self, event: InboxPanel.OpenSubject) -> None:
        h = event.handoff
        if h.subject_type == "complaint" and h.subject_id is not None:
            super().on_inbox_panel_open_subject(event)
            return
        event.stop()
        if h.client_id is None:
            self.notify(t("cm.no_client"), severity="warning")
            return
        self.open_client(h.client_id)

    def open_client(self, client_id: int) -> None:
        """The client's file (its opening is read and audited off the event loop); when it
        closes the focus goes back to the tab's list (not to the inbox: the next F-key acts
        on what is visibly focused) and the screen reloads when something was saved."""
        def closed(changed: bool | None) -> None:
            self.focus_body()
            if changed:
                self.reload()

        self.call(self.services.client_file.open, client_id,
                  then=lambda view: self.app.push_screen(ClientFileScreen(view), closed))

    def action_find(self) -> None:
        def found(client_id: int | None) -> None:
            if client_id:
                self.open_client(client_id)

        self.app.push_screen(FindClientDialog(), found)

    # --- procedures ------------------------------------------------------------------------
    def on_today_list_opened(self, event: TodayList.Opened) -> None:
        event.stop()
        self.app.push_screen(ChecklistScreen(event.run_id), lambda _run: self.reload())

