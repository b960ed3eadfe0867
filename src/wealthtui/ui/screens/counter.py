"""The counter screen (柜面): the tellers' working day, and the supervisor's and officer's view.

Teller view: sign on to a counter (it fixes the lanes served; the sign-on checklist opens), call
the next ticket, recall, call one by number, start, record the business done (several per
ticket), request authorisation (the checker's PIN at this counter, or their inbox), record a
premium client's retention attempt, finish with the wealth-needs question, transfer, park,
no-show; break and resume; shift hand-over; end-of-day balancing. The client card of the called
ticket shows masked numbers, the tier, the exclusive CM and flags.

After a restart the screen comes back as the work was left: the open counter session (status
line), the ticket being served with what was recorded for it, and, on the line under the status,
the staff member's checklists still open (today's sign-on, earlier days' runs); Ctrl+Y lists
them and Enter resumes one where it was left (ui/widgets/resume.py).

Supervisor/officer view (ctrl+v): the authorisation inbox (approve, reject), every teller's state
and balance (handle a difference, sign off a teller, then the outlet), hand-overs awaiting a
witness.

Manual ch.2 §2.3–2.6 (supervisor, officer, cash and non-cash tellers), §2.4 item 4 (the
wealth-needs question), digest §4.4 (internal control, premium account closing) and §6.5 (start of
day, hand-over, balancing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import ContentSwitcher, Static

from wealthtui.i18n import t
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError
from wealthtui.rules.money import format_fen
from wealthtui.services.counter import RecordView, ServingView, SessionView
from wealthtui.services.errors import ServiceError
from wealthtui.services.lookup import ClientCard
from wealthtui.ui.dialogs import counter_dialogs as forms
from wealthtui.ui.dialogs.confirm import ConfirmDialog
from wealthtui.ui.dialogs.counter_authz import AuthorizationChoice
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.dialogs.second_person import SecondPersonDialog
from wealthtui.ui.errors import describe
from wealthtui.ui.labels import business_name
from wealthtui.ui.screens.base import RoleScreen
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.my_checklists import MyChecklistsScreen
from wealthtui.ui.text import plain
from wealthtui.ui.widgets.counter_oversee import OverseePanel
from wealthtui.ui.widgets.counter_queue import QueueList
from wealthtui.ui.widgets.counter_ticket import TicketPanel
from wealthtui.ui.widgets.resume import refresh_pending

FAILED = object()

#: actions of the teller view and of the supervisor's view
TELLER_ACTIONS = {
    "sign_on", "sign_off", "call_next", "call_specific", "take_break", "resume", "handover",
    "recall", "start", "record", "finish", "transfer", "park", "no_show", "authorize",
    "retention", "cancel_record", "balance",
}
OVERSEE_ACTIONS = {"approve", "reject", "witness", "difference", "sign_off_teller", "outlet",
                   "unlock_staff"}


class CounterScreen(RoleScreen):
    MODE = "counter"
    HELP_SECTIONS = (
        ("ch.2 §2.5–2.6", "counter.help.teller"),
        ("ch.2 §2.4 item 4", "counter.help.needs"),
        ("ch.2 §2.3 item 2; §2.4 item 1", "counter.help.authz"),
        ("ch.4 §4.4", "counter.help.closing"),
        ("ch.2 §2.5 item 4", "counter.help.handover"),
        ("ch.2 §2.3 item 4", "counter.help.balancing"),
    )

    DEFAULT_CSS = """
    CounterScreen #counter-status {
        height: 1;
        padding: 0 1;
        background: $primary-background;
    }
    CounterScreen #counter-pending {
        height: 1;
        padding: 0 1;
        color: $warning;
        text-style: bold;
    }
    CounterScreen ContentSwitcher {
        height: 1fr;
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
        Binding("ctrl+g", "sign_off", "counter.bind.sign_off", id="counter.sign_off"),
        Binding("ctrl+b", "take_break", "counter.bind.break", id="counter.break"),
        Binding("ctrl+b", "resume", "counter.bind.resume", id="counter.resume"),
        Binding("ctrl+t", "handover", "counter.bind.handover", id="counter.handover"),
        Binding("ctrl+d", "balance", "counter.bind.balance", id="counter.balance"),
        Binding("f2", "approve", "counter.bind.approve", id="counter.approve"),
        Binding("f3", "reject", "counter.bind.reject", id="counter.reject"),
        Binding("f4", "witness", "counter.bind.witness", id="counter.witness"),
        Binding("f5", "difference", "counter.bind.difference", id="counter.difference"),
        Binding("f6", "sign_off_teller", "counter.bind.sign_off_teller",
                id="counter.sign_off_teller"),
        Binding("f7", "outlet", "counter.bind.outlet", id="counter.outlet"),
        # issue 15: the supervisor lifts a lock after wrong PINs (services.staff.unlock)
        Binding("f8", "unlock_staff", "insiders.bind.unlock", id="counter.unlock_staff"),
        Binding("ctrl+v", "switch_view", "counter.bind.switch_view", id="counter.switch_view"),
        Binding("ctrl+y", "checklists", "resume.bind.checklists", id="counter.checklists",
                show=False),  # named by the line of open checklists, and in F1 help
        Binding("ctrl+j", "my_complaints", "my_complaints.bind.show", id="counter.my_complaints",
                show=False),  # in F1 help
    ]

    def __init__(self, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.session: SessionView | None = None
        self.serving: ServingView | None = None
        self.card: ClientCard | None = None
        self.view = "counter"

    # --- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static("", id="counter-status")
        yield Static("", id="counter-pending")
        with ContentSwitcher(initial="counter-view", id="counter-switcher"):
            with Horizontal(id="counter-view"):
                yield TicketPanel(id="ticket-panel")
                yield QueueList(id="queue-list")
            yield OverseePanel(id="oversee-view")

    @property
    def may_oversee(self) -> bool:
        return self.actor.can("counter.oversee")

    @property
    def can_serve(self) -> bool:
        """Tellers, and officers who double as tellers, work at a counter."""
        return bool(self.actor.roles & (permissions.TELLERS | {permissions.OFFICER}))

    def on_mount(self) -> None:
        super().on_mount()
        self.set_class(self.app.size.width >= 110, "-wide")
        if self.may_oversee and not self.can_serve:
            self._show_view("oversee")
        self.reload()
        self.set_interval(max(10.0, self.settings.ui.refresh_seconds * 5), self._tick,
                          name="counter-tick")

    def on_resize(self) -> None:
        super().on_resize()
        self.set_class(self.app.size.width >= 110, "-wide")

    def _tick(self) -> None:
        """Waits grow with time even when nobody writes."""
        if self.app.screen is self:
            self.reload()

    def on_data_changed(self) -> None:
        self.reload()

    # --- loading ---------------------------------------------------------------------------
    def _try(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call a service as the actor; on a refusal show why and return FAILED."""
        try:
            return fn(self.actor, *args, **kwargs)
        except (ServiceError, FieldError) as exc:
            self.notify(describe(exc), severity="error", timeout=8)
            return FAILED

    def reload(self) -> None:
        now = self.clock.now()
        services = self.services
        self._show_pending()
        if self.view == "oversee":
            self._load_oversee(now)
            self.refresh_bindings()
            return
        session = self._try(services.counter.current) if self.actor.can("counter.session") \
            else None
        self.session = None if session is FAILED else session
        self.serving, self.card = None, None
        waiting: list[Any] = []
        parked: list[Any] = []
        if self.session is not None:
            serving = self._try(services.counter.serving)
            self.serving = None if serving is FAILED else serving
            if self.serving is not None and self.serving.ticket.client_id is not None:
                card = self._try(services.lookup.get, self.serving.ticket.client_id)
                self.card = None if card is FAILED else card
            got = self._try(services.queue.waiting_for, self.session.counter_no)
            waiting = [] if got is FAILED else got
            got = self._try(services.queue.tickets, statuses=("parked",))
            parked = [] if got is FAILED else [tk for tk in got
                                               if tk.served_by == self.actor.staff_id]
        self._show_status()
        idle = t("counter.ticket.idle") if self.session else t("counter.ticket.not_signed_on")
        self.query_one(TicketPanel).show(self.serving, self.card, self.settings, now, idle)
        self.query_one(QueueList).show(waiting, parked, now)
        self.refresh_bindings()

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

    def _show_pending(self) -> None:
        """The line naming the checklists still open (hidden when there are none)."""
        refresh_pending(self, self.app.size.width - 2, self._pending_shown)

    def _pending_shown(self, text: str) -> None:
        line = self.query_one("#counter-pending", Static)
        line.update(plain(text))
        line.display = bool(text)

    def _load_oversee(self, now: Any) -> None:
        services, actor = self.services, self.actor
        requests = self._try(services.authorization.inbox) if actor.can("authz.decide") else []
        tellers = self._try(services.counter.tellers)
        outlet = self._try(services.balancing.outlet)
        awaiting = self._try(services.handover.awaiting_witness) \
            if actor.can("handover.witness") else []
        requests = [] if requests is FAILED else requests
        awaiting = [] if awaiting is FAILED else awaiting
        tellers = [] if tellers is FAILED else tellers
        balances = [] if outlet is FAILED else list(outlet.tellers)
        if outlet is FAILED:
            line = ""
        elif outlet.signed_off_by_name:
            line = t("counter.outlet.signed", name=outlet.signed_off_by_name)
        else:
            line = t("counter.outlet.pending", waiting=len(outlet.not_signed_off),
                     total=len(outlet.tellers),
                     difference=format_fen(outlet.difference_fen))
        key = "counter.status.oversee" if self.can_serve else "counter.status.oversee_only"
        self.query_one("#counter-status", Static).update(t(key))
        self.query_one(OverseePanel).show(self.settings, now, requests, tellers, balances,
                                          awaiting, line)

    # --- which keys work now ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_view":
            return self.may_oversee and self.can_serve
        if action in OVERSEE_ACTIONS:
            return self.view == "oversee" and self._oversee_ok(action)
        if action not in TELLER_ACTIONS:
            return True
        if self.view != "counter":
            return False
        return self._teller_ok(action)

    def _oversee_ok(self, action: str) -> bool:
        can = self.actor.can
        return {
            "approve": can("authz.decide"), "reject": can("authz.decide"),
            "witness": can("handover.witness"), "difference": can("balance.signoff"),
            "sign_off_teller": can("balance.signoff"), "outlet": can("balance.outlet"),
            "unlock_staff": can("staff.unlock"),
        }[action]

    def _teller_ok(self, action: str) -> bool:
        s, serving = self.session, self.serving
        status = serving.ticket.status if serving else ""
        if action == "balance":
            return self.can_serve
        if action == "sign_on":
            return s is None and self.can_serve
        if s is None:
            return False
        if action == "sign_off":
            return serving is None
        if action == "take_break":
            return s.state == "open" and serving is None
        if action == "resume":
            return s.state == "break"
        if action in ("call_next", "call_specific", "handover"):
            return s.state == "open" and serving is None
        if action in ("recall", "no_show", "start"):
            return status == "called"
        if action in ("record", "finish", "transfer", "park"):
            return serving is not None
        if action == "authorize":
            return serving is not None and any(r.outcome == "pending_auth"
                                               for r in serving.records)
        if action == "retention":
            return serving is not None and any(not r.outcome for r in serving.retentions)
        if action == "cancel_record":
            return serving is not None and any(r.outcome in ("done", "pending_auth")
                                               for r in serving.records)
        return True

    def _after(self, message: str | Callable[[Any], str] = "") -> Callable[[Any], None]:
        """A dialog callback: on a result, tell the user, reload and let the others know."""
        def done(result: Any) -> None:
            if result is None or result is FAILED:
                return
            text = message(result) if callable(message) else message
            if text:
                self.notify(text)
            self.reload()
            self.changed()
        return done

    def _ticket_no(self) -> str:
        return self.serving.ticket.display_no if self.serving else ""

    # --- views -----------------------------------------------------------------------------
    def _show_view(self, view: str) -> None:
        self.view = view
        self.query_one(ContentSwitcher).current = f"{view}-view"

    def action_switch_view(self) -> None:
        self._show_view("oversee" if self.view == "counter" else "counter")
        self.reload()
        target = "#ov-authz" if self.view == "oversee" else "#tp-records"
        self.query_one(target).focus()

    def action_checklists(self) -> None:
        """Today's procedures and every checklist of this staff member still open, to resume."""
        def closed(_result: None) -> None:
            self.reload()
            self.changed()

        self.app.push_screen(MyChecklistsScreen(), closed)


    # --- sessions --------------------------------------------------------------------------
    def action_sign_on(self) -> None:
        def signed(view: SessionView | None) -> None:
            if view is None:
                return
            self._after(t("counter.msg.signed_on", counter=view.counter_no))(view)
            if view.checklist_run_id is not None:
                self.app.push_screen(ChecklistScreen(view.checklist_run_id),
                                     lambda _run: self.reload())

        self.app.push_screen(forms.sign_on_form(self.services, self.actor), signed)

    def action_sign_off(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self._after(t("counter.msg.signed_off"))(self._try(self.services.counter.sign_off))

        self.app.push_screen(ConfirmDialog(t("counter.confirm.sign_off"), default_no=True),
                             answer)

    def action_take_break(self) -> None:
        self._after(t("counter.msg.break"))(self._try(self.services.counter.take_break))

    def action_resume(self) -> None:
        self._after(t("counter.msg.resumed"))(self._try(self.services.counter.resume))

    # --- calling ---------------------------------------------------------------------------
    def action_call_next(self) -> None:
        assert self.session is not None
        ticket = self._try(self.services.queue.call_next, self.session.counter_no)
        if ticket is None:
            self.notify(t("counter.msg.nobody_waiting"))
            return
        self._after(lambda tk: t("counter.msg.called", ticket=tk.display_no))(ticket)

    def action_call_specific(self) -> None:
        assert self.session is not None
        selected = self.query_one(QueueList).selected
        preset = selected.display_no if selected else ""
        self.app.push_screen(
            forms.call_form(self.services, self.actor, self.session.counter_no, preset),
            self._after(lambda tk: t("counter.msg.called", ticket=tk.display_no)))

    def action_recall(self) -> None:
        assert self.serving is not None
        limit = self.settings.queue.recall_limit

        def message(tk: Any) -> str:
            text = t("counter.msg.recalled", ticket=tk.display_no, count=tk.recalls)
            if tk.recalls >= limit:
                text += " " + t("counter.msg.offer_no_show")
            return text

        self._after(message)(self._try(self.services.queue.recall, self.serving.ticket.id))

    def action_start(self) -> None:
        assert self.serving is not None
        self._after()(self._try(self.services.queue.start, self.serving.ticket.id))

    def action_no_show(self) -> None:
        assert self.serving is not None
        ticket_id, number = self.serving.ticket.id, self._ticket_no()

        def answer(yes: bool | None) -> None:
            if yes:
                self._after(t("counter.msg.no_show", ticket=number))(
                    self._try(self.services.queue.no_show, ticket_id))

        self.app.push_screen(ConfirmDialog(t("counter.confirm.no_show", ticket=number),
                                           default_no=True), answer)

    def action_park(self) -> None:
        assert self.serving is not None
        ticket_id, number = self.serving.ticket.id, self._ticket_no()
        self.app.push_screen(
            ReasonDialog(t("counter.park.title", ticket=number), field_key="field.note",
                         required=False,
                         submit=lambda note: self.services.queue.park(self.actor, ticket_id,
                                                                      note)),
            self._after(t("counter.msg.parked", ticket=number)))

    def action_transfer(self) -> None:
        assert self.serving is not None
        self.app.push_screen(
            forms.transfer_form(self.services, self.actor, self.serving),
            self._after(lambda tk: t("counter.msg.transferred", ticket=tk.display_no,
                                     category=tk.category)))

    # --- serving ---------------------------------------------------------------------------
    def action_record(self) -> None:
        assert self.serving is not None

        def recorded(rec: RecordView | None) -> None:
            if rec is None:
                return
            self._after(t("counter.msg.recorded",
                          business=business_name(self.settings, rec.business_type)))(rec)
            if rec.outcome == "pending_auth":
                self._authorize(rec)

        self.app.push_screen(forms.business_form(self.services, self.actor, self.serving),
                             recorded)

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
        roles = "、".join(t(f"role.{r}") for r in (rule.checker_roles if rule else ()))
        business = business_name(settings, rec.business_type)
        lines = [t("counter.authz.business", ticket=self._ticket_no(), business=business,
                   amount=format_fen(rec.amount_fen, symbol=True)),
                 t("counter.authz.who", roles=roles)]
        if rec.authorization_sum_of:  # the limit was reached by the day's sum (issue 17)
            lines.append(t(f"compliance.authz_sum.{rec.authorization_sum_of}",
                           total=format_fen(rec.authorization_sum_fen, symbol=True)))
        requested = rec.authorization_id if rec.authorization_status == "pending" else None

        def chosen(choice: str | None) -> None:
            if choice is None:
                return
            req_id = requested
            if req_id is None:
                req = self._try(self.services.authorization.request, rec.id)
                if req is FAILED:
                    return
                req_id = req.id
            if choice == "inbox":
                self._after(t("counter.msg.authz_sent"))(req_id)
                return
            detail = lines[0]
            if choice == "approve":
                self._step_up(req_id, True, "", detail)
                return
            self.app.push_screen(
                ReasonDialog(t("counter.authz.reject_reason"), detail=detail),
                lambda reason: self._step_up(req_id, False, reason, detail)
                if reason else self._after()(req_id))

        self.app.push_screen(AuthorizationChoice(lines), chosen)

    def _step_up(self, req_id: int, approve: bool, reason: str, detail: str) -> None:
        def decided(other: Any) -> None:
            key = "counter.msg.authz_approved" if approve else "counter.msg.authz_rejected"
            if other is None:
                self._after(t("counter.msg.authz_sent"))(req_id)
                return
            self._after(t(key, name=other.name))(other)

        self.app.push_screen(SecondPersonDialog(
            "authz.decide", title=t("counter.authz.pin_title"), detail=detail,
            on_verified=lambda other: self.services.authorization.decide(
                other, req_id, approve, reason, step_up=True)), decided)

    def action_retention(self) -> None:
        assert self.serving is not None
        retention = next(r for r in self.serving.retentions if not r.outcome)
        name = self.card.name if self.card else ""
        self.app.push_screen(
            forms.retention_form(self.services, self.actor, retention, name),
            self._after(t("counter.msg.retention")))

    def action_cancel_record(self) -> None:
        assert self.serving is not None
        rec = self.query_one(TicketPanel).selected_record
        live = [r for r in self.serving.records if r.outcome in ("done", "pending_auth")]
        if rec is None or rec not in live:
            rec = live[-1]
        business = business_name(self.settings, rec.business_type)
        self.app.push_screen(
            ReasonDialog(t("counter.cancel_record.title", business=business,
                           amount=format_fen(rec.amount_fen)),
                         submit=lambda reason: self.services.counter.cancel_record(
                             self.actor, rec.id, reason)),
            self._after(t("counter.msg.record_cancelled")))

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
                             self._after(message))

    # --- hand-over and balancing -----------------------------------------------------------
    def action_handover(self) -> None:
        mine = self._try(self.services.handover.open_mine)
        if mine is FAILED:
            return
        if mine is not None:
            self._receive(mine)
            return
        box = self._try(self.services.handover.box)
        if box is FAILED:
            return

        def started(h: Any) -> None:
            if h is None:
                return
            self._after()(h)
            self._receive(h)

        self.app.push_screen(forms.handover_form(self.services, self.actor, box), started)

    def _receive(self, h: Any) -> None:
        """The receiving teller counts, then confirms with their staff number and PIN."""
        def counted(result: tuple[str, str] | None) -> None:
            if result is None:
                self.notify(t("counter.msg.handover_waiting"))
                return
            cash, note = result
            self.app.push_screen(SecondPersonDialog(
                "handover.shift", title=t("counter.receive.pin_title"),
                detail=t("counter.receive.pin_detail", counter=h.counter_no),
                on_verified=lambda other: self.services.handover.confirm(other, h.id, cash,
                                                                         note)), confirmed)

        def confirmed(other: Any) -> None:
            if other is None:
                self.notify(t("counter.msg.handover_waiting"))
                return
            self._after(t("counter.msg.handed_over", name=other.name))(other)
            if h.witness_required:
                self.app.push_screen(SecondPersonDialog(
                    "handover.witness", title=t("counter.witness.pin_title"),
                    detail=t("counter.witness.pin_detail"),
                    on_verified=lambda w: self.services.handover.witness(w, h.id)),
                    self._after(t("counter.msg.witnessed")))

        self.app.push_screen(forms.receive_form(self.services, h), counted)

    def action_balance(self) -> None:
        view = self._try(self.services.balancing.mine)
        if view is FAILED:
            return
        if view.status == "signed_off":
            self.notify(t("counter.msg.balance_signed_off", name=view.signed_off_by_name))
            return

        def message(b: Any) -> str:
            if b.has_difference:
                return t("counter.msg.balance_difference",
                         difference=format_fen(b.difference_fen or 0))
            return t("counter.msg.balanced")

        self.app.push_screen(forms.balance_form(self.services, self.actor, view),
                             self._after(message))

    # --- the supervisor's view -------------------------------------------------------------
    def _none_selected(self) -> None:
        self.notify(t("counter.msg.none_selected"), severity="warning")

    def action_approve(self) -> None:
        req = self.query_one(OverseePanel).selected_request
        if req is None:
            self._none_selected()
            return
        self.app.push_screen(
            ReasonDialog(t("counter.approve.title", ticket=req.ticket_no, maker=req.maker_name),
                         detail=t("counter.authz.business", ticket=req.ticket_no,
                                  business=business_name(self.settings, req.business_type),
                                  amount=format_fen(req.amount_fen, symbol=True)),
                         required=False,
                         submit=lambda reason: self.services.authorization.decide(
                             self.actor, req.id, True, reason)),
            self._after(t("counter.msg.approved")))

    def action_reject(self) -> None:
        req = self.query_one(OverseePanel).selected_request
        if req is None:
            self._none_selected()
            return
        self.app.push_screen(
            ReasonDialog(t("counter.reject.title", ticket=req.ticket_no, maker=req.maker_name),
                         submit=lambda reason: self.services.authorization.decide(
                             self.actor, req.id, False, reason)),
            self._after(t("counter.msg.rejected")))

    def action_unlock_staff(self) -> None:
        """Unlock a staff member locked after wrong PINs: their staff number (issue 15)."""
        from wealthtui.ui.dialogs.form_dialog import Field, FormDialog

        self.app.push_screen(FormDialog(t("insiders.unlock.title"), [
            Field("staff_no", "field.staff_no", max_length=20)],
            submit=lambda v: self.services.staff.unlock(self.actor, v["staff_no"].strip()),
            info=[t("insiders.unlock.detail")]),
            lambda view: view is not None and self.notify(
                t("insiders.unlock.done", staff_no=view.staff_no, name=view.name)))

    def action_witness(self) -> None:
        h = self.query_one(OverseePanel).selected_handover
        if h is None:
            self._none_selected()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._after(t("counter.msg.witnessed"))(
                    self._try(self.services.handover.witness, h.id))

        self.app.push_screen(ConfirmDialog(t("counter.confirm.witness", counter=h.counter_no,
                                             giver=h.from_name, taker=h.to_name)), answer)

    def _selected_balance(self) -> Any:
        row = self.query_one(OverseePanel).selected_teller
        if row is None:
            self._none_selected()
            return None
        state, balance = row
        if balance is None or balance.status == "draft":
            self.notify(t("counter.msg.not_submitted", name=state.name), severity="warning")
            return None
        return balance

    def action_difference(self) -> None:
        balance = self._selected_balance()
        if balance is None:
            return
        self.app.push_screen(forms.difference_form(self.services, self.actor, balance),
                             self._after(t("counter.msg.difference_handled")))

    def action_sign_off_teller(self) -> None:
        balance = self._selected_balance()
        if balance is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._after(t("counter.msg.teller_signed_off", name=balance.teller_name))(
                    self._try(self.services.balancing.sign_off, balance.id))

        self.app.push_screen(ConfirmDialog(t("counter.confirm.sign_off_teller",
                                             name=balance.teller_name)), answer)

    def action_outlet(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self._after(t("counter.msg.outlet_signed_off"))(
                    self._try(self.services.balancing.sign_off_outlet))

        self.app.push_screen(ConfirmDialog(t("counter.confirm.outlet")), answer)
