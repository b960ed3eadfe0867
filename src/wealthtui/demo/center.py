"""The demo center (`wealthtui demo`): the staff of DEMO_STAFF, a few hundred made-up clients,
the previous business day worked through the real services, and today opened with who is in.

Deterministic: the same seed and the same date give the same center.
"""

from __future__ import annotations

import random
import time as timer
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event, func, select
from sqlmodel import Session

from wealthtui.config import Settings
from wealthtui.demo.accounts import DEMO_POSTS, DEMO_STAFF, DemoAccount
from wealthtui.demo.bulk import BulkWriter, Ids, fix_sequences, seal_bulk, table
from wealthtui.demo.history import roster_of, write_days
from wealthtui.demo.history_work import HistoryWork
from wealthtui.demo.people import Mobiles, NamePool
from wealthtui.demo.population import DEMO_TIER_MIX, Population
from wealthtui.demo.roster_setup import write_roster
from wealthtui.demo.script import script_day
from wealthtui.demo.targets import build_target_lists
from wealthtui.demo.workday import Post, Staffing, WorkDay, WorkDayStats
from wealthtui.model import Staff
from wealthtui.rules import permissions as p
from wealthtui.rules.agenda import workdays_before
from wealthtui.rules.clock import Clock, FixedClock, business_date
from wealthtui.services import Actor, Services
from wealthtui.services.center import creation_meta, write_meta
from wealthtui.services.errors import Conflict
from wealthtui.services.uow import append_audit
from wealthtui.store import anchors
from wealthtui.store.engine import WRITE, is_sqlite, make_engine

DEMO_SEED = 20_261_130
DEMO_CLIENTS = 320
#: business days of history: the last worked through the services, the others as rows
DEMO_DAYS = 7
DEMO_ARRIVALS = 345  # about 270 tickets: self-service and consultations take none
OPENING_CASH_YUAN = 300_000
#: the share of the demo's clients who share their name with another client (at a few hundred
#: clients, about what a district's register shows; mass duplicates would look made up)
DEMO_NAMESAKES = 0.015

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    accounts: list[DemoAccount]
    clients: int
    premium_clients: int
    previous_day: date
    today: date
    yesterday: WorkDayStats
    seconds: float
    first_day: date  # the oldest business day of the history


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


def ensure_empty(engine: Engine) -> None:
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(Staff)):
            raise Conflict("error.staff.bootstrap_done")


#: the demo's configured administrator while it is built: approves the first supervisor's grant
#: (a real center lists one in `insiders.administrators`, README "Insider controls")
DEMO_ADMINISTRATOR = "8003"
#: where the demo's head adds the staff, and where each of them then chooses their PIN
DEMO_HEAD_DESK, DEMO_STAFF_DESK = "demo-setup: head", "demo-setup: staff"
#: the argon2 cost of the one-time PINs of the build: each lives for one call, its holder replaces
#: it at once with their documented demo PIN, which is hashed at the configured cost
_ONE_TIME_COST = {"pin_hash_time_cost": 1, "pin_hash_memory_kib": 64, "pin_hash_parallelism": 1}


def _staff(services: Services) -> dict[str, Actor]:
    """The demo staff through the real services, as a center does it: the head bootstraps
    (`wealthtui init`), adds the others (each gets a one-time PIN), each person chooses their
    documented demo PIN with it at another desk (AuthService.complete_reset: the demo's staff
    have chosen their PINs, there is no PIN left to change — the demo is not a real center and
    its PINs are printed), and the grant of the supervisor role is approved by a second demo
    person, the officer DEMO_ADMINISTRATOR, listed as the administrator for the build only."""
    settings = services.settings
    founding = Services(services.ctx.engine, settings.model_copy(update={
        "insiders": settings.insiders.model_copy(update={
            "administrators": [*settings.insiders.administrators, DEMO_ADMINISTRATOR]}),
        "security": settings.security.model_copy(update=_ONE_TIME_COST),
    }), services.clock)
    head_acc = next(a for a in DEMO_STAFF if p.HEAD in a.roles)
    view = services.staff.bootstrap_head(head_acc.staff_no, head_acc.name, head_acc.pin)
    head = Actor(view.id, view.staff_no, view.name, frozenset(view.roles))
    actors = {head.staff_no: head}
    pending = []
    for acc in DEMO_STAFF:
        if acc is head_acc:
            continue
        new = founding.staff.add(head, acc.staff_no, acc.name, list(acc.roles),
                                 terminal=DEMO_HEAD_DESK)
        services.auth.complete_reset(acc.staff_no, new.pin, acc.pin, terminal=DEMO_STAFF_DESK)
        if new.pending is not None:
            pending.append(new.pending.id)
    admin = founding.staff.roster(head)
    approver = next(v for v in admin if v.staff_no == DEMO_ADMINISTRATOR)
    for grant_id in pending:
        founding.staff.approve_grant(Actor(approver.id, approver.staff_no, approver.name,
                                           frozenset(approver.roles)), grant_id)
    for v in services.staff.roster(head):
        actors[v.staff_no] = Actor(v.id, v.staff_no, v.name, frozenset(v.roles))
    return actors


