"""A business day of the demo center worked through the real services, as its staff would: the
lobby receives and guides clients (tickets, premium arrivals to the CMs, leads), tellers sign on,
call, serve, record business, ask for authorisation, transfer, finish with the wealth-needs
question, sign off and balance; the supervisor authorises and signs the balances off; CMs answer
their hand-offs and log contacts; two complaints come in; the lobby manager confirms the flow log
and the head closes the day.

A FixedClock is moved to each moment before the service call, so every row and audit event
carries a coherent time. Every service checks its own rules: if the simulated staff do something
the app would refuse, the build fails instead of writing an impossible day.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wealthtui.config import Settings
from wealthtui.demo import rhythm, sales
from wealthtui.demo.people import Mobiles, NamePool
from wealthtui.demo.pools import pools
from wealthtui.demo.population import Directory
from wealthtui.demo.roster_setup import write_roster
from wealthtui.demo.script import CM_RESPONSE, Arrival, DayScript, lognormal, service_minutes
from wealthtui.rules import permissions as p
from wealthtui.rules.agenda import PURPOSES, RESULTS
from wealthtui.rules.clock import FixedClock
from wealthtui.rules.fields import FieldError
from wealthtui.rules.money import format_fen
from wealthtui.services import Actor, Services
from wealthtui.services.antifraud import AntifraudStopped, QuestionsNeeded
from wealthtui.services.balancing import CASH_MATCHES, MATCHES
from wealthtui.services.compliance import SaleRefused
from wealthtui.services.day import DayCloseRefused
from wealthtui.services.errors import ServiceError

#: a client called after waiting this many minutes or more complains about the queue
LONG_WAIT = 25
#: minutes between two looks at one's hand-offs, on average (exponential: no grid)
SWEEP_MEAN = 35
#: a rejection the script asks for is given to the first authorisation after this time at the
#: latest (the flagged client's business may not have needed one)
REJECT_BY = 14 * 60
APPOINTMENTS = 4  # booked by a CM for the afternoon; the last is a no-show
WAITING, FEES = "waiting", "fees"  # the complaints' categories (data/demo/pools.toml)
# who receives hand-offs in the demo: CMs (arrivals, referrals, leads), the supervisor
# (complaints to investigate) and the head (key clients' closings)
ANSWERING = p.CMS | {p.SUPERVISOR, p.HEAD}


@dataclass(frozen=True)
class Post:
    counter_no: str
    teller: Actor
    kind: str  # cash | non_cash
    opening_cash_yuan: int


@dataclass
class Staffing:
    """The day's people, by what they do."""

    head: Actor
    supervisor: Actor
    lobby: list[Actor]
    cms: list[Actor]
    posts: list[Post]
    everyone: list[Actor]
    duty_cm: Actor
    absent: set[int] = field(default_factory=set)

    def checkers_for(self, roles: set[str], maker: Actor) -> list[Actor]:
        return [a for a in self.everyone if a.roles & roles and a.staff_id != maker.staff_id
                and a.staff_id not in self.absent]


@dataclass
class WorkDayStats:
    visits: int = 0
    tickets: int = 0
    finished: int = 0
    no_shows: int = 0
    transfers: int = 0
    records: int = 0
    authorizations: int = 0
    leads: int = 0
    complaints: int = 0
    contacts: int = 0
    service_calls: int = 0
    sales_refused: int = 0
    auth_rejected: int = 0
    cash_differences: int = 0
    handovers: int = 0
    retentions: int = 0
    arrivals_accepted: int = 0
    appointments: int = 0


def lunch_pair(settings: Settings, staffed: list[str]) -> tuple[str, str] | None:
    """(the counter whose teller hands over at lunch, the counter that closes for lunch): two
    staffed non-cash counters outside the VIP zone, the one with fewer lanes closing."""
    cfgs = [c for c in settings.counters if c.no in staffed and c.kind == "non_cash"
            and c.zone != "vip"]
    if len(cfgs) < 2:
        return None
    cfgs.sort(key=lambda c: (-len(c.categories), c.no))
    return cfgs[0].no, cfgs[-1].no


