"""The lobby screen (大堂): the lobby manager's kiosk at the entrance.

Left: one look-up input (card/account, ID, mobile, name, full pinyin, initials, 张s) answering as
you type, the results, the masked client card, the business and amount, and the route the rules
propose. Right: the ticket just issued in large digits, the queue (waiting per category, longest
wait, counters), premium clients in the lobby with their CM's response, and today's flow counts.

Keys (F-keys and ctrl only; letters go to the input method): Enter picks a client (identifying a
premium client hands the arrival to their CM at once), F2 next visitor, F3 walk-in, F4 register,
F5 tell the CM, F6 issue the ticket, F7 divert to self-service, F8 complaint, F10 potential-premium
lead, F11 the visit's identification checklist (its steps are ticked by the lobby's own actions),
ctrl+r re-route the arrival under the cursor, ctrl+k focus the look-up, ctrl+y the staff member's
checklists: today's procedures and every run of theirs still open (after a restart the visit in
hand is gone, its checklist is not), to resume one with Enter. While no visitor is in hand, the
checklist line names how many of those are open.

Manual ch.2 §2.7 (lobby manager), digest §2.4 (routing), §3.3 (potential premium), §4.1
(identification steps).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from wealthtui.devices.printer import PrinterError, TicketSlip, print_ticket
from wealthtui.i18n import t, tl
from wealthtui.rules import permissions
from wealthtui.rules import routing as routing_rules
from wealthtui.rules.clock import local
from wealthtui.rules.fields import ID_TYPES, FieldError
from wealthtui.rules.money import parse_yuan
from wealthtui.services.errors import ServiceError
from wealthtui.services.lobby import GuideResult, VisitView
from wealthtui.services.lookup import ClientCard
from wealthtui.ui.dialogs.complaint_intake import ComplaintIntakeDialog
from wealthtui.ui.dialogs.counter_dialogs import counter_form
from wealthtui.ui.dialogs.form_dialog import Field
from wealthtui.ui.dialogs.roster import RosterDialog
from wealthtui.ui.errors import describe
from wealthtui.ui.labels import tier_name
from wealthtui.ui.screens.base import RoleScreen
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.my_checklists import MyChecklistsScreen
from wealthtui.ui.widgets.client_card import ClientCardView
from wealthtui.ui.widgets.lobby_bigtext import BigText
from wealthtui.ui.widgets.lobby_board import ArrivalsTable, QueueBoard, VisitsTable, flow_text
from wealthtui.ui.widgets.resume import refresh_pending

#: width from which the board shows zones and the last calls
WIDE = 110
#: how often the waits on the board are brought up to date without a write, in seconds
BOARD_TICK = 30.0
AUTO = "auto"


def zone_name(settings: Any, code: str) -> str:
    zone = settings.zones.get(code)
    return tl(zone.name, zone.name_en) if zone else code


def result_label(card: ClientCard, settings: Any) -> Text:
    text = Text()
    text.append(card.name, style="bold")
    if card.title:
        text.append(card.title)
    text.append(" ")
    text.append(tier_name(settings, card.tier), style="yellow" if card.premium else "dim")
    number = {"card": card.card_masked, "phone": card.phone_masked}.get(
        card.matched_by, card.id_masked)
    if number:
        text.append(f" {number}", style="dim")
    return text


class LobbyScreen(RoleScreen):
    MODE = "lobby"
    HELP_SECTIONS = (
        ("ch.2 §2.7 item 4; digest §4.1", "lobby.help.identify"),
        ("ch.2 §2.7 item 3; digest §2.4", "lobby.help.route"),
        ("ch.2 §1.3", "lobby.help.zones"),
        ("digest §3.3", "lobby.help.potential"),
        ("ch.4 §5; digest §4.5.2", "lobby.help.complaint"),
        ("ch.2 §2.7 item 8", "lobby.help.flow"),
    )

    DEFAULT_CSS = """
    LobbyScreen #lobby-main {
        height: 1fr;
    }
    LobbyScreen #lobby-left {
        width: 1fr;
        min-width: 44;
        padding: 0 1 0 0;
    }
    LobbyScreen #lobby-right {
        width: 34;
        border-left: solid $primary;
    }
    LobbyScreen.-wide #lobby-right {
        width: 1fr;
    }
    LobbyScreen #lookup {
        width: 1fr;
    }
    LobbyScreen #results {
        height: 4;
        border: none;
        padding: 0;
        background: $surface;
    }
    LobbyScreen.-wide #results {
        height: 6;
    }
    LobbyScreen #client-card {
        margin: 0 0 0 0;
    }
    LobbyScreen #route-row {
        height: 3;
    }
    LobbyScreen #business {
        width: 1fr;
    }
    LobbyScreen #amount {
        width: 16;
    }
    LobbyScreen #proposal {
        height: auto;
        min-height: 2;
        padding: 0 1;
        color: $text;
    }
    LobbyScreen #checklist-line {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    LobbyScreen #ticket-box {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    LobbyScreen #ticket-title {
        height: 1;
        color: $text-muted;
    }
    LobbyScreen #ticket-detail {
        height: auto;
    }
    LobbyScreen #flow-line {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    """

    BINDINGS = [
        Binding("f2", "next_visitor", "lobby.bind.next_visitor", id="lobby.next_visitor"),
        Binding("f3", "walk_in", "lobby.bind.walk_in", id="lobby.walk_in"),
        Binding("f4", "register", "lobby.bind.register", id="lobby.register"),
        Binding("f5", "notify_cm", "lobby.bind.notify_cm", id="lobby.notify_cm"),
        Binding("f6", "issue_ticket", "lobby.bind.issue_ticket", id="lobby.issue_ticket"),
        Binding("f7", "divert", "lobby.bind.divert", id="lobby.divert"),
        Binding("f8", "complaint", "lobby.bind.complaint", id="lobby.complaint"),
        Binding("f10", "lead", "lobby.bind.lead", id="lobby.lead"),
        Binding("f11", "checklist", "lobby.bind.checklist", id="lobby.checklist"),
        Binding("ctrl+r", "reroute", "lobby.bind.reroute", id="lobby.reroute"),
        Binding("ctrl+t", "roster", "roster.bind.open", id="lobby.roster"),
        Binding("ctrl+y", "checklists", "resume.bind.checklists", id="lobby.checklists",
                show=False),  # named by the line of open checklists, and in F1 help
        Binding("ctrl+j", "my_complaints", "my_complaints.bind.show", id="lobby.my_complaints",
                show=False),  # in F1 help
        Binding("ctrl+k", "focus_lookup", "lobby.bind.focus_lookup", id="lobby.focus_lookup",
                show=False),
    ]

    AUTO_FOCUS = "#lookup"

    def __init__(self, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.results: list[ClientCard] = []
        self.card: ClientCard | None = None
        self.visit: VisitView | None = None
        self.walk_in = False
        self.last: GuideResult | None = None
        #: the line naming the staff member's open checklists ("" when none)
        self.pending = ""

    # --- layout ------------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        business = [(t(f"lobby.business.{b}"), b) for b in routing_rules.BUSINESS_KINDS]
        with Horizontal(id="lobby-main"):
            with Vertical(id="lobby-left"):
                yield Input(placeholder=t("lobby.lookup.placeholder"), id="lookup",
                            select_on_focus=False)
                yield OptionList(id="results")
                yield ClientCardView(id="client-card")
                with Horizontal(id="route-row"):
                    yield Select(business, id="business", allow_blank=False,
                                 value=routing_rules.NON_CASH)
                    yield Input(placeholder=t("lobby.amount.placeholder"), id="amount",
                                select_on_focus=False)
                yield Static("", id="proposal")
                yield Static("", id="checklist-line")
                yield VisitsTable(id="visits")
            with Vertical(id="lobby-right"):
                with Vertical(id="ticket-box"):
                    yield Static(t("lobby.ticket.title"), id="ticket-title")
                    yield BigText("", id="ticket-no")
                    yield Static(t("lobby.ticket.none"), id="ticket-detail")
                yield QueueBoard(id="queue-board")
                yield ArrivalsTable(id="arrivals")
                yield Static("", id="flow-line")

    def on_mount(self) -> None:
        super().on_mount()
        blink = self.settings.ui.blink_cursor
        for widget in self.query(Input):
            widget.cursor_blink = blink
        self._fit()
        self.query_one(ClientCardView).show(None, self.settings)
        self.reload()
        self.set_interval(BOARD_TICK, self.reload_board)

    def on_resize(self) -> None:
        super().on_resize()
        self._fit()

    def _fit(self) -> None:
        self.set_class(self.app.size.width >= WIDE, "-wide")

    def focus_now(self, widget: Any) -> None:
        """Move the focus at once (Widget.focus() waits a turn, and keys typed meanwhile would
        land in the widget that had it)."""
        self.set_focus(widget)

    @property
    def wide(self) -> bool:
        return self.app.size.width >= WIDE

    # --- reloading -----------------------------------------------------------------------------
    def on_data_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.reload_board()
        self.reload_pending()
        if self.card is not None:
            card = self._quiet(self.services.lookup.get, self.card.id)
            if card is not None:
                self.card = card
                self.query_one(ClientCardView).show(card, self.settings)

    def reload_board(self) -> None:
        snap = self._quiet(self.services.queue.snapshot, last_calls=4)
        if snap is not None:
            self.query_one(QueueBoard).show(snap, self.settings, wide=self.wide)
        now = self.clock.now()
        if self.actor.can("handoff.view_all"):
            arrivals = self._quiet(self.services.lobby.arrivals)
            if arrivals is not None:
                self.query_one(ArrivalsTable).show(
                    arrivals, now, self.settings.handoffs.arrival_late_minutes)
        visits = self._quiet(self.services.lobby.visits)
        if visits is not None:
            self.query_one(VisitsTable).show(visits, self.settings, self.services.ctx.tz)
        if self.actor.can("flowlog.view"):
            counts = self._quiet(self.services.lobby.flow_counts)
            if counts is not None:
                self.query_one("#flow-line", Static).update(flow_text(counts))

    def reload_pending(self) -> None:
        """Count the staff member's open checklists again (shown while no visitor is in hand)."""
        width = self.query_one("#lobby-left").size.width or (
            self.app.size.width // 2 if self.wide else self.app.size.width - 35)
        refresh_pending(self, width - 2, self._pending_shown)

    def _pending_shown(self, text: str) -> None:
        self.pending = text
        self.update_checklist_line()

    def _quiet(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """A read for the board: an error is shown once as a toast, the board keeps its last."""
        try:
            return fn(self.actor, *args, **kwargs)
        except (ServiceError, FieldError) as exc:
            self.notify(describe(exc), severity="error", timeout=6)
            return None

    # --- look-up -------------------------------------------------------------------------------
    @on(Input.Changed, "#lookup")
    def _lookup_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    def search(self, text: str) -> None:
        options = self.query_one("#results", OptionList)
        options.clear_options()
        self.results = []
        if not text.strip():
            return
        cards = self.run_service(self.services.lookup.search, text, limit=8)
        if cards is None:
            return
        self.results = cards
        if not cards:
            options.add_option(Option(Text(t("lobby.lookup.nothing"), style="dim"),
                                      disabled=True))
            return
        options.add_options(Option(result_label(c, self.settings), id=str(c.id)) for c in cards)
        options.highlighted = 0

    @on(Input.Submitted, "#lookup")
    def _lookup_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if len(self.results) == 1:
            self.choose(self.results[0])
        elif self.results:
            self.focus_now(self.query_one("#results", OptionList))

    @on(OptionList.OptionSelected, "#results")
    def _result_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = next((c for c in self.results if str(c.id) == event.option.id), None)
        if chosen is not None:
            self.choose(chosen)

    def choose(self, card: ClientCard) -> None:
        """Identify the client: a visit is recorded; a premium client's CM is told at once."""
        if self.visit is not None and self.visit.client_id == card.id:
            self.focus_now(self.query_one("#business", Select))
            return
        self._new_visit()
        visit = self.run_service(self.services.lobby.arrive, client_id=card.id)
        if visit is None:
            return
        self.card, self.visit, self.walk_in = card, visit, False
        self.query_one(ClientCardView).show(card, self.settings)
        if visit.arrival is not None:
            to = visit.arrival.to_name or t(f"role.{visit.arrival.to_role}")
            self.notify(t("lobby.notified", name=card.name, cm=to), timeout=6)
        self._default_business()
        self.update_proposal()
        self.focus_now(self.query_one("#business", Select))
        self.changed()

    def _default_business(self) -> None:
        if self.card is not None and self.card.premium:
            self.query_one("#business", Select).value = routing_rules.WEALTH

    # --- proposal -------------------------------------------------------------------------------
    @on(Select.Changed, "#business")
    def _business_changed(self) -> None:
        self.update_proposal()

    @on(Input.Changed, "#amount")
    def _amount_changed(self) -> None:
        self.update_proposal()

    def _business(self) -> str:
        value = self.query_one("#business", Select).value
        return str(value) if isinstance(value, str) else routing_rules.NON_CASH

    def _amount(self, *, strict: bool) -> int | None:
        text = self.query_one("#amount", Input).value.strip()
        if not text:
            return None
        try:
            return parse_yuan(text, "lobby.field.amount", allow_zero=True)
        except FieldError:
            if strict:
                raise
            return None

    def update_checklist_line(self) -> None:
        line = self.query_one("#checklist-line", Static)
        run_id = self.visit.checklist_run_id if self.visit is not None else None
        if run_id is None:
            line.update(Text(self.pending, style="bold yellow"))
            return
        run = self._quiet(self.services.checklists.get, run_id)
        if run is None:
            return
        done = run.required_done == run.required_total
        line.update(Text(t("lobby.checklist.line", done=run.required_done,
                           total=run.required_total),
                         style="green" if done else "yellow"))

    def update_proposal(self) -> None:
        self.update_checklist_line()
        proposal = self.query_one("#proposal", Static)
        if self.card is None and not self.walk_in:
            proposal.update(Text(t("lobby.proposal.pick"), style="dim"))
            return
        route = self._quiet(self.services.lobby.propose,
                            client_id=self.card.id if self.card else None,
                            business=self._business(), amount_fen=self._amount(strict=False))
        if route is None:
            return
        proposal.update(self.route_text(route))

    def route_text(self, route: routing_rules.Route) -> Text:
        text = Text(t("lobby.proposal.prefix"), style="bold")
        text.append(zone_name(self.settings, route.zone))
        if route.category:
            cat = self.settings.category(route.category)
            name = tl(cat.name, cat.name_en) if cat else route.category
            text.append(" · ")
            text.append(t("lobby.proposal.ticket", prefix=cat.prefix if cat else "", name=name),
                        style="bold green")
        else:
            text.append(" · ")
            text.append(t("lobby.proposal.no_ticket"), style="dim")
        extras = []
        if route.divert:
            extras.append(t("lobby.proposal.divert"))
        if route.notify_cm:
            extras.append(t("lobby.proposal.notify_cm"))
        if route.lead:
            extras.append(t("lobby.proposal.lead"))
        if extras:
            text.append("\n" + " · ".join(extras), style="yellow")
        text.append(f"  ({t('lobby.route_reason.' + route.reason)})", style="dim")
        return text

    # --- the visitor --------------------------------------------------------------------------
    def _new_visit(self) -> None:
        self.card, self.visit, self.walk_in = None, None, False
        self.query_one("#amount", Input).value = ""
        self.query_one("#business", Select).value = routing_rules.NON_CASH
        self.query_one(ClientCardView).show(None, self.settings)

    def action_next_visitor(self) -> None:
        self._new_visit()
        lookup = self.query_one("#lookup", Input)
        lookup.value = ""
        self.search("")
        self.update_proposal()
        self.focus_now(lookup)

    def action_focus_lookup(self) -> None:
        self.focus_now(self.query_one("#lookup", Input))

    def action_walk_in(self) -> None:
        """A visitor with no record: served as a walk-in."""
        self._new_visit()
        visit = self.run_service(self.services.lobby.arrive)
        if visit is None:
            return
        self.visit, self.walk_in = visit, True
        self.query_one(ClientCardView).show(None, self.settings, walk_in=True)
        self.update_proposal()
        self.focus_now(self.query_one("#business", Select))
        self.changed()

    def _ensure_visit(self) -> VisitView | None:
        if self.visit is not None:
            return self.visit
        if self.card is not None:
            return None
        self.action_walk_in()
        return self.visit

    def action_issue_ticket(self) -> None:
        self._guide(divert=False)

    def action_divert(self) -> None:
        self._guide(divert=True)

    def _guide(self, *, divert: bool) -> None:
        try:
            amount = self._amount(strict=True)
        except FieldError as exc:
            self.query_one("#proposal", Static).update(Text(describe(exc), style="bold red"))
            self.focus_now(self.query_one("#amount", Input))
            return
        visit = self._ensure_visit()
        if visit is None:
            return
        if visit.ticket_no or visit.diverted:
            self.notify(t("lobby.already_guided"), severity="warning")
            return
        business = self._business()
        if divert and business in (routing_rules.CONSULT,):
            business = routing_rules.SELF_SERVICE
        result: GuideResult | None = self.run_service(
            self.services.lobby.guide, visit.id, business=business, amount_fen=amount,
            divert=divert)
        if result is None:
            return
        self.visit, self.last = result.visit, result
        self.update_checklist_line()
        if result.ticket_no:
            self.show_ticket(result)
            self.notify(t("lobby.ticket.issued", ticket=result.ticket_no), timeout=5)
            self.send_to_printer(result)
        elif result.visit.diverted:
            self.notify(t("lobby.diverted"), timeout=5)
        else:
            self.notify(t("lobby.consulting"), timeout=5)
        self.changed()
        self.reload_board()

    def show_ticket(self, result: GuideResult) -> None:
        self.query_one("#ticket-no", BigText).value = result.ticket_no
        cat = self.settings.category(self._ticket_category(result))
        name = tl(cat.name, cat.name_en) if cat else ""
        self.query_one("#ticket-detail", Static).update(
            t("lobby.ticket.detail", name=name, zone=zone_name(self.settings, result.visit.zone),
              ahead=result.ahead or 0))

    def _ticket_category(self, result: GuideResult) -> str:
        prefix = result.ticket_no.rstrip("0123456789")
        cat = next((c for c in self.settings.queue.categories if c.prefix == prefix), None)
        return cat.code if cat else ""

    def ticket_slip(self, result: GuideResult) -> TicketSlip:
        """What the printed ticket shows: center, number, business, people ahead, time and the
        configured reminder, in the kiosk's language."""
        cat = self.settings.category(self._ticket_category(result))
        issued = local(self.clock.now(), self.services.ctx.tz)
        printer = self.settings.printer
        return TicketSlip(
            center=tl(self.settings.center.name, self.settings.center.name_en),
            number=result.ticket_no,
            business=tl(cat.name, cat.name_en) if cat else "",
            ahead=t("lobby.ticket.print_ahead", ahead=result.ahead or 0),
            issued_at=issued.strftime("%Y-%m-%d %H:%M"),
            reminder=tl(printer.reminder, printer.reminder_en),
        )

    def send_to_printer(self, result: GuideResult) -> None:
        if self.settings.printer.kind != "none":
            self._print(self.ticket_slip(result))

    @work(thread=True, exclusive=False, group="ticket-printer")
    def _print(self, slip: TicketSlip) -> None:
        """Off the UI thread (a printer that is off makes the connection wait its timeout); the
        ticket is already issued, a failure only tells the lobby to give the number by voice."""
        try:
            print_ticket(self.settings.printer, slip)
        except PrinterError as exc:
            self.app.call_from_thread(self.notify, t("error.lobby.printer", detail=str(exc)),
                                      severity="error", timeout=10, markup=False)

    def action_notify_cm(self) -> None:
        if self.visit is None or self.visit.client_id is None:
            self.notify(t("error.lobby.no_client"), severity="warning")
            return
        arrival = self.run_service(self.services.lobby.notify_cm, self.visit.id)
        if arrival is not None:
            to = arrival.to_name or t(f"role.{arrival.to_role}")
            self.notify(t("lobby.notified", name=arrival.client_name, cm=to), timeout=6)
            self.changed()

    # --- dialogs --------------------------------------------------------------------------------
    def action_register(self) -> None:
        typed = self.query_one("#lookup", Input).value.strip()
        id_types = tuple((t(f"lobby.id_type.{code}"), code) for code in ID_TYPES)
        specs = [
            Field("name", "field.name", value=typed if typed and not typed.isascii() else "",
                 max_length=40),
            Field("id_type", "field.id_type", kind="select", options=id_types),
            Field("id_number", "field.id_number", value=typed if typed.isdigit() else "",
                 max_length=24),
            Field("phone", "field.phone", max_length=20),
            Field("title", "lookup.field.title", max_length=20),
        ]

        def submit(values: dict[str, Any]) -> ClientCard:
            return self.services.lookup.register(
                self.actor, name=values["name"], id_type=values["id_type"],
                id_number=values["id_number"], phone=values["phone"], title=values["title"])

        def done(card: ClientCard | None) -> None:
            if card is None:
                return
            self.notify(t("lobby.registered", name=card.name), timeout=5)
            if self.visit is not None and self.visit.client_id is None:
                visit = self.run_service(self.services.lobby.identify, self.visit.id, card.id)
                if visit is not None:
                    self.card, self.visit, self.walk_in = card, visit, False
                    self.query_one(ClientCardView).show(card, self.settings)
                    self.update_proposal()
                    self.changed()
                return
            self.choose(card)

        self.app.push_screen(counter_form(t("lobby.register.title"), specs, submit=submit,
                                         info=[t("lobby.register.info")],
                                         form_id="register-form"), done)

    def action_lead(self) -> None:
        choices = self._quiet(self.services.lobby.cm_choices) or []
        cms = ((t("lobby.lead.auto"), AUTO),
               *((self._cm_label(c), c.staff_id) for c in choices))
        specs = []
        if self.card is None:
            specs += [Field("contact_name", "field.name", max_length=40),
                      Field("contact_phone", "field.phone", max_length=20)]
        specs += [
            Field("signal", "lobby.field.signal", max_length=200),
            Field("observed", "lobby.field.observed", max_length=200),
            Field("need", "lobby.field.need", max_length=500),
            Field("cm", "field.handoff_to", kind="select", options=cms),
        ]
        card, visit = self.card, self.visit
        info = [t("lobby.lead.for", name=card.name)] if card else [t("lobby.lead.walk_in")]

        def submit(values: dict[str, Any]) -> Any:
            cm = values["cm"]
            return self.services.lobby.spot_potential(
                self.actor, client_id=card.id if card else None,
                contact_name=values.get("contact_name", ""),
                contact_phone=values.get("contact_phone", ""), signal=values["signal"],
                observed_business=values["observed"], need=values["need"],
                to_staff_id=None if cm == AUTO else cm,
                visit_id=visit.id if visit is not None else None)

        def done(lead: Any) -> None:
            if lead is not None:
                to = lead.to_name or t(f"role.{lead.to_role}")
                self.notify(t("lobby.lead.sent", cm=to), timeout=5)
                self.update_checklist_line()
                self.changed()
                self.reload_board()

        self.app.push_screen(counter_form(t("lobby.lead.title"), specs, submit=submit, info=info,
                                         form_id="lead-form"), done)

    def _cm_label(self, c: Any) -> str:
        state = {True: "lobby.cm.present", False: "lobby.cm.absent", None: "lobby.cm.unknown"}
        label = f"{c.name} ({t(state[c.present])})"
        return label + (f" {t('lobby.cm.duty')}" if c.duty else "")

    def action_reroute(self) -> None:
        arrival = self.query_one(ArrivalsTable).selected
        if arrival is None or arrival.status not in ("open", "accepted"):
            self.notify(t("lobby.reroute.none"), severity="warning")
            return
        choices = [c for c in (self._quiet(self.services.lobby.cm_choices) or [])
                   if c.staff_id != arrival.to_staff_id]
        options = (*((self._cm_label(c), c.staff_id) for c in choices),
                   (t("lobby.reroute.all_cms"), permissions.WEALTH_CM))
        specs = [Field("to", "field.handoff_to", kind="select", options=options),
                 Field("note", "field.note", max_length=500)]

        def submit(values: dict[str, Any]) -> Any:
            to = values["to"]
            return self.services.lobby.reroute_arrival(
                self.actor, arrival.handoff_id,
                to_staff_id=to if isinstance(to, int) else None,
                to_role=to if isinstance(to, str) else None, note=values["note"])

        def done(moved: Any) -> None:
            if moved is not None:
                to = moved.to_name or t(f"role.{moved.to_role}")
                self.notify(t("lobby.reroute.done", name=moved.client_name, cm=to), timeout=5)
                self.changed()
                self.reload_board()

        self.app.push_screen(counter_form(
            t("lobby.reroute.title"), specs, submit=submit,
            info=[t("lobby.reroute.info", name=arrival.client_name,
                    cm=arrival.to_name or t(f"role.{arrival.to_role}"))],
            form_id="reroute-form"), done)

    def action_checklist(self) -> None:
        """The visit's identification checklist (manual digest §4.1), over the screen."""
        run_id = self.visit.checklist_run_id if self.visit is not None else None
        if run_id is None:
            self.notify(t("lobby.checklist.none"), severity="warning")
            return

        def done(_run: Any) -> None:
            self.update_checklist_line()

        self.app.push_screen(ChecklistScreen(run_id), done)

    def action_checklists(self) -> None:
        """Today's procedures and every checklist of this staff member still open, to resume."""
        def closed(_result: None) -> None:
            self.reload()
            self.changed()

        self.app.push_screen(MyChecklistsScreen(), closed)

    def action_roster(self) -> None:
        """The day's roster: the lobby manager records who is in and who is on duty at opening
        (the others see it)."""
        def done(changed: bool | None) -> None:
            if changed:
                self.changed()

        self.app.push_screen(RosterDialog(), done)


    def action_complaint(self) -> None:
        def done(complaint: Any) -> None:
            if complaint is not None:
                self.changed()
                self.reload_board()

        client_id = self.card.id if self.card is not None else None
        self.app.push_screen(ComplaintIntakeDialog(client_id=client_id, channel="on_site"), done)
