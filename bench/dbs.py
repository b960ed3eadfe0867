"""The benchmark databases under bench/work/ (gitignored): made with `wealthtui gen`, reused while
their schema is the program's.

A database is reused when its tables and indexes are exactly those a freshly migrated database
has (so an added index or column makes `make bench` build it again) and it was generated with
the same parameters (the generator line `wealthtui gen` writes into the center's meta table).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
EXE = Path(sys.executable).parent / "wealthtui"


@dataclass(frozen=True)
class Spec:
    name: str
    clients: int
    days: int
    arrivals: int | None = None
    #: a center configuration layered over the shipped one while generating (WEALTHTUI_CONFIG)
    config: Path | None = None
    #: clients in each CM's book (`--cm-book`; None: the configured maximum)
    cm_book: int | None = None

    @property
    def path(self) -> Path:
        return WORK / f"{self.name}.db"

    def args(self) -> list[str]:
        args = ["--clients", str(self.clients), "--days", str(self.days)]
        if self.arrivals:
            args += ["--arrivals", str(self.arrivals)]
        if self.cm_book:
            args += ["--cm-book", str(self.cm_book)]
        return args

    @property
    def generator(self) -> str:
        return f"gen clients={self.clients} days={self.days}"


#: look-ups at 10,000 clients (a week of history)
SMALL = Spec("clients-10k", 10_000, 5)
#: the city branch: 1,000,000 clients and a year (250 business days) of ~3,000-ticket days; its
#: cash and non-cash lanes number up to 1999 (the shipped 999 would cap a day near 2,600 tickets)
LARGE = Spec("clients-1m-busy", 1_000_000, 250, arrivals=3_900, config=HERE / "center-busy.toml",
             cm_book=500)


def _canonical(sql: str) -> str:
    """A CREATE statement with its lines (columns, constraints) in sorted order: the text of
    `attendance` (a table a migration rebuilds, 0004) was seen to differ between a generated
    database and a fresh one made by another process, and not on the next try, so a database was
    built again for nothing (twice in one session: ~20 minutes for the 200,000-client center,
    hours for the 1,000,000-client one)."""
    return "\n".join(sorted(line.strip().rstrip(",").strip() for line in sql.splitlines()))


def _schema(path: Path) -> set[tuple[str, str, str]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        return {(t, n, _canonical(s or "")) for t, n, s in con.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}


def _fresh_schema() -> set[tuple[str, str, str]]:
    from wealthtui.store import schema
    from wealthtui.store.engine import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fresh.db"
        engine = make_engine(str(path))
        schema.upgrade(engine)
        engine.dispose()
        return _schema(path)


def _generator(path: Path) -> str:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            rows = con.execute("SELECT value FROM meta WHERE key = 'generator'").fetchall()
    except sqlite3.Error:
        return ""
    return str(rows[0][0]) if rows else ""


def current(spec: Spec, fresh: set[tuple[str, str, str]]) -> bool:
    return (spec.path.is_file() and _schema(spec.path) == fresh
            and _generator(spec.path).startswith(spec.generator))


def _upgrade(path: Path) -> None:
    """Apply newer migrations (e.g. an added index) to a kept database."""
    from wealthtui.store import schema
    from wealthtui.store.engine import make_engine

    engine = make_engine(str(path))
    try:
        if schema.state(engine).older:
            schema.upgrade(engine)
    finally:
        engine.dispose()


def ensure(specs: list[Spec], say) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Build the databases that are missing or stale; returns seconds spent per built one.
    A database whose schema only lacks newer migrations is upgraded in place and kept."""
    WORK.mkdir(parents=True, exist_ok=True)
    fresh = _fresh_schema()
    built: dict[str, float] = {}
    for spec in specs:
        if spec.path.is_file() and not current(spec, fresh):
            try:
                _upgrade(spec.path)
            except Exception as exc:  # noqa: BLE001 - a database we cannot upgrade is rebuilt
                say(f"{spec.path.name} cannot be upgraded ({exc}); rebuilding it")
        if current(spec, fresh):
            say(f"reusing {spec.path.relative_to(WORK.parent.parent)}")
            continue
        for suffix in ("", "-wal", "-shm"):
            Path(f"{spec.path}{suffix}").unlink(missing_ok=True)
        say(f"generating {spec.path.name}: wealthtui gen {' '.join(spec.args())} "
            "(once; reused by later runs)")
        started = time.perf_counter()
        env = {k: v for k, v in os.environ.items() if not k.startswith("WEALTHTUI_")}
        if spec.config is not None:
            env["WEALTHTUI_CONFIG"] = str(spec.config)
        subprocess.run([str(EXE), "gen", *spec.args(), "--db", str(spec.path)], check=True,
                       stdout=subprocess.DEVNULL, env=env)
        built[spec.name] = time.perf_counter() - started
    return built
