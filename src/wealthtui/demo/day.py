"""One business day of a center, simulated: visits, queue tickets with their event timeline
(issued, called, recalled, no-show, started, transferred, finished), counter sessions, service
records with maker-checker authorisations, leads and hand-offs (premium arrivals, referrals),
complaints, CM contacts, teller balancing signed off by a second person, attendance and the
business day itself.

Counters call the next ticket the way the queue does: the highest-priority category they serve,
except that an ordinary ticket waiting longer than `queue.starvation_minutes` goes first.
Times are minutes after the center's local midnight until they are written (as aware UTC).
"""

from __future__ import annotations

import heapq
import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from wealthtui.config import CategoryCfg, Settings
from wealthtui.demo.bulk import ORDER, BulkWriter, Ids, Row, make_row
from wealthtui.demo.people import Mobiles, NamePool
from wealthtui.demo.pools import pools
from wealthtui.demo.population import Directory

OPEN_AT, LAST_TICKET_AT = 9 * 60, 16 * 60 + 45
_RANK = {name: i for i, name in enumerate(ORDER)}


def is_business_day(day: date) -> bool:
    """A Chinese working day (holidays and make-up working days from chinese-calendar); outside
    the years it knows, Monday to Friday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def previous_business_day(day: date) -> date:
    prev = day - timedelta(days=1)
    while not is_business_day(prev):
        prev -= timedelta(days=1)
    return prev


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
    lobby_manager: int
    lobby: list[int]                 # lobby manager and assistants
    wealth_cms: list[int]
    marketing_cms: list[int]
    posts: list[Post]
    roles_of: dict[int, frozenset[str]]
    everyone: list[int] = field(default_factory=list)

    def with_role(self, *roles: str) -> list[int]:
        return [s for s, r in self.roles_of.items() if r & set(roles)]

    def checker(self, rng: random.Random, roles: Sequence[str], maker: int) -> int | None:
        """Someone holding one of `roles` who is not the maker (four eyes)."""
        options = [s for s in self.with_role(*roles) if s != maker]
        return rng.choice(options) if options else None

    def signer_for(self, teller: int) -> int:
        options = [s for s in self.with_role("supervisor") if s != teller] or \
            [s for s in self.with_role("officer", "head") if s != teller]
        return options[0]

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
    services: int = 0
    authorizations: int = 0
    handoffs: int = 0
    leads: int = 0
    complaints: int = 0
    contacts: int = 0


class _Ticket:
    __slots__ = ("id", "cat", "number", "display", "priority", "client", "tier", "visit",
                 "issued_by", "issued", "queued", "status", "counter", "served_by", "called",
                 "started", "finished", "recalls", "segment", "transfer_to", "cm")

    def __init__(self) -> None:
        self.called = self.started = self.finished = None
        self.counter = self.served_by = None
        self.recalls = 0
        self.status = "waiting"
        self.segment = 0
        self.transfer_to = None
        self.cm = None


class DaySimulator:
    def __init__(
        self,
        rng: random.Random,
        settings: Settings,
        roster: Roster,
        directory: Directory,
        names: NamePool,
        mobiles: Mobiles,
        ids: Ids,
        out: BulkWriter,
    ) -> None:
        self.rng = rng
        self.settings = settings
        self.roster = roster
        self.directory = directory
        self.names = names
        self.mobiles = mobiles
        self.ids = ids
        self.out = out
        self.tz = ZoneInfo(settings.center.timezone)
        self.pools = pools()["history"]
        self.premium = frozenset(t.code for t in settings.tiers if t.premium)
        self.tiers = [t.code for t in settings.tiers]
        cats = {c.code: c for c in settings.queue.categories}
        served = {c for p in roster.posts for c in p.categories}
        self.cats: dict[str, CategoryCfg] = {k: v for k, v in cats.items() if k in served}
        if not self.cats:
            raise ValueError("no counter serves any ticket category")
        self.lanes = {
            "vip": [c for c in self.cats.values() if c.zone == "vip"],
            "big_cash": [c for c in self.cats.values() if c.zone == "cash" and c.priority > 0],
            "cash": [c for c in self.cats.values() if c.zone == "cash" and c.priority == 0],
            "non_cash": [c for c in self.cats.values() if c.zone == "non_cash"],
        }
        everything = list(self.cats.values())
        for lane in self.lanes:
            self.lanes[lane] = self.lanes[lane] or everything
        self.types = {code: [b for b in settings.counter.business_types if code in b.categories]
                      for code in self.cats}
        self.rules = settings.authorization.rules
        self._rows: list[tuple[str, Row]] = []
        self._issued: list[_Ticket] = []

    # --- helpers -------------------------------------------------------------------------------
    def _utc(self, minute: float) -> datetime:
        return self._base + timedelta(seconds=round(minute * 60))

    def _arrival(self) -> float:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            m = rng.gauss(630, 50)
        elif roll < 0.85:
            m = rng.gauss(870, 50)
        else:
            m = rng.uniform(OPEN_AT, LAST_TICKET_AT)
        return min(max(m, OPEN_AT), LAST_TICKET_AT)

    def _lane_for(self, tier: str | None) -> str:
        roll = self.rng.random()
        if tier in self.premium:
            return "vip" if roll < 0.75 else "big_cash"
        if tier == "potential":
            return "cash" if roll < 0.35 else "non_cash" if roll < 0.85 else "big_cash"
        return "cash" if roll < 0.45 else "non_cash"

    def _amount(self, code: str, lane: str, premium: bool) -> int:
        rng = self.rng
        yuan = {
            "cash_deposit": rng.choice((500, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000)),
            "cash_withdrawal": rng.choice((200, 1_000, 3_000, 5_000, 20_000, 60_000)),
            "transfer": rng.choice((1_000, 10_000, 50_000, 200_000, 600_000)),
            "wealth_product": rng.choice((50_000, 100_000, 300_000, 1_000_000)),
        }.get(code, 0)
        if yuan and (lane == "big_cash" or premium):
            yuan *= rng.choice((2, 3, 5))
        return yuan * 100

    def _put(self, name: str, row: Row) -> None:
        self._rows.append((name, row))

    def _event(self, t: _Ticket, kind: str, minute: float, by: int | None,
               counter: str | None = None, **extra: str | None) -> None:
        self._put("ticket_event", make_row(
            "ticket_event", id=self.ids.next("ticket_event"), ticket_id=t.id, kind=kind,
            at=self._utc(minute), by_staff_id=by, counter_no=counter, **extra))

    # --- the day -------------------------------------------------------------------------------
    def run(self, day: date, tickets: int, *, as_of: date, complaints: int | None = None,
            contacts_per_cm: int = 6, present: Sequence[int] | None = None,
            closed: bool = True) -> DayStats:
        """Simulate `day` (seen from `as_of`, which decides how far complaints have got) and
        hand its rows to the writer, parents before children."""
        rng = self.rng
        self.day, self.as_of = day, as_of
        self._base = datetime.combine(day, time(0), self.tz).astimezone(UTC)
        self.stats = DayStats()
        self._issued.clear()
        self.records: dict[int, list[tuple[str, str, int]]] = {}  # teller → (type, cash, fen)
        self.present = set(present if present is not None else self.roster.roles_of)
        self._attendance(day)
        self._issue_and_serve(tickets)
        self._lobby_leads(rng.randint(1, 3))
        n_complaints = complaints if complaints is not None else \
            sum(1 for _ in range(tickets) if rng.random() < 1 / 150)
        for k in range(n_complaints):
            self._complaint(k)
        self._contacts(contacts_per_cm)
        self._balances()
        self._put("business_day", make_row(
            "business_day", business_date=day, status="closed" if closed else "open",
            opened_at=self._utc(8 * 60 + 30),
            closed_at=self._utc(17 * 60 + 45) if closed else None,
            closed_by=self.roster.head if closed else None,
            flow_log_confirmed_by=self.roster.lobby_manager if closed else None,
            flow_log_confirmed_at=self._utc(17 * 60 + 35) if closed else None))
        for name, row in sorted(self._rows, key=lambda item: _RANK[item[0]]):
            self.out.add(name, row)
        self._rows.clear()
        return self.stats

    def _attendance(self, day: date) -> None:
        duty = self.roster.duty_cm(day)
        for staff in self.roster.everyone or list(self.roster.roles_of):
            self._put("attendance", make_row(
                "attendance", id=self.ids.next("attendance"), business_date=day, staff_id=staff,
                present=staff in self.present, duty_cm=staff == duty))

    def _issue_and_serve(self, n: int) -> None:
        rng, st = self.rng, self.stats
        next_no = {code: c.first for code, c in self.cats.items()}
        heaps: dict[str, list[tuple[float, int, _Ticket]]] = {code: [] for code in self.cats}
        seq = 0
        lobby = self.roster.lobby
        premium_tiers = [t for t in self.tiers if t in self.premium]
        for minute in sorted(self._arrival() for _ in range(n)):
            roll = rng.random()
            tiers = premium_tiers if roll < 0.22 else ["potential"] if roll < 0.32 else \
                [self.tiers[0]] if roll < 0.75 else []  # the rest are walk-ins without a record
            picked = self.directory.pick(rng, tiers) if tiers else None
            client, tier = picked if picked else (None, None)
            lane = self._lane_for(tier)
            options = [c for c in self.lanes[lane] if next_no[c.code] <= c.last] or \
                [c for c in self.cats.values() if next_no[c.code] <= c.last]
            if not options:
                break
            cat = options[0] if len(options) == 1 else rng.choice(options)
            visit_id = self.ids.next("visit")
            issuer = rng.choice(lobby)
            self._put("visit", make_row(
                "visit", id=visit_id, business_date=self.day, client_id=client,
                arrived_at=self._utc(minute - rng.uniform(0.5, 3)),
                identified_by=issuer if client is not None else None,
                tier_at_arrival=tier or "", business_kind="cash" if cat.zone == "cash" else
                "wealth" if cat.zone == "vip" else "non_cash", route=cat.zone))
            st.visits += 1
            t = _Ticket()
            t.id, t.cat, t.number = self.ids.next("ticket"), cat.code, next_no[cat.code]
            next_no[cat.code] += 1
            t.display = f"{cat.prefix}{t.number:03d}"
            t.priority, t.client, t.tier, t.visit = cat.priority, client, tier, visit_id
            t.issued_by, t.issued, t.queued = issuer, minute, minute
            if client is not None and tier in self.premium:
                t.cm = self.directory.cm_of.get(client)
            if cat.zone == "non_cash" and rng.random() < 0.04 and self.lanes["cash"]:
                t.transfer_to = rng.choice(self.lanes["cash"]).code
            self._event(t, "issued", minute, issuer)
            self._issued.append(t)
            seq += 1
            heapq.heappush(heaps[cat.code], (minute, seq, t))
            st.tickets += 1
            if rng.random() < 0.15:  # someone sent to the self-service machines instead
                self._put("visit", make_row(
                    "visit", id=self.ids.next("visit"), business_date=self.day,
                    arrived_at=self._utc(minute + rng.uniform(0, 4)), identified_by=None,
                    business_kind="self_service", route="self_service", diverted=True))
                st.visits += 1
        self._serve(heaps, seq)
        for t in self._issued:
            self._write_ticket(t)
        self._issued.clear()

    def _serve(self, heaps: dict[str, list[tuple[float, int, _Ticket]]], seq: int) -> None:
        rng = self.rng
        starve = self.settings.queue.starvation_minutes
        posts = [p for p in self.roster.posts if p.staff_id in self.present] or self.roster.posts
        self._session_end = {p.staff_id: OPEN_AT for p in posts}
        clock = [(OPEN_AT + rng.uniform(0, 3), i) for i in range(len(posts))]
        heapq.heapify(clock)
        pending = sum(len(h) for h in heaps.values())
        while clock and pending:
            now, i = heapq.heappop(clock)
            post = posts[i]
            # (priority, queued at, category) of the first ticket of each category it serves
            heads = [(self.cats[c].priority, heaps[c][0][0], c) for c in post.categories
                     if heaps.get(c)]
            ready = [h for h in heads if h[1] <= now]
            if not ready:
                later = [queued for _, queued, _ in heads]
                heapq.heappush(clock, (min(later) if later else now + 5, i))
                continue
            starving = [h for h in ready if h[0] == 0 and now - h[1] > starve]
            _, _, cat = min(starving, key=lambda h: h[1]) if starving else \
                min(ready, key=lambda h: (-h[0], h[1]))
            t = heapq.heappop(heaps[cat])[2]
            free_at, requeue = self._call(t, post, now)
            if requeue:
                seq += 1
                heapq.heappush(heaps[t.transfer_to], (t.queued, seq, t))
            else:
                pending -= 1
            self._session_end[post.staff_id] = max(self._session_end[post.staff_id], free_at)
            heapq.heappush(clock, (free_at, i))

    def _call(self, t: _Ticket, post: Post, now: float) -> tuple[float, bool]:
        """Call `t` at `post`; returns when the counter is free and whether `t` was re-queued."""
        rng, st = self.rng, self.stats
        teller, counter = post.staff_id, post.counter_no
        self._event(t, "called", now, teller, counter)
        t.called = t.called if t.called is not None else now
        t.counter, t.served_by = counter, teller
        t.status = "called"
        if t.segment == 0 and rng.random() < 0.04:  # the client does not come to the counter
            t.recalls = 1
            self._event(t, "recalled", now + 1, teller, counter)
            self._event(t, "no_show", now + 2.5, teller, counter)
            t.status = "no_show"
            t.finished = now + 2.5
            st.no_shows += 1
            return now + 2.5, False
        start = now + rng.uniform(0.3, 1.5)
        self._event(t, "started", start, teller, counter)
        t.started = t.started if t.started is not None else start
        t.status = "serving"
        lane_minutes = {"vip": (8, 25), "cash": (3, 9), "non_cash": (5, 15)}
        cat = self.cats[t.cat if t.segment == 0 else t.transfer_to]
        lo, hi = lane_minutes.get(cat.zone, (4, 12))
        end = start + rng.uniform(lo, hi)
        end = self._business(t, post, cat, start, end)
        if t.transfer_to and t.segment == 0:
            self._event(t, "transferred", end, teller, counter, from_category=t.cat,
                        to_category=t.transfer_to)
            t.segment, t.queued, t.status = 1, end, "waiting"
            st.transfers += 1
            return end + rng.uniform(0.2, 1), True
        self._event(t, "finished", end, teller, counter)
        t.finished, t.status = end, "done"
        st.finished += 1
        if t.cm is not None:
            self._premium_arrival(t)
        return end + rng.uniform(0.2, 1), False

    def _business(self, t: _Ticket, post: Post, cat: CategoryCfg, start: float, end: float) -> float:
        """Service records for one counter visit; authorisations lengthen it. Returns the end."""
        rng = self.rng
        types = self.types.get(cat.code) or self.settings.counter.business_types
        cash_types = [b for b in types if b.cash != "none"]
        other = [b for b in types if b.cash == "none"]
        if cat.zone == "cash" or t.segment == 1:
            choices = cash_types or types
        else:
            choices = types if cat.zone == "vip" else (other or types)
        premium = t.tier in self.premium
        lane = "big_cash" if cat.zone == "cash" and cat.priority > 0 else cat.zone
        for k in range(2 if rng.random() < 0.15 else 1):
            bt = rng.choice(choices)
            amount = self._amount(bt.code, lane, premium)
            at = start + (end - start) * (0.6 + 0.3 * k)
            authz_id = None
            for rule in self.rules:
                if rule.business_type == bt.code and amount >= rule.min_amount_fen:
                    checker = self.roster.checker(rng, rule.checker_roles, post.staff_id)
                    if checker is None:
                        continue
                    authz_id = self.ids.next("authorization_request")
                    asked = at - rng.uniform(1, 3)
                    self._put("authorization_request", make_row(
                        "authorization_request", id=authz_id, business_date=self.day,
                        maker_id=post.staff_id, checker_id=checker, business_type=bt.code,
                        amount_fen=amount, ticket_id=t.id, client_id=t.client,
                        counter_no=post.counter_no, status="approved",
                        step_up=rng.random() < 0.5, requested_at=self._utc(asked),
                        decided_at=self._utc(asked + rng.uniform(0.5, 2))))
                    self.stats.authorizations += 1
                    end += rng.uniform(1, 3)
                    break
            self._put("service_record", make_row(
                "service_record", id=self.ids.next("service_record"), business_date=self.day,
                ticket_id=t.id, client_id=t.client, staff_id=post.staff_id,
                counter_no=post.counter_no, business_type=bt.code, amount_fen=amount,
                cash=bt.cash, outcome="done", authorization_id=authz_id, at=self._utc(at),
                note=rng.choice(self.pools["service_notes"])))
            self.records.setdefault(post.staff_id, []).append((bt.code, bt.cash, amount))
            self.stats.services += 1
            self._spot_lead(t, post, bt.code, bt.name, amount, at)
        return end

    # --- hand-offs and leads ---------------------------------------------------------------------
    def _handoff(self, *, kind: str, from_staff: int, created: float, source: str,
                 to_staff: int | None = None, to_role: str | None = None,
                 client: int | None = None, ticket: int | None = None, note: str = "",
                 due_minutes: float | None = None, manual_section: str = "",
                 fate: str | None = None, outcome: str = "", done_at: float | None = None) -> int:
        rng = self.rng
        fate = fate or rng.choices(("done", "accepted", "open", "declined"),
                                   weights=(55, 20, 15, 10))[0]
        hid = self.ids.next("handoff")
        due = created + (due_minutes or self.settings.handoffs.default_due_minutes)
        accepted = created + rng.uniform(1, 20) if fate in ("done", "accepted") else None
        closed = None
        if fate == "done":
            closed = max(done_at or 0, (accepted or created) + rng.uniform(5, 90))
        elif fate == "declined":
            closed = created + rng.uniform(2, 30)
        receiver = to_staff
        if to_role is not None and fate in ("done", "accepted"):
            members = [s for s in self.roster.with_role(to_role) if s != from_staff]
            receiver = rng.choice(members) if members else None
            if receiver is None:
                fate, accepted, closed = "open", None, None
        self._put("handoff", make_row(
            "handoff", id=hid, kind=kind, business_date=self.day, from_staff_id=from_staff,
            to_staff_id=receiver, to_role=to_role,
            client_id=client, ticket_id=ticket, source=source, note=note,
            due_at=self._utc(due), status=fate, created_at=self._utc(created),
            accepted_at=self._utc(accepted) if accepted is not None else None,
            closed_at=self._utc(closed) if closed is not None else None,
            outcome=outcome if fate == "done" else "",
            decline_reason=rng.choice(self.pools["decline_reasons"]) if fate == "declined" else "",
            manual_section=manual_section))
        self.stats.handoffs += 1
        return hid

    def _premium_arrival(self, t: _Ticket) -> None:
        """The lobby tells the exclusive CM (or the duty CM) that their client has arrived."""
        cm = t.cm if t.cm in self.present else self.roster.duty_cm(self.day)
        if cm == t.issued_by:
            return
        self._handoff(kind="premium_arrival", from_staff=t.issued_by, created=t.issued + 0.5,
                      source="lobby", to_staff=cm, client=t.client, ticket=t.id,
                      due_minutes=self.settings.handoffs.arrival_late_minutes,
                      manual_section="ch.2 §2.1", fate="done", done_at=t.finished or t.issued,
                      outcome=self.rng.choice(self.pools["arrival_outcomes"]))

    def _spot_lead(self, t: _Ticket, post: Post, code: str, name: str, amount: int,
                   at: float) -> None:
        rng = self.rng
        source = "cash_counter" if post.kind == "cash" else "non_cash_counter"
        if t.tier in self.premium:
            return
        if amount >= self.settings.counter.premium_signal_amount_fen and rng.random() < 0.6:
            self._lead(t.client, post.staff_id, source, at, signal=rng.choice(
                ("单笔大额存款", "大额转入", "到期存款续存")), observed=name, ticket=t.id)
        elif code == "wealth_product" and t.client is not None and rng.random() < 0.4:
            self._handoff(kind="referral", from_staff=post.staff_id, created=at + 1,
                          source=source, to_role="wealth_cm", client=t.client, ticket=t.id,
                          note="客户有理财需求，请跟进", manual_section="ch.2 §2.4",
                          outcome=rng.choice(self.pools["lead_outcomes"]))

    def _lead(self, client: int | None, spotted_by: int, source: str, at: float, *,
              signal: str, observed: str = "", ticket: int | None = None) -> None:
        rng = self.rng
        name = phone = ""
        if client is None:
            name, phone = self.names.pick(rng).name, self.mobiles.make()
        cm = rng.choice(self.roster.marketing_cms or self.roster.wealth_cms)
        fate = rng.choices(("done", "accepted", "open", "declined"), weights=(55, 20, 15, 10))[0]
        hid = self._handoff(kind="lead", from_staff=spotted_by, created=at + 0.5, source=source,
                            to_staff=cm, client=client, ticket=ticket,
                            note=f"{signal}：{observed}" if observed else signal,
                            manual_section="ch.2 §2.4" if source != "lobby" else "ch.2 §2.1",
                            fate=fate, outcome=rng.choice(self.pools["lead_outcomes"]))
        status = {"done": rng.choice(("contacted", "converted")), "accepted": "contacted",
                  "open": "new", "declined": "dropped"}[fate]
        self._put("lead", make_row(
            "lead", id=self.ids.next("lead"), business_date=self.day, client_id=client,
            contact_name=name, contact_phone=phone, signal=signal, observed_business=observed,
            need=rng.choice(self.pools["lead_needs"]), spotted_by=spotted_by, source=source,
            handoff_id=hid, status=status, created_at=self._utc(at),
            converted_at=self._utc(at + 120) if status == "converted" else None))
        self.stats.leads += 1

    def _lobby_leads(self, n: int) -> None:
        """Walk-ins the lobby spots as potential premium clients and passes to a CM."""
        rng = self.rng
        for _ in range(n):
            at = rng.uniform(OPEN_AT + 30, LAST_TICKET_AT)
            spotter = rng.choice(self.roster.lobby)
            self._put("visit", make_row(
                "visit", id=self.ids.next("visit"), business_date=self.day,
                arrived_at=self._utc(at - 2), identified_by=spotter, business_kind="wealth",
                route="consultation", note=rng.choice(self.pools["walkin_business"])))
            self.stats.visits += 1
            self._lead(None, spotter, "lobby", at, signal=rng.choice(("咨询理财产品", "他行资产转入")))

    # --- complaints, contacts, balancing ---------------------------------------------------------
    def _complaint(self, k: int) -> None:
        rng, r = self.rng, self.roster
        templates = pools()["history"]["complaints"]
        category, channel, description, remedy = templates[k % len(templates)] if k < 2 \
            else rng.choice(templates)
        received = rng.uniform(OPEN_AT + 20, LAST_TICKET_AT)
        tellers = [p.staff_id for p in r.posts]
        receiver = r.lobby_manager if channel in ("on_site", "phone", "online", "letter") \
            else rng.choice(tellers)
        complained = str(rng.choice(tellers)) if category == "service_attitude" else ""
        handler = r.lobby_manager if k == 0 else r.signer_for(int(complained or 0))
        days_ago = (self.as_of - self.day).days
        on_spot = k == 0
        status = "closed" if on_spot or days_ago > 20 else ("replied" if days_ago > 10 else "investigating")
        cid = self.ids.next("complaint")
        picked = self.directory.pick(rng, self.tiers)
        client = picked[0] if picked else None
        reply = pools()["history"]["complaint_replies"][0 if on_spot else 1]
        replied = received + (20 if on_spot else 60 * 24 * min(days_ago, 10))
        self._put("complaint", make_row(
            "complaint", id=cid, ref_no=f"TS{self.day:%Y%m%d}{k + 1:03d}",
            business_date=self.day, received_at=self._utc(received), client_id=client,
            channel=channel, category=category, description=description,
            requested_remedy=remedy, staff_complained=complained, first_receiver_id=receiver,
            handler_id=handler, status=status, resolved_on_spot=on_spot,
            due_date=self.day + timedelta(days=self.settings.complaints.decision_days),
            reply_at=self._utc(replied) if status in ("replied", "closed") else None,
            reply_channel="on_site" if on_spot else "phone" if status != "investigating" else "",
            reply_content=reply if status in ("replied", "closed") else "",
            options_told=status in ("replied", "closed"),
            satisfaction="satisfied" if status == "closed" else "",
            closed_by=r.head if status == "closed" else None,
            closed_at=self._utc(replied + 30) if status == "closed" else None))
        events = [("received", received, receiver, "")]
        if handler != receiver:
            events.append(("assigned", received + 5, r.head, ""))
        if status in ("replied", "closed"):
            events.append(("replied", replied, handler, reply))
        if status == "closed":
            events.append(("closed", replied + 30, r.head, ""))
        for kind, at, by, note in events:
            self._put("complaint_event", make_row(
                "complaint_event", id=self.ids.next("complaint_event"), complaint_id=cid,
                kind=kind, at=self._utc(at), by_staff_id=by, note=note))
        self.stats.complaints += 1

    def _contacts(self, per_cm: int) -> None:
        rng, h = self.rng, self.pools
        for cm in self.roster.wealth_cms + self.roster.marketing_cms:
            clients = self.directory.clients_of.get(cm)
            if not clients or cm not in self.present:
                continue
            for _ in range(per_cm):
                at = rng.uniform(OPEN_AT, 17 * 60 + 30)
                self._put("contact_log", make_row(
                    "contact_log", id=self.ids.next("contact_log"),
                    client_id=int(clients[rng.randrange(len(clients))]), staff_id=cm,
                    at=self._utc(at), channel=rng.choice(h["contact_channels"]),
                    purpose=rng.choice(h["contact_purposes"]),
                    content=rng.choice(h["contact_contents"]),
                    result=rng.choice(h["contact_results"]), next_action=rng.choice(h["next_actions"]),
                    next_date=self.day + timedelta(days=rng.randrange(7, 45))))
                self.stats.contacts += 1

    def _balances(self) -> None:
        """Each teller's counter session, and the end-of-day balancing with the five matches,
        signed off by someone else."""
        rng = self.rng
        for post in self.roster.posts:
            if post.staff_id not in self.present:
                continue
            end = self._session_end.get(post.staff_id, 17 * 60) + 10
            self._put("counter_session", make_row(
                "counter_session", id=self.ids.next("counter_session"), business_date=self.day,
                counter_no=post.counter_no, staff_id=post.staff_id, state="closed",
                started_at=self._utc(8 * 60 + 40 + rng.uniform(0, 15)), ended_at=self._utc(end),
                opening_cash_fen=post.opening_cash_fen))
            records = self.records.get(post.staff_id, [])
            cash_in = sum(a for _, c, a in records if c == "in")
            cash_out = sum(a for _, c, a in records if c == "out")
            items = Counter(code for code, _, _ in records)
            expected = post.opening_cash_fen + cash_in - cash_out
            figures = {"opening_cash_fen": post.opening_cash_fen, "cash_in_fen": cash_in,
                       "cash_out_fen": cash_out, "items": dict(sorted(items.items()))}
            self._put("teller_balance", make_row(
                "teller_balance", id=self.ids.next("teller_balance"), business_date=self.day,
                teller_id=post.staff_id, figures_json=json.dumps(figures, sort_keys=True),
                expected_cash_fen=expected, counted_cash_fen=expected, difference_fen=0,
                match_accounts=True, match_physical=True, match_vouchers=True, match_cash=True,
                match_receipts=True, status="signed_off", submitted_at=self._utc(end + 5),
                signed_off_by=self.roster.signer_for(post.staff_id),
                signed_off_at=self._utc(end + 15)))

    def _write_ticket(self, t: _Ticket) -> None:
        self._put("ticket", make_row(
            "ticket", id=t.id, business_date=self.day, category=t.cat, number=t.number,
            display_no=t.display, status=t.status, priority=t.priority, client_id=t.client,
            visit_id=t.visit, counter_no=t.counter, served_by=t.served_by,
            issued_by=t.issued_by, issued_at=self._utc(t.issued), queued_at=self._utc(t.queued),
            called_at=self._utc(t.called) if t.called is not None else None,
            started_at=self._utc(t.started) if t.started is not None else None,
            finished_at=self._utc(t.finished) if t.finished is not None else None,
            recalls=t.recalls))