def _staffing(services: Services, actors: dict[str, Actor], absent: set[int],
              duty_cm: Actor) -> Staffing:
    settings = services.settings
    everyone = list(actors.values())

    def having(role: str) -> list[Actor]:
        return [a for a in everyone if role in a.roles]

    posts = []
    for counter_no, staff_no in DEMO_POSTS.items():
        cfg = settings.counter_cfg(counter_no)
        if cfg is None or staff_no not in actors:
            continue
        posts.append(Post(counter_no, actors[staff_no], cfg.kind,
                          OPENING_CASH_YUAN if cfg.kind == "cash" else 0))
    return Staffing(
        head=having(p.HEAD)[0], supervisor=having(p.SUPERVISOR)[0],
        lobby=having(p.LOBBY_MANAGER) + having(p.LOBBY_ASSISTANT),
        cms=having(p.WEALTH_CM) + having(p.MARKETING_CM), posts=posts, everyone=everyone,
        duty_cm=duty_cm, absent=absent,
    )


def build_engine(engine: Engine) -> Engine:
    """An engine on the same database for building it: on SQLite without waiting for the disk
    at each commit (the caller makes the finished file durable, see demo.target)."""
    fast = make_engine(engine.url.render_as_string(hide_password=False))
    if is_sqlite(fast):
        @event.listens_for(fast, "connect")
        def _no_sync(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.execute("PRAGMA synchronous=OFF")
    return fast


def build_demo(
    engine: Engine,
    settings: Settings,
    *,
    seed: int = DEMO_SEED,
    clients: int = DEMO_CLIENTS,
    arrivals: int = DEMO_ARRIVALS,
    days: int = DEMO_DAYS,
    clock: Clock | None = None,
    progress: Progress = _noop,
) -> DemoSummary:
    """Fill a migrated, empty database with the demo center: `days` business days of history
    before today, the last of them worked through the services, the others played as rows
    from the same day simulator (demo.history)."""
    started = timer.perf_counter()
    engine = build_engine(engine)
    try:
        with anchors.suspended():  # the builder's caller anchors the finished center
            return _build(engine, settings, seed=seed, clients=clients, arrivals=arrivals,
                          days=max(1, days), clock=clock, progress=progress, started=started)
    finally:
        engine.dispose()


def _build(engine: Engine, settings: Settings, *, seed: int, clients: int, arrivals: int,
           days: int, clock: Clock | None, progress: Progress, started: float) -> DemoSummary:
    ensure_empty(engine)
    tz = ZoneInfo(settings.center.timezone)
    now = (clock or Clock()).now()
    today = business_date(now, tz)
    open_days = settings.calendar.open_days()
    previous = workdays_before(today, 1, open_days)
    earlier = [previous]
    while len(earlier) < days:
        earlier.append(workdays_before(earlier[-1], 1, open_days))
    earlier = earlier[:0:-1]  # the days before the previous one, oldest first
    rng = random.Random(seed)
    steps = 6

    # 1. staff, through the staff service, as if hired two years ago
    progress("staff", 0, steps)
    build_clock = FixedClock(datetime.combine(today - timedelta(days=730), time(9), tz))
    services = Services(engine, settings, build_clock)
    actors = _staff(services)
    head = actors[next(a.staff_no for a in DEMO_STAFF if p.HEAD in a.roles)]
    wealth = [a for a in actors.values() if p.WEALTH_CM in a.roles]
    marketing = [a for a in actors.values() if p.MARKETING_CM in a.roles]
    assistant = next((a for a in actors.values() if p.CM_ASSISTANT in a.roles), None)
    if assistant is not None and wealth:
        services.assignments.attach_assistant(head, assistant.staff_id, wealth[0].staff_id)

    # 2. clients with cards, products, exclusive CMs and past contacts (bulk)
    progress("clients", 1, steps)
    mobiles = Mobiles(rng)
    names = NamePool(rng, clients * 2)
    population = Population(rng, settings, today, names=names,
                            wealth_cms=[a.staff_id for a in wealth],
                            marketing_cms=[a.staff_id for a in marketing],
                            assigned_by=head.staff_id, tier_mix=DEMO_TIER_MIX,
                            mobiles=mobiles, namesake_share=DEMO_NAMESAKES)
    rare = {11, 57, 123}
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(**WRITE)
        with conn.begin():
            ids = Ids(conn)
            out = BulkWriter(conn)
            for i in range(clients):
                population.client(out, ids, rare=i in rare, dotted=i == 77)
            out.flush()
            fix_sequences(conn)
    directory = population.directory
    day_clock = FixedClock(datetime.combine(previous, time(8), tz))
    day_services = Services(engine, settings, day_clock)

    # 3. the days before the previous one, as rows from the same day simulator
    progress("history", 2, steps)
    roster = roster_of(settings, {no: a.staff_id for no, a in actors.items()},
                       {a.staff_id: a.roles for a in actors.values()}, OPENING_CASH_YUAN * 100)
    lobby_manager = next(a for a in actors.values() if p.LOBBY_MANAGER in a.roles)
    supervisor = next(a for a in actors.values() if p.SUPERVISOR in a.roles)
    # its own generator: the days' rows draw as they did without it
    work = HistoryWork(day_services, day_clock, random.Random(f"history work {seed}"),
                       directory, wealth + marketing,
                       lobby_manager, supervisor, head, earlier)
    history = write_days(engine, settings, rng, roster, directory, names, mobiles,
                         day_services.lobby.table(), earlier, arrivals, worked=work.day)

    # 4. the previous business day, worked through the services
    progress("previous_day", 3, steps)
    duty = wealth[previous.toordinal() % len(wealth)] if wealth else head
    staffing = _staffing(day_services, actors, set(), duty)
    script = script_day(rng, settings, day_services.lobby.table(), directory, previous,
                        arrivals, cms=[a.staff_id for a in staffing.cms])
    yesterday = WorkDay(day_services, day_clock, rng, staffing, directory, names,
                        mobiles).run(script)

    # 5. today: open, who is in, the duty CM
    progress("today", 4, steps)
    absent = {actors["8022"].staff_id} if "8022" in actors else set()
    duty_today = wealth[today.toordinal() % len(wealth)] if wealth else head
    opening = min(now, datetime.combine(today, time(8, 30), tz))
    day_clock.set(opening)
    write_roster(day_services, head, today, actors.values(), absent=absent,
                 duty_cm=duty_today.staff_id)
    day_services.day.open(head)
    build_target_lists(day_services, head, wealth + marketing,
                       marketing[0] if marketing else None, today)

    # 6. the demo mark and one audit event for everything written in bulk
    progress("finish", 5, steps)
    premium = sum(len(directory.by_tier.get(t.code, ())) for t in settings.tiers if t.premium)
    seal_bulk(engine, now)  # the rows written in bulk, tied to the audit trail
    with Session(engine) as session:
        write_meta(session, creation_meta(now, demo=True, generator=f"demo seed={seed}"))
        append_audit(session, at=now, actor_id=None, action="demo.build", entity="center",
                     entity_id=settings.center.code,
                     detail={"seed": seed, "clients": directory.count, "premium": premium,
                             "previous_day": previous.isoformat(), "days": days,
                             "history_tickets": history.tickets,
                             "history_cm_sales": work.sales,
                             "history_complaints_investigated": work.complaints,
                             "rows": _counts(session)})
        session.commit()
    progress("finish", steps, steps)
    return DemoSummary(list(DEMO_STAFF), directory.count, premium, previous, today, yesterday,
                       timer.perf_counter() - started, earlier[0] if earlier else previous)


COUNTED = ("client", "client_account", "product_holding", "cm_assignment", "contact_log")


def _counts(session: Session) -> dict[str, int]:
    return {name: session.scalar(select(func.count()).select_from(table(name))) or 0
            for name in COUNTED}
