"""The counter screen (柜面): the tellers' working day.

Sign on to a counter (it fixes the lanes served; the sign-on checklist opens), call the next
ticket, recall, call one by number, start, record the business done (several per ticket), request
authorisation (the checker's PIN at this counter, or their inbox), record a premium client's
retention attempt, finish with the wealth-needs question, transfer, park, no-show; break and
resume; shift hand-over (Ctrl+T 交接班: the cash box passes to another teller — not F9, the
hand-off inbox 待办); end-of-day balancing. The client card of the called ticket shows masked
numbers, the tier, the exclusive CM and flags.

After a restart the screen comes back as the work was left: the open counter session (status
line), the ticket being served with what was recorded for it, and, on the line under the status,
the staff member's checklists still open (today's sign-on, earlier days' runs); Ctrl+Y lists
them and Enter resumes one where it was left (ui/widgets/resume.py).

Supervisors and officers open their view with Ctrl+V: its own screen (ui/screens/counter_oversee.py)
with its own keys, Escape back here. A supervisor who serves at no counter gets that view alone.

Every read and write goes through the one call path (ui/calls.py): the reload (session, ticket,
card, queue) runs in a thread and is coalesced (ui/screens/counter_base.py); each action calls its
service with `then=`, so a key never waits on the store.

Manual ch.2 §2.3–2.6 (supervisor, officer, cash and non-cash tellers), §2.4 item 4 (the
wealth-needs question), digest §4.4 (internal control, premium account closing) and §6.5 (start of
day, hand-over, balancing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from wealthtui.i18n import t
from wealthtui.rules import permissions
from wealthtui.rules.money import format_fen, parse_yuan
from wealthtui.services import Actor
from wealthtui.services.counter import RecordView, ServingView, SessionView
from wealthtui.services.lookup import ClientCard
from wealthtui.services.queue import TicketView
from wealthtui.services.risk import RiskStatus
from wealthtui.ui.dialogs import counter_dialogs as forms
from wealthtui.ui.dialogs.antifraud import AskAntifraud, Stopped, antifraud_form
from wealthtui.ui.dialogs.confirm import ConfirmDialog
from wealthtui.ui.dialogs.counter_authz import AuthorizationChoice
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.dialogs.recording import recording_form, saved_message
from wealthtui.ui.dialogs.risk import risk_line, take_questionnaire
from wealthtui.ui.dialogs.second_person import SecondPersonDialog
from wealthtui.ui.labels import business_name, listing
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.counter_base import CounterBase, read_pending
from wealthtui.ui.screens.counter_oversee import CounterOverseeScreen
from wealthtui.ui.widgets.counter_queue import QueueList
from wealthtui.ui.widgets.counter_ticket import TicketPanel


@dataclass(frozen=True)
class TellerView:
    """What the teller's screen shows, read in one call."""

    session: SessionView | None = None
    serving: ServingView | None = None
    card: ClientCard | None = None
    waiting: list[TicketView] = field(default_factory=list)
    parked: list[TicketView] = field(default_factory=list)
    #: the line naming the staff member's checklists still open ("" when none)
    pending: str = ""
    #: the served client's risk assessment and its expiry (issue 17), None for a walk-in
    risk: RiskStatus | None = None
    #: all the waiting tickets the counter may call (`waiting` holds the first of them)
    waiting_total: int = 0


def read_teller(services: Any, actor: Actor, width: int) -> TellerView:
    """The teller's session, the ticket served with its client card, the queue of the counter,
    the tickets they parked and the line of their open checklists, `width` cells wide (runs in
    the call's thread)."""
    pending = read_pending(services, actor, width)
    if not actor.can("counter.session"):
        return TellerView(pending=pending)
    session = services.counter.current(actor)
    if session is None:
        return TellerView(pending=pending)
    serving = services.counter.serving(actor)
    card = None
    if serving is not None and serving.ticket.client_id is not None:
        card = services.lookup.get(actor, serving.ticket.client_id)
    risk = None
    if card is not None and actor.can("risk.view"):
        risk = services.risk.status(actor, card.id)
    queue = services.queue.queue_for(actor, session.counter_no)
    parked = [tk for tk in services.queue.tickets(actor, statuses=("parked",))
              if tk.served_by == actor.staff_id]
    return TellerView(session, serving, card, list(queue.tickets), parked, pending, risk,
                      waiting_total=queue.waiting)


