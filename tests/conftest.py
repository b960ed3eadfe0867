"""Shared fixtures: settings isolated from the developer's own config, a real SQLite file per
test (copied from a migrated template), a fixed clock, the services, and staff factories."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from wealthtui import i18n
from wealthtui.config import Settings, load_settings
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Actor, Services
from wealthtui.store import schema
from wealthtui.store.engine import make_engine

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 30 November 2026, 09:30 in the center: an ordinary working day.
T0 = datetime(2026, 11, 30, 9, 30, tzinfo=SHANGHAI)
TEST_PIN = "246810"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for var in ("WEALTHTUI_DB", "WEALTHTUI_LANG", "WEALTHTUI_IDLE_LOCK_MINUTES",
                "WEALTHTUI_TIMEZONE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("WEALTHTUI_CONFIG", str(tmp_path / "no-user-config.toml"))
    monkeypatch.setenv("WEALTHTUI_DATA_DIR", str(tmp_path / "data"))
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("zh_CN")


@pytest.fixture
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(str(path))
    schema.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def db_path(tmp_path: Path, db_template: Path) -> Path:
    path = tmp_path / "center.db"
    shutil.copyfile(db_template, path)
    return path


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = make_engine(str(db_path))
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def services(engine: Engine, settings: Settings, clock: FixedClock) -> Services:
    return Services(engine, settings, clock)


@pytest.fixture
def head(services: Services) -> Actor:
    services.staff.bootstrap_head("H001", "王主任", TEST_PIN)
    return services.auth.login("H001", TEST_PIN)


StaffFactory = Callable[..., Actor]


@pytest.fixture
def make_staff(services: Services, head: Actor) -> StaffFactory:
    """make_staff("cash_teller", "lobby_manager", name=...) → a signed-in Actor."""
    counter = iter(range(100, 10_000))

    def make(*roles: str, name: str = "测试员工", staff_no: str | None = None) -> Actor:
        no = staff_no or f"S{next(counter)}"
        services.staff.add(head, no, name, list(roles), TEST_PIN)
        return services.auth.login(no, TEST_PIN)

    return make
