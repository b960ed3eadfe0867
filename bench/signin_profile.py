"""The sign-in path of one role, profiled (issue 22): `python bench/signin_profile.py --db DB
--role lobby|counter_cash|cm|head [--top N] [--out FILE.prof]`.

The real app (`wealthtui --db DB`, headless 120×40, as bench/screens.py runs it) waits for the
sign-in screen and for the warm-up that loads the role screens' modules, then the role's demo
staff member types the staff number and PIN. From Enter on the PIN until the role screen is on
top and every service call it started has been answered (the content shown), it records:

- the time, and the screen on top at the end (a dialog the role screen opened shows here);
- every statement the engine sent, by thread: those sent from the event loop's thread are the
  ones that make the screen wait, and are listed;
- the rows each SELECT returns (counted afterwards by running it again inside `SELECT count(*)`),
  so a read of more rows than a screen shows stands out;
- cProfile over that span: the event loop's thread (what makes a key wait) and, apart, the
  threads started during it (the service calls), the `--top` entries of each by cumulative time.

Prints a report on stdout (not JSON: this is for reading).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from screens import ROLES, _settle, run_app  # noqa: E402

ARGS = sys.argv[1:]


def arg(name: str, default: str | None = None) -> str:
    if name in ARGS:
        return ARGS[ARGS.index(name) + 1]
    if default is None:
        raise SystemExit(__doc__)
    return default


class Statements:
    """Statements and the rows they returned, by thread (engine events)."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.engine = engine
        self.rows: list[tuple[str, str, Any]] = []  # (thread, statement, parameters)
        self.on = False
        event.listen(engine, "after_cursor_execute", self._after)

    def _after(self, _conn: Any, _cursor: Any, statement: str, parameters: Any,
               *_args: Any) -> None:
        if not self.on:
            return
        head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if head in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"):
            return
        where = "loop" if threading.current_thread() is threading.main_thread() else "thread"
        self.rows.append((where, statement, parameters))

    def counted(self) -> list[tuple[str, str, int]]:
        """(thread, statement on one line, rows it returns now; -1 for a write)."""
        out = []
        with self.engine.connect() as conn:
            for where, sql, params in self.rows:
                n = -1
                if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    n = int(conn.exec_driver_sql(f"SELECT count(*) FROM ({sql}) AS counted",
                                                 params).scalar() or 0)
                out.append((where, " ".join(sql.split()), n))
        return out


class ThreadProfiles:
    """A cProfile.Profile for every thread started while it is on (threading.setprofile: the
    hook runs once in each new thread and hands it its own profiler)."""

    def __init__(self) -> None:
        self.profiles: list[cProfile.Profile] = []

    def _start(self, *_args: Any) -> None:
        profile = cProfile.Profile()
        self.profiles.append(profile)
        profile.enable()

    def __enter__(self) -> ThreadProfiles:
        threading.setprofile(self._start)
        return self

    def __exit__(self, *_exc: Any) -> None:
        threading.setprofile(None)  # type: ignore[arg-type]


async def _profiled(p: Any) -> None:
    from textual.widgets import Input

    from wealthtui.ui.screens.login import LoginScreen

    role = arg("--role")
    _label, staff_no, pin = next(r for r in ROLES if r[0] == role)
    app = p.app
    while not (isinstance(app.screen, LoginScreen) and isinstance(app.focused, Input)):
        await p.pause()
    for worker in list(app.workers):  # the warm-up (role screens' modules) done first
        if worker.group == "warm-up":
            await worker.wait()
    await p.press(*staff_no, "enter")
    await p.pause()
    await p.press(*pin)
    statements = Statements(app.services.ctx.engine)
    profile = cProfile.Profile()
    threads = ThreadProfiles()
    statements.on = True
    with threads:
        profile.enable()
        started = time.perf_counter()
        await p.press("enter")
        while isinstance(app.screen, LoginScreen) or app.actor is None:
            await p.pause(0.01)
        await _settle(p)
        took = time.perf_counter() - started
        profile.disable()
    statements.on = False
    report(role, took, type(app.screen).__name__, statements, profile, threads.profiles)
    os._exit(0)


def report(role: str, took: float, screen: str, statements: Statements,
           profile: cProfile.Profile, threads: list[cProfile.Profile]) -> None:
    out = sys.stdout
    rows = statements.counted()
    on_loop = [s for s in rows if s[0] == "loop"]
    out.write(f"{role}: Enter on the PIN → content shown in {took * 1000:.0f} ms; "
              f"on top: {screen}; load average {os.getloadavg()[0]:.1f}\n")
    out.write(f"statements: {len(rows)} ({len(on_loop)} on the event loop), rows returned "
              f"{sum(n for _w, _s, n in rows if n > 0)}\n")
    for where, sql, n in rows:
        out.write(f"  [{where}] rows={n:>6} {sql[:160]}\n")
    for title, profiles in (("the event loop's thread", [profile]),
                            (f"the {len(threads)} threads started", threads)):
        out.write(f"\n--- cProfile: {title} ---\n")
        profiles = [p for p in profiles if p.getstats()]
        if not profiles:
            continue
        text = io.StringIO()
        stats = pstats.Stats(*profiles, stream=text)
        stats.sort_stats("cumulative").print_stats(int(arg("--top", "40")))
        out.write(text.getvalue())
        if "--out" in ARGS and profiles[0] is profile:
            stats.dump_stats(arg("--out"))
    out.flush()


if __name__ == "__main__":
    run_app(arg("--db"), _profiled)
    raise SystemExit("the probe ended without reaching its end")