def able(action: str, view: TellerView, can_serve: bool) -> bool:
    """Whether a teller action makes sense in the state shown (the services decide for real)."""
    s, serving = view.session, view.serving
    status = serving.ticket.status if serving else ""
    if action == "balance":
        return can_serve
    if action == "sign_on":
        return s is None and can_serve
    if s is None:
        return False
    idle = serving is None
    checks = {
        "sign_off": idle,
        "take_break": s.state == "open" and idle,
        "resume": s.state == "break",
        "call_next": s.state == "open" and idle,
        "call_specific": s.state == "open" and idle,
        "handover": s.state == "open" and idle,
        "recall": status == "called", "no_show": status == "called", "start": status == "called",
        "record": not idle, "finish": not idle, "transfer": not idle, "park": not idle,
        "authorize": not idle and any(r.outcome == "pending_auth" for r in serving.records),
        "retention": not idle and any(not r.outcome for r in serving.retentions),
        "cancel_record": not idle and any(r.outcome in ("done", "pending_auth")
                                          for r in serving.records),
        # issue 17: the questionnaire and the dual recording need an identified client
        "risk": view.card is not None and view.risk is not None,
        "recording": view.card is not None,
    }
    return checks.get(action, True)


#: the teller's actions (each bound to one key of its own)
TELLER_ACTIONS = frozenset({
    "sign_on", "sign_off", "call_next", "call_specific", "take_break", "resume", "handover",
    "recall", "start", "record", "finish", "transfer", "park", "no_show", "authorize",
    "retention", "cancel_record", "balance", "risk", "recording",
})


