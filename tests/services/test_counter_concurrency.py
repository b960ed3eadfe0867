"""Four counters, each in its own process on one database, call, serve and finish tickets while
the lobby keeps issuing more: no ticket is called twice and none is lost (DESIGN.md §6)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests import processes
from tests.conftest import T0, TEST_PIN
from tests.counter_ready import sign_on_ready
from wealthtui.model import ServiceRecord, Ticket, TicketEvent

COUNTERS = [f"X{i}" for i in range(1, 5)]  # four cash counters, all serving lane A
ISSUED_BEFORE, ISSUED_DURING = 30, 20


def _services(db_url: str, config: str, minutes: int):
    import os

    os.environ["WEALTHTUI_CONFIG"] = config
    from wealthtui.config import load_settings
    from wealthtui.rules.clock import FixedClock
    from wealthtui.services import Services
    from wealthtui.store.engine import make_engine

    engine = make_engine(db_url)
    return engine, Services(engine, load_settings(), FixedClock(T0 + timedelta(minutes=minutes)))


def _counter(db_url: str, config: str, staff_no: str, counter_no: str, barrier,
             lobby_done) -> list[str]:
    """Sign on, then call → record → finish until nobody waits and the lobby has stopped."""
    engine, services = _services(db_url, config, 1)
    teller = services.auth.login(staff_no, TEST_PIN)
    sign_on_ready(services, teller, counter_no, "10,000")
    served: list[str] = []
    barrier.wait()
    while True:
        stopped = lobby_done.is_set()  # read before calling: a ticket issued after it is seen
        ticket = services.queue.call_next(teller, counter_no)
        if ticket is None:
            if stopped:
                break
            time.sleep(0.02)  # the lobby is still issuing: look again shortly
            continue
        services.counter.record(teller, ticket.id, "cash_deposit", "100")
        services.counter.finish(teller, ticket.id, "none")
        served.append(ticket.display_no)
    engine.dispose()
    return served


def _lobby(db_url: str, config: str, barrier, lobby_done) -> list[str]:
    engine, services = _services(db_url, config, 0)
    lobby = services.auth.login("L1", TEST_PIN)
    barrier.wait()
    issued = [services.queue.issue(lobby, "A").display_no for _ in range(ISSUED_DURING)]
    lobby_done.set()
    engine.dispose()
    return issued


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "counters.toml"
    path.write_text("".join(
        f'[[counters]]\nno = "{no}"\nzone = "cash"\nkind = "cash"\ncategories = ["A"]\n\n'
        for no in COUNTERS), "utf-8")
    return str(path)


def test_counters_in_separate_processes_serve_every_ticket_once(services, make_staff, db_url,
                                                               config) -> None:
    lobby = make_staff("lobby_manager", staff_no="L1")
    tellers = [make_staff("cash_teller", staff_no=f"T{i}") for i in range(1, len(COUNTERS) + 1)]
    before = [services.queue.issue(lobby, "A").display_no for _ in range(ISSUED_BEFORE)]
    with processes.context().Manager() as manager, processes.pool(len(COUNTERS) + 1) as pool:
        barrier, lobby_done = manager.Barrier(len(COUNTERS) + 1), manager.Event()
        counters = [pool.apply_async(_counter, (db_url, config, t.staff_no, no, barrier,
                                                lobby_done))
                    for t, no in zip(tellers, COUNTERS, strict=True)]
        issuing = pool.apply_async(_lobby, (db_url, config, barrier, lobby_done))
        during = issuing.get(timeout=300)
        served = [c.get(timeout=300) for c in counters]
    everything = before + during
    flat = [no for per_counter in served for no in per_counter]
    assert len(everything) == ISSUED_BEFORE + ISSUED_DURING == len(set(everything))
    duplicates = [no for no, n in Counter(flat).items() if n > 1]
    assert duplicates == []
    assert sorted(flat) == sorted(everything)  # none lost
    assert sum(1 for per_counter in served if per_counter) >= 2  # they really shared the work
    with Session(services.ctx.engine) as db:
        statuses = Counter(t.status for t in db.exec(select(Ticket)))
        calls = Counter(e.ticket_id for e in db.exec(
            select(TicketEvent).where(TicketEvent.kind == "called")))
        records = db.exec(select(ServiceRecord)).all()
    assert statuses == {"done": len(everything)}
    assert set(calls.values()) == {1}
    assert len(records) == len(everything)
    by_teller = Counter(r.staff_id for r in records)
    assert sorted(by_teller.values()) == sorted(len(s) for s in served if s)
