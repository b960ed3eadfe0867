"""The lobby screen (大堂): the lobby manager's kiosk at the entrance.

Left: one look-up input (card/account, ID, mobile, name, full pinyin, initials, 张s) answering as
you type, the results, the masked client card, the business and amount, and the route the rules
propose. Right: the ticket just issued in large digits, the queue (waiting per category, longest
wait, counters), premium clients in the lobby with their CM's response, and today's flow counts.

Keys (F-keys and ctrl only; letters go to the input method): Enter picks a client (identifying a
premium client hands the arrival to their CM at once) and moves to the business line, where the
number keys choose the business (1 cash … 5 consult: a cash ticket is Enter, 1, F6), F2 next
visitor, F3 walk-in (clears the look-up and the card), F4 register,
F5 tell the CM, F6 issue the ticket, F7 divert to self-service, F8 complaint, F10 potential-premium
lead, F11 the visit's identification checklist (its steps are ticked by the lobby's own actions),
ctrl+r re-route the arrival under the cursor, ctrl+k focus the look-up, ctrl+y the staff member's
checklists: today's procedures and every run of theirs still open (after a restart the visit in
hand is gone, its checklist is not), to resume one with Enter. While no visitor is in hand, the
checklist line names how many of those are open.

Appointments (issue 18): a client looked up with an appointment today shows it on the
appointment line, and ctrl+g checks them in (the visit just recorded is the arrival; a ticket
called before the lane's walk-ins, or their CM told at once). ctrl+b opens the day's calendar
of everyone's appointments (book, day/week, cancel, check in). A reader typing a full number and
Enter (a keyboard-wedge ID or card reader) selects the client at once: a complete valid ID or
card number is a scan (rules.scans), no timing involved, and its burst of keys costs a look-up per
answer of the store, not one per key (rules.scans.LookupPacer); the confirmation's QR code (an
appointment reference) checks the client in at once. Appointments past their end and grace are
marked no-shows on the lobby's timer (every NO_SHOW_TICK seconds, and when the screen opens).

Every read and write goes through `Calls.call` (ui/calls.py), off the event loop: the look-up on
every change (key "look-up": the last request wins, each key echoes at once; a number's keys that
come while one runs are looked up once when it answers); the board (queue,
arrivals, the visits, flow counts) in one call, coalesced — a change marker or the 30 s tick
while it loads makes one more load after it, never a pile. The visits are read once as the
latest that fit the table, then only those changed since the marker of the rows shown
(LobbyService.visits_board with `since`, at most a tableful), merged in; an action
pressed while a write for the visitor is on its way (Enter, then F6 at once) runs when it is
answered.

Manual ch.2 §2.7 (lobby manager), digest §2.4 (routing), §3.3 (potential premium), §4.1
(identification steps).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from wealthtui.devices.printer import PrinterError, TicketSlip, print_ticket
from wealthtui.i18n import t, tl
from wealthtui.rules import permissions, scans
from wealthtui.rules import routing as routing_rules
from wealthtui.rules.clock import local
from wealthtui.rules.fields import ID_TYPES, FieldError
from wealthtui.rules.money import parse_yuan
from wealthtui.services import Actor, Services
from wealthtui.services.appointments import AppointmentView
from wealthtui.services.lobby import ArrivalView, GuideResult, VisitView, merge_visits
from wealthtui.services.lobby_board import Board, read_board
from wealthtui.services.lookup import ClientCard, parse_query, tail_alone
from wealthtui.ui.dialogs.complaint_intake import ComplaintIntakeDialog
from wealthtui.ui.dialogs.counter_dialogs import counter_form
from wealthtui.ui.dialogs.form import LookupInput, submit_after_typed
from wealthtui.ui.dialogs.form_dialog import Field
from wealthtui.ui.dialogs.roster import RosterDialog
from wealthtui.ui.errors import describe
from wealthtui.ui.labels import tier_name
from wealthtui.ui.screens.base import RoleScreen
from wealthtui.ui.screens.calendar import CalendarScreen
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.text import Paragraph
from wealthtui.ui.widgets.client_card import ClientCardView
from wealthtui.ui.widgets.key_hold import KeyHold
from wealthtui.ui.widgets.lobby_bigtext import BigText
from wealthtui.ui.widgets.lobby_board import (
    VISITS_FIRST_ROWS,
    ArrivalsTable,
    QueueBoard,
    VisitsTable,
    flow_text,
)
from wealthtui.ui.widgets.lobby_business import BusinessChoice
from wealthtui.ui.widgets.resume import pending_line

#: width from which the board shows zones and the last calls
WIDE = 110
#: how often the waits on the board are brought up to date without a write, in seconds
BOARD_TICK = 30.0
#: how often appointments past their end and grace are marked no-shows, in seconds
NO_SHOW_TICK = 300.0
AUTO = "auto"


def zone_name(settings: Any, code: str) -> str:
    zone = settings.zones.get(code)
    return tl(zone.name, zone.name_en) if zone else code


@dataclass(frozen=True)
class ScanCheckIn:
    """What a scanned appointment reference did: the appointment checked in, its client's card
    and the visit (None: a prospect without a record)."""

    appointment: AppointmentView
    card: ClientCard | None
    visit: VisitView | None


def check_in_reference(services: Services, actor: Actor, reference: str) -> ScanCheckIn:
    """The confirmation's QR code read into the look-up (in the call's thread): the appointment
    of the reference checked in, then its client's card and visit for the screen."""
    found = services.appointments.by_reference(actor, reference)
    done = services.appointments.check_in(actor, found.id)
    card = services.lookup.get(actor, done.client_id) if done.client_id is not None else None
    visit = services.lobby.visit(actor, done.visit_id) if done.visit_id is not None else None
    return ScanCheckIn(done, card, visit)


