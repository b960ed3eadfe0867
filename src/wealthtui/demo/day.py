"""One business day played from the day simulator's script (demo.script) and written as rows (for
`wealthtui gen` and the demo's earlier days; the demo's last day plays the same kind of script
through the services, demo.workday): visits
routed by the lobby's rules, queue tickets with their event timeline (issued, called, recalled,
no-show, started, transferred, finished), counter sessions, service records with maker-checker
authorisations, premium arrivals and referrals handed to CMs with their leads, CM contacts,
teller balances and the outlet balance signed off by the supervisor, attendance. The caller
writes the business day itself, closed, after whatever it adds through the services.

The rows have the shapes the services write (the demo center's day goes through the services
themselves, see demo.workday); complaints are left to the complaint service (demo.synthetic),
whose clock history is more than a row. The demo's history (`sales_and_complaints`, issue 21)
also has a few complaints a day settled on the spot, whose whole clock (received, stopped the
same day) is two events, and sells wealth products at the counter as the services record a
sale: its suitability check (rules.suitability, on the client's assessment and age that day)
and its dual recording (双录) when `[compliance.dual_recording]` names it. Otherwise, or for a
walk-in or a client the rules allow nothing, the money moves as a transfer instead.
Counters call the next ticket like rules.queue: a ticket of any lane that has waited
`starvation_minutes` first, else the highest-priority lane, then the counter's own lane order.
Times are minutes after the center's local midnight until they are written as aware UTC.
"""

from __future__ import annotations

import heapq
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from wealthtui.config import CategoryCfg, Settings
from wealthtui.demo import rhythm
from wealthtui.demo.bulk import ORDER, BulkWriter, Ids, Row, make_row
from wealthtui.demo.people import Mobiles, NamePool
from wealthtui.demo.pools import pools
from wealthtui.demo.population import Directory
from wealthtui.demo.script import Arrival, DayScript, service_minutes
from wealthtui.model import Client, SaleCheck
from wealthtui.rules import deadlines as dl
from wealthtui.rules import dual_recording, routing, suitability
from wealthtui.rules import queue as qrules
from wealthtui.rules.agenda import PURPOSES, RESULTS
from wealthtui.services.cashbox import BoxFigures
from wealthtui.services.compliance import sale_rules

_RANK = {name: i for i, name in enumerate(ORDER)}
ARRIVAL_SECTION, LEAD_SECTION, NEEDS_SECTION = "ch.2 §2.7", "ch.2 §2.5 item 7", "ch.2 §2.4 item 4"
#: complaints a history day receives (each settled on the spot), and what a sale is when the
#: day's script gives it no amount (yuan)
COMPLAINTS_PER_DAY = (1, 3)
SALE_YUAN = (50_000, 100_000, 200_000, 300_000, 500_000)
#: the share of the script's wealth-product business that is a sale (the rest moves the money
#: as a transfer): about the counter sales of the day worked through the services
SALE_SHARE = 0.45
#: what the lobby notes on the ticket of a client who left before being called
LEFT = "客户未等候离开"


@dataclass(frozen=True)
class Post:
    """A teller at a counter for the day."""

    counter_no: str
    kind: str  # cash | non_cash
    categories: tuple[str, ...]
    staff_id: int
    opening_cash_fen: int = 0


@dataclass
class Roster:
    head: int
    supervisor: int
    lobby_manager: int
    lobby: list[int]
    wealth_cms: list[int]
    marketing_cms: list[int]
    posts: list[Post]
    roles_of: dict[int, frozenset[str]]

    def with_role(self, roles: Sequence[str], *, not_: int | None = None) -> list[int]:
        wanted = set(roles)
        return [s for s, r in self.roles_of.items() if r & wanted and s != not_]

    def duty_cm(self, day: date) -> int:
        cms = self.wealth_cms or self.marketing_cms
        return cms[day.toordinal() % len(cms)]