class CounterScreen(CounterBase):
    HELP_SECTIONS = (
        ("ch.2 §2.5–2.6", "counter.help.teller"),
        ("ch.2 §2.4 item 4", "counter.help.needs"),
        ("ch.2 §2.3 item 2; §2.4 item 1", "counter.help.authz"),
        ("ch.4 §4.4", "counter.help.closing"),
        ("ch.2 §2.5 item 4", "counter.help.handover"),
        ("ch.2 §2.3 item 4", "counter.help.balancing"),
    )

    #: the footer at 80 columns shows these first, in this order (the rest in F1)
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = (
        "counter.call_next", "counter.start", "counter.record", "counter.finish",
        "counter.recall", "counter.no_show", "counter.authorize", "counter.transfer",
        "counter.park", "counter.call_specific", "counter.sign_on", "counter.risk",
        "counter.recording", "counter.retention",
        "counter.cancel_record", "counter.break", "counter.resume", "counter.handover",
        "counter.balance", "counter.sign_off", "counter.switch_view",
    )

    DEFAULT_CSS = """
    CounterScreen #counter-status {
        height: 1;
        padding: 0 1;
        background: $primary-background;
    }
    CounterScreen #counter-view {
        height: 1fr;
    }
    CounterScreen #ticket-panel {
        width: 1fr;
    }
    CounterScreen #queue-list {
        width: 24;
    }
    CounterScreen.-wide #queue-list {
        width: 36;
    }
    """

    BINDINGS = [
        Binding("f2", "call_next", "counter.bind.call_next", id="counter.call_next"),
        Binding("f3", "recall", "counter.bind.recall", id="counter.recall"),
        Binding("f4", "start", "counter.bind.start", id="counter.start"),
        Binding("f5", "record", "counter.bind.record", id="counter.record"),
        Binding("f6", "finish", "counter.bind.finish", id="counter.finish"),
        Binding("f7", "transfer", "counter.bind.transfer", id="counter.transfer"),
        Binding("f8", "park", "counter.bind.park", id="counter.park"),
        Binding("f10", "no_show", "counter.bind.no_show", id="counter.no_show"),
        Binding("f11", "authorize", "counter.bind.authorize", id="counter.authorize"),
        Binding("ctrl+n", "call_specific", "counter.bind.call_specific",
                id="counter.call_specific"),
        Binding("ctrl+r", "retention", "counter.bind.retention", id="counter.retention"),
        Binding("ctrl+x", "cancel_record", "counter.bind.cancel_record",
                id="counter.cancel_record"),
        Binding("ctrl+g", "sign_on", "counter.bind.sign_on", id="counter.sign_on"),
        Binding("ctrl+e", "sign_off", "counter.bind.sign_off", id="counter.sign_off"),
        Binding("ctrl+b", "take_break", "counter.bind.break", id="counter.break"),
        Binding("ctrl+u", "resume", "counter.bind.resume", id="counter.resume"),
        Binding("ctrl+t", "handover", "counter.bind.handover", id="counter.handover"),
        Binding("ctrl+d", "balance", "counter.bind.balance", id="counter.balance"),
        Binding("ctrl+k", "risk", "risk_keys.bind.counter", id="counter.risk"),
        Binding("ctrl+s", "recording", "dual_recording.form.key", id="counter.recording"),
        Binding("ctrl+v", "switch_view", "counter.bind.switch_view", id="counter.switch_view"),
    ]

    def __init__(self, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.view = TellerView()

    @property
    def session(self) -> SessionView | None:
        return self.view.session

    @property
    def serving(self) -> ServingView | None:
        return self.view.serving

    @property
    def card(self) -> ClientCard | None:
        return self.view.card

    # --- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        # the wide layout set before the children: set on the mount it restyled them all
        self.set_class(self.app.size.width >= 110, "-wide")
        yield Static(t("counter2.loading"), id="counter-status")
        yield Static("", id="counter-pending")
        with Horizontal(id="counter-view"):
            yield TicketPanel(id="ticket-panel")
            yield QueueList(id="queue-list")

    @property
    def may_oversee(self) -> bool:
        return self.actor.can("counter.oversee")

    @property
    def can_serve(self) -> bool:
        """Tellers, and officers who double as tellers, work at a counter."""
        return bool(self.actor.roles & (permissions.TELLERS | {permissions.OFFICER}))

    def on_mount(self) -> None:
        super().on_mount()
        if self.may_oversee and not self.can_serve:
            # a supervisor at no counter: their view is the screen of this mode
            self.app.push_screen(CounterOverseeScreen(alone=True))
            return
        self.reload()
        self.start_ticking()

    def on_resize(self) -> None:
        super().on_resize()
        self.set_class(self.app.size.width >= 110, "-wide")

    # --- loading ---------------------------------------------------------------------------
    def load(self, actor: Actor) -> TellerView:
        return read_teller(self.services, actor, self.pending_width)

    def show_loaded(self, view: TellerView) -> None:
        self.view = view
        now = self.clock.now()
        self.show_pending(view.pending)
        self._show_status()
        idle = t("counter.ticket.idle") if view.session else t("counter.ticket.not_signed_on")
        self.query_one(TicketPanel).show(view.serving, view.card, self.settings, now, idle,
                                         risk=risk_line(view.risk))
        self.query_one(QueueList).show(view.waiting, view.parked, now,
                                       total=view.waiting_total)

    def _show_status(self) -> None:
        s = self.session
        status = self.query_one("#counter-status", Static)
        if s is None:
            status.update(t("counter.status.off"))
            return
        started = s.started_at.astimezone(self.services.ctx.tz).strftime("%H:%M")
        status.update(t("counter.status.on", counter=s.counter_no,
                        kind=t(f"counter.kind.{s.kind}"), categories="/".join(s.categories),
                        state=t(f"counter.session_state.{s.state}"), since=started,
                        cash=format_fen(s.opening_cash_fen)))

    # --- which keys work now ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_view":
            return self.may_oversee and self.can_serve
        if action in TELLER_ACTIONS:
            return self.loaded and able(action, self.view, self.can_serve)
        return True

    def _ticket_no(self) -> str:
        return self.serving.ticket.display_no if self.serving else ""

    # --- the supervisor's view ------------------------------------------------------------------
    def action_switch_view(self) -> None:
        """Ctrl+V: the supervisor's view over this screen; Escape comes back (and reloads)."""
        def back(_result: None) -> None:
            self.reload()

        self.app.push_screen(CounterOverseeScreen(), back)

    # --- sessions --------------------------------------------------------------------------
    def action_sign_on(self) -> None:
        def signed(view: SessionView | None) -> None:
            if view is None:
                return
            self.done(t("counter.msg.signed_on", counter=view.counter_no))(view)
            if view.checklist_run_id is not None:
                self.app.push_screen(ChecklistScreen(view.checklist_run_id),
                                     lambda _run: self.reload())

        self.app.push_screen(forms.sign_on_form(self.services, self.actor), signed)

    def action_sign_off(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.call(self.services.counter.sign_off,
                          then=self.done(t("counter.msg.signed_off")))

        self.app.push_screen(ConfirmDialog(t("counter.confirm.sign_off"), default_no=True),
                             answer)

    def action_take_break(self) -> None:
        self.call(self.services.counter.take_break, then=self.done(t("counter.msg.break")))

    def action_resume(self) -> None:
        self.call(self.services.counter.resume, then=self.done(t("counter.msg.resumed")))

    # --- calling ---------------------------------------------------------------------------
    def action_call_next(self) -> None:
        assert self.session is not None

        def called(ticket: TicketView | None) -> None:
            if ticket is None:
                self.notify(t("counter.msg.nobody_waiting"))
                return
            self.done(t("counter.msg.called", ticket=ticket.display_no))(ticket)

        self.call(self.services.queue.call_next, self.session.counter_no, then=called,
                  key="call")

    def action_call_specific(self) -> None:
        assert self.session is not None
        selected = self.query_one(QueueList).selected
        preset = selected.display_no if selected else ""
        self.app.push_screen(
            forms.call_form(self.services, self.actor, self.session.counter_no, preset),
            self.done(lambda tk: t("counter.msg.called", ticket=tk.display_no)))

    def action_recall(self) -> None:
        assert self.serving is not None
        limit = self.settings.queue.recall_limit

        def message(tk: TicketView) -> str:
            text = t("counter.msg.recalled", ticket=tk.display_no, count=tk.recalls)
            if tk.recalls >= limit:
                text += " " + t("counter.msg.offer_no_show")
            return text

        self.call(self.services.queue.recall, self.serving.ticket.id, then=self.done(message))

    def action_start(self) -> None:
        assert self.serving is not None
        self.call(self.services.queue.start, self.serving.ticket.id, then=self.done())

    def action_no_show(self) -> None:
        assert self.serving is not None
        ticket_id, number = self.serving.ticket.id, self._ticket_no()

        def answer(yes: bool | None) -> None:
            if yes:
                self.call(self.services.queue.no_show, ticket_id,
                          then=self.done(t("counter.msg.no_show", ticket=number)))

        self.app.push_screen(ConfirmDialog(t("counter.confirm.no_show", ticket=number),
                                           default_no=True), answer)

    def action_park(self) -> None:
        assert self.serving is not None
        ticket_id, number = self.serving.ticket.id, self._ticket_no()
        queue, actor = self.services.queue, self.actor
        self.app.push_screen(
            ReasonDialog(t("counter.park.title", ticket=number), field_key="field.note",
                         required=False,
                         submit=lambda note: queue.park(actor, ticket_id, note)),
            self.done(t("counter.msg.parked", ticket=number)))

    def action_transfer(self) -> None:
        assert self.serving is not None
        self.app.push_screen(
            forms.transfer_form(self.services, self.actor, self.serving),
            self.done(lambda tk: t("counter.msg.transferred", ticket=tk.display_no,
                                   category=tk.category)))

    # --- compliance at the point of sale (issue 17) ----------------------------------------
    def action_risk(self) -> None:
        """Ctrl+K: the served client's risk questionnaire; the level shown changes at once."""
        assert self.card is not None

        take_questionnaire(self, self.card.id, self.done(
            lambda view: t("risk_keys.saved", level=view.level,
                           until=view.expires_on.isoformat())))

    def action_recording(self) -> None:
        """Ctrl+S: enter the dual recording (双录) of a sale to the served client."""
        assert self.card is not None
        form = recording_form(self.services, self.actor, self.settings,
                              client_id=self.card.id, client_name=self.card.name)

        def saved(view: Any) -> None:
            if view is not None:
                self.notify(saved_message(view, self.services.ctx.tz), markup=False)

        self.app.push_screen(form, saved)

    # --- serving ---------------------------------------------------------------------------
    def action_record(self) -> None:
        assert self.serving is not None

        serving = self.serving

        def recorded(rec: RecordView | AskAntifraud | Stopped | None) -> None:
            if rec is None:
                return
            if isinstance(rec, AskAntifraud):
                self._ask_antifraud(serving, rec, recorded)
                return
            if isinstance(rec, Stopped):
                self.done(t("antifraud.stopped", ticket=rec.ticket_no))(rec)
                return
            self.done(t("counter.msg.recorded",
                        business=business_name(self.settings, rec.business_type)))(rec)
            if rec.outcome == "pending_auth":
                self._authorize(rec)

        self.app.push_screen(forms.business_form(self.services, self.actor, serving), recorded)

    def _ask_antifraud(self, serving: ServingView, ask: AskAntifraud,
                       recorded: Callable[[Any], None]) -> None:
        """The anti-fraud questions before the business is recorded (issue 17)."""
        services, actor, values = self.services, self.actor, ask.values
        rule = self.settings.antifraud.rule_for(values["type"])
        try:
            amount_fen = parse_yuan(values["amount"], "field.amount", allow_zero=True)
        except ValueError:
            amount_fen = 0
        form = antifraud_form(
            ask, ticket_no=serving.ticket.display_no,
            business=business_name(self.settings, values["type"]), amount_fen=amount_fen,
            threshold_fen=rule.min_amount_fen if rule else None,
            submit=lambda answers: forms.record_business(services, actor, serving, values,
                                                         answers))
        self.app.push_screen(form, recorded)

    def action_authorize(self) -> None:
        assert self.serving is not None
        selected = self.query_one(TicketPanel).selected_record
        if selected is None or selected.outcome != "pending_auth":
            selected = next(r for r in self.serving.records if r.outcome == "pending_auth")
        self._authorize(selected)

    def _authorize(self, rec: RecordView) -> None:
        """Request authorisation (if not yet asked) and let the checker decide here by PIN, or
        leave it in the checkers' inbox."""
        settings = self.settings
        rule = settings.authorization.rule_for(rec.business_type,
                                               rec.authorization_sum_fen or rec.amount_fen)
        roles = listing(t(f"role.{r}") for r in (rule.checker_roles if rule else ()))
        business = business_name(settings, rec.business_type)
        lines = [t("counter.authz.business", ticket=self._ticket_no(), business=business,
                   amount=format_fen(rec.amount_fen, symbol=True)),
                 t("counter.authz.who", roles=roles)]
        if rec.authorization_sum_of:  # the limit was reached by the day's sum (issue 17)
            lines.append(t(f"compliance.authz_sum.{rec.authorization_sum_of}",
                           total=format_fen(rec.authorization_sum_fen, symbol=True)))
        requested = rec.authorization_id if rec.authorization_status == "pending" else None

        def decide(choice: str, req_id: int) -> None:
            if choice == "inbox":
                self.done(t("counter.msg.authz_sent"))(req_id)
                return
            detail = lines[0]
            if choice == "approve":
                self._step_up(req_id, True, "", detail)
                return
            self.app.push_screen(
                ReasonDialog(t("counter.authz.reject_reason"), detail=detail),
                lambda reason: self._step_up(req_id, False, reason, detail)
                if reason else self.done()(req_id))

        def chosen(choice: str | None) -> None:
            if choice is None:
                return
            if requested is not None:
                decide(choice, requested)
                return
            self.call(self.services.authorization.request, rec.id,
                      then=lambda req: decide(choice, req.id))

        self.app.push_screen(AuthorizationChoice(lines), chosen)

    def _step_up(self, req_id: int, approve: bool, reason: str, detail: str) -> None:
        decide = self.services.authorization.decide

        def decided(other: Any) -> None:
            key = "counter.msg.authz_approved" if approve else "counter.msg.authz_rejected"
            if other is None:
                self.done(t("counter.msg.authz_sent"))(req_id)
                return
            self.done(t(key, name=other.name))(other)

        self.app.push_screen(SecondPersonDialog(
            "authz.decide", title=t("counter.authz.pin_title"), detail=detail,
            on_verified=lambda other: decide(other, req_id, approve, reason, step_up=True)),
            decided)

    def action_retention(self) -> None:
        assert self.serving is not None
        retention = next(r for r in self.serving.retentions if not r.outcome)
        name = self.card.name if self.card else ""
        self.app.push_screen(
            forms.retention_form(self.services, self.actor, retention, name),
            self.done(t("counter.msg.retention")))

    def action_cancel_record(self) -> None:
        assert self.serving is not None
        rec = self.query_one(TicketPanel).selected_record
        live = [r for r in self.serving.records if r.outcome in ("done", "pending_auth")]
        if rec is None or rec not in live:
            rec = live[-1]
        business = business_name(self.settings, rec.business_type)
        counter, actor, record_id = self.services.counter, self.actor, rec.id
        self.app.push_screen(
            ReasonDialog(t("counter.cancel_record.title", business=business,
                           amount=format_fen(rec.amount_fen)),
                         submit=lambda reason: counter.cancel_record(actor, record_id, reason)),
            self.done(t("counter.msg.record_cancelled")))

    def action_finish(self) -> None:
        assert self.serving is not None
        if self.serving.blockers:
            self.notify("\n".join(t(k) for k in self.serving.blockers), severity="warning",
                        timeout=8)
            return

        def message(done: Any) -> str:
            text = t("counter.msg.finished", ticket=done.ticket.display_no)
            if done.handoff_id is not None:
                text += " " + t("counter.msg.referred")
            elif done.lead_id is not None:
                text += " " + t("counter.msg.lead")
            return text

        self.app.push_screen(forms.needs_form(self.services, self.actor, self.serving),
                             self.done(message))

    # --- hand-over and balancing -----------------------------------------------------------
    def action_handover(self) -> None:
        """Ctrl+T 交接班: the cash box to another teller (or receive the one waiting for me)."""
        handover = self.services.handover

        def read(actor: Actor) -> tuple[Any, Any]:
            mine = handover.open_mine(actor)
            return mine, (None if mine is not None else handover.box(actor))

        def opened(answer: tuple[Any, Any]) -> None:
            mine, box = answer
            if mine is not None:
                self._receive(mine)
                return
            self.app.push_screen(forms.handover_form(self.services, self.actor, box), started)

        def started(h: Any) -> None:
            if h is None:
                return
            self.done()(h)
            self._receive(h)

        self.call(read, then=opened, key="handover")

    def _receive(self, h: Any) -> None:
        """The receiving teller counts, then confirms with their staff number and PIN."""
        handover = self.services.handover

        def counted(result: tuple[str, str] | None) -> None:
            if result is None:
                self.notify(t("counter.msg.handover_waiting"))
                return
            cash, note = result
            self.app.push_screen(SecondPersonDialog(
                "handover.shift", title=t("counter.receive.pin_title"),
                detail=t("counter.receive.pin_detail", counter=h.counter_no),
                on_verified=lambda other: handover.confirm(other, h.id, cash, note)), confirmed)

        def confirmed(other: Any) -> None:
            if other is None:
                self.notify(t("counter.msg.handover_waiting"))
                return
            self.done(t("counter.msg.handed_over", name=other.name))(other)
            if h.witness_required:
                self.app.push_screen(SecondPersonDialog(
                    "handover.witness", title=t("counter.witness.pin_title"),
                    detail=t("counter.witness.pin_detail"),
                    on_verified=lambda w: handover.witness(w, h.id)),
                    self.done(t("counter.msg.witnessed")))

        self.app.push_screen(forms.receive_form(self.services, h), counted)

    def action_balance(self) -> None:
        def opened(view: Any) -> None:
            if view.status == "signed_off":
                self.notify(t("counter.msg.balance_signed_off", name=view.signed_off_by_name))
                return
            self.app.push_screen(forms.balance_form(self.services, self.actor, view),
                                 self.done(message))

        def message(b: Any) -> str:
            if b.has_difference:
                return t("counter.msg.balance_difference",
                         difference=format_fen(b.difference_fen or 0))
            return t("counter.msg.balanced")

        self.call(self.services.balancing.mine, then=opened, key="balance")
