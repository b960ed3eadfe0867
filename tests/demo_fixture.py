"""A demo center built once per test run (it takes most of a minute), for tests that read it or
copy it: built with the real builder at the test clock T0, PINs hashed at the lowest cost.
The first pytest worker that asks builds it under a file lock in the run's shared temporary
folder; the others wait for it and read the same file (each test copies it)."""

from __future__ import annotations

import fcntl
import functools
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import FAST_PIN_HASH, T0
from wealthtui.config import Settings, load_settings
from wealthtui.demo.center import DemoSummary, build_demo
from wealthtui.rules.clock import FixedClock
from wealthtui.store import audit_key, schema
from wealthtui.store.engine import make_engine


def fast_settings(base: Path) -> Settings:
    return load_settings(config_file=base / "no-such-config.toml",
                         overrides={"security": FAST_PIN_HASH}, environ={})


@contextmanager
def _no_audit_key(folder: Path) -> Iterator[None]:
    """Whichever test builds the template first, it is built without an audit key (the chain
    plain SHA-256), as every test that copies it reads it: not with the key file some earlier
    test of the worker left in its own config folder."""
    with config_at(folder / "no-config" / "config.toml"):
        yield


@contextmanager
def config_at(config_file: Path) -> Iterator[None]:
    """WEALTHTUI_CONFIG names `config_file` (the audit key beside it, none from the
    environment) while a template shared by the worker's tests is built."""
    with audit_key.passed_on(config_file=config_file):
        yield


def shared_root(base: Path) -> Path:
    """The folder all workers of this run share: the parent of a worker's base temp folder
    (pytest-N/popen-gwK under xdist), the base temp folder itself without xdist."""
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@functools.cache
def demo_template(base: Path) -> tuple[Path, DemoSummary]:
    """The demo center as a SQLite file in the run's shared temp folder (`base` is a pytest
    base temp folder), built by whichever worker asks first. Tests copy it, never write it."""
    folder = shared_root(base) / "demo-template"
    folder.mkdir(parents=True, exist_ok=True)
    path, told = folder / "demo.db", folder / "summary.pickle"
    with (folder / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the others wait here while the first builds
        if told.exists():
            return path, pickle.loads(told.read_bytes())
        with _no_audit_key(folder):
            engine = make_engine(str(path))
            schema.upgrade(engine)
            summary = build_demo(engine, fast_settings(folder), clock=FixedClock(T0))
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
        told.write_bytes(pickle.dumps(summary))
    return path, summary
