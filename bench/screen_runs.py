"""The screens part of `make bench` (issue 22): runs bench/screens.py's children on one center
(SQLite file or PostgreSQL URL) and gathers their figures; the PostgreSQL center is a copy of the SQLite one (bench/pg_copy.py).

- today filled with the day's visits (once per center and day), through the services;
- every role screen and tab opened (the real app, headless), times listed;
- lobby keystrokes against the floor app, alone and with a second process saving a walk-in
  every 2 s; p95 ratio and max.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from stats import percentile

HERE = Path(__file__).resolve().parent
SCREENS = HERE / "screens.py"
EXE = Path(sys.executable).parent / "wealthtui"


@dataclass
class Keys:
    app: list[float]
    floor: list[float]

    @property
    def ratio_p95(self) -> float:
        return percentile(self.app, 95) / percentile(self.floor, 95)


@dataclass
class ScreenFigures:
    backend: str
    opens: list[tuple[str, float]] = field(default_factory=list)
    alone: Keys | None = None
    writing: Keys | None = None
    filled: int = 0


def _env(config: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEALTHTUI_")}
    if config is not None:
        env["WEALTHTUI_CONFIG"] = str(config)
    return env


def child(kind: str, db: str, env: dict[str, str], *extra: str, timeout: int = 1800) -> dict:  # type: ignore[type-arg]
    done = subprocess.run([sys.executable, str(SCREENS), kind, "--db", db, *extra], env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"bench/screens.py {kind} failed: {done.stderr.strip()[-3000:]}")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def _keys(db: str, env: dict[str, str]) -> Keys:
    app = [s for _w, s in child("keys", db, env)["rows"]]
    floor = [s for _w, s in child("keys", db, env, "--floor")["rows"]]
    return Keys(app, floor)


def measure(db: str, backend: str, *, visits: int, config: Path | None,
            say=print) -> ScreenFigures:  # type: ignore[no-untyped-def]
    env = _env(config)
    figures = ScreenFigures(backend)
    say(f"  {backend}: today's {visits} visits …")
    figures.filled = child("fill", db, env, "--visits", str(visits))["visits"]
    say(f"  {backend}: every role screen and tab …")
    figures.opens = [(w, s) for w, s in child("opens", db, env)["rows"]]
    say(f"  {backend}: lobby keystrokes, alone …")
    figures.alone = _keys(db, env)
    say(f"  {backend}: lobby keystrokes, another process saving every 2 s …")
    try:
        _with_writer(db, env, figures)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:  # the figures so far are kept
        say(f"  {backend}: keystrokes with a writer failed: {exc}")
    return figures


def _with_writer(db: str, env: dict[str, str], figures: ScreenFigures) -> None:
    writer = subprocess.Popen([sys.executable, str(SCREENS), "writer", "--db", db,
                               "--every", "2"], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None
        writer.stdout.readline()  # WRITING: signed in
        figures.writing = _keys(db, env)
    finally:
        writer.terminate()
        writer.wait(30)


def pg_center(url: str, spec, say=print) -> str:  # type: ignore[no-untyped-def]
    """A PostgreSQL database on the server at `url` holding the center of `spec` (dbs.Spec):
    a copy of its SQLite file (bench/pg_copy.py), reused while the source and schema are."""
    import pg_copy

    return pg_copy.ensure(url, spec.path, say).url
