"""Eight counters, each its own process, call tickets from one queue at once.

On a scratch copy of the 10,000-client center: eight counters (R1–R8, all serving lane B) are
configured, a teller signs on at each, the lobby issues tickets before and during the race, and
every counter calls the next ticket and finishes it until nobody waits. Measured: calls per
second over the race, tickets called twice (must be 0), tickets never called (must be 0), and
how evenly the counters were served: the busiest process's calls over the least busy one's
(issue 22: ≤ 2×; store/turns.py queues SQLite's writers first come, first served).

With `pg=URL` the race runs on PostgreSQL instead: a scratch database on that server holding a
copy of the same center (store/copy.py, `wealthtui db copy`), dropped afterwards.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PROCESSES = 8
BEFORE, DURING = 480, 80
PIN = "135790"
COUNTERS = [f"R{i}" for i in range(1, PROCESSES + 1)]
HEAD = ("8001", "246801")
NAMES = ("赵一鸣", "钱二丽", "孙三强", "李四海", "周五洲", "吴六艺", "郑七星", "王八方")


@dataclass(frozen=True)
class RaceResult:
    processes: int
    tickets: int
    calls: int
    seconds: float
    duplicates: int
    lost: int
    per_process: list[int]

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds

    @property
    def spread(self) -> float:
        """The busiest process's calls over the least busy one's (inf if one made none)."""
        least = min(self.per_process)
        return max(self.per_process) / least if least else float("inf")


def _config(folder: Path) -> Path:
    path = folder / "race.toml"
    text = "[security]\npin_hash_time_cost = 1\npin_hash_memory_kib = 64\npin_hash_parallelism = 1\n\n"
    text += "".join(f'[[counters]]\nno = "{no}"\nzone = "non_cash"\nkind = "non_cash"\n'
                    f'categories = ["B"]\n\n' for no in COUNTERS)
    path.write_text(text, "utf-8")
    return path


def _services(db: str, config: str):  # type: ignore[no-untyped-def]
    os.environ["WEALTHTUI_CONFIG"] = config
    from wealthtui.config import load_settings
    from wealthtui.services import Services
    from wealthtui.store.engine import make_engine

    return Services(make_engine(db), load_settings())


def _counter(db: str, config: str, staff_no: str, counter_no: str, barrier,  # type: ignore[no-untyped-def]
             lobby_done) -> tuple[list[str], float]:
    services = _services(db, config)
    teller = services.auth.login(staff_no, PIN)
    session = services.counter.sign_on(teller, counter_no)
    if session.checklist_run_id is not None:  # calls wait for the sign-on checklist
        for step, value in (("box_drawn", ""), ("cash_counted", "0"), ("vouchers_counted", "50"),
                            ("box_matches", "match"), ("equipment", ""), ("appearance", "")):
            services.checklists.record(teller, session.checklist_run_id, step, value)
    called: list[str] = []
    barrier.wait()
    while True:
        stopped = lobby_done.is_set()  # read before calling: a ticket issued after it is seen
        ticket = services.queue.call_next(teller, counter_no)
        if ticket is None:
            if stopped:
                break
            time.sleep(0.01)
            continue
        called.append(ticket.display_no)
        services.queue.finish(teller, ticket.id)
    finished = time.perf_counter()
    services.ctx.engine.dispose()
    return called, finished


def _lobby(db: str, config: str, barrier, lobby_done) -> tuple[list[str], float]:  # type: ignore[no-untyped-def]
    services = _services(db, config)
    lobby = services.auth.login("L900", PIN)
    barrier.wait()
    started = time.perf_counter()
    issued = [services.queue.issue(lobby, "B").display_no for _ in range(DURING)]
    lobby_done.set()
    services.ctx.engine.dispose()
    return issued, started


def measure(source: Path, pg: str | None = None) -> RaceResult:
    """The race on a copy of `source`, with the audit key `source` was made with: the race's own
    configuration file lives in a temporary folder, where no key file is, so the key the
    generator used (store.audit_key: the environment, else the file beside the user's
    configuration) goes to the race's processes through WEALTHTUI_AUDIT_KEY."""
    from wealthtui.store import audit_key

    with audit_key.passed_on(key=audit_key.load()):  # _measure sets WEALTHTUI_CONFIG
        if pg is None:
            return _measure(source, None)
        return _on_postgres(source, pg)


def _on_postgres(source: Path, pg: str) -> RaceResult:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from wealthtui.store.copy import copy_center
    from wealthtui.store.engine import make_engine

    name = f"wt_bench_race_{os.getpid()}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    target = make_url(pg).set(database=name).render_as_string(hide_password=False)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine = make_engine(target)
        try:
            copy_center(source, engine)
        finally:
            engine.dispose()
        return _measure(source, target)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _measure(source: Path, url: str | None) -> RaceResult:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if url is None:
            db: Path | str = folder / "race.db"
            shutil.copyfile(source, db)
        else:
            db = url
        config = _config(folder)
        services = _services(str(db), str(config))
        head = services.auth.login(*HEAD)
        people = [(f"R90{i}", name, "non_cash_teller") for i, name in enumerate(NAMES, start=1)]
        for staff_no, name, role in [*people, ("L900", "大堂", "lobby_manager")]:
            # a new member gets a one-time PIN and chooses their own at another desk
            new = services.staff.add(head, staff_no, name, [role])
            services.auth.complete_reset(staff_no, new.pin, PIN, terminal="bench-desk")
        lobby = services.auth.login("L900", PIN)
        before = [services.queue.issue(lobby, "B").display_no for _ in range(BEFORE)]
        ctx = multiprocessing.get_context("spawn")
        with ctx.Manager() as manager:
            barrier = manager.Barrier(PROCESSES + 1)
            lobby_done = manager.Event()
            with ctx.Pool(PROCESSES + 1) as pool:
                counters = [pool.apply_async(_counter, (str(db), str(config), f"R90{i}", no,
                                                        barrier, lobby_done))
                            for i, no in enumerate(COUNTERS, start=1)]
                issuing = pool.apply_async(_lobby, (str(db), str(config), barrier, lobby_done))
                during, started = issuing.get(timeout=1800)
                results = [c.get(timeout=1800) for c in counters]
        services.ctx.engine.dispose()
    issued = before + during
    called = [no for per, _ in results for no in per]
    counts = Counter(called)
    return RaceResult(
        processes=PROCESSES, tickets=len(issued), calls=len(called),
        seconds=max(end for _, end in results) - started,
        duplicates=sum(1 for n in counts.values() if n > 1),
        lost=len(set(issued) - set(called)), per_process=[len(per) for per, _ in results])
