"""The day simulator's script: what happens in one business day of a center, drawn once from a
seed and then played by one of two players — through the real services (demo.workday, the
demo center's recent day) or as rows (demo.day, the history of `gen` and the demo's earlier
days). Both players read the same script, so a day looks the same whichever wrote it.

The script holds the demand and the exceptions; the queue itself (who calls which ticket when)
is played: by the queue service in workday, by the same rule (rules.queue's order) in day. So
the waits follow from the staffing: a counter closed or a peak hour makes a queue.

- hours: the center's calendar (`[calendar] opens / closes`) for that day;
- arrivals by the hour: a morning peak, the lunch dip, an afternoon peak (ARRIVAL_WEIGHTS);
- who comes and for what (rhythm.visitor, rhythm.business_of);
- how long each counter visit takes: log-normal per zone (SERVICE_MEDIAN), never a grid;
- how long a CM takes to come to a premium arrival (log-normal, median 3 min; one late CM);
- the exceptions, a few of each: no-shows, transfers between lanes, a rejected authorisation,
  a cash difference resolved by the supervisor, a shift hand-over, a retention attempt.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

from wealthtui.config import Settings
from wealthtui.demo import rhythm
from wealthtui.demo.population import Directory
from wealthtui.rules import routing

#: relative arrivals per local clock hour (hours not listed: 0.8); the 12:00 dip is the lunch hour
ARRIVAL_WEIGHTS = {8: 0.7, 9: 1.0, 10: 1.5, 11: 1.3, 12: 0.55, 13: 0.75, 14: 1.2, 15: 1.35,
                   16: 0.9, 17: 0.6, 18: 0.5}
#: median minutes (and log-normal sigma) a counter takes, per zone of the ticket's lane
SERVICE_MEDIAN = {"vip": (9.0, 0.45), "cash": (3.4, 0.45), "non_cash": (4.0, 0.5)}
SERVICE_BOUNDS = (1.5, 45.0)
#: minutes from a premium arrival's hand-off to the CM accepting it (median, sigma)
CM_RESPONSE = (2.8, 0.5)
#: a few of each exception per day (low, high); drawn, never zero
EXCEPTIONS = {"no_show": (3, 6), "transfer": (2, 4), "auth_rejected": (1, 2),
              "late_cm": (1, 1), "retention": (1, 1)}
#: tickets stop this many minutes before the closing time
LAST_TICKET_BEFORE_CLOSE = 15


def lognormal(rng: random.Random, median: float, sigma: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, rng.lognormvariate(math.log(median), sigma)))


@dataclass(frozen=True)
class Hours:
    """The center's hours of one day, in minutes after local midnight."""

    opens: float
    closes: float

    @property
    def last_ticket(self) -> float:
        return max(self.opens + 30, self.closes - LAST_TICKET_BEFORE_CLOSE)

    @classmethod
    def of(cls, settings: Settings, day: date) -> Hours:
        days = settings.calendar.open_days()
        return cls(days.opens.hour * 60 + days.opens.minute,
                   days.closes.hour * 60 + days.closes.minute)


@dataclass
class Arrival:
    """One person walking in: who, for what, and what will happen to their ticket."""

    minute: float
    client: int | None
    tier: str | None
    business: str
    amount_fen: int | None
    category: str | None           # the lane the lobby's routing proposes; None: no ticket
    service: float                 # minutes at the counter
    no_show: bool = False          # not there when called (recalled, then no-show)
    transfer: bool = False         # a non-cash client who also needs cash: sent to the cash lane
    auth_rejected: bool = False    # the authorisation their business needs is rejected
    retention: bool = False        # a premium client who comes to close an account
    cm_response: float = 0.0       # minutes until their CM accepts (premium clients)


@dataclass
class DayScript:
    day: date
    hours: Hours
    arrivals: list[Arrival]
    #: counter number of the teller whose box is short at the balance, and by how many fen
    short_counter: str | None = None
    short_fen: int = 0
    #: the cash counter whose teller hands over to a colleague at lunch
    handover_counter: str | None = None
    #: when each CM's own contacts happen (CM staff id → minutes)
    contacts: dict[int, list[float]] = field(default_factory=dict)

    def count(self, flag: str) -> int:
        return sum(1 for a in self.arrivals if getattr(a, flag))


