"""A large synthetic center (`wealthtui gen --clients N --days D`), written fast: SQLAlchemy Core
executemany in batches, one commit per batch; pinyin keys worked out once per name of a pool.

The staff are the demo staff plus as many wealth CMs as the premium clients need: books of up
to `contact.portfolio_max` clients each (or `cm_book`, e.g. 500 for the benchmark's largest
book); the generated CMs share one PIN hash (GENERATED_STAFF_PIN). Clients come from the same
generators as the demo center; the D business days before today are drawn by the day
simulator's script (demo.script) and written as rows (demo.day), served within opening hours by
demo.gen_day; their complaints go through the complaint service; then the CMs catch up with
their books as a working desk does (demo.gen_day.keep_up), so that today's agenda is a day's
work, not months of backlog.
"""

from __future__ import annotations

import math
import random
import time as timer
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from wealthtui.config import Settings
from wealthtui.demo.accounts import DEMO_POSTS, DEMO_STAFF, GENERATED_STAFF_PIN
from wealthtui.demo.bulk import BulkWriter, Ids, fix_sequences, make_row, seal_bulk
from wealthtui.demo.center import OPENING_CASH_YUAN, build_engine, ensure_empty
from wealthtui.demo.gen_day import ServedDay, keep_up
from wealthtui.demo.history import close_day, roster_of
from wealthtui.demo.people import NamePool
from wealthtui.demo.pools import pools
from wealthtui.demo.population import LARGE_CARD_HOLDERS, LARGE_TIER_MIX, Population
from wealthtui.demo.roster_setup import write_roster
from wealthtui.demo.script import script_day
from wealthtui.rules import permissions as p
from wealthtui.rules.agenda import workdays_before
from wealthtui.rules.clock import Clock, FixedClock, OpenDays, business_date
from wealthtui.services import Actor, Services
from wealthtui.services.auth import hash_pin
from wealthtui.services.center import creation_meta, write_meta
from wealthtui.services.uow import append_audit
from wealthtui.store import anchors
from wealthtui.store.engine import WRITE, is_sqlite
from wealthtui.store.stats import refresh as refresh_statistics

GEN_SEED = 7
NAME_POOL_MAX = 40_000  # distinct names (with their pinyin) the clients are drawn from

Progress = Callable[[str, int, int], None]


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass(frozen=True)
class GenSummary:
    clients: int
    premium_clients: int
    staff: int
    days: int
    first_day: date | None
    last_day: date | None
    tickets: int
    complaints: int
    seconds: float
    left: int = 0            # tickets of clients who left unserved (the overflow)
    largest_book: int = 0    # premium clients of the busiest CM


class BookTooLarge(ValueError):
    """`cm_book` above the configured `contact.portfolio_max`."""


def cms_needed(premium_expected: float, book: int) -> int:
    """CMs for books of at most `book`: the expected premium clients plus three standard
    deviations (the premium share is drawn at random), in books kept even (taken in turn)."""
    return max(1, math.ceil((premium_expected + 3 * math.sqrt(premium_expected) + 1) / book))


