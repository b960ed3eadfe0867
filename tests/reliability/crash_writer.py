"""The writer process of the crash test: writes hand-offs through the real services, and after each
commit appends the new id to a log file (flushed and fsynced). The test kills it with SIGKILL at
random moments; every id in the log must then be in the database."""

from __future__ import annotations

import os

from tests.counter_ready import DEFAULT_CASH, complete_sign_on
from wealthtui.config import load_settings
from wealthtui.services import Services
from wealthtui.store.engine import make_engine


def main(db: str, log_path: str, sender_no: str, receiver_id: int, pin: str) -> None:
    settings = load_settings(overrides={"security": {"pin_hash_time_cost": 1,
                                                     "pin_hash_memory_kib": 64,
                                                     "pin_hash_parallelism": 1}})
    services = Services(make_engine(db), settings)
    actor = services.auth.login(sender_no, pin)
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    i = 0
    while True:
        i += 1
        view = services.handoffs.create(actor, kind="general", to_staff_id=receiver_id,
                                        note=f"crash-{os.getpid()}-{i}")
        os.write(fd, f"{view.id} {view.note}\n".encode())
        os.fsync(fd)


def _queue_services(db: str):  # type: ignore[no-untyped-def]
    """Services on the test's business day (a fixed clock: every restart is the same day)."""
    from tests.conftest import T0
    from wealthtui.rules.clock import FixedClock

    settings = load_settings(overrides={"security": {"pin_hash_time_cost": 1,
                                                     "pin_hash_memory_kib": 64,
                                                     "pin_hash_parallelism": 1}})
    return Services(make_engine(db), settings, FixedClock(T0))


def _confirm(fd: int, line: str) -> None:
    os.write(fd, f"{line}\n".encode())
    os.fsync(fd)


def issue_tickets(db: str, log_path: str, lobby_no: str, pin: str) -> None:
    """The lobby: issues cash tickets, one commit each; logs `ticket <id> <number>`."""
    services = _queue_services(db)
    actor = services.auth.login(lobby_no, pin)
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    while True:
        ticket = services.queue.issue(actor, "A")
        _confirm(fd, f"ticket {ticket.id} {ticket.display_no}")


def serve_tickets(db: str, log_path: str, teller_no: str, counter_no: str, pin: str) -> None:
    """A teller at a counter, as the app does after a restart: carries on with the session that
    is still open and with the ticket still at the counter, then calls, records and finishes.
    Logs `resume <ticket id> <status>`, `called <id>`, `record <record id> <ticket id>`,
    `finish <ticket id>`, each after its commit."""
    import time

    services = _queue_services(db)
    actor = services.auth.login(teller_no, pin)
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    if services.counter.current(actor) is None:
        services.counter.sign_on(actor, counter_no, DEFAULT_CASH)
        _confirm(fd, "signed_on")
    complete_sign_on(services, actor, None, DEFAULT_CASH)  # also after a kill in between
    serving = services.counter.serving(actor)
    if serving is not None:  # killed while serving: resume that ticket first
        _confirm(fd, f"resume {serving.ticket.id} {serving.ticket.status}")
        _serve(services, actor, fd, serving.ticket.id, recorded=bool(serving.records))
    while True:
        ticket = services.queue.call_next(actor, counter_no)
        if ticket is None:
            time.sleep(0.005)
            continue
        _confirm(fd, f"called {ticket.id}")
        _serve(services, actor, fd, ticket.id, recorded=False)


def _serve(services: Services, actor, fd: int, ticket_id: int, *, recorded: bool) -> None:  # type: ignore[no-untyped-def]
    if not recorded:
        rec = services.counter.record(actor, ticket_id, "cash_deposit", "100")
        _confirm(fd, f"record {rec.id} {ticket_id}")
    services.counter.finish(actor, ticket_id, "none")
    _confirm(fd, f"finish {ticket_id}")
