"""Fair calling (issue 22): counters in separate processes calling from one queue each get a fair
share of the calls — the busiest at most twice the least busy — with no ticket called twice and
none lost. Writers on SQLite take their turns first come, first served (store.turns); before,
the process that had just written kept winning the write lock (3 vs 251 calls per process)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests import processes
from tests.conftest import T0, TEST_PIN
from tests.counter_ready import sign_on_ready

COUNTERS = [f"F{i}" for i in range(1, 5)]  # four non-cash counters, all serving lane B
TICKETS = 80


def _counter(db_url: str, config: str, staff_no: str, counter_no: str, barrier) -> list[str]:
    """Sign on, then call the next ticket and finish it until nobody waits."""
    import os

    os.environ["WEALTHTUI_CONFIG"] = config
    from wealthtui.config import load_settings
    from wealthtui.rules.clock import FixedClock
    from wealthtui.services import Services
    from wealthtui.store.engine import make_engine

    engine = make_engine(db_url)
    services = Services(engine, load_settings(), FixedClock(T0))
    teller = services.auth.login(staff_no, TEST_PIN)
    sign_on_ready(services, teller, counter_no)
    called: list[str] = []
    barrier.wait()
    while (ticket := services.queue.call_next(teller, counter_no)) is not None:
        called.append(ticket.display_no)
        services.queue.finish(teller, ticket.id)
    engine.dispose()
    return called


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "counters.toml"
    path.write_text("".join(
        f'[[counters]]\nno = "{no}"\nzone = "non_cash"\nkind = "non_cash"\n'
        f'categories = ["B"]\n\n' for no in COUNTERS), "utf-8")
    return str(path)


def test_counters_in_separate_processes_share_the_calls_fairly(services, make_staff, db_url,
                                                              config) -> None:
    lobby = make_staff("lobby_manager", staff_no="L1")
    tellers = [make_staff("non_cash_teller", staff_no=f"T{i}")
               for i in range(1, len(COUNTERS) + 1)]
    issued = [services.queue.issue(lobby, "B").display_no for _ in range(TICKETS)]
    with processes.context().Manager() as manager:
        barrier = manager.Barrier(len(COUNTERS))
        with processes.pool(len(COUNTERS)) as pool:
            workers = [pool.apply_async(_counter, (db_url, config, t.staff_no, no, barrier))
                       for t, no in zip(tellers, COUNTERS, strict=True)]
            called = [w.get(timeout=600) for w in workers]
    flat = [no for per in called for no in per]
    assert [no for no, n in Counter(flat).items() if n > 1] == []   # none called twice
    assert sorted(flat) == sorted(issued)                            # none lost
    per_process = sorted(len(per) for per in called)
    assert per_process[0] >= 1, per_process
    assert per_process[-1] <= 2 * per_process[0], per_process        # nobody starves
