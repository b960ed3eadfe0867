"""Start-up to an interactive login screen against a bare Textual app showing one label.

Each run is a fresh process (bench/app_probe.py), timed from spawning it to its READY line; the
two kinds alternate so that both see the same machine. The medians are compared.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from stats import median

PROBE = Path(__file__).resolve().parent / "app_probe.py"


@dataclass(frozen=True)
class Startup:
    runs: int
    bare: list[float]
    app: list[float]

    @property
    def bare_median(self) -> float:
        return median(self.bare)

    @property
    def app_median(self) -> float:
        return median(self.app)

    @property
    def ratio(self) -> float:
        return self.app_median / self.bare_median


def clean_env(home: Path) -> dict[str, str]:
    """No user configuration, a private data and cache folder, no Textual dev tools.

    Both programs start as installed ones do, from their bytecode cache: a developer's
    PYTHONDONTWRITEBYTECODE would have every edited module of the app (and none of Textual's)
    compiled again at each start, so it is dropped. The warm-up runs write the bytecode and the
    app's own caches (shipped TOML as JSON, the validated settings); the runs measured are the
    daily start of a terminal, not the first start after an installation or a change of its
    configuration."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WEALTHTUI_", "TEXTUAL")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"WEALTHTUI_CONFIG": str(home / "none.toml"),
                "WEALTHTUI_DATA_DIR": str(home / "data"),
                "XDG_CACHE_HOME": str(home / "cache")})
    return env


def once(kind: str, db: Path, env: dict[str, str]) -> float:
    args = [sys.executable, str(PROBE), kind] + (["--db", str(db)] if kind != "bare" else [])
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    elapsed = time.perf_counter() - started
    _, err = proc.communicate(timeout=120)
    if line.strip() != "READY":
        raise RuntimeError(f"{kind} start-up failed: {err.strip()[-2000:]}")
    return elapsed


def measure(db: Path, runs: int = 15) -> Startup:
    bare: list[float] = []
    app: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = clean_env(Path(tmp))
        once("bare", db, env)  # warm the file cache for both
        once("app", db, env)
        for _ in range(runs):
            bare.append(once("bare", db, env))
            app.append(once("app", db, env))
    return Startup(runs, bare, app)


def rss(db: Path, config: Path | None = None) -> tuple[int, int]:
    """(resident kB after sign-in and look-ups, peak kB) of the running app on `db`, run with
    `config`, the configuration the center was generated with (bench/dbs.py): the audit key
    beside it signs the sign-in's audit event. Without it (the clean environment of the start-up
    runs) the keyed chain refuses every sign-in — the probe's time-out of stop 18."""
    with tempfile.TemporaryDirectory() as tmp:
        env = clean_env(Path(tmp))
        if config is not None:
            env["WEALTHTUI_CONFIG"] = str(config)
        proc = subprocess.run([sys.executable, str(PROBE), "rss", "--db", str(db)],
                              capture_output=True, text=True, env=env, timeout=600)
    words = proc.stdout.split()
    if len(words) != 4 or words[0] != "RSS":
        raise RuntimeError(f"memory probe failed: {proc.stderr.strip()[-2000:]}")
    return int(words[1]), int(words[3])
