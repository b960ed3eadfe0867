"""The processes of the day-mix harness (test_day_mix.py): lobby staff issuing tickets, tellers
calling and serving them, client managers taking hand-offs and logging contacts, and the head
reading the end-of-day summary while all this goes on.

Each worker is a separate process (forked from the test) with its own engine on the same SQLite
file, signs in through the real AuthService and works only through the real services. It writes
what it did to `<out>/<name>.json` when it stops: the records it created or touched, the catalog
keys of the service refusals it met, and — the thing the test asserts is empty — every other
exception (a "database is locked" OperationalError reaching the caller would land there).
"""

from __future__ import annotations

import json
import random
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.counter_ready import sign_on_ready
from wealthtui.config import Settings
from wealthtui.rules.clock import Clock
from wealthtui.services import Services
from wealthtui.services.errors import ServiceError, StoreBusy
from wealthtui.store.engine import make_engine

PIN = "246810"  # tests/conftest.py TEST_PIN (not imported: a worker only needs the value)
_FAILED = object()


class RunningClock(Clock):
    """The test's business day, running `speed` times faster than the wall clock from `start`
    (a wall-clock time shared by every process), so events get distinct, ordered times. Like
    the real Clock it answers in UTC."""

    def __init__(self, base: datetime, start: float, speed: float) -> None:
        self.base, self.start, self.speed = base.astimezone(UTC), start, speed

    def now(self) -> datetime:
        return self.base + timedelta(seconds=(time.time() - self.start) * self.speed)


@dataclass
class Plan:
    """What every worker needs; passed to forked processes as it is (no pickling)."""

    db: str
    out: Path
    settings: Settings
    base: datetime
    start: float
    speed: float
    seed: int
    visits_per_lobby: int
    contacts_per_cm: int
    walk_in_clients: list[int]           # ordinary clients the lobby may identify
    premium_clients: list[int]           # premium clients with an exclusive CM
    cm_clients: dict[str, list[int]]     # CM staff no → their clients (for contacts)
    events: dict[str, Any] = field(default_factory=dict)  # multiprocessing Events by name
    barrier: Any = None

    def services(self) -> Services:
        engine = make_engine(self.db, busy_timeout_ms=self.settings.store.busy_timeout_ms)
        return Services(engine, self.settings, RunningClock(self.base, self.start, self.speed))

    def all_set(self, prefix: str) -> bool:
        return all(e.is_set() for name, e in self.events.items() if name.startswith(prefix))


