"""Killing writers with SIGKILL in the middle of writes loses nothing they had confirmed and leaves
the database passing PRAGMA integrity_check and the audit-chain verification (DESIGN.md §6).

Each kill cycle starts three writers at once on the same file — one creating hand-offs, a lobby
issuing tickets, a teller calling, recording business and finishing tickets — and kills each at
a random moment after it has confirmed at least one write. The teller restarts as the app does:
it finds its counter session still open and the ticket it was serving still at its counter, and
carries on with them (issue 9 item 2: the app restarts into a consistent state).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.conftest import TEST_PIN
from tests.reliability.crash_writer import issue_tickets, serve_tickets
from tests.reliability.crash_writer import main as writer_main
from wealthtui.model import CounterSession, Handoff, ServiceRecord, Ticket, TicketEvent
from wealthtui.rules import queue as qrules
from wealthtui.services.audit import verify_engine
from wealthtui.store.engine import make_engine

# Writers are forked from this (already imported) process, so a kill cycle costs milliseconds;
# each writer opens its own engine, as a separate program would.
FORK = multiprocessing.get_context("fork")
#: kill cycles; each kills three writers, so `make test` kills 60 and `make soak` 600 times
CYCLES, SOAK_CYCLES = 20, 200


def _run_kills(db_path: Path, logs: dict[str, Path], receiver_id: int, cycles: int,
               seed: int) -> None:
    rng = random.Random(seed)
    writers = {
        "handoffs": (writer_main, (str(db_path), str(logs["handoffs"]), "L1", receiver_id,
                                   TEST_PIN)),
        "tickets": (issue_tickets, (str(db_path), str(logs["tickets"]), "L1", TEST_PIN)),
        "serving": (serve_tickets, (str(db_path), str(logs["serving"]), "T1", "02", TEST_PIN)),
    }
    for _ in range(cycles):
        alive = {}
        for name, (target, args) in writers.items():
            log = logs[name]
            start = log.stat().st_size if log.exists() else 0
            proc = FORK.Process(target=target, args=args)
            proc.start()
            alive[name] = (proc, log, start, rng.randint(1, 5))  # writes to confirm first
        deadline = time.monotonic() + 60
        # let each confirm one to five writes (so the kills land at every step of its work),
        # then run on for a random moment, then kill it without warning
        while alive and time.monotonic() < deadline:
            for name, (proc, log, start, writes) in list(alive.items()):
                assert proc.is_alive(), f"{name} writer died by itself (exit {proc.exitcode})"
                if _confirmed_since(log, start) >= writes:
                    time.sleep(rng.uniform(0.0, 0.02))
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.join()
                    del alive[name]
            time.sleep(0.002)
        assert not alive, f"writers that never confirmed a write: {sorted(alive)}"


def _confirmed_since(log: Path, start: int) -> int:
    if not log.exists():
        return 0
    with log.open("rb") as handle:
        handle.seek(start)
        return handle.read().count(b"\n")


def _lines(log: Path) -> list[list[str]]:
    return [line.split(" ") for line in log.read_text().splitlines() if line.strip()]


def _check(db_path: Path, logs: dict[str, Path]) -> dict[str, int]:
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    engine = make_engine(str(db_path))
    try:
        report = verify_engine(engine)
        assert report.ok, report
        with Session(engine) as s:
            notes = {h.id: h.note for h in s.exec(select(Handoff))}
            tickets = {t.id: t for t in s.exec(select(Ticket))}
            records = {r.id: r for r in s.exec(select(ServiceRecord))}
            calls = Counter(e.ticket_id for e in s.exec(
                select(TicketEvent).where(TicketEvent.kind == "called")))
            sessions = s.exec(select(CounterSession)).all()
    finally:
        engine.dispose()

    confirmed = _lines(logs["handoffs"])  # "<id> <note>"
    for handoff_id, note in confirmed:
        assert notes.get(int(handoff_id)) == note, f"confirmed hand-off {handoff_id} lost"

    issued = _lines(logs["tickets"])
    for _, ticket_id, number in issued:
        assert tickets[int(ticket_id)].display_no == number, f"confirmed ticket {number} lost"
    numbers = [t.display_no for t in tickets.values()]
    assert len(numbers) == len(set(numbers)), "a ticket number was issued twice"

    served = _lines(logs["serving"])
    called = [int(x[1]) for x in served if x[0] == "called"]
    assert len(called) == len(set(called)), "a ticket was called twice"
    for ticket_id in called:
        assert calls[ticket_id] == 1
        assert tickets[ticket_id].status in qrules.AT_COUNTER + (qrules.DONE,)
    for _, record_id, ticket_id in (x for x in served if x[0] == "record"):
        assert records[int(record_id)].ticket_id == int(ticket_id), f"record {record_id} lost"
    finished = [int(x[1]) for x in served if x[0] == "finish"]
    assert all(tickets[t].status == qrules.DONE for t in finished), "a finish was lost"
    # one ticket per business at most, and never two tickets at the counter at once
    assert max(Counter(r.ticket_id for r in records.values()).values(), default=1) == 1
    assert sum(1 for t in tickets.values() if t.status in qrules.AT_COUNTER) <= 1
    # the teller carried on with the same session after every restart
    assert len(sessions) == 1 and sessions[0].state == "open"
    resumed = [x for x in served if x[0] == "resume"]
    return {"handoffs": len(confirmed), "tickets": len(issued), "finished": len(finished),
            "resumed": len(resumed)}


def _prepare(services, make_staff) -> int:
    make_staff("lobby_manager", staff_no="L1")
    make_staff("cash_teller", staff_no="T1")
    return make_staff("wealth_cm", staff_no="C1").staff_id


def _logs(tmp_path: Path) -> dict[str, Path]:
    return {name: tmp_path / f"{name}.log" for name in ("handoffs", "tickets", "serving")}


def test_sigkill_during_writes_loses_nothing_confirmed(services, make_staff, db_path, tmp_path) -> None:
    receiver = _prepare(services, make_staff)
    services.ctx.engine.dispose()
    logs = _logs(tmp_path)
    _run_kills(db_path, logs, receiver, cycles=CYCLES, seed=20261130)
    seen = _check(db_path, logs)
    assert seen["handoffs"] >= CYCLES and seen["tickets"] >= CYCLES and seen["finished"] > 0
    assert seen["resumed"] > 0  # some kills hit a ticket in service, and it was taken up again


@pytest.mark.soak
def test_sigkill_soak(services, make_staff, db_path, tmp_path) -> None:
    receiver = _prepare(services, make_staff)
    services.ctx.engine.dispose()
    logs = _logs(tmp_path)
    _run_kills(db_path, logs, receiver, cycles=SOAK_CYCLES, seed=int(time.time()))
    seen = _check(db_path, logs)
    assert seen["handoffs"] >= SOAK_CYCLES and seen["tickets"] >= SOAK_CYCLES
    assert seen["resumed"] > 0