class WorkDay:
    """Plays a DayScript (demo.script) through the services."""

    def __init__(self, services: Services, clock: FixedClock, rng: random.Random,
                 staffing: Staffing, directory: Directory, names: NamePool,
                 mobiles: Mobiles) -> None:
        self.s = services
        self.clock = clock
        self.rng = rng
        self.staff = staffing
        self.directory = directory
        self.names = names
        self.mobiles = mobiles
        self.settings = services.settings
        self.tz = ZoneInfo(self.settings.center.timezone)
        self.text = pools()["history"]
        self.premium = frozenset(t.code for t in self.settings.tiers if t.premium)
        self._heap: list[tuple[float, int, Callable[..., Any], tuple[Any, ...]]] = []
        self._seq = 0
        self.stats = WorkDayStats()
        self.plans: dict[int, Arrival] = {}  # ticket id → who holds it and what they came for
        self.box: dict[str, int] = {}  # counter → cash in the teller's box, in fen
        self.idle: set[str] = set()  # counters with nobody to call
        self.posts = {post.counter_no: post for post in staffing.posts}
        self.teller: dict[str, Actor | None] = {}  # counter → who works it now
        self.changes: dict[str, Callable[[], bool]] = {}  # counter → what happens at its next turn
        self.waits: list[tuple[float, int]] = []  # (minutes waited, ticket id) at each first call
        self.cms_in = [a for a in staffing.cms if a.staff_id not in staffing.absent]
        self.signed: set[int] = set()  # tellers who signed on today (the first takes the cash)
        self.wait_complaint = False  # a client complained about the queue today

    # --- the event loop ------------------------------------------------------------------------
    def at(self, minute: float, fn: Callable[..., Any], *args: Any) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (minute, self._seq, fn, args))

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self.stats.service_calls += 1
        return fn(*args, **kwargs)

    def run(self, script: DayScript) -> WorkDayStats:
        rng = self.rng
        self.script = script
        self.day = script.day
        self.hours = script.hours
        self.base = datetime.combine(self.day, time(0), self.tz)
        self.open_tickets = 0
        self.arrivals_left = len(script.arrivals)
        self.transferred: set[int] = set()
        self.closing_started = False
        self.antifraud_asked = 0  # business asked the anti-fraud questions today (issue 17)
        self.rejections_due = script.count("auth_rejected")
        opens = self.hours.opens
        self._attendance()
        self.at(opens - 30, self.open_day)
        for post in self.staff.posts:
            if post.teller.staff_id in self.staff.absent:
                continue
            self.at(opens - 20 + rng.uniform(0, 15), self.sign_on, post.teller, post.counter_no)
            self.at(opens + rng.uniform(0, 2), self.counter_turn, post.counter_no)
        for arrival in script.arrivals:
            self.at(arrival.minute, self.arrive, arrival)
        for actor in self.staff.everyone:  # each looks at their hand-offs now and then
            if actor.roles & ANSWERING and actor.staff_id not in self.staff.absent:
                self.at(opens + rng.expovariate(1 / SWEEP_MEAN), self.sweep_inbox, actor)
        for cm in self.cms_in:
            for minute in script.contacts.get(cm.staff_id, ()):
                self.at(minute, self.log_contact, cm)
        self.at(rng.uniform(opens + 90, self.hours.closes - 120), self.complaint, FEES)
        for _ in range(rng.randint(1, 2)):
            self.at(rng.uniform(opens + 30, self.hours.closes - 60), self.lobby_lead)
        self._plan_lunch()
        self.at(opens + rng.uniform(5, 25), self.book_appointments)
        self.at(self.hours.closes, self.maybe_close)
        while self._heap:
            minute, _, fn, args = heapq.heappop(self._heap)
            self.clock.set(self.base + timedelta(seconds=round(minute * 60)))
            self.now = minute
            fn(*args)
        return self.stats

    # --- opening -------------------------------------------------------------------------------
    def _attendance(self) -> None:
        """Who is in: the day's roster, written by the head through the roster service."""
        write_roster(self.s, self.staff.head, self.day, self.staff.everyone,
                     absent=self.staff.absent, duty_cm=self.staff.duty_cm.staff_id)

    def open_day(self) -> None:
        self.call(self.s.day.open, self.staff.head)

    def sign_on(self, teller: Actor, counter_no: str) -> None:
        post = self.posts[counter_no]
        first = teller.staff_id not in self.signed
        cash = str(post.opening_cash_yuan) if post.opening_cash_yuan and first else ""
        session = self.call(self.s.counter.sign_on, teller, counter_no, cash)
        self.teller[counter_no] = teller
        self.signed.add(teller.staff_id)
        run_id = session.checklist_run_id
        if run_id is None:
            return
        # the start-of-day checklist: box drawn, cash and blank vouchers counted, all agree
        for step, value in (("box_drawn", ""), ("cash_counted", cash or "0"),
                            ("vouchers_counted", "50"), ("box_matches", "match"),
                            ("equipment", ""), ("appearance", "")):
            self.call(self.s.checklists.record, teller, run_id, step, value)
        self.call(self.s.checklists.complete, teller, run_id)

    # --- lunch: one counter closes, its teller takes over a colleague's counter (交接班) ------
    def _plan_lunch(self) -> None:
        """Around noon the counter with the fewest lanes closes for lunch; its teller then takes
        over a colleague's counter of the same kind by a shift hand-over, and the colleague
        comes back from lunch to the closed counter an hour later."""
        pair = lunch_pair(self.settings, [c for c, post in self.posts.items()
                                          if post.teller.staff_id not in self.staff.absent])
        if pair is None:
            return
        giver, closer = pair
        noon = max(self.hours.opens + 60, 12 * 60 + self.rng.uniform(0, 20))

        def close_for_lunch() -> bool:
            teller = self.teller[closer]
            assert teller is not None
            self.call(self.s.counter.sign_off, teller)
            self.teller[closer] = None
            self.idle.add(closer)  # woken when its teller is back
            self.changes[giver] = lambda: self.hand_over(giver, teller, closer)
            self.wake_counter(giver)
            return True

        self.at(noon, self.schedule_change, closer, close_for_lunch)

    def schedule_change(self, counter_no: str, change: Callable[[], bool]) -> None:
        self.changes[counter_no] = change
        self.wake_counter(counter_no)

    def hand_over(self, counter_no: str, taker: Actor, later_to: str) -> bool:
        giver = self.teller[counter_no]
        assert giver is not None
        box = self.box.get(counter_no, self.posts[counter_no].opening_cash_yuan * 100)
        notes = {10_000: box // 10_000} if box >= 10_000 else {}
        declared = sum(fen * n for fen, n in notes.items())
        h = self.call(self.s.handover.start, giver, "shift", notes,
                      note=self.text["handover_note"])
        self.call(self.s.handover.confirm, taker, h.id, format_fen(declared).replace(",", ""))
        self.stats.handovers += 1
        self.teller[counter_no] = taker
        self.at(self.now + self.rng.uniform(50, 65), self.back_from_lunch, giver, later_to)
        return False  # the counter goes on calling, with the taker

    def back_from_lunch(self, teller: Actor, counter_no: str) -> None:
        self.sign_on(teller, counter_no)
        self.wake_counter(counter_no)

    def wake_counter(self, counter_no: str) -> None:
        if counter_no in self.idle:
            self.idle.discard(counter_no)
            self.at(self.now + self.rng.uniform(0.1, 0.5), self.counter_turn, counter_no)

    # --- the lobby -----------------------------------------------------------------------------
    def arrive(self, a: Arrival) -> None:
        rng = self.rng
        self.arrivals_left -= 1
        lobby = rng.choice(self.staff.lobby)
        visit = self.call(self.s.lobby.arrive, lobby, client_id=a.client)
        self.stats.visits += 1
        guided = self.call(self.s.lobby.guide, lobby, visit.id, business=a.business,
                           amount_fen=a.amount_fen)
        self.finish_identification(lobby, visit.checklist_run_id, a.client, visit.id)
        if guided.ticket_id is not None:
            self.stats.tickets += 1
            self.open_tickets += 1
            self.plans[guided.ticket_id] = a
            self.wake(guided.route.category)
        if guided.route.notify_cm and a.client is not None:
            arrival = guided.visit.arrival  # the hand-off the lobby made, named in its answer
            self.at(self.now + (a.cm_response or lognormal(rng, *CM_RESPONSE, 0.5, 12.0)),
                    self.cm_comes, a.client, arrival)

    def finish_identification(self, lobby: Actor, run_id: int | None, client: int | None,
                              visit_id: int) -> None:
        """What the lobby manager does in the visit's checklist (F11) that the guiding did not:
        judge a walk-in by what they see, log the lead of a potential premium client; then
        close it (F9)."""
        if run_id is None:
            return
        missing = {s.step.id for s in self.call(self.s.checklists.get, lobby, run_id).open_required}
        if "judge" in missing:
            self.call(self.s.checklists.record, lobby, run_id, "judge", "ordinary")
        if "lead" in missing and client is not None:
            self.call(self.s.lobby.spot_potential, lobby, client_id=client,
                      signal=self.text["lead_signals"][0], visit_id=visit_id)
            self.stats.leads += 1
        self.call(self.s.checklists.complete, lobby, run_id)

    def wake(self, category: str | None) -> None:
        """An idle counter that serves `category` tries again (a ticket came into its lane);
        busy ones call it when they are done."""
        for counter_no in sorted(self.idle):
            cfg = self.settings.counter_cfg(counter_no)
            if cfg is not None and category in cfg.categories:
                self.wake_counter(counter_no)
                return

    def lobby_lead(self) -> None:
        rng = self.rng
        lobby = self.staff.lobby[0]
        self.call(self.s.lobby.spot_potential, lobby, contact_name=self.names.pick(rng).name,
                  contact_phone=self.mobiles.make(),
                  signal=rng.choice(self.text["lead_signals"]),
                  observed_business=rng.choice(self.text["walkin_business"]),
                  need=rng.choice(self.text["lead_needs"]))
        self.stats.leads += 1

    def cm_comes(self, client_id: int, arrival: Any = None) -> None:
        """The CM the premium arrival was handed to accepts it (comes to the client); they
        finish with the client a while later. The arrival's hand-off is known from the lobby's
        answer (`arrival`): its CM looks at that one, not through every CM's inbox."""
        if arrival is not None:
            cm = next((c for c in self.cms_in if arrival.to_staff_id == c.staff_id
                       or arrival.to_role in c.roles), None)
            if cm is None:
                return  # handed to a CM who is not in today: nobody comes
            h = self.call(self.s.handoffs.get, cm, arrival.handoff_id)
            if h.status == "open":
                self.call(self.s.handoffs.accept, cm, h.id)
                self.stats.arrivals_accepted += 1
                self.at(self.now + lognormal(self.rng, 22, 0.4, 8, 60), self.cm_done, cm, h.id)
            return
        for cm in self.cms_in:
            for h in self.call(self.s.handoffs.inbox, cm, include_closed_today=False):
                if (h.kind == "premium_arrival" and h.status == "open" and h.client_id == client_id
                        and (h.to_staff_id == cm.staff_id or h.to_role in cm.roles)):
                    self.call(self.s.handoffs.accept, cm, h.id)
                    self.stats.arrivals_accepted += 1
                    self.at(self.now + lognormal(self.rng, 22, 0.4, 8, 60), self.cm_done, cm, h.id)
                    return

    def cm_done(self, cm: Actor, handoff_id: int) -> None:
        h = self.call(self.s.handoffs.get, cm, handoff_id)
        if h.status == "accepted":
            self.call(self.s.handoffs.complete, cm, handoff_id,
                      self.rng.choice(self.text["arrival_outcomes"]))

    # --- appointments (预约, issue 18) ----------------------------------------------------------
    def book_appointments(self) -> None:
        """In the morning a CM books a few of their premium clients for the afternoon (each
        gets a confirmation in the outbox); all but one come and are checked in by the lobby,
        the last is a no-show. The lobby books one large cash withdrawal for the next business
        day (the cash has to be ordered)."""
        rng = self.rng
        cm = next((c for c in self.cms_in if self.directory.clients_of.get(c.staff_id)), None)
        if cm is None:
            return
        clients = list(dict.fromkeys(int(x) for x in self.directory.clients_of[cm.staff_id]))
        picked = rng.sample(clients, min(len(clients), APPOINTMENTS))
        hours = [self.hours.opens + 150 + k * 75 + rng.choice((0, 15, 30)) for k in range(len(picked))]
        purpose = self.settings.appointments.purposes[0]
        for k, (client, minute) in enumerate(zip(picked, hours, strict=True)):
            start = self.base + timedelta(minutes=minute)
            # booking queues the confirmation (SMS, or for the desk to print) in its transaction
            ap = self.call(self.s.appointments.book, cm, purpose=purpose.code, start=start,
                           client_id=client, staff_id=cm.staff_id, source="cm",
                           note=self.text["appointment_note"])
            self.stats.appointments += 1
            if k < len(picked) - 1:  # the last one does not come
                self.at(minute + rng.uniform(-10, 8), self.check_in, ap.id)
        self.at(self.hours.closes - 5, self.appointment_no_shows)
        large = next((x for x in self.settings.appointments.purposes if x.large_cash), None)
        if large is None:
            return
        tomorrow = self.settings.calendar.open_days().next_open(self.day)
        start = datetime.combine(tomorrow, time(10, 0), self.tz)
        who = self.directory.pick(rng, sorted(self.premium))
        if who is not None:
            self.call(self.s.appointments.book, self.staff.lobby[0], purpose=large.code,
                      start=start, client_id=who[0], source="phone_95588", amount="200000",
                      denominations=self.text["large_cash_denominations"])
            self.stats.appointments += 1

    def check_in(self, appointment_id: int) -> None:
        self.call(self.s.appointments.check_in, self.staff.lobby[0], appointment_id)

    def appointment_no_shows(self) -> None:
        self.call(self.s.appointments.mark_no_shows, self.staff.lobby[0])

    # --- the counters --------------------------------------------------------------------------
    def counter_turn(self, counter_no: str) -> None:
        change = self.changes.pop(counter_no, None)
        if change is not None and change():
            return
        teller = self.teller.get(counter_no)
        if teller is None:  # closed (lunch): woken when its teller is back
            self.idle.add(counter_no)
            return
        ticket = self.call(self.s.queue.call_next, teller, counter_no)
        if ticket is None:
            self.idle.add(counter_no)  # woken when a ticket is issued or transferred
            return
        rng = self.rng
        a = self.plans.get(ticket.id)
        if a is None:  # a ticket the demo did not issue itself (an appointment's check-in)
            a = self.plans[ticket.id] = Arrival(
                self.now, ticket.client_id, None, "non_cash", None, ticket.category,
                service_minutes(rng, self.settings, ticket.category))
            self.open_tickets += 1
        if ticket.id not in self.transferred:
            waited = self.now - a.minute
            self.waits.append((waited, ticket.id))
            self.maybe_wait_complaint(waited, a)
            if a.no_show:
                self.at(self.now + 1, self.recall, teller, ticket.id)
                self.at(self.now + 2.5, self.no_show, teller, ticket.id)
                self.at(self.now + 3, self.counter_turn, counter_no)
                return
        self.at(self.now + rng.uniform(0.3, 1.5), self.start, counter_no, ticket)

    def recall(self, teller: Actor, ticket_id: int) -> None:
        self.call(self.s.queue.recall, teller, ticket_id)

    def no_show(self, teller: Actor, ticket_id: int) -> None:
        self.call(self.s.queue.no_show, teller, ticket_id)
        self.stats.no_shows += 1
        self._ticket_done()

    def start(self, counter_no: str, ticket: Any) -> None:
        teller = self.teller[counter_no]
        self.call(self.s.queue.start, teller, ticket.id)
        a = self.plans[ticket.id]
        minutes = service_minutes(self.rng, self.settings, ticket.category) \
            if ticket.id in self.transferred else a.service
        self.at(self.now + minutes * 0.6, self.record, counter_no, ticket, minutes * 0.4)

    def record(self, counter_no: str, ticket: Any, rest: float) -> None:
        rng = self.rng
        post, teller = self.posts[counter_no], self.teller[counter_no]
        assert teller is not None
        a = self.plans[ticket.id]
        cash_leg = ticket.id in self.transferred
        if a.retention and not cash_leg:
            self.retention(counter_no, teller, ticket, rest)
            return
        bt, amount = rhythm.pick_business(rng, self.settings, ticket.category,
                                          business="cash" if cash_leg else a.business,
                                          amount_fen=a.amount_fen,
                                          premium=a.tier in self.premium)
        box = self.box.get(counter_no, post.opening_cash_yuan * 100)
        if bt.cash == "out" and amount > box:  # the box cannot pay it out: a deposit instead
            bt = next((b for b in self.settings.counter.business_types
                       if b.cash == "in" and ticket.category in b.categories), bt)
        product = ""
        if bt.code in self.settings.compliance.sale_business_types:  # issue 17: rules obeyed
            bt, product = self._sale(teller, ticket, bt, amount)
        payee = sales.payee_for(ticket.client_id, ticket.id) if bt.code == "transfer" else ""
        rec = self._sell_recorded(
            teller, ticket.client_id, product,
            lambda: self._record_asked(teller, ticket, bt.code,
                                       format_fen(amount).replace(",", "") if amount else "",
                                       product, payee))
        if rec is None:  # stopped by the anti-fraud answers: nothing paid out, nothing recorded
            self.at(self.now + rest, self.finish, counter_no, ticket, 0)
            return
        self.stats.records += 1
        if rec.outcome == "pending_auth":
            req = self.call(self.s.authorization.request, teller, rec.id)
            rule = self.settings.authorization.rule_for(bt.code,
                                                        rec.authorization_sum_fen or amount)
            roles = set(rule.checker_roles) if rule else set(p.CHECKERS)
            checker = rng.choice(self.staff.checkers_for(roles, teller))
            self.stats.authorizations += 1
            reject = self.rejections_due > 0 and (a.auth_rejected or self.now > REJECT_BY)
            self.at(self.now + lognormal(rng, 1.6, 0.5, 0.4, 8), self.authorize, checker, req.id,
                    counter_no, ticket, rest, (bt, amount), reject)
            return
        self._cash(counter_no, bt, amount)
        self.after_record(counter_no, ticket, rest, amount)

    def _sell_recorded(self, actor: Actor, client_id: int | None, code: str,
                       sell: Callable[[], Any]) -> Any:
        """Issue 17: a sale `[compliance.dual_recording]` names gets its recording entered
        first; now and then it is forgotten — the sale is refused (kept, counted) and made
        once the recording is entered."""
        if not code or not sales.needs_recording(self.s, client_id, code, self.day):
            return sell()
        assert client_id is not None
        if self.rng.random() < sales.FORGET_RECORDING:
            try:
                return sell()
            except SaleRefused:
                self.stats.sales_refused += 1
        self._recordings = getattr(self, "_recordings", 0) + 1
        sales.enter_recording(self.s, actor, client_id, code,
                              f"SR{self.day:%Y%m%d}-{self._recordings:04d}")
        return sell()

    def _cash(self, counter_no: str, bt: Any, amount: int) -> None:
        if bt.cash != "none":
            box = self.box.get(counter_no, self.posts[counter_no].opening_cash_yuan * 100)
            self.box[counter_no] = box + (amount if bt.cash == "in" else -amount)

    def retention(self, counter_no: str, teller: Actor, ticket: Any, rest: float) -> None:
        """A premium client who came to close an account: the closing is recorded (the CM and,
        for a key client, the head are told at once) and the teller tries to keep the client
        (manual digest §4.4.3); the client stays, the closing is cancelled."""
        closing = next(b for b in self.settings.counter.business_types  # script.py: a lane
                       if b.account_closing and ticket.category in b.categories)  # that closes
        self.call(self.s.counter.record, teller, ticket.id, closing.code, "")
        self.stats.records += 1
        serving = self.call(self.s.counter.serving, teller)
        for r in serving.retentions if serving else ():
            if not r.outcome:
                self.call(self.s.counter.record_retention, teller, r.id, "retained",
                          self.rng.choice(self.text["retention_notes"]))
                self.stats.retentions += 1
        self.at(self.now + rest + self.rng.uniform(3, 8), self.finish, counter_no, ticket, 0)

    def _sale(self, teller: Actor, ticket: Any, bt: Any, amount: int) -> tuple[Any, str]:
        """A wealth product the rules allow for the ticket's client; sometimes one they refuse
        is tried first (the refusal is kept). No product allowed (a walk-in): a transfer."""
        attempt, allowed = sales.pick(self.rng, self.s, ticket.client_id, self.day)
        if attempt is not None:
            try:
                self.call(self.s.counter.record, teller, ticket.id, bt.code,
                          format_fen(amount).replace(",", ""), product=attempt)
            except SaleRefused:
                self.stats.sales_refused += 1
        if allowed is None:
            other = next(b for b in self.settings.counter.business_types
                         if b.code == "transfer" and ticket.category in b.categories)
            return other, ""
        return bt, allowed

    def _record_asked(self, teller: Actor, ticket: Any, code: str, amount: str,
                      product: str, payee: str = "") -> Any:
        """Record the business (a transfer names its payee); when the service asks for the
        anti-fraud questions (issue 17: a large amount, a payee the client has not paid before)
        the teller asks them and records again with the answers (demo.sales). None: a
        suspicious answer stopped it (once a day, the service hands it to the supervisor)."""
        try:
            return self.call(self.s.counter.record, teller, ticket.id, code, amount,
                             product=product, payee=payee)
        except QuestionsNeeded as exc:
            self.antifraud_asked += 1
            stop = self.antifraud_asked == sales.STOP_AT_ASKED
            answers = sales.antifraud_answers(self.rng, exc.checklist, suspicious=stop)
            try:
                return self.call(self.s.counter.record, teller, ticket.id, code, amount,
                                 product=product, payee=payee, antifraud=answers)
            except AntifraudStopped:
                return None

    def authorize(self, checker: Actor, request_id: int, counter_no: str, ticket: Any,
                  rest: float, business: tuple[Any, int], reject: bool) -> None:
        bt, amount = business
        if reject:
            self.call(self.s.authorization.decide, checker, request_id, False,
                      self.rng.choice(self.text["reject_reasons"]))
            self.rejections_due -= 1
            self.stats.auth_rejected += 1
            self.at(self.now + self.rng.uniform(1, 3), self.finish, counter_no, ticket, 0)
            return
        self.call(self.s.authorization.decide, checker, request_id, True)
        self._cash(counter_no, bt, amount)
        self.after_record(counter_no, ticket, rest, amount)

    def after_record(self, counter_no: str, ticket: Any, rest: float, amount: int) -> None:
        cash_lane = rhythm.cash_category(self.settings)
        if ticket.id not in self.transferred and cash_lane and self.plans[ticket.id].transfer:
            self.at(self.now + rest, self.transfer, counter_no, ticket.id, cash_lane)
            return
        self.at(self.now + rest, self.finish, counter_no, ticket, amount)

    def transfer(self, counter_no: str, ticket_id: int, to_category: str) -> None:
        self.call(self.s.queue.transfer, self.teller[counter_no], ticket_id,
                  to_category=to_category, note=self.text["transfer_note"])
        self.transferred.add(ticket_id)
        self.stats.transfers += 1
        self.wake(to_category)
        self.at(self.now + self.rng.uniform(0.3, 1), self.counter_turn, counter_no)

    def finish(self, counter_no: str, ticket: Any, amount: int) -> None:
        rng = self.rng
        teller = self.teller[counter_no]
        tier = self.plans[ticket.id].tier
        needs, note = "none", ""
        signal = amount >= self.settings.counter.premium_signal_amount_fen
        if tier not in self.premium and (signal and rng.random() < 0.6 or rng.random() < 0.06):
            needs = "refer" if rng.random() < 0.7 else "lead"
            note = rng.choice(self.text["lead_needs"])
            self.stats.leads += 1
        extra = {}
        if needs != "none" and ticket.client_id is None:
            extra = {"contact_name": self.names.pick(rng).name, "contact_phone": self.mobiles.make()}
        self.call(self.s.counter.finish, teller, ticket.id, needs, need_note=note, **extra)
        self.stats.finished += 1
        self._ticket_done()
        self.at(self.now + rng.uniform(0.2, 1), self.counter_turn, counter_no)

    def _ticket_done(self) -> None:
        self.open_tickets -= 1
        if self.now >= self.hours.closes:
            self.maybe_close()

    # --- hand-offs, contacts, complaints -------------------------------------------------------
    def sweep_inbox(self, actor: Actor) -> None:
        """`actor` looks at their hand-offs (at random intervals, SWEEP_MEAN minutes on average):
        accept what came in, finish what was accepted a while ago; CMs decline a few leads.
        Late in the day some stay open for tomorrow."""
        rng = self.rng
        late = self.now > self.hours.closes - 30
        for h in self.call(self.s.handoffs.inbox, actor, include_closed_today=False):
            if h.from_staff_id == actor.staff_id:
                continue
            waited = (self.clock.now() - h.created_at).total_seconds() / 60
            if h.status == "open" and waited >= 1 and not (late and h.kind != "premium_arrival"):
                if h.kind in ("lead", "referral") and rng.random() < 0.1:
                    self.call(self.s.handoffs.decline, actor, h.id,
                              rng.choice(self.text["decline_reasons"]))
                elif h.to_staff_id == actor.staff_id or h.to_role in actor.roles:
                    self.call(self.s.handoffs.accept, actor, h.id)
            elif h.status == "accepted" and h.to_staff_id == actor.staff_id and not late:
                since = (self.clock.now() - (h.accepted_at or h.created_at)).total_seconds() / 60
                if since >= 15 and rng.random() < 0.6:
                    outcome = self.text["arrival_outcomes" if h.kind == "premium_arrival"
                                        else "lead_outcomes"]
                    if (h.kind in ("lead", "referral") and h.client_id is not None
                            and rng.random() < 0.5):
                        self.sell(actor, h.client_id)  # converts the lead (real path)
                    self.call(self.s.handoffs.complete, actor, h.id, rng.choice(outcome))
        later = self.now + rng.expovariate(1 / SWEEP_MEAN)
        if later < self.hours.closes + 20:
            self.at(later, self.sweep_inbox, actor)

    def log_contact(self, cm: Actor) -> None:
        rng = self.rng
        clients = self.directory.clients_of.get(cm.staff_id)
        if not clients:
            return
        client = int(clients[rng.randrange(len(clients))])
        result = rng.choice(RESULTS)
        products: list[str] = []
        if result == "sold":  # issue 17: a sale names a product the rules allow
            attempt, allowed = sales.pick(rng, self.s, client, self.day)
            if attempt is not None:
                try:
                    self.call(self.s.contacts.log, cm, client, channel="meeting",
                              purpose="product", result="sold", products=[attempt],
                              sale_amount="100000")
                except SaleRefused:
                    self.stats.sales_refused += 1
            if allowed is None:
                result = "declined"
            else:
                products = [allowed]
        follow = result in ("interested", "appointment") or rng.random() < 0.3
        channel = rng.choice(("phone", "phone", "wechat", "visit", "meeting"))
        purpose = rng.choice([x for x in PURPOSES if x in self.text["contact_purposes"]])
        content = rng.choice(self.text["contact_contents"])
        next_action = rng.choice([a for a in self.text["next_actions"] if a]) if follow else ""
        next_date = self.day + timedelta(days=rng.randrange(3, 40)) if follow else None
        sale_amount = str(rng.choice((50_000, 100_000, 200_000))) if result == "sold" else ""
        self._sell_recorded(
            cm, client, products[0] if result == "sold" and products else "",
            lambda: self.call(self.s.contacts.log, cm, client, channel=channel, purpose=purpose,
                              content=content, result=result, next_action=next_action,
                              next_date=next_date, products=products, sale_amount=sale_amount))
        self.stats.contacts += 1

    def sell(self, cm: Actor, client: int) -> bool:
        """The CM sells the client a low-risk product (a contact with the result `sold`); False
        when the client's risk assessment does not allow it (then nothing is recorded)."""
        product = min(self.settings.contact.products, key=lambda p: p.risk_level, default=None)
        if product is None:
            return False
        amount = str(self.rng.choice((50_000, 100_000, 200_000, 500_000)))
        try:
            self._sell_recorded(
                cm, client, product.code,
                lambda: self.call(self.s.contacts.log, cm, client, channel="visit",
                                  purpose="product", content=product.name, result="sold",
                                  products=[product.code], sale_amount=amount))
        except (FieldError, ServiceError):
            return False
        self.stats.contacts += 1
        return True

    def maybe_wait_complaint(self, waited: float, a: Arrival) -> None:
        """A client called after LONG_WAIT minutes or more complains about the queue (the
        first such client of the day): the complaints follow from the waits."""
        if waited < LONG_WAIT or self.wait_complaint or a.client is None:
            return
        self.wait_complaint = True
        self.at(self.now + self.rng.uniform(1, 4), self.complaint, WAITING, a.client)

    def complaint(self, kind: str, client: int | None = None) -> None:
        """About the queue: received by the lobby manager, settled on the spot and later closed
        by the head. About fees: received at a non-cash counter, sent to the supervisor to
        investigate (15-day clock)."""
        rng = self.rng
        cfg = self.settings.complaints
        spec = next(c for c in self.text["complaints"] if c["category"] == kind)
        category = cfg.category(spec["category"]) or cfg.categories[0]
        sub = next((s.code for s in category.subcategories if s.code == spec["subcategory"]),
                   category.subcategories[0].code if category.subcategories else "")
        channel = spec["channel"] if cfg.channel(spec["channel"]) else cfg.channels[0].code
        if client is None:
            picked = self.directory.pick(rng, [t.code for t in self.settings.tiers])
            client = picked[0] if picked else None
        if kind == WAITING:
            receiver = self.staff.lobby[0]
            c = self.call(self.s.complaints.intake, receiver, channel=channel,
                          category=category.code, subcategory=sub,
                          description=spec["description"], client_id=client,
                          requested_remedy=spec["remedy"], on_spot_reply=spec["reply"],
                          options_told=True)
            self.at(self.now + rng.uniform(60, 120), self.close_complaint, c.id, spec)
        else:
            teller = rng.choice([post.teller for post in self.staff.posts
                                 if post.kind == "non_cash"] or [self.staff.lobby[0]])
            c = self.call(self.s.complaints.intake, teller, channel=channel,
                          category=category.code, subcategory=sub,
                          description=spec["description"], client_id=client,
                          requested_remedy=spec["remedy"])
            sup = self.staff.supervisor
            self.at(self.now + rng.uniform(10, 40), self.assign_complaint, sup, c.id)
        self.stats.complaints += 1

    def close_complaint(self, complaint_id: int, spec: dict[str, str]) -> None:
        self.call(self.s.complaints.close, self.staff.head, complaint_id, spec["root_cause"],
                  spec["rectification"])

    def assign_complaint(self, sup: Actor, complaint_id: int) -> None:
        self.call(self.s.complaints.assign, sup, complaint_id, sup.staff_id,
                  self.text["complaint_assign_note"])

    # --- closing -------------------------------------------------------------------------------
    def maybe_close(self) -> None:
        if self.closing_started or self.open_tickets or self.arrivals_left:
            return
        self.closing_started = True
        start = max(self.now, self.hours.closes) + 5
        for i, (counter_no, teller) in enumerate(sorted(self.teller.items())):
            if teller is not None:
                self.at(start + i * 2, self.balance, counter_no, teller)
        self.at(start + 20, self.sign_off_balances)
        self.at(start + 30, self.confirm_flow_log)
        self.at(start + 40, self.close_day)

    def balance(self, counter_no: str, teller: Actor) -> None:
        """The teller signs off and balances: counted = expected, except the one box of the
        day that is short (script.short_counter): that teller says so, the five matches
        cannot all be ticked, and the supervisor handles the difference before signing off."""
        self.call(self.s.counter.sign_off, teller)
        mine = self.call(self.s.balancing.mine, teller)
        expected = mine.figures.expected_cash_fen
        short = self.script.short_fen if counter_no == self.script.short_counter else 0
        short = min(short, expected)
        counted = format_fen(expected - short).replace(",", "")
        matches = {m: not (short and m in CASH_MATCHES) for m in MATCHES}
        self.call(self.s.balancing.submit, teller, counted, matches,
                  self.text["short_note"] if short else "")

    def sign_off_balances(self) -> None:
        sup = self.staff.supervisor
        for b in self.call(self.s.balancing.today, sup):
            if b.status != "submitted":
                continue
            if b.has_difference and not b.handled:
                self.call(self.s.balancing.handle_difference, sup, b.id, "borne",
                          self.text["difference_handling"])
                self.stats.cash_differences += 1
            self.call(self.s.balancing.sign_off, sup, b.id)
        self.call(self.s.balancing.sign_off_outlet, sup)

    def confirm_flow_log(self) -> None:
        manager = next(a for a in self.staff.lobby if p.LOBBY_MANAGER in a.roles)
        self.call(self.s.day.confirm_flow_log, manager)

    def close_day(self) -> None:
        head = self.staff.head
        try:
            self.call(self.s.day.close, head)
        except DayCloseRefused as refused:
            # the hand-offs still open are carried over to the next day, not explained away
            explanations = {x.key: self.text["close_explanation"] for x in refused.problems
                            if x.explainable and x.kind != "handoff"}
            self.call(self.s.day.close, head, explanations=explanations, carry_over=True)