def arrival_minutes(rng: random.Random, n: int, hours: Hours) -> list[float]:
    """`n` arrival times between opening and the last ticket, by ARRIVAL_WEIGHTS, sorted."""
    start, end = hours.opens, hours.last_ticket
    slots: list[tuple[float, float]] = []
    weights: list[float] = []
    h = int(start // 60)
    while h * 60 < end:
        lo, hi = max(start, h * 60.0), min(end, h * 60.0 + 60)
        if hi > lo:
            slots.append((lo, hi))
            weights.append(ARRIVAL_WEIGHTS.get(h, 0.8) * (hi - lo) / 60)
        h += 1
    picks = rng.choices(range(len(slots)), weights=weights, k=n)
    return sorted(rng.uniform(*slots[k]) for k in picks)


def service_minutes(rng: random.Random, settings: Settings, category: str) -> float:
    cat = settings.category(category)
    median, sigma = SERVICE_MEDIAN.get(cat.zone if cat else "", (6.0, 0.5))
    return lognormal(rng, median, sigma, *SERVICE_BOUNDS)


def _mark(rng: random.Random, pool: list[Arrival], flag: str, low: int, high: int) -> None:
    """Set `flag` on between low and high arrivals of `pool` (as many as it has)."""
    for a in rng.sample(pool, min(len(pool), rng.randint(low, high))):
        setattr(a, flag, True)


def script_day(rng: random.Random, settings: Settings, table: routing.RoutingTable,
               directory: Directory, day: date, arrivals: int, *, cms: list[int] | None = None,
               contacts_per_cm: tuple[int, int] = (4, 7)) -> DayScript:
    """Draw one business day of `arrivals` people (a few of each exception among them)."""
    hours = Hours.of(settings, day)
    premium = frozenset(t.code for t in settings.tiers if t.premium)
    people: list[Arrival] = []
    for minute in arrival_minutes(rng, arrivals, hours):
        client, tier = rhythm.visitor(rng, directory, settings)
        business, amount = rhythm.business_of(rng, tier in premium)
        lane = routing.route(table, business=business, premium=tier in premium,
                             potential=tier == "potential", amount_fen=amount).category
        people.append(Arrival(minute, client, tier, business, amount, lane,
                              service_minutes(rng, settings, lane or "")))
    zone = {c.code: c.zone for c in settings.queue.categories}
    with_ticket = [a for a in people if a.category is not None]
    non_cash = [a for a in with_ticket if zone.get(a.category or "") == "non_cash"]
    cash = [a for a in with_ticket if a.business == routing.CASH]
    premiums = [a for a in with_ticket if a.tier in premium and a.client is not None]
    # exceptions, each on its own people: the late CM and the retention case are premium
    # clients, the transfer a non-cash client, the rejection a cash client with a large sum
    closing_lanes = {c for b in settings.counter.business_types if b.account_closing
                     for c in b.categories}
    _mark(rng, [a for a in premiums if a.category in closing_lanes], "retention",
          *EXCEPTIONS["retention"])
    for a in premiums:
        a.cm_response = lognormal(rng, *CM_RESPONSE, 0.5, 12.0)
    late = [a for a in premiums if not a.retention]
    for a in rng.sample(late, min(len(late), EXCEPTIONS["late_cm"][1])):
        a.cm_response = rng.uniform(settings.handoffs.arrival_late_minutes * 2.5,
                                    settings.handoffs.arrival_late_minutes * 4)
    _mark(rng, [a for a in non_cash if not a.retention], "transfer", *EXCEPTIONS["transfer"])
    big = [a for a in cash if (a.amount_fen or 0) >= 5_000_000 and not a.retention]
    _mark(rng, big or [a for a in cash if not a.retention], "auth_rejected",
          *EXCEPTIONS["auth_rejected"])
    plain = [a for a in with_ticket if not (a.transfer or a.retention or a.auth_rejected)]
    _mark(rng, plain, "no_show", *EXCEPTIONS["no_show"])
    for a in people:
        if a.auth_rejected and not a.amount_fen:
            a.amount_fen = 6_000_000
    counters = [c.no for c in settings.counters if c.kind == "cash"]
    script = DayScript(day, hours, people)
    if counters:
        script.short_counter = rng.choice(counters)
        script.short_fen = rng.choice((5_000, 10_000, 20_000))  # 50 / 100 / 200 yuan short
        script.handover_counter = rng.choice(counters)
    for cm in cms or ():
        script.contacts[cm] = sorted(rng.uniform(hours.opens, hours.closes - 20)
                                     for _ in range(rng.randint(*contacts_per_cm)))
    return script
