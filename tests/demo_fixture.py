"""A demo center built once per test worker (it takes a few seconds), for tests that read it or
copy it: built with the real builder at the test clock T0, PINs hashed at the lowest cost."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import FAST_PIN_HASH, T0
from wealthtui.config import Settings, load_settings
from wealthtui.demo.center import DemoSummary, build_demo
from wealthtui.rules.clock import FixedClock
from wealthtui.store import schema
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
    saved = {name: os.environ.get(name) for name in ("WEALTHTUI_CONFIG", "WEALTHTUI_AUDIT_KEY")}
    os.environ["WEALTHTUI_CONFIG"] = str(config_file)
    os.environ.pop("WEALTHTUI_AUDIT_KEY", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@functools.cache
def demo_template(base: Path) -> tuple[Path, DemoSummary]:
    """The demo center as a SQLite file under `base` (a pytest base temp folder)."""
    folder = base / "demo-template"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.db"
    with _no_audit_key(folder):
        engine = make_engine(str(path))
        schema.upgrade(engine)
        summary = build_demo(engine, fast_settings(base), clock=FixedClock(T0))
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
    return path, summary
