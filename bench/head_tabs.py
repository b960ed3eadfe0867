"""The head's tabs, service side (issue 22): `python bench/head_tabs.py --db DB [--runs N]`.

Signs in as the demo head (8001) and makes, for each tab, the service calls its panel makes
when it loads (the panels' own fetch functions where they have one), N times; for each tab it
prints the best and the median time, the statements sent and the rows they return (each
SELECT counted again inside `SELECT count(*)`). This is the part of a tab's opening that reads
the database; bench/screens.py `opens` times the whole key → content on the real app.

Run with the center's config (WEALTHTUI_CONFIG) as the app would be. Signing in writes (the
sign-in's audit row): never on a database that is not yours.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from signin_profile import Statements  # noqa: E402


def tabs(services: Any, actor: Any) -> dict[str, Callable[[], Any]]:
    from wealthtui.ui.widgets.head_reports import fetch_eod
    from wealthtui.ui.widgets.head_staff import fetch_staff

    now = services.clock.now().astimezone(services.ctx.tz)
    today, month = now.date(), now.strftime("%Y-%m")
    return {
        "dashboard": lambda: (services.dashboard.snapshot(actor),
                              services.reports.waits_by_hour(actor, None)),
        "staff": lambda: fetch_staff(actor, services),
        "complaints": lambda: (services.complaints.queue(actor),
                               services.complaints.stats(actor, today - timedelta(days=29),
                                                         today)),
        "flow": lambda: services.reports.flow_log(actor, None),
        "kpi": lambda: services.reports.kpi(actor, month),
        "eod": lambda: fetch_eod(actor, services, None, None),
    }


def _time_statements(engine: Any, spent: dict[str, float]) -> None:
    """Each statement's time (summed by its text) into `spent`."""
    from sqlalchemy import event

    started: dict[int, float] = {}

    def before(_conn: Any, cursor: Any, *_args: Any) -> None:
        started[id(cursor)] = time.perf_counter()

    def after(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        sql = " ".join(statement.split())
        spent[sql] = spent.get(sql, 0.0) + time.perf_counter() - started.pop(id(cursor), 0.0)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)


def main() -> None:
    args = sys.argv[1:]
    db = args[args.index("--db") + 1]
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 3
    only = args[args.index("--tab") + 1] if "--tab" in args else None
    from wealthtui.config import load_settings
    from wealthtui.services import Services
    from wealthtui.store.engine import make_engine

    services = Services(make_engine(db), load_settings())
    head = services.auth.login("8001", "246801")
    statements = Statements(services.ctx.engine)
    spent: dict[str, float] = {}
    _time_statements(services.ctx.engine, spent)
    print(f"{'tab':<11}{'best ms':>9}{'median ms':>11}{'statements':>12}{'rows':>10}")
    for name, load in tabs(services, head).items():
        if only and name != only:
            continue
        times = []
        for _ in range(runs):
            spent.clear()
            statements.rows.clear()
            statements.on = True
            started = time.perf_counter()
            load()
            times.append(time.perf_counter() - started)
            statements.on = False
        took = dict(spent)
        counted = statements.counted()
        rows = sum(n for _, _, n in counted if n > 0)
        print(f"{name:<11}{min(times) * 1000:>9.0f}{statistics.median(times) * 1000:>11.0f}"
              f"{len(counted):>12}{rows:>10}")
        if "--statements" in args:  # the slowest statements of the last run, with their rows
            rows_of = {sql: n for _, sql, n in counted}
            for sql, ms in sorted(took.items(), key=lambda c: -c[1])[:8]:
                print(f"    {ms * 1000:>7.1f} ms {rows_of.get(sql, 0):>7} rows  {sql[:130]}")
        spent.clear()


if __name__ == "__main__":
    main()