class Journal:
    """What one worker did, written as JSON when it stops."""

    def __init__(self, plan: Plan, name: str) -> None:
        self.path = plan.out / f"{name}.json"
        self.data: dict[str, Any] = {"name": name}
        self.refusals: Counter[str] = Counter()
        self.unexpected: list[str] = []

    def add(self, key: str, value: Any) -> None:
        self.data.setdefault(key, []).append(value)

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one service call; a refusal is counted by its key, anything else is kept whole."""
        try:
            return fn(*args, **kwargs)
        except StoreBusy:
            self.unexpected.append(f"{fn.__qualname__}: StoreBusy\n{traceback.format_exc()}")
        except ServiceError as exc:  # includes FieldError's sibling errors with catalog keys
            self.refusals[exc.key] += 1
        except Exception:  # noqa: BLE001 - the point is to see every one of them
            self.unexpected.append(f"{fn.__qualname__}\n{traceback.format_exc()}")
        return _FAILED

    def write(self) -> None:
        self.data["refusals"] = dict(self.refusals)
        self.data["unexpected"] = self.unexpected
        self.path.write_text(json.dumps(self.data, default=str), "utf-8")


def _run(plan: Plan, name: str, body: Callable[[Services, Journal], None]) -> None:
    journal = Journal(plan, name)
    services = None
    try:
        services = plan.services()
        body(services, journal)
    except Exception:  # noqa: BLE001 - recorded for the test to show
        journal.unexpected.append(f"{name} stopped\n{traceback.format_exc()}")
    finally:
        journal.write()
        plan.events[f"done.{name}"].set()
        if services is not None:
            services.ctx.engine.dispose()


# --- lobby ----------------------------------------------------------------------------------
def lobby(plan: Plan, name: str, staff_no: str) -> None:
    def body(services: Services, j: Journal) -> None:
        rng = random.Random(f"{plan.seed}-{name}")
        actor = services.auth.login(staff_no, PIN)
        plan.barrier.wait()
        for _ in range(plan.visits_per_lobby):
            roll = rng.random()
            if roll < 0.25:
                client_id = rng.choice(plan.premium_clients)
            elif roll < 0.6:
                client_id = rng.choice(plan.walk_in_clients)
            else:
                client_id = None
            visit = j.call(services.lobby.arrive, actor, client_id=client_id)
            if visit is _FAILED:
                continue
            j.add("visits", visit.id)
            business = rng.choice(("cash", "non_cash", "wealth"))
            guided = j.call(services.lobby.guide, actor, visit.id, business=business,
                            divert=False)
            if guided is not _FAILED and guided.ticket_id is not None:
                j.add("tickets", [guided.ticket_id, guided.ticket_no])
            if rng.random() < 0.2:  # the calling board, as the waiting area's screen reads it
                j.call(services.queue.board)

    _run(plan, name, body)


# --- counters -------------------------------------------------------------------------------
def teller(plan: Plan, name: str, staff_no: str, counter_no: str) -> None:
    def body(services: Services, j: Journal) -> None:
        rng = random.Random(f"{plan.seed}-{name}")
        actor = services.auth.login(staff_no, PIN)
        cfg = plan.settings.counter_cfg(counter_no)
        assert cfg is not None
        sign_on_ready(services, actor, counter_no)
        plan.barrier.wait()
        cash = {b.code: b for b in plan.settings.counter.business_types}["cash_deposit"]

        def business_for(category: str) -> tuple[str, str]:
            # a cash counter may also call non-cash business (counter 02 calls B): by the lane
            if cfg.kind == "cash" and category in cash.categories:
                return "cash_deposit", "100"
            return "transfer", ""

        while True:
            lobby_done = plan.all_set("done.lobby")  # read before calling: see every ticket
            ticket = j.call(services.queue.call_next, actor, counter_no)
            if ticket is _FAILED:
                break
            if ticket is None:
                if lobby_done:
                    break
                time.sleep(0.01)
                continue
            j.add("called", [ticket.id, ticket.display_no])
            if rng.random() < 0.1:
                if j.call(services.queue.no_show, actor, ticket.id) is not _FAILED:
                    j.add("no_show", ticket.id)
                continue
            business, amount = business_for(ticket.category)
            if j.call(services.counter.record, actor, ticket.id, business, amount) is _FAILED:
                break
            needs = rng.choices(("none", "refer", "lead"), (7, 2, 1))[0]
            note = "" if needs == "none" else "想了解理财产品"
            result = j.call(services.counter.finish, actor, ticket.id, needs, need_note=note)
            if result is _FAILED:
                break
            j.add("finished", ticket.id)
            if result.handoff_id is not None:
                j.add("referrals", result.handoff_id)
            if result.lead_id is not None:
                j.add("leads", result.lead_id)
        j.call(services.counter.sign_off, actor)

    _run(plan, name, body)


# --- client managers ------------------------------------------------------------------------
def client_manager(plan: Plan, name: str, staff_no: str) -> None:
    def body(services: Services, j: Journal) -> None:
        rng = random.Random(f"{plan.seed}-{name}")
        actor = services.auth.login(staff_no, PIN)
        mine = plan.cm_clients.get(staff_no, [])
        contacts, target = 0, (plan.contacts_per_cm if mine else 0)
        plan.barrier.wait()
        while True:
            others_done = plan.all_set("done.lobby") and plan.all_set("done.teller")
            inbox = j.call(services.handoffs.inbox, actor, include_closed_today=False)
            if inbox is _FAILED:
                break
            waiting = [h for h in inbox if h.status == "open"]
            for h in waiting:
                if j.call(services.handoffs.accept, actor, h.id) is _FAILED:
                    continue  # another CM of the same role took it first
                j.add("accepted", h.id)
                if j.call(services.handoffs.complete, actor, h.id, "已接待") is not _FAILED:
                    j.add("completed", h.id)
            if contacts < target and rng.random() < 0.5:
                entry = j.call(services.contacts.log, actor, rng.choice(mine), channel="phone",
                               purpose="care", content="电话回访，客户满意")
                if entry is not _FAILED:
                    contacts += 1
                    j.add("contacts", entry.id)
            if others_done and not waiting and contacts >= target:
                break
            time.sleep(0.01)

    _run(plan, name, body)


# --- the head, reading while the others write -----------------------------------------------
def head_reader(plan: Plan, name: str, staff_no: str) -> None:
    def body(services: Services, j: Journal) -> None:
        actor = services.auth.login(staff_no, PIN)
        plan.barrier.wait()
        reads = 0
        while not (plan.all_set("done.lobby") and plan.all_set("done.teller")
                   and plan.all_set("done.cm")):
            j.call(services.reports.eod, actor)
            j.call(services.queue.snapshot, actor)
            reads += 2
            time.sleep(0.02)
        j.data["reads"] = reads

    _run(plan, name, body)