@dataclass
class DayStats:
    visits: int = 0
    tickets: int = 0
    finished: int = 0
    no_shows: int = 0
    transfers: int = 0
    records: int = 0
    authorizations: int = 0
    handoffs: int = 0
    leads: int = 0
    contacts: int = 0
    sales: int = 0
    complaints: int = 0

    def add(self, other: DayStats) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Ticket:
    id: int
    series: str
    number: int
    display: str
    lane: str          # the category it waits in now
    priority: int
    client: int | None
    tier: str | None
    business: str
    amount: int | None
    issued_by: int
    issued: float
    queued: float
    status: str = "waiting"
    counter: str | None = None
    served_by: int | None = None
    called: float | None = None
    started: float | None = None
    finished: float | None = None
    recalls: int = 0
    transfer_to: str | None = None
    transferred: bool = False
    visit: int | None = None
    plan: Arrival | None = None


class RowDay:
    """Simulates days and hands their rows to a BulkWriter, parents first."""

    def __init__(self, rng: random.Random, settings: Settings, roster: Roster,
                 directory: Directory, names: NamePool, mobiles: Mobiles, ids: Ids,
                 out: BulkWriter, routing_table: routing.RoutingTable, *,
                 sales_and_complaints: bool = False) -> None:
        self.rng = rng
        #: the demo's history sells at the counter and settles complaints on the spot as rows;
        #: `wealthtui gen` takes its complaints through the complaint service (demo.synthetic)
        self.sales_and_complaints = sales_and_complaints
        self.settings = settings
        self.roster = roster
        self.directory = directory
        self.names = names
        self.mobiles = mobiles
        self.ids = ids
        self.out = out
        self.table = routing_table
        self.tz = ZoneInfo(settings.center.timezone)
        self.text = pools()["history"]
        self.premium = frozenset(t.code for t in settings.tiers if t.premium)
        self.cats: dict[str, CategoryCfg] = {c.code: c for c in settings.queue.categories}
        served = {c for post in roster.posts for c in post.categories}
        self.unserved = set(self.cats) - served
        self._rows: list[tuple[str, Row]] = []
        self.sale_types = frozenset(settings.compliance.sale_business_types)
        self.sale_rules = sale_rules(settings)
        self.recording_rules = dual_recording.from_settings(settings)
        #: client → (risk level, assessed on, birthday), read when the first sale needs it
        self._profiles: dict[int, tuple[int | None, date | None, date | None]] | None = None
        #: clients with a sale on record (a first purchase needs its recording)
        self._bought: set[int] = set()

    # --- helpers -------------------------------------------------------------------------------
    def _utc(self, minute: float) -> datetime:
        return self._base + timedelta(seconds=round(minute * 60))

    def _put(self, name: str, **values: object) -> Row:
        row = make_row(name, **values)
        self._rows.append((name, row))
        return row

    def _event(self, t: _Ticket, kind: str, minute: float, by: int | None,
               counter: str | None = None, **extra: object) -> None:
        self._put("ticket_event", id=self.ids.next("ticket_event"), ticket_id=t.id, kind=kind,
                  at=self._utc(minute), by_staff_id=by, counter_no=counter, **extra)

    def _handoff(self, *, kind: str, from_staff: int, created: float, source: str,
                 to_staff: int | None, to_role: str | None, client: int | None,
                 ticket: int | None, note: str, due: float, section: str,
                 fate: str, outcome: str = "", done_at: float | None = None,
                 accepted_after: float | None = None) -> int:
        rng = self.rng
        accepted = created + (accepted_after or rng.uniform(1, 12)) \
            if fate in ("accepted", "done") else None
        closed = None
        if fate == "done":
            closed = max(done_at or 0.0, (accepted or created) + rng.uniform(5, 60))
        elif fate == "declined":
            closed = created + rng.uniform(2, 30)
        if to_role is not None and accepted is not None:
            members = self.roster.with_role([to_role], not_=from_staff)
            to_staff = rng.choice(members) if members else None
        hid = self.ids.next("handoff")
        self._put("handoff", id=hid, kind=kind, business_date=self.day, from_staff_id=from_staff,
                  to_staff_id=to_staff, to_role=to_role, client_id=client, ticket_id=ticket,
                  source=source, note=note, due_at=self._utc(due), status=fate,
                  created_at=self._utc(created),
                  accepted_at=self._utc(accepted) if accepted is not None else None,
                  closed_at=self._utc(closed) if closed is not None else None,
                  outcome=outcome if fate == "done" else "",
                  decline_reason=rng.choice(self.text["decline_reasons"]) if fate == "declined" else "",
                  manual_section=section)
        return hid

    def _cm_of(self, client: int | None) -> tuple[int | None, str | None]:
        cm = self.directory.cm_of.get(client) if client is not None else None
        if cm is not None:
            return cm, None
        if self.roster.wealth_cms:
            return self.roster.duty_cm(self.day), None
        return None, "wealth_cm"

    # --- the day -------------------------------------------------------------------------------
    def run(self, script: DayScript) -> DayStats:
        day = self.day = script.day
        self.hours = script.hours
        self._base = datetime.combine(day, time(0), self.tz).astimezone(UTC)
        self.stats = DayStats()
        self.records: dict[int, list[tuple[str, str, int]]] = {}
        self.session_end: dict[int, float] = {}
        duty = self.roster.duty_cm(day)
        for staff in self.roster.roles_of:
            self._put("attendance", id=self.ids.next("attendance"), business_date=day,
                      staff_id=staff, present=True, duty_cm=staff == duty)
        tickets = self._arrivals(script.arrivals)
        self._serve(tickets)
        for t in tickets:
            self._write_ticket(t)
        if self.sales_and_complaints:
            self._complaints(tickets)
        self._contacts(script.contacts)
        self._balances()
        for name, row in sorted(self._rows, key=lambda item: _RANK[item[0]]):
            self.out.add(name, row)
        self._rows.clear()
        return self.stats

    def _arrivals(self, arrivals: list[Arrival]) -> list[_Ticket]:
        rng, st = self.rng, self.stats
        next_no = {code: c.first for code, c in self.cats.items()}
        tickets: list[_Ticket] = []
        for a in arrivals:
            minute, client, tier = a.minute, a.client, a.tier
            premium = tier in self.premium
            business, amount = a.business, a.amount_fen
            route = routing.route(self.table, business=business, premium=premium,
                                  potential=tier == "potential", amount_fen=amount)
            lobby = rng.choice(self.roster.lobby)
            cat = self.cats.get(route.category or "")
            if cat is not None and (cat.code in self.unserved or next_no[cat.code] > cat.last):
                cat = None  # nobody serves that lane today, or its numbers ran out
            visit = self.ids.next("visit")
            self._put("visit", id=visit, business_date=self.day, client_id=client,
                      arrived_at=self._utc(minute - rng.uniform(0.5, 2)),
                      identified_by=lobby if client is not None else None,
                      tier_at_arrival=tier or "", business_kind=business,
                      route=cat.zone if cat else route.zone,
                      diverted=route.divert or (cat is None and route.category is not None))
            st.visits += 1
            if cat is None:
                continue
            number = next_no[cat.code]
            next_no[cat.code] += 1
            t = _Ticket(id=self.ids.next("ticket"), series=cat.code, number=number,
                        display=qrules.display_no(cat.prefix, number, cat.last), lane=cat.code,
                        priority=cat.priority, client=client, tier=tier, business=business,
                        amount=amount, issued_by=lobby, issued=minute, queued=minute,
                        visit=visit, plan=a)
            cash_lane = rhythm.cash_category(self.settings)
            if a.transfer and cash_lane and cash_lane not in self.unserved:
                t.transfer_to = cash_lane
            tickets.append(t)
            st.tickets += 1
            self._event(t, "issued", minute, lobby, to_category=cat.code)
            if premium and client is not None:
                to_staff, to_role = self._cm_of(client)
                self._handoff(
                    kind="premium_arrival", from_staff=lobby, created=minute, source="lobby",
                    to_staff=to_staff, to_role=to_role, client=client, ticket=t.id, note="",
                    due=minute + self.settings.handoffs.arrival_late_minutes,
                    section=ARRIVAL_SECTION, fate="done" if rng.random() < 0.85 else "accepted",
                    outcome=rng.choice(self.text["arrival_outcomes"]), done_at=minute + 30,
                    accepted_after=a.cm_response or None)
                st.handoffs += 1
        return tickets

    def _serve(self, tickets: list[_Ticket]) -> None:
        self.serve(tickets)

    def serve(self, tickets: list[_Ticket], *, closes: float | None = None,
              patience: dict[int, float] | None = None,
              leave: Callable[[_Ticket, float, str], None] | None = None) -> list[_Ticket]:
        """The counters call and serve `tickets` (the one serving loop of the history days and
        of `wealthtui gen`, demo.gen_day): each counter, when free, calls the next ticket of
        its lanes like rules.queue — a ticket of any lane that has waited `starvation_minutes`
        first, else the highest-priority lane, then the counter's own order of its lanes. With `closes` (minutes after midnight) a
        counter calls no one from then on; with `patience` (ticket id → minutes) a client who
        waited longer is gone before the call (`leave(ticket, minute, LEFT)`). Returns the
        tickets still waiting when the counters stopped, in lane order."""
        rng = self.rng
        starve = self.settings.queue.starvation_minutes
        lanes: dict[str, list[tuple[float, int, _Ticket]]] = {code: [] for code in self.cats}
        for seq, t in enumerate(tickets):
            heapq.heappush(lanes[t.lane], (t.queued, seq, t))
        seq = len(tickets)
        posts = self.roster.posts
        clock = [(self.hours.opens + rng.uniform(0, 3), i) for i in range(len(posts))]
        heapq.heapify(clock)
        pending = len(tickets)  # not yet finished, left or gone
        for post in posts:
            self.session_end[post.staff_id] = self.hours.opens
        while clock and pending:
            now, i = heapq.heappop(clock)
            if closes is not None and now >= closes:
                continue  # this counter calls no one after closing
            post = posts[i]
            heads = [(self.cats[c].priority, lanes[c][0][0], c) for c in post.categories
                     if lanes.get(c)]
            ready = [h for h in heads if h[1] <= now]
            if not ready:
                later = [queued for _, queued, _ in heads]
                if later:
                    heapq.heappush(clock, (min(later), i))
                else:  # nothing in its lanes now: a transfer may bring one
                    heapq.heappush(clock, (now + 5, i))
                continue
            # rules.queue.order_waiting: a ticket of any lane that waited `starve` minutes first
            # (oldest first), else the highest priority, then the counter's own lane order
            starving = [h for h in ready if now - h[1] >= starve]
            _, _, lane = min(starving, key=lambda h: h[1]) if starving else \
                min(ready, key=lambda h: (-h[0], post.categories.index(h[2]), h[1]))
            t = heapq.heappop(lanes[lane])[2]
            if patience is not None and leave is not None and now - t.queued > patience[t.id]:
                leave(t, t.queued + patience[t.id], LEFT)  # gone before the call
                pending -= 1
                heapq.heappush(clock, (now, i))
                continue
            free_at, requeued = self._at_counter(t, post, now)
            if requeued:
                seq += 1
                heapq.heappush(lanes[t.lane], (t.queued, seq, t))
            else:
                pending -= 1
            self.session_end[post.staff_id] = max(self.session_end[post.staff_id], free_at)
            heapq.heappush(clock, (free_at, i))
        return [t for lane in lanes.values() for _queued, _seq, t in lane]

    def _at_counter(self, t: _Ticket, post: Post, now: float) -> tuple[float, bool]:
        """Serve `t` at `post` from `now`: when the counter is free and whether `t` went back
        into a lane (transferred)."""
        rng, st = self.rng, self.stats
        teller, counter = post.staff_id, post.counter_no
        self._event(t, "called", now, teller, counter)
        t.called = now
        t.counter, t.served_by, t.status = counter, teller, "called"
        if not t.transferred and t.plan is not None and t.plan.no_show:  # the client does not come
            t.recalls = 1
            self._event(t, "recalled", now + 1, teller, counter)
            self._event(t, "no_show", now + 2.5, teller, counter)
            t.status, t.finished = "no_show", now + 2.5
            st.no_shows += 1
            return now + 2.5, False
        start = now + rng.uniform(0.3, 1.5)
        self._event(t, "started", start, teller, counter)
        t.started, t.status = start, "serving"
        end = start + (t.plan.service if t.plan is not None and not t.transferred
                       else service_minutes(rng, self.settings, t.lane))
        end = self._business(t, post, start, end)
        if t.transfer_to and not t.transferred:
            self._event(t, "transferred", end, teller, counter, from_category=t.lane,
                        to_category=t.transfer_to)
            t.lane, t.priority = t.transfer_to, max(t.priority, self.cats[t.transfer_to].priority)
            t.transferred, t.queued, t.status = True, end, "waiting"
            t.counter = t.served_by = t.called = None
            st.transfers += 1
            return end + rng.uniform(0.2, 1), True
        self._finish(t, post, end)
        return end + rng.uniform(0.2, 1), False

    def _business(self, t: _Ticket, post: Post, start: float, end: float) -> float:
        """The records of one counter visit; an authorisation lengthens it. Returns the end."""
        rng = self.rng
        business = routing.CASH if t.transferred else t.business
        bt, amount = rhythm.pick_business(rng, self.settings, t.lane, business=business,
                                          amount_fen=t.amount, premium=t.tier in self.premium)
        product = None
        if bt.code in self.sale_types:
            selling = self.sales_and_complaints and rng.random() < SALE_SHARE
            product = self._saleable(t.client) if selling else None
            if product is None:  # a walk-in, or nothing the rules allow: a transfer instead
                bt = next((b for b in self.settings.counter.business_types
                           if b.code == "transfer" and t.lane in b.categories), bt)
            elif not amount:
                amount = rng.choice(SALE_YUAN) * 100
        at = start + (end - start) * 0.6
        rule = self.settings.authorization.rule_for(bt.code, amount)
        authz = None
        if rule is not None:
            checkers = self.roster.with_role(rule.checker_roles, not_=post.staff_id)
            if checkers:
                authz = self.ids.next("authorization_request")
                decided = at + rng.uniform(0.5, 2.5)
                self._put("authorization_request", id=authz, business_date=self.day,
                          maker_id=post.staff_id, checker_id=rng.choice(checkers),
                          business_type=bt.code, amount_fen=amount,
                          checker_roles=",".join(rule.checker_roles), ticket_id=t.id,
                          client_id=t.client, counter_no=post.counter_no, status="approved",
                          requested_at=self._utc(at), decided_at=self._utc(decided))
                self.stats.authorizations += 1
                end = max(end, decided + rng.uniform(0.5, 2))
        record = self.ids.next("service_record")
        self._put("service_record", id=record, business_date=self.day,
                  ticket_id=t.id, client_id=t.client, staff_id=post.staff_id,
                  counter_no=post.counter_no, business_type=bt.code, amount_fen=amount,
                  cash=bt.cash, outcome="done", authorization_id=authz, at=self._utc(at))
        if product is not None and t.client is not None:
            self._sale(t.client, product, amount, post.staff_id, record, at)
        self.records.setdefault(post.staff_id, []).append((bt.code, bt.cash, amount))
        self.stats.records += 1
        t.amount = amount
        return end

    # --- sales and complaints ------------------------------------------------------------------
    def _profile(self, client: int) -> tuple[int | None, date | None, date | None]:
        if self._profiles is None:
            conn = self.out.conn
            self._profiles = {
                int(cid): (level, assessed, born) for cid, level, assessed, born in conn.execute(
                    select(Client.id, Client.risk_level, Client.risk_assessed_on,  # type: ignore[call-overload]
                           Client.birthday))}
            self._bought |= {int(cid) for (cid,) in conn.execute(
                select(SaleCheck.client_id).where(SaleCheck.refused == False,  # noqa: E712
                                                  SaleCheck.client_id.is_not(None)))}  # type: ignore[union-attr]
        return self._profiles.get(client, (None, None, None))

    def sold_elsewhere(self) -> None:
        """The services sold too (the CMs' contact sales of demo.history_work): the clients'
        sales are read again at the next sale, so that a first purchase counts theirs and a
        client who bought from a CM gets no recording the rules do not name."""
        self._profiles = None

    def _verdict(self, client: int, level: int) -> suitability.Verdict:
        risk, assessed, born = self._profile(client)
        return suitability.decide(
            product_level=level, client_level=risk, assessed_on=assessed, today=self.day,
            rules=self.sale_rules, age=suitability.age_on(born, self.day) if born else None)

    def _saleable(self, client: int | None):  # type: ignore[no-untyped-def]
        """A product of the shelf the rules allow the client today (None: a walk-in, or none)."""
        if client is None:
            return None
        allowed = [p for p in self.settings.contact.products
                   if not self._verdict(client, p.risk_level).refused]
        return self.rng.choice(allowed) if allowed else None

    def _sale(self, client: int, product, amount: int, staff: int, record: int,  # type: ignore[no-untyped-def]
              minute: float) -> None:
        """The suitability check of a counter sale, and its recording when the rules name it
        (entered in the quarter hour before), as services.compliance and dual_recording keep
        them."""
        risk, assessed, born = self._profile(client)
        verdict = self._verdict(client, product.risk_level)
        age = suitability.age_on(born, self.day) if born else None
        check = self.ids.next("sale_check")
        self._put("sale_check", id=check, business_date=self.day, at=self._utc(minute),
                  staff_id=staff, client_id=client, path="counter", product_code=product.code,
                  product_level=product.risk_level, client_level=risk, assessed_on=assessed,
                  assessment_valid=bool(risk and suitability.assessment_valid(
                      assessed, self.day, self.sale_rules.valid_days)),
                  client_age=age, amount_fen=amount, outcome=verdict.outcome, refused=False,
                  service_record_id=record)
        if dual_recording.reasons(self.recording_rules, product_code=product.code,
                                  product_level=product.risk_level, client_age=age,
                                  first_purchase=client not in self._bought):
            n = self.ids.next("dual_recording")
            self._put("dual_recording", id=n, business_date=self.day,
                      recording_ref=f"SR{self.day:%Y%m%d}-H{n:04d}", client_id=client,
                      product_code=product.code, recorded_by=staff,
                      started_at=self._utc(minute - 16), ended_at=self._utc(minute - 1),
                      entered_at=self._utc(minute - 0.5), sale_check_id=check)
        self._bought.add(client)
        self.stats.sales += 1

    def _complaints(self, tickets: list[_Ticket]) -> None:
        """A few complaints, each received by the lobby manager from a client served that day
        (or a walk-in) and settled on the spot: its clock received and stopped the same day."""
        rng, text, day = self.rng, self.text, self.day
        specs = text["complaints"]
        served = [t for t in tickets if t.finished is not None]
        rules = dl.ClockRules.of(self.settings.complaints)
        receiver = self.roster.lobby_manager
        for n in range(1, rng.randint(*COMPLAINTS_PER_DAY) + 1):
            spec = rng.choice(specs)
            t = rng.choice(served) if served else None
            minute = (t.finished + rng.uniform(1, 10) if t is not None and t.finished is not None
                      else rng.uniform(self.hours.opens + 30, self.hours.closes - 30))
            state = dl.derive([dl.ClockEvent(dl.RECEIVED, day), dl.ClockEvent(dl.STOP, day)],
                              rules, day)
            cid = self.ids.next("complaint")
            received, replied = self._utc(minute), self._utc(minute + rng.uniform(8, 25))
            self._put("complaint", id=cid,
                      ref_no=f"{self.settings.complaints.ref_prefix}{day:%Y%m%d}-{n:03d}",
                      business_date=day, received_at=received,
                      client_id=t.client if t is not None else None,
                      channel=spec["channel"], category=spec["category"],
                      subcategory=spec.get("subcategory", ""), description=spec["description"],
                      requested_remedy=spec.get("remedy", ""), first_receiver_id=receiver,
                      status="replied", resolved_on_spot=True, due_date=state.due_date,
                      extensions=state.level, ended_on=state.stopped_on, reply_at=replied,
                      reply_channel="in_person", reply_content=spec["reply"], options_told=True)
            self._put("complaint_event", id=self.ids.next("complaint_event"), complaint_id=cid,
                      kind="received", at=received, by_staff_id=receiver,
                      data_json=_data(clock=dl.RECEIVED, on=day.isoformat(),
                                      channel=spec["channel"]))
            self._put("complaint_event", id=self.ids.next("complaint_event"), complaint_id=cid,
                      kind="resolve_on_spot", at=replied, by_staff_id=receiver,
                      note=spec["reply"], data_json=_data(clock=dl.STOP, on=day.isoformat(),
                                                          first_contact=True))
            self.stats.complaints += 1

    def _finish(self, t: _Ticket, post: Post, end: float) -> None:
        """Finish with the wealth-needs question: a few clients are referred to a CM."""
        rng, st = self.rng, self.stats
        self._event(t, "finished", end, post.staff_id, post.counter_no)
        t.status, t.finished = "done", end
        st.finished += 1
        signal = (t.amount or 0) >= self.settings.counter.premium_signal_amount_fen
        if t.tier in self.premium or not (signal and rng.random() < 0.6 or rng.random() < 0.05):
            return
        source = "cash_counter" if post.kind == "cash" else "non_cash_counter"
        need = rng.choice(self.text["lead_needs"])
        name = phone = ""
        if t.client is None:
            name, phone = self.names.pick(rng).name, self.mobiles.make()
        handoff = None
        if rng.random() < 0.7:
            to_staff, to_role = self._cm_of(t.client)
            fate = rng.choices(("done", "accepted", "open", "declined"), weights=(60, 15, 15, 10))[0]
            handoff = self._handoff(
                kind="referral", from_staff=post.staff_id, created=end, source=source,
                to_staff=to_staff, to_role=to_role, client=t.client, ticket=t.id,
                note=need if not name else f"{name}：{need}",
                due=end + self.settings.handoffs.default_due_minutes, section=NEEDS_SECTION,
                fate=fate, outcome=rng.choice(self.text["lead_outcomes"]))
            st.handoffs += 1
        self._put("lead", id=self.ids.next("lead"), business_date=self.day, client_id=t.client,
                  contact_name=name, contact_phone=phone,
                  signal="premium_signal_amount" if signal else "", observed_business=t.lane,
                  need=need, spotted_by=post.staff_id, source=source, handoff_id=handoff,
                  status="new", created_at=self._utc(end))
        st.leads += 1

    def _write_ticket(self, t: _Ticket) -> None:
        self._put("ticket", id=t.id, business_date=self.day, category=t.lane, series=t.series,
                  number=t.number, display_no=t.display, status=t.status, priority=t.priority,
                  client_id=t.client, visit_id=t.visit, counter_no=t.counter, served_by=t.served_by,
                  issued_by=t.issued_by, issued_at=self._utc(t.issued),
                  queued_at=self._utc(t.queued),
                  called_at=self._utc(t.called) if t.called is not None else None,
                  started_at=self._utc(t.started) if t.started is not None else None,
                  finished_at=self._utc(t.finished) if t.finished is not None else None,
                  recalls=t.recalls)

    def _contacts(self, times: dict[int, list[float]]) -> None:
        rng, text = self.rng, self.text
        purposes = [x for x in PURPOSES if x in text["contact_purposes"]]
        for cm in self.roster.wealth_cms + self.roster.marketing_cms:
            clients = self.directory.clients_of.get(cm)
            if not clients:
                continue
            for minute in times.get(cm, ()):
                result = rng.choice(RESULTS)
                follow = result in ("interested", "appointment")
                self._put("contact_log", id=self.ids.next("contact_log"),
                          client_id=int(clients[rng.randrange(len(clients))]), staff_id=cm,
                          at=self._utc(minute),
                          channel=rng.choice(("phone", "phone", "wechat", "visit", "meeting")),
                          purpose=rng.choice(purposes), content=rng.choice(text["contact_contents"]),
                          result=result,
                          next_action=rng.choice([a for a in text["next_actions"] if a]) if follow else "",
                          next_date=self.day + timedelta(days=rng.randrange(3, 40)) if follow else None)
                self.stats.contacts += 1

    def _balances(self) -> None:
        """Each teller's session, their balance (the figures the balancing service computes)
        signed off by the supervisor, and the outlet's balance."""
        rng = self.rng
        totals = {"cash_in_fen": 0, "cash_out_fen": 0, "expected_cash_fen": 0,
                  "counted_cash_fen": 0}
        items_all: dict[str, int] = {}
        order = {b.code: i for i, b in enumerate(self.settings.counter.business_types)}
        for post in self.roster.posts:
            end = self.session_end.get(post.staff_id, self.hours.closes) + 8
            self._put("counter_session", id=self.ids.next("counter_session"),
                      business_date=self.day, counter_no=post.counter_no,
                      staff_id=post.staff_id, state="closed",
                      started_at=self._utc(8 * 60 + 40 + rng.uniform(0, 15)),
                      ended_at=self._utc(end), opening_cash_fen=post.opening_cash_fen)
            items: dict[str, int] = {}
            amounts: dict[str, int] = {}
            cash = {"in": 0, "out": 0, "none": 0}
            for code, kind, amount in self.records.get(post.staff_id, []):
                items[code] = items.get(code, 0) + 1
                amounts[code] = amounts.get(code, 0) + amount
                cash[kind] += amount
            items = dict(sorted(items.items(), key=lambda kv: order.get(kv[0], len(order))))
            expected = post.opening_cash_fen + cash["in"] - cash["out"]
            figures = BoxFigures(
                business_date=self.day, teller_id=post.staff_id,
                opening_cash_fen=post.opening_cash_fen, received_fen=0, handed_over_fen=0,
                cash_in_fen=cash["in"], cash_out_fen=cash["out"], expected_cash_fen=expected,
                items=items, amounts={k: amounts[k] for k in items})
            self._put("teller_balance", id=self.ids.next("teller_balance"),
                      business_date=self.day, teller_id=post.staff_id,
                      figures_json=figures.to_json(), expected_cash_fen=expected,
                      counted_cash_fen=expected, difference_fen=0, match_accounts=True,
                      match_physical=True, match_vouchers=True, match_cash=True,
                      match_receipts=True, status="signed_off",
                      submitted_at=self._utc(end + 5), signed_off_by=self.roster.supervisor,
                      signed_off_at=self._utc(end + 15))
            totals["cash_in_fen"] += cash["in"]
            totals["cash_out_fen"] += cash["out"]
            totals["expected_cash_fen"] += expected
            totals["counted_cash_fen"] += expected
            for code, n in items.items():
                items_all[code] = items_all.get(code, 0) + n
        self._put("outlet_balance", business_date=self.day, tellers=len(self.roster.posts),
                  difference_fen=0, signed_off_by=self.roster.supervisor,
                  signed_off_at=self._utc(max(self.session_end.values(), default=self.hours.closes) + 35),
                  figures_json=json.dumps({**totals, "items": items_all}, ensure_ascii=False,
                                          sort_keys=True))


def _data(**values: object) -> str:
    """A complaint event's data as the complaint service writes it."""
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