def default_arrivals(clients: int) -> int:
    """Visitors a day for a center of `clients`: from a small center's 120 up to 400."""
    return max(120, min(400, clients // 2_000))


def business_days(today: date, count: int, open_days: OpenDays | None = None) -> list[date]:
    """The `count` business days before `today` (by the center's calendar), oldest first."""
    days: list[date] = []
    day = today
    for _ in range(count):
        day = workdays_before(day, 1, open_days)
        days.append(day)
    return days[::-1]


class _Staff:
    """Staff rows written directly: the demo staff (each PIN hashed once) and generated CMs."""

    def __init__(self, settings: Settings, names: NamePool, rng: random.Random,
                 created: datetime) -> None:
        self.settings, self.names, self.rng, self.created = settings, names, rng, created
        self.actors: dict[int, Actor] = {}
        self.by_no: dict[str, int] = {}

    def write(self, out: BulkWriter, ids: Ids, extra_cms: int) -> None:
        for acc in DEMO_STAFF:
            self._add(out, ids, acc.staff_no, acc.name, acc.roles, hash_pin(self.settings, acc.pin))
        shared = hash_pin(self.settings, GENERATED_STAFF_PIN)
        for n in range(extra_cms):
            self._add(out, ids, f"9{n + 1:04d}", self.names.pick(self.rng).name,
                      (p.WEALTH_CM,), shared)
        # a teller for every configured counter the demo staff do not sit at
        self.posted: dict[str, str] = dict(DEMO_POSTS)
        for n, counter in enumerate(c for c in self.settings.counters
                                    if c.no not in DEMO_POSTS):
            staff_no = f"6{n + 1:04d}"
            role = p.CASH_TELLER if counter.kind == "cash" else p.NON_CASH_TELLER
            self._add(out, ids, staff_no, self.names.pick(self.rng).name, (role,), shared)
            self.posted[counter.no] = staff_no

    def _add(self, out: BulkWriter, ids: Ids, staff_no: str, name: str,
             roles: tuple[str, ...], pin_hash: str) -> None:
        sid = ids.next("staff")
        out.add("staff", make_row("staff", id=sid, staff_no=staff_no, name=name,
                                  pin_hash=pin_hash, active=True, failed_pins=0,
                                  created_at=self.created))
        for role in (r for r in p.ROLES if r in roles):
            out.add("staff_role", make_row("staff_role", id=ids.next("staff_role"),
                                           staff_id=sid, role=role))
        self.actors[sid] = Actor(sid, staff_no, name, frozenset(roles))
        self.by_no[staff_no] = sid

    def having(self, role: str) -> list[int]:
        return [sid for sid, a in self.actors.items() if role in a.roles]


def generate(
    engine: Engine,
    settings: Settings,
    *,
    clients: int,
    days: int,
    arrivals_per_day: int | None = None,
    seed: int = GEN_SEED,
    clock: Clock | None = None,
    progress: Progress = _noop,
    cm_book: int | None = None,
) -> GenSummary:
    """Fill a migrated, empty database with a large synthetic center. `cm_book`: the clients
    of a CM's book (at most `contact.portfolio_max`, which is the default)."""
    started = timer.perf_counter()
    book = cm_book or settings.contact.portfolio_max
    if not 1 <= book <= settings.contact.portfolio_max:
        raise BookTooLarge(book)
    engine = build_engine(engine)
    try:
        with anchors.suspended(), engine.connect() as conn:  # the caller anchors the result
            if is_sqlite(engine):
                conn = conn.execution_options(**WRITE)
            return _generate(engine, conn, settings, clients=clients, days=days,
                             arrivals=arrivals_per_day or default_arrivals(clients), seed=seed,
                             clock=clock, progress=progress, started=started, book=book)
    finally:
        engine.dispose()


def _generate(engine: Engine, conn: Connection, settings: Settings, *, clients: int, days: int,
              arrivals: int, seed: int, clock: Clock | None, progress: Progress,
              started: float, book: int) -> GenSummary:
    ensure_empty(engine)
    rng = random.Random(seed)
    tz = ZoneInfo(settings.center.timezone)
    now = (clock or Clock()).now()
    today = business_date(now, tz)
    ids = Ids(conn)
    out = BulkWriter(conn, batch=50_000, commit=True)

    # staff: enough wealth CMs for the premium clients
    progress("staff", 0, 1)
    names = NamePool(rng, min(NAME_POOL_MAX, max(1_000, clients * 2)))
    premium_share = sum(v for k, v in LARGE_TIER_MIX.items()
                        if (t := settings.tier(k)) is not None and t.premium)
    served = premium_share + (1 - premium_share) * LARGE_CARD_HOLDERS.share * LARGE_CARD_HOLDERS.with_cm
    needed = cms_needed(clients * served, book)
    demo_cms = sum(1 for a in DEMO_STAFF if p.WEALTH_CM in a.roles)
    staff = _Staff(settings, names, rng,
                   datetime.combine(today - timedelta(days=3 * 365), time(9), tz))
    staff.write(out, ids, max(0, needed - demo_cms))
    out.flush()
    progress("staff", 1, 1)

    # clients
    head = staff.by_no[next(a.staff_no for a in DEMO_STAFF if p.HEAD in a.roles)]
    population = Population(rng, settings, today, names=names,
                            wealth_cms=staff.having(p.WEALTH_CM),
                            marketing_cms=staff.having(p.MARKETING_CM), assigned_by=head,
                            tier_mix=LARGE_TIER_MIX, card_holders=LARGE_CARD_HOLDERS)
    step = max(1, clients // 200)
    for i in range(clients):
        population.client(out, ids, rare=i % 997 == 13, dotted=i % 4999 == 77)
        if i % step == 0:
            progress("clients", i, clients)
    out.flush()
    fix_sequences(conn)
    progress("clients", clients, clients)

    # history: D business days before today
    roster = roster_of(settings, staff.by_no, {sid: a.roles for sid, a in staff.actors.items()},
                       OPENING_CASH_YUAN * 100, staff.posted)
    day_clock = FixedClock(now)
    services = Services(engine, settings, day_clock)
    table = services.lobby.table()
    sim = ServedDay(rng, settings, roster, population.directory, names, population.mobiles, ids,
                 out, table)
    dates = business_days(today, days, settings.calendar.open_days())
    tickets = complaints = left = 0
    for k, day in enumerate(dates):
        stats = sim.run(script_day(rng, settings, table, population.directory, day, arrivals,
                                   cms=roster.wealth_cms + roster.marketing_cms,
                                   contacts_per_cm=(5, 5)))
        tickets += stats.tickets
        left += sim.left
        out.flush()
        fix_sequences(conn)
        complaints += _complaints(services, day_clock, rng, staff, population, day, today,
                                  arrivals)
        ids.reset()  # the complaint service wrote rows (and hand-offs) of its own
        close_day(out, roster, day, tz)
        progress("history", k + 1, len(dates))
    out.flush()
    ids.reset()
    keep_up(conn, settings, population.directory, rng, ids, out, today)

    # today: open, everyone in
    progress("today", 0, 1)
    day_clock.set(min(now, datetime.combine(today, time(8, 30), tz)))
    write_roster(services, staff.actors[head], today, staff.actors.values(),
                 duty_cm=roster.duty_cm(today))
    services.day.open(staff.actors[head])
    premium = sum(len(population.directory.by_tier.get(t.code, ()))
                  for t in settings.tiers if t.premium)
    conn.commit()
    seal_bulk(engine, now)  # every row written in bulk, tied to the audit trail
    with Session(engine) as session:
        write_meta(session, creation_meta(now, demo=True,
                                          generator=f"gen clients={clients} days={days} seed={seed}"))
        append_audit(session, at=now, actor_id=None, action="demo.generate", entity="center",
                     entity_id=settings.center.code,
                     detail={"seed": seed, "clients": clients, "premium": premium,
                             "staff": len(staff.actors), "days": days, "tickets": tickets,
                             "complaints": complaints})
        session.commit()
    refresh_statistics(engine, bulk=True)  # a bulk load: the planner's statistics (store.stats)
    progress("today", 1, 1)
    largest = max((len(c) for c in population.directory.clients_of.values()), default=0)
    return GenSummary(clients, premium, len(staff.actors), len(dates),
                      dates[0] if dates else None, dates[-1] if dates else None, tickets,
                      complaints, timer.perf_counter() - started, left, largest)


def _complaints(services: Services, clock: FixedClock, rng: random.Random, staff: _Staff,
                population: Population, day: date, today: date, arrivals: int) -> int:
    """A few complaints of `day` through the complaint service: most settled on the spot and
    closed; the others investigated by the supervisor, replied and closed when old enough."""
    n = min(3, sum(1 for _ in range(arrivals) if rng.random() < 1 / 300))
    if not n:
        return 0
    tz = ZoneInfo(services.settings.center.timezone)
    cfg = services.settings.complaints
    specs = pools()["history"]["complaints"]
    lobby = staff.actors[staff.having(p.LOBBY_MANAGER)[0]]
    sup = staff.actors[staff.having(p.SUPERVISOR)[0]]
    head = staff.actors[staff.having(p.HEAD)[0]]
    tiers = [t.code for t in services.settings.tiers]
    for _ in range(n):
        spec = rng.choice(specs)
        category = cfg.category(spec["category"]) or cfg.categories[0]
        sub = next((s.code for s in category.subcategories if s.code == spec["subcategory"]),
                   category.subcategories[0].code if category.subcategories else "")
        channel = spec["channel"] if cfg.channel(spec["channel"]) else cfg.channels[0].code
        picked = population.directory.pick(rng, tiers)
        at = datetime.combine(day, time(10), tz) + timedelta(minutes=rng.randrange(0, 360))
        clock.set(at)
        on_spot = rng.random() < 0.6
        c = services.complaints.intake(
            lobby, channel=channel, category=category.code, subcategory=sub,
            description=spec["description"], client_id=picked[0] if picked else None,
            requested_remedy=spec["remedy"], on_spot_reply=spec["reply"] if on_spot else "",
            options_told=on_spot)
        if not on_spot:
            clock.set(at + timedelta(minutes=20))
            services.complaints.assign(sup, c.id, sup.staff_id)
            if (today - day).days <= cfg.decision_days:
                continue  # still being investigated
            clock.set(at + timedelta(minutes=90))
            services.complaints.reply(sup, c.id, channel="phone", content=spec["reply"],
                                      options_told=True)
        clock.set(at + timedelta(minutes=150))
        services.complaints.close(head, c.id, spec["root_cause"], spec["rectification"])
    return n