def appointment_text(view: AppointmentView, tz: Any) -> Text:
    """The appointment line: when, what, with whom, its state (plain text: names are data)."""
    text = Text(t("appt.lobby.line", time=view.start_at.astimezone(tz).strftime("%H:%M"),
                  purpose=tl(view.purpose_name, view.purpose_name_en)), style="bold yellow")
    text.append(" ")
    text.append(view.staff_name or t("appt.any_counter"))
    if view.status != "booked":
        text.append(" · " + t(f"appointments.status_{view.status}"), style="dim")
        if view.ticket_no:
            text.append(f" {view.ticket_no}", style="dim")
    else:
        text.append("  " + t("appt.lobby.check_in_hint"), style="green")
    return text


class Coalesced:
    """One load at a time: asked again while it runs, it runs once more when it ends (never a
    pile of loads behind a busy store). `start()` begins a load and must call `done()` when
    it is answered (value or failure)."""

    def __init__(self, start: Callable[[], None]) -> None:
        self._start = start
        self.running = False
        self.again = False
        self.started = 0

    def request(self) -> None:
        if self.running:
            self.again = True
            return
        self.running, self.again = True, False
        self.started += 1
        self._start()

    def done(self) -> None:
        self.running = False
        if self.again:
            self.request()


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
        height: auto;
    }
    LobbyScreen #amount {
        width: 12;
        background: $boost;
    }
    LobbyScreen.-wide #amount {
        width: 16;
    }
    LobbyScreen #amount:focus {
        background: $accent 30%;
    }
    LobbyScreen #proposal {
        height: auto;
        min-height: 2;
        padding: 0 1;
        color: $text;
    }
    LobbyScreen #appointment-line {
        height: auto;
        padding: 0 1;
    }
    LobbyScreen #appointment-line.-none {
        display: none;
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
        Binding("ctrl+g", "check_in", "appt.bind.lobby_check_in", id="lobby.check_in"),
        Binding("ctrl+b", "calendar", "appt.bind.calendar", id="lobby.calendar"),
        Binding("ctrl+k", "focus_lookup", "lobby.bind.focus_lookup", id="lobby.focus_lookup",
                show=False),
    ]
    #: the lobby's keys in the order they matter at the door (the footer shows what fits)
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = (
        "lobby.issue_ticket", "lobby.next_visitor", "lobby.walk_in", "lobby.divert",
        "lobby.register", "lobby.notify_cm", "lobby.complaint", "lobby.lead",
        "lobby.checklist", "lobby.reroute", "lobby.roster", "shell.inbox",
        "lobby.focus_lookup", "shell.checklists", "shell.my_complaints",
        "lobby.check_in", "lobby.calendar",  # issue 18 (the appointment line names Ctrl+G)
    )

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
        #: the text the look-up is asked for, and the text the results shown answer
        self.query_text = ""
        self.results_text = ""
        #: Enter pressed in the look-up before its answer came: act when it comes
        self._enter_waiting: str | None = None
        #: when the look-up asks the store as keys come (a burst: a look-up per answer, not per key)
        self.pacer = scans.LookupPacer()
        self.board = Coalesced(self._load_board)
        self.pending_load = Coalesced(self._load_pending)
        self._board_loaded = False
        self._rows_asked = 0
        #: the visits listed and the change marker they are current to (None: read them whole)
        self._visits: tuple[VisitView, ...] = ()
        self._visits_marker: int | None = None
        #: the flow counts' line shown (a reload that changes none leaves it alone)
        self._flow_shown: Text | None = None
        #: writes for the visitor on their way, and the actions pressed meanwhile
        self._writes = 0
        self._deferred: list[Callable[[], None]] = []
        #: the looked-up client's appointments of today (the first booked one is checked in),
        #: and whose they are (None: not read yet)
        self.appointments: list[AppointmentView] = []
        self.appointments_of: int | None = None

    # --- layout ------------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        self._fit()  # before the children: set on the mount it restyled every one of them
        with Horizontal(id="lobby-main"):
            with Vertical(id="lobby-left"):
                yield LookupInput(placeholder=t("lobby.lookup.placeholder"), id="lookup",
                                  select_on_focus=False)
                yield OptionList(id="results")
                yield KeyHold(id="lookup-hold")
                yield ClientCardView(id="client-card")
                with Horizontal(id="route-row"):
                    yield BusinessChoice(routing_rules.NON_CASH, id="business")
                    yield Input(placeholder=t("lobby.amount.placeholder"), id="amount",
                                select_on_focus=False, compact=True)
                yield Paragraph("", id="proposal")
                yield Static("", id="appointment-line", classes="-none")
                yield Static("", id="checklist-line")
                yield VisitsTable(id="visits")
            with Vertical(id="lobby-right"):
                with Vertical(id="ticket-box"):
                    yield Static(t("lobby.ticket.title"), id="ticket-title")
                    yield BigText("", id="ticket-no")
                    yield Paragraph(t("lobby.ticket.none"), id="ticket-detail")
                yield QueueBoard(id="queue-board")
                yield ArrivalsTable(id="arrivals")
                yield Paragraph("", id="flow-line")

    def on_mount(self) -> None:
        super().on_mount()
        blink = self.settings.ui.blink_cursor
        for widget in self.query(Input):
            widget.cursor_blink = blink
        self.query_one(ClientCardView).show(None, self.settings)
        self.query_one(VisitsTable).loading = True  # until the first board load answers
        self.query_one(ArrivalsTable).loading = True
        self.reload()
        self.set_interval(BOARD_TICK, self.reload_board)
        self.mark_no_shows()
        self.set_interval(NO_SHOW_TICK, self.mark_no_shows)

    def on_resize(self) -> None:
        super().on_resize()
        self._fit()

    @on(VisitsTable.Fits)
    def _visits_fit(self, event: VisitsTable.Fits) -> None:
        """Laid out or resized: read as many visits as the table now shows — more than were
        read: the latest that fit, whole; fewer: the rows read are cut to those that fit, with
        no read (the first layout after the mount's read, which asked for a screenful)."""
        if event.rows > self._rows_asked:
            self.reload_board()
        elif event.rows < self._rows_asked:
            self._rows_asked = event.rows  # a read on its way is cut when it answers
            if self._board_loaded:
                self._visits = self._visits[:event.rows]
                self.query_one(VisitsTable).show(self._visits, self.settings,
                                                 self.services.ctx.tz)

    def _fit(self) -> None:
        self.set_class(self.app.size.width >= WIDE, "-wide")

    def focus_now(self, widget: Any) -> None:
        """Move the focus at once (Widget.focus() waits a turn, and keys typed meanwhile would
        land in the widget that had it)."""
        self.set_focus(widget)

    @property
    def wide(self) -> bool:
        return self.app.size.width >= WIDE

    # --- reloading (all in workers, coalesced) ---------------------------------------------
    def on_data_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.reload_board()
        self.reload_pending()
        if self.card is not None:
            card_id = self.card.id

            def fresh(card: ClientCard) -> None:
                if self.card is not None and self.card.id == card_id:
                    self.card = card
                    self.query_one(ClientCardView).show(card, self.settings)

            self.call(self.services.lookup.get, card_id, then=fresh, key="card", quiet=True)

    def reload_board(self) -> None:
        """The queue, arrivals, latest visits and flow counts, in one call off the event loop;
        asked while a load runs, it loads once more after it (the 30 s tick goes here too)."""
        self.board.request()

    def _load_board(self) -> None:
        """Only the visits changed since the rows shown, unless the table now shows more rows
        than were read (then the latest that fit, whole)."""
        table = self.query_one(VisitsTable)
        # before the table's first layout (the mount's read) it cannot say how many rows it
        # shows: a screenful at most, cut to what fits when it is laid out (_visits_fit)
        services, rows = self.services, table.rows_fit() if table.size.height else \
            max(VISITS_FIRST_ROWS, self.app.size.height)
        since = self._visits_marker if rows == self._rows_asked else None
        self._rows_asked = rows
        self.call(lambda actor: read_board(services, actor, rows, since), then=self._show_board,
                  failed=self._board_failed, key="board")

    def _board_failed(self, _failure: object) -> None:
        self._visits_marker = None  # read the visits whole next time
        self.board.done()

    def _show_board(self, board: Board) -> None:
        self.board.done()
        self.query_one(QueueBoard).show(board.snap, self.settings, wide=self.wide)
        arrivals = self.query_one(ArrivalsTable)
        if board.arrivals is not None:
            arrivals.show(list(board.arrivals.rows), self.clock.now(),
                          self.settings.handoffs.arrival_late_minutes,
                          waiting=board.arrivals.waiting)
        visits = self.query_one(VisitsTable)
        merged = merge_visits(self._visits, board.visits, self._rows_asked)
        if merged != self._visits or board.visits.complete or not self._board_loaded:
            visits.show(merged, self.settings, self.services.ctx.tz)
        visits.count(board.visits.total)
        self._visits, self._visits_marker = merged, board.visits.marker
        visits.loading = arrivals.loading = False
        if board.counts is not None and (flow := flow_text(board.counts)) != self._flow_shown:
            self._flow_shown = flow
            self.query_one("#flow-line", Static).update(flow)
        self._board_loaded = True

    def reload_pending(self) -> None:
        """Count the staff member's open checklists again (shown while no visitor is in hand)."""
        self.pending_load.request()

    def _load_pending(self) -> None:
        width = self.query_one("#lobby-left").size.width or (
            self.app.size.width // 2 if self.wide else self.app.size.width - 35)
        checklists, today = self.services.checklists, self.services.ctx.today()

        def shown(text: str) -> None:
            self.pending_load.done()
            self.pending = text
            self.update_checklist_line()

        self.call(lambda actor: pending_line(checklists, actor, today=today, width=width - 2),
                  then=shown, failed=lambda _f: self.pending_load.done(), key="pending")

    # --- writes for the visitor, and keys pressed while one is on its way ------------------
    def write(self, fn: Callable[..., Any], *args: Any, then: Callable[[Any], Any],
              failed: Callable[[], Any] | None = None, **kwargs: Any) -> None:
        """A write for the visitor through the call path; actions pressed before it is
        answered wait for it (and are dropped when it fails)."""
        self._writes += 1

        def ok(value: Any) -> None:
            self._writes -= 1
            then(value)
            self._run_deferred()

        def refused(_failure: Any) -> None:
            self._writes -= 1
            self._deferred.clear()
            if failed is not None:
                failed()

        self.call(fn, *args, then=ok, failed=refused, **kwargs)

    def when_ready(self, action: Callable[[], None]) -> None:
        """Run `action` now, or when the writes on their way are answered."""
        if self._writes:
            self._deferred.append(action)
        else:
            action()

    def _run_deferred(self) -> None:
        while self._deferred and not self._writes:
            self._deferred.pop(0)()

    # --- look-up -------------------------------------------------------------------------------
    @on(Input.Changed, "#lookup")
    def _lookup_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    def search(self, text: str) -> None:
        """Ask for the clients matching `text` (off the event loop; the last request wins).
        A number's keys that come while a look-up runs wait for it: the newest is looked up
        when it answers, or at the Enter if that comes first (rules.scans.LookupPacer)."""
        self.query_text = text
        ask = self.pacer.typed(text)
        if scans.finds_nothing(text):
            self._show_results(text, [])
        self._ask(ask)

    def _ask(self, text: str | None) -> None:
        if text is None:
            return

        def answered(cards: list[ClientCard]) -> None:
            self._show_results(text, cards)
            self._ask(self.pacer.answered(text))

        def refused(_failure: Any) -> None:
            if self._enter_waiting == text:  # the Enter waited for this answer: it is done
                self._enter_waiting = None
                self._enter_done()
            self._ask(self.pacer.answered(text))

        self.call(self.services.lookup.search, text, limit=8, key="look-up", then=answered,
                  failed=refused)

    def _show_results(self, text: str, cards: list[ClientCard]) -> None:
        if text != self.query_text:
            return  # an answer to an earlier text (cleared since)
        options = self.query_one("#results", OptionList)
        options.clear_options()
        self.results, self.results_text = cards, text
        if cards:
            options.add_options(Option(result_label(c, self.settings), id=str(c.id))
                                for c in cards)
            options.highlighted = 0
        elif text.strip():
            hint = "lobby2.lookup.tail_hint" if tail_alone(parse_query(text)) \
                else "lobby.lookup.nothing"
            options.add_option(Option(Text(t(hint), style="dim"), disabled=True))
        if self._enter_waiting is not None and self._enter_waiting == text:
            self._enter_waiting = None
            self._lookup_enter()

    def action_lookup_enter(self) -> None:
        """Enter in the look-up (its priority binding, issue 19): the keys typed after it wait in
        the KeyHold until the Enter has acted on the look-up of the text typed before it."""
        lookup = self.query_one("#lookup", Input)
        if self.focused is not lookup:
            raise SkipAction()
        self.query_one(KeyHold).hold()
        submit_after_typed(lookup)

    def _enter_done(self) -> None:
        """The look-up's Enter has acted (once the writes it started are answered): the keys
        typed after it go on, to where it moved the focus (else the look-up)."""
        self.when_ready(lambda: self.query_one(KeyHold).release(
            self.query_one("#lookup", Input)))

    @on(Input.Submitted, "#lookup")
    def _lookup_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if scans.scan_kind(event.value) == "appointment":
            self.when_ready(lambda: self._scan_reference(event.value))
            self._enter_done()
            return
        self._ask(self.pacer.submitted(event.value))  # a number still waiting: looked up now
        if self.results_text != self.query_text:
            self._enter_waiting = self.query_text  # the answer is on its way
            return
        self._lookup_enter()

    def _lookup_enter(self) -> None:
        kind = scans.scan_kind(self.results_text)
        exact = [c for c in self.results
                 if kind and c.matched_by == {"id": "id_number", "card": "card"}[kind]]
        if len(exact) == 1:  # a reader's full number: that client, at once
            self.choose(exact[0])
        elif len(self.results) == 1:
            self.choose(self.results[0])
        elif self.results:
            self.focus_now(self.query_one("#results", OptionList))
        self._enter_done()

    @on(OptionList.OptionSelected, "#results")
    def _result_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = next((c for c in self.results if str(c.id) == event.option.id), None)
        if chosen is not None:
            self.choose(chosen)

    def choose(self, card: ClientCard) -> None:
        """Identify the client: a visit is recorded; a premium client's CM is told at once.
        The card and the business line show at once; keys pressed for the visit wait for
        the visit."""
        self.when_ready(lambda: self._choose(card))

    def _choose(self, card: ClientCard) -> None:
        if self.visit is not None and self.visit.client_id == card.id:
            self.focus_now(self.query_one(BusinessChoice))
            return
        self._new_visit()
        self.card = card
        self.query_one(ClientCardView).show(card, self.settings)
        self._default_business()
        self.focus_now(self.query_one(BusinessChoice))

        def arrived(visit: VisitView) -> None:
            self.card, self.visit, self.walk_in = card, visit, False
            if visit.arrival is not None:
                to = visit.arrival.to_name or t(f"role.{visit.arrival.to_role}")
                self.notify(t("lobby.notified", name=card.name, cm=to), timeout=6)
            self.update_proposal()
            self.changed()

        self._read_appointments(card.id)

        def refused() -> None:
            self._new_visit()
            self.focus_now(self.query_one("#lookup", Input))

        self.write(self.services.lobby.arrive, client_id=card.id, then=arrived, failed=refused)

    def _default_business(self) -> None:
        if self.card is not None and self.card.premium:
            self.query_one(BusinessChoice).value = routing_rules.WEALTH

    # --- proposal -------------------------------------------------------------------------------
    @on(BusinessChoice.Changed, "#business")
    def _business_changed(self) -> None:
        self.update_proposal()

    @on(Input.Changed, "#amount")
    def _amount_changed(self) -> None:
        self.update_proposal()

    def _business(self) -> str:
        return self.query_one(BusinessChoice).value

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

        def shown(run: Any) -> None:
            if self.visit is None or self.visit.checklist_run_id != run_id:
                return
            done = run.required_done == run.required_total
            line.update(Text(t("lobby.checklist.line", done=run.required_done,
                               total=run.required_total),
                             style="green" if done else "yellow"))

        self.call(self.services.checklists.get, run_id, then=shown, key="checklist-line")

    def update_proposal(self) -> None:
        self.update_checklist_line()
        proposal = self.query_one("#proposal", Static)
        if self.card is None and not self.walk_in:
            proposal.update(Text(t("lobby.proposal.pick"), style="dim"))
            return
        self.call(self.services.lobby.propose,
                  client_id=self.card.id if self.card else None,
                  business=self._business(), amount_fen=self._amount(strict=False),
                  then=lambda route: proposal.update(self.route_text(route)), key="proposal")

    def route_text(self, route: routing_rules.Route) -> Text:
        text = Text(t("lobby.proposal.prefix"), style="bold")
        text.append(zone_name(self.settings, route.zone))
        name = ""
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
        reason = t("lobby.route_reason." + route.reason)
        if not route.category or reason != name:  # "B 号票（非现金业务）" needs no "（非现金业务）"
            text.append(t("lobby.proposal.reason", reason=reason), style="dim")
        return text

    # --- the visitor --------------------------------------------------------------------------
    def _new_visit(self) -> None:
        self.card, self.visit, self.walk_in = None, None, False
        self._show_appointments(None, [])
        self.query_one("#amount", Input).value = ""
        self.query_one(BusinessChoice).value = routing_rules.NON_CASH
        self.query_one(ClientCardView).show(None, self.settings)

    def _clear_lookup(self) -> None:
        """The look-up empty and no results (the previous client's search gone)."""
        if self._enter_waiting is not None:
            self._enter_waiting = None
            self._enter_done()
        self.query_one("#lookup", Input).value = ""
        self.search("")

    def action_next_visitor(self) -> None:
        self.when_ready(self._next_visitor)

    def _next_visitor(self) -> None:
        self._new_visit()
        self._clear_lookup()
        self.update_proposal()
        self.focus_now(self.query_one("#lookup", Input))

    def action_focus_lookup(self) -> None:
        self.focus_now(self.query_one("#lookup", Input))

    def action_walk_in(self) -> None:
        """A visitor with no record: served as a walk-in (the previous search and card go)."""
        self.when_ready(lambda: self._walk_in())

    def _walk_in(self, then: Callable[[], None] | None = None) -> None:
        self._new_visit()
        self._clear_lookup()
        self.walk_in = True
        self.query_one(ClientCardView).show(None, self.settings, walk_in=True)
        self.focus_now(self.query_one(BusinessChoice))

        def arrived(visit: VisitView) -> None:
            self.visit, self.walk_in = visit, True
            self.update_proposal()
            self.changed()
            if then is not None:
                then()

        def refused() -> None:
            self.walk_in = False
            self.query_one(ClientCardView).show(None, self.settings)

        self.write(self.services.lobby.arrive, then=arrived, failed=refused)

    def action_issue_ticket(self) -> None:
        self.when_ready(lambda: self._guide(divert=False))

    def action_divert(self) -> None:
        self.when_ready(lambda: self._guide(divert=True))

    def _guide(self, *, divert: bool) -> None:
        try:
            amount = self._amount(strict=True)
        except FieldError as exc:
            self.query_one("#proposal", Static).update(Text(describe(exc), style="bold red"))
            self.focus_now(self.query_one("#amount", Input))
            return
        visit = self.visit
        if visit is None:
            if self.card is None:  # nobody in hand: a walk-in, then the ticket
                self._walk_in(then=lambda: self._guide(divert=divert))
            return
        if visit.ticket_no or visit.diverted:
            self.notify(t("lobby.already_guided"), severity="warning")
            return
        business = self._business()
        if divert and business in (routing_rules.CONSULT,):
            business = routing_rules.SELF_SERVICE

        def guided(result: GuideResult) -> None:
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

        self.write(self.services.lobby.guide, visit.id, business=business, amount_fen=amount,
                   divert=divert, then=guided)

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
        self.when_ready(self._notify_cm)

    def _notify_cm(self) -> None:
        if self.visit is None or self.visit.client_id is None:
            self.notify(t("error.lobby.no_client"), severity="warning")
            return

        def told(arrival: ArrivalView) -> None:
            to = arrival.to_name or t(f"role.{arrival.to_role}")
            self.notify(t("lobby.notified", name=arrival.client_name, cm=to), timeout=6)
            self.changed()

        self.write(self.services.lobby.notify_cm, self.visit.id, then=told)

    # --- dialogs --------------------------------------------------------------------------------
    def action_register(self) -> None:
        self.when_ready(self._register)

    def _register(self) -> None:
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

        services, actor = self.services, self.actor

        def submit(values: dict[str, Any]) -> ClientCard:  # in the form's call (a thread)
            return services.lookup.register(
                actor, name=values["name"], id_type=values["id_type"],
                id_number=values["id_number"], phone=values["phone"], title=values["title"])

        def done(card: ClientCard | None) -> None:
            if card is None:
                return
            self.notify(t("lobby.registered", name=card.name), timeout=5)
            if self.visit is not None and self.visit.client_id is None:
                def identified(visit: VisitView) -> None:
                    self.card, self.visit, self.walk_in = card, visit, False
                    self.query_one(ClientCardView).show(card, self.settings)
                    self.update_proposal()
                    self.changed()

                self.write(self.services.lobby.identify, self.visit.id, card.id,
                           then=identified)
                return
            self.choose(card)

        self.app.push_screen(counter_form(t("lobby.register.title"), specs, submit=submit,
                                         info=[t("lobby.register.info")],
                                         form_id="register-form"), done)

    def action_lead(self) -> None:
        self.when_ready(lambda: self.call(self.services.lobby.cm_choices, then=self._lead))

    def _lead(self, choices: list[Any]) -> None:
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

        services, actor = self.services, self.actor

        def submit(values: dict[str, Any]) -> Any:  # in the form's call (a thread)
            cm = values["cm"]
            return services.lobby.spot_potential(
                actor, client_id=card.id if card else None,
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
        self.call(self.services.lobby.cm_choices,
                  then=lambda choices: self._reroute(arrival, choices))

    def _reroute(self, arrival: ArrivalView, all_choices: list[Any]) -> None:
        choices = [c for c in all_choices if c.staff_id != arrival.to_staff_id]
        options = (*((self._cm_label(c), c.staff_id) for c in choices),
                   (t("lobby.reroute.all_cms"), permissions.WEALTH_CM))
        specs = [Field("to", "field.handoff_to", kind="select", options=options),
                 Field("note", "field.note", max_length=500)]

        services, actor = self.services, self.actor

        def submit(values: dict[str, Any]) -> Any:  # in the form's call (a thread)
            to = values["to"]
            return services.lobby.reroute_arrival(
                actor, arrival.handoff_id,
                to_staff_id=to if isinstance(to, int) else None,
                to_role=to if isinstance(to, str) else None, note=values["note"])

        def done(moved: Any) -> None:
            if moved is not None:
                to = moved.to_name or t(f"role.{moved.to_role}")
                self.notify(t("lobby.reroute.done", name=moved.client_name, cm=to), timeout=5)
                self.changed()

        self.app.push_screen(counter_form(
            t("lobby.reroute.title"), specs, submit=submit,
            info=[t("lobby.reroute.info", name=arrival.client_name,
                    cm=arrival.to_name or t(f"role.{arrival.to_role}"))],
            form_id="reroute-form"), done)

    def action_checklist(self) -> None:
        """The visit's identification checklist (manual digest §4.1), over the screen."""
        self.when_ready(self._checklist)

    def _checklist(self) -> None:
        run_id = self.visit.checklist_run_id if self.visit is not None else None
        if run_id is None:
            self.notify(t("lobby.checklist.none"), severity="warning")
            return

        def done(_run: Any) -> None:
            self.update_checklist_line()

        self.app.push_screen(ChecklistScreen(run_id), done)

    def action_roster(self) -> None:
        """The day's roster: the lobby manager records who is in and who is on duty at opening
        (the others see it)."""
        def done(changed: bool | None) -> None:
            if changed:
                self.changed()

        self.app.push_screen(RosterDialog(), done)

    def action_complaint(self) -> None:
        self.when_ready(self._complaint)

    def _complaint(self) -> None:
        def done(complaint: Any) -> None:
            if complaint is not None:
                self.changed()

        client_id = self.card.id if self.card is not None else None
        self.app.push_screen(ComplaintIntakeDialog(client_id=client_id, channel="on_site"), done)

    # --- appointments (issue 18) ----------------------------------------------------------------
    def _read_appointments(self, client_id: int,
                           then: Callable[[], None] | None = None) -> None:
        """Read the client's appointments of today (off the event loop), then show them."""
        def shown(found: list[AppointmentView]) -> None:
            self._show_appointments(client_id, found)
            if then is not None and self.appointments_of == client_id:
                then()

        self.call(self.services.appointments.for_client, client_id, key="appointments",
                  then=shown, quiet=True)

    def _show_appointments(self, client_id: int | None, found: list[AppointmentView]) -> None:
        """The looked-up client's appointments of today on the appointment line."""
        if client_id is not None and (self.card is None or self.card.id != client_id):
            return  # an answer for a client no longer in hand
        self.appointments, self.appointments_of = list(found), client_id
        line = self.query_one("#appointment-line", Static)
        line.set_class(not found, "-none")
        if not found:
            line.update("")
            return
        tz = self.services.ctx.tz
        text = Text()
        for i, view in enumerate(found[:2]):
            if i:
                text.append("\n")
            text.append_text(appointment_text(view, tz))
        line.update(text)

    def _booked(self) -> AppointmentView | None:
        return next((a for a in self.appointments if a.status == "booked"), None)

    def action_check_in(self) -> None:
        """Ctrl+G: the looked-up client's appointment of today is checked in, with the visit the
        look-up recorded as its arrival."""
        self.when_ready(self._check_in)

    def _check_in(self) -> None:
        if self.card is not None and self.appointments_of != self.card.id:
            self._read_appointments(self.card.id, then=self._check_in)  # Ctrl+G came first
            return
        booked = self._booked()
        if booked is None or self.card is None:
            self.notify(t("appt.lobby.none"), severity="warning")
            return
        visit = self.visit
        if visit is not None and (visit.ticket_no or visit.diverted):
            self.notify(t("lobby.already_guided"), severity="warning")
            return
        card = self.card

        def checked(view: AppointmentView) -> None:
            self._checked_in(view)
            if view.visit_id is not None:
                self.call(self.services.lobby.visit, view.visit_id, key="visit",
                          then=lambda v: self._visit_after_check_in(card.id, v))

        self.write(self.services.appointments.check_in, booked.id,
                   visit_id=visit.id if visit is not None else None, then=checked)

    def _visit_after_check_in(self, client_id: int, visit: VisitView) -> None:
        if self.card is not None and self.card.id == client_id:
            self.visit = visit
            self.update_checklist_line()

    def _checked_in(self, view: AppointmentView) -> None:
        """Show what the check-in did: the ticket (printed as any ticket) or the CM told."""
        self.appointments = [view if a.id == view.id else a for a in self.appointments] or [view]
        self._show_appointments(view.client_id, self.appointments)
        late = f" {t('appointments.late')}" if view.late else ""
        if view.ticket_no:
            self.query_one("#ticket-no", BigText).value = view.ticket_no
            self.query_one("#ticket-detail", Static).update(
                Text(t("appt.lobby.ticket_detail",
                       purpose=tl(view.purpose_name, view.purpose_name_en)) + late))
            self.notify(t("appt.lobby.checked_in_ticket", name=view.client_name,
                          ticket=view.ticket_no) + late, timeout=6, markup=False)
            if self.settings.printer.kind != "none":
                self._print(self._slip_of(view))
        else:
            self.notify(t("appt.lobby.checked_in_cm", name=view.client_name,
                          cm=view.staff_name) + late, timeout=6, markup=False)
        self.changed()

    def _slip_of(self, view: AppointmentView) -> TicketSlip:
        issued = local(self.clock.now(), self.services.ctx.tz)
        printer = self.settings.printer
        return TicketSlip(
            center=tl(self.settings.center.name, self.settings.center.name_en),
            number=view.ticket_no, business=tl(view.purpose_name, view.purpose_name_en),
            ahead=t("appt.lobby.print_ahead"), issued_at=issued.strftime("%Y-%m-%d %H:%M"),
            reminder=tl(printer.reminder, printer.reminder_en))

    def _scan_reference(self, reference: str) -> None:
        """An appointment's QR code read into the look-up: checked in at once, the client in
        hand (a new visitor: the previous one's card and search go)."""
        self._new_visit()
        self._clear_lookup()
        services = self.services

        def done(scan: ScanCheckIn) -> None:
            if scan.card is not None:
                self.card, self.visit, self.walk_in = scan.card, scan.visit, False
                self.query_one(ClientCardView).show(scan.card, self.settings)
            self._checked_in(scan.appointment)
            self.update_proposal()
            self.focus_now(self.query_one(BusinessChoice))

        self.write(lambda actor: check_in_reference(services, actor, reference), then=done)

    def action_calendar(self) -> None:
        """Ctrl+B: everyone's appointments of the day (or week), to book, cancel or check in."""
        self.when_ready(lambda: self.call(self.services.lobby.cm_choices,
                                          then=self._open_calendar))

    def _open_calendar(self, choices: list[Any]) -> None:
        card = self.card

        def closed(view: AppointmentView | None) -> None:
            if view is not None:  # checked in from the calendar
                self._checked_in(view)
            elif self.card is not None:  # perhaps booked for them meanwhile
                self._read_appointments(self.card.id)

        self.app.push_screen(CalendarScreen(
            staff_id=None, title=t("appt.lobby.title"), client_id=card.id if card else None,
            client_name=card.name if card else "",
            staff=[(c.name, c.staff_id) for c in choices]), closed)

    def mark_no_shows(self) -> None:
        """Appointments past their end and grace become no-shows (the lobby's timer)."""
        if not self.actor.can("appointment.checkin"):
            return

        def marked(views: list[AppointmentView]) -> None:
            if views:
                self.changed()

        self.call(self.services.appointments.mark_no_shows, key="no-shows", then=marked,
                  quiet=True)
