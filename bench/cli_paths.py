"""The lean command-line paths (issue 22), each a fresh process against its floor:

- `wealthtui eod --format json --date DAY --db DB`, spawn to exit, against a bare python +
  sqlite3 process running the same statements and printing their rows as JSON
  (bench/sqlite_floor.py; the statements are recorded from the report service here);
- `wealthtui display --db DB`, spawn to the board's first frame, and spawn to the first frame
  with the first board read from the center on it, each against a bare Textual app showing one
  label (bench/app_probe.py bare-frame / display-frame / display-data): each process is timed
  to the frame Textual hands to its driver. (The probe used before — the pilot's pause after the
  layout was mounted — waited until the whole process was idle, so it counted the board's
  thread importing the data layer after the first frame as part of that frame.)

The two kinds of each pair alternate, so both see the same machine; the medians are compared.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from startup import clean_env, once
from stats import captured_sql, median

HERE = Path(__file__).resolve().parent
FLOOR = HERE / "sqlite_floor.py"
EXE = Path(sys.executable).parent / "wealthtui"


@dataclass(frozen=True)
class Pair:
    """One lean path against its floor (seconds per run)."""

    what: str
    floor: list[float]
    app: list[float]
    detail: str = ""

    @property
    def floor_median(self) -> float:
        return median(self.floor)

    @property
    def app_median(self) -> float:
        return median(self.app)

    @property
    def ratio(self) -> float:
        return self.app_median / self.floor_median


def last_closed_day(db: Path) -> date:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        day = con.execute("SELECT max(business_date) FROM business_day "
                          "WHERE status = 'closed'").fetchone()[0]
    return date.fromisoformat(day)


def record_eod(db: Path, day: date, into: Path) -> int:
    """The statements `eod_for_operator(day)` sends, written to `into`; how many."""
    from wealthtui.config import load_settings
    from wealthtui.services import Services
    from wealthtui.store.engine import make_engine

    engine = make_engine(str(db))
    try:
        with captured_sql(engine) as sent:
            Services(engine, load_settings(environ={})).reports.eod_for_operator(day)
        statements = [(sql, list(params or ())) for sql, params in sent]
    finally:
        engine.dispose()
    into.write_text(json.dumps(statements, default=str), "utf-8")
    return len(statements)


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{args[1:3]} failed: {done.stderr.strip()[-2000:]}")
    return elapsed


def measure_eod(db: Path, runs: int = 15) -> Pair:
    day = last_closed_day(db)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = clean_env(home)
        statements = home / "statements.json"
        count = record_eod(db, day, statements)
        floor = [sys.executable, str(FLOOR), str(statements), str(db)]
        app = [str(EXE), "eod", "--format", "json", "--date", day.isoformat(), "--db", str(db)]
        timed(floor, env)  # warm the file cache and the program's own caches
        timed(app, env)
        floors, apps = [], []
        for _ in range(runs):
            floors.append(timed(floor, env))
            apps.append(timed(app, env))
    return Pair("eod", floors, apps, f"{day}, {count} statements")


def measure_display(db: Path, runs: int = 15, kind: str = "display-frame") -> Pair:
    """`wealthtui display` to its first frame (`kind` display-frame) or to the first frame
    showing the board read from the center (display-data), against the bare app's first frame."""
    floor = "bare" if kind == "display" else "bare-frame"  # the old probe, for comparison
    with tempfile.TemporaryDirectory() as tmp:
        env = clean_env(Path(tmp))
        once(floor, db, env)
        once(kind, db, env)
        bare, board = [], []
        for _ in range(runs):
            bare.append(once(floor, db, env))
            board.append(once(kind, db, env))
    return Pair(kind, bare, board)


def main() -> None:
    """`python bench/cli_paths.py DB [--runs N] [--only eod,display,display-data,display-old]`:
    the pairs, printed (display-old: the probe used before, for comparison)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--only", default="eod,display,display-data")
    args = parser.parse_args()
    for what in args.only.split(","):
        if what == "eod":
            pair = measure_eod(args.db, runs=args.runs)
        else:  # display (its first frame), display-data (the board read), or the old probe
            pair = measure_display(args.db, runs=args.runs,
                                   kind={"display": "display-frame",
                                         "display-old": "display"}.get(what, what))
        print(f"{pair.what}: app {pair.app_median * 1000:.0f} ms, floor "
              f"{pair.floor_median * 1000:.0f} ms, {pair.ratio:.2f}x {pair.detail}", flush=True)


if __name__ == "__main__":
    main()
