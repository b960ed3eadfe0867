"""The supervisor's and officer's view at the counter (主管视图), a screen of its own: the
authorisation inbox (approve, reject), every teller's state and balance (handle a difference,
sign off a teller, then the outlet), hand-overs awaiting a witness, and unlocking a staff member
locked after wrong PINs; F10 shows the large cash booked for the next open day, by
denomination, for the supervisor to prepare (issue 18).

Opened by Ctrl+V from the teller's counter screen and closed by Escape (or Ctrl+V again); for a
supervisor who serves at no counter it is the counter mode's screen (`alone=True`: nothing to go
back to). Its F2–F8 are its own, so the teller's F2–F7 and these are never bound on one screen.
The reload runs on the one call path, coalesced (ui/screens/counter_base.py).

Manual ch.2 §2.3 (supervisor, officer), §2.4 item 1 (authorisation), §2.5 item 4 (hand-over),
§2.3 item 4 (balancing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from wealthtui.i18n import t
from wealthtui.rules import permissions
from wealthtui.rules.money import format_fen
from wealthtui.services import Actor
from wealthtui.services.authorization import AuthzView
from wealthtui.services.balancing import BalanceView
from wealthtui.services.counter import TellerState
from wealthtui.services.handover import HandoverView
from wealthtui.ui.dialogs import counter_dialogs as forms
from wealthtui.ui.dialogs.appointment import CashPlanDialog
from wealthtui.ui.dialogs.confirm import ConfirmDialog
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.labels import business_name
from wealthtui.ui.screens.counter_base import CounterBase, read_pending
from wealthtui.ui.widgets.counter_oversee import OverseePanel


@dataclass(frozen=True)
class OverseeView:
    """What the supervisor's view shows, read in one call."""

    requests: list[AuthzView] = field(default_factory=list)
    tellers: list[TellerState] = field(default_factory=list)
    balances: list[BalanceView] = field(default_factory=list)
    awaiting: list[HandoverView] = field(default_factory=list)
    outlet_line: str = ""
    #: the line naming the staff member's checklists still open ("" when none)
    pending: str = ""


def read_oversee(services: Any, actor: Actor, width: int) -> OverseeView:
    """The requests to decide, the tellers and their balances, the hand-overs to witness, the
    outlet's state and the line of the staff member's open checklists (in the call's thread)."""
    requests = services.authorization.inbox(actor) if actor.can("authz.decide") else []
    tellers = services.counter.tellers(actor)
    outlet = services.balancing.outlet(actor)
    awaiting = services.handover.awaiting_witness(actor) if actor.can("handover.witness") else []
    if outlet.signed_off_by_name:
        line = t("counter.outlet.signed", name=outlet.signed_off_by_name)
    else:
        line = t("counter.outlet.pending", waiting=len(outlet.not_signed_off),
                 total=len(outlet.tellers), difference=format_fen(outlet.difference_fen))
    return OverseeView(requests, tellers, list(outlet.tellers), awaiting, line,
                       read_pending(services, actor, width))


#: each action of this screen and the permission that offers it
NEEDS = {
    "approve": "authz.decide", "reject": "authz.decide", "witness": "handover.witness",
    "difference": "balance.signoff", "sign_off_teller": "balance.signoff",
    "outlet": "balance.outlet", "unlock_staff": "staff.unlock",
}


