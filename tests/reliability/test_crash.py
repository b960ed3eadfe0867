"""Killing writers with SIGKILL in the middle of writes loses nothing they had confirmed and leaves
the database passing PRAGMA integrity_check and the audit-chain verification (DESIGN.md §6)."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.conftest import TEST_PIN
from tests.reliability.crash_writer import main as writer_main
from wealthtui.model import Handoff
from wealthtui.services.audit import verify_engine
from wealthtui.store.engine import make_engine

# Writers are forked from this (already imported) process, so a kill cycle costs milliseconds;
# each writer opens its own engine, as a separate program would.
FORK = multiprocessing.get_context("fork")


def _run_kills(db_path: Path, log: Path, receiver_id: int, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(kills):
        proc = FORK.Process(target=writer_main,
                            args=(str(db_path), str(log), "L1", receiver_id, TEST_PIN))
        start = log.stat().st_size if log.exists() else 0
        proc.start()
        # let it write at least once, then for a random while, then kill it without warning
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.is_alive():
            if log.exists() and log.stat().st_size > start:
                break
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.05))
        assert proc.is_alive(), f"writer died by itself (exit code {proc.exitcode})"
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()


def _check(db_path: Path, log: Path) -> int:
    confirmed = [line.split(" ", 1) for line in log.read_text().splitlines() if line.strip()]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    engine = make_engine(str(db_path))
    try:
        report = verify_engine(engine)
        assert report.ok, report
        with Session(engine) as s:
            notes = {h.id: h.note for h in s.exec(select(Handoff))}
    finally:
        engine.dispose()
    for handoff_id, note in confirmed:
        assert notes.get(int(handoff_id)) == note, f"confirmed hand-off {handoff_id} lost"
    return len(confirmed)


def _prepare(services, make_staff) -> int:
    make_staff("lobby_manager", staff_no="L1")
    return make_staff("wealth_cm", staff_no="C1").staff_id


def test_sigkill_during_writes_loses_nothing_confirmed(services, make_staff, db_path, tmp_path) -> None:
    receiver = _prepare(services, make_staff)
    services.ctx.engine.dispose()
    log = tmp_path / "confirmed.log"
    _run_kills(db_path, log, receiver, kills=50, seed=20261130)
    assert _check(db_path, log) >= 50


@pytest.mark.soak
def test_sigkill_soak(services, make_staff, db_path, tmp_path) -> None:
    receiver = _prepare(services, make_staff)
    services.ctx.engine.dispose()
    log = tmp_path / "confirmed.log"
    _run_kills(db_path, log, receiver, kills=500, seed=int(time.time()))
    assert _check(db_path, log) >= 500