class CounterOverseeScreen(CounterBase):
    HELP_SECTIONS = (
        ("ch.2 §2.3 item 2; §2.4 item 1", "counter.help.authz"),
        ("ch.2 §2.5 item 4", "counter.help.handover"),
        ("ch.2 §2.3 item 4", "counter.help.balancing"),
    )

    #: the footer at 80 columns shows these first, in this order (the rest in F1)
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = (
        "counter.approve", "counter.reject", "counter.difference", "counter.sign_off_teller",
        "counter.witness", "counter.outlet", "counter.unlock_staff", "counter.oversee_back",
    )  # F10 (the cash plan, issue 18) ranks after the shell's keys: in the footer when it fits

    DEFAULT_CSS = """
    CounterOverseeScreen #oversee-status {
        height: 1;
        padding: 0 1;
        background: $primary-background;
    }
    """

    BINDINGS = [
        Binding("f2", "approve", "counter.bind.approve", id="counter.approve"),
        Binding("f3", "reject", "counter.bind.reject", id="counter.reject"),
        Binding("f4", "witness", "counter.bind.witness", id="counter.witness"),
        Binding("f5", "difference", "counter.bind.difference", id="counter.difference"),
        Binding("f6", "sign_off_teller", "counter.bind.sign_off_teller",
                id="counter.sign_off_teller"),
        Binding("f7", "outlet", "counter.bind.outlet", id="counter.outlet"),
        # issue 15: the supervisor lifts a lock after wrong PINs (services.staff.unlock)
        Binding("f8", "unlock_staff", "insiders.bind.unlock", id="counter.unlock_staff"),
        # issue 18: the large cash booked for the next open day, to prepare by denomination
        Binding("f10", "cash_plan", "appt.bind.cash_plan", id="counter.cash_plan"),
        Binding("escape,ctrl+v", "back", "counter2.bind.back", id="counter.oversee_back"),
    ]

    def __init__(self, *, alone: bool = False) -> None:
        super().__init__(id="counter-oversee")
        self.alone = alone
        self.view = OverseeView()

    def compose_body(self) -> ComposeResult:
        yield Static(t("counter2.loading"), id="oversee-status")
        yield Static("", id="counter-pending")
        yield OverseePanel(id="oversee-view")

    def on_mount(self) -> None:
        super().on_mount()
        self.reload()
        self.start_ticking()
        self.query_one("#ov-authz").focus()

    @property
    def can_serve(self) -> bool:
        return bool(self.actor.roles & (permissions.TELLERS | {permissions.OFFICER}))

    # --- loading ---------------------------------------------------------------------------
    def load(self, actor: Actor) -> OverseeView:
        return read_oversee(self.services, actor, self.pending_width)

    def show_loaded(self, view: OverseeView) -> None:
        self.view = view
        key = "counter.status.oversee" if not self.alone else "counter.status.oversee_only"
        self.query_one("#oversee-status", Static).update(t(key))
        self.show_pending(view.pending)
        self.query_one(OverseePanel).show(self.settings, self.clock.now(), view.requests,
                                          view.tellers, view.balances, view.awaiting,
                                          view.outlet_line)

    # --- which keys work now ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return not self.alone
        if action in NEEDS:
            return self.actor.can(NEEDS[action])
        return True

    def action_back(self) -> None:
        if not self.alone:
            self.dismiss(None)

    # --- actions ---------------------------------------------------------------------------
    def _none_selected(self) -> None:
        self.notify(t("counter.msg.none_selected"), severity="warning")

    def action_approve(self) -> None:
        self._decide(True)

    def action_reject(self) -> None:
        self._decide(False)

    def _decide(self, approve: bool) -> None:
        req = self.query_one(OverseePanel).selected_request
        if req is None:
            self._none_selected()
            return
        decide, actor, req_id = self.services.authorization.decide, self.actor, req.id
        title = "counter.approve.title" if approve else "counter.reject.title"
        detail = t("counter.authz.business", ticket=req.ticket_no,
                   business=business_name(self.settings, req.business_type),
                   amount=format_fen(req.amount_fen, symbol=True)) if approve else ""
        self.app.push_screen(
            ReasonDialog(t(title, ticket=req.ticket_no, maker=req.maker_name), detail=detail,
                         required=not approve,
                         submit=lambda reason: decide(actor, req_id, approve, reason)),
            self.done(t("counter.msg.approved" if approve else "counter.msg.rejected")))

    def action_cash_plan(self) -> None:
        """F10: tomorrow's (the next open day's) large-cash appointments and the notes to
        prepare by denomination (services.appointments.large_cash_tomorrow)."""
        tz = self.services.ctx.tz
        self.call(self.services.appointments.large_cash_tomorrow, key="cash-plan",
                  then=lambda plan: self.app.push_screen(CashPlanDialog(plan, tz)))

    def action_unlock_staff(self) -> None:
        """Unlock a staff member locked after wrong PINs: their staff number (issue 15)."""
        unlock, actor = self.services.staff.unlock, self.actor
        self.app.push_screen(FormDialog(t("insiders.unlock.title"), [
            Field("staff_no", "field.staff_no", max_length=20)],
            submit=lambda v: unlock(actor, v["staff_no"].strip()),
            info=[t("insiders.unlock.detail")]),
            self.done(lambda view: t("insiders.unlock.done", staff_no=view.staff_no,
                                     name=view.name)))

    def action_witness(self) -> None:
        h = self.query_one(OverseePanel).selected_handover
        if h is None:
            self._none_selected()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.call(self.services.handover.witness, h.id,
                          then=self.done(t("counter.msg.witnessed")))

        self.app.push_screen(ConfirmDialog(t("counter.confirm.witness", counter=h.counter_no,
                                             giver=h.from_name, taker=h.to_name)), answer)

    def _selected_balance(self) -> BalanceView | None:
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
                             self.done(t("counter.msg.difference_handled")))

    def action_sign_off_teller(self) -> None:
        balance = self._selected_balance()
        if balance is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.call(self.services.balancing.sign_off, balance.id,
                          then=self.done(t("counter.msg.teller_signed_off",
                                           name=balance.teller_name)))

        self.app.push_screen(ConfirmDialog(t("counter.confirm.sign_off_teller",
                                             name=balance.teller_name)), answer)

    def action_outlet(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.call(self.services.balancing.sign_off_outlet,
                          then=self.done(t("counter.msg.outlet_signed_off")))

        self.app.push_screen(ConfirmDialog(t("counter.confirm.outlet")), answer)
