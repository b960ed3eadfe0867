"""Shared fixtures: settings isolated from the developer's own config, a real SQLite file per
test (copied from a migrated template), a fixed clock, the services, and staff factories (the
head and the staff a test adds are copied in from templates built once per run: tests/staffed.py)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, make_url

from tests import cpu_log
from tests.schedule import heavy_first
from tests.staffed import Staffing, Templates
from wealthtui import i18n
from wealthtui.config import Settings, load_settings
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Actor, Services
from wealthtui.store import schema
from wealthtui.store.engine import make_engine

#: Hypothesis without its two clocks: a 200 ms deadline per example and the "data generation too
#: slow" health check fail a correct test when the machine is loaded (seen on a shared CI machine:
#: FailedHealthCheck in tests/ui/test_head_charts.py). Tests carry no timings; examples still run
#: in full and a failing one is still shrunk and reported.
hypothesis_settings.register_profile(
    "wealthtui", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("wealthtui")


def _temp_root_in_memory(min_free: int = 8 << 30) -> None:
    """Put the tests' files (each test's SQLite file and its WAL) on the RAM disk when the machine
    has a roomy one: the same SQLite, but a commit's fsync costs 0.1 ms there instead of ~6 ms on
    the disk, and the suite commits tens of thousands of times. pytest reads the root lazily, so
    setting it when this conftest is imported is in time for the workers' folders too."""
    if "PYTEST_DEBUG_TEMPROOT" in os.environ:
        return
    try:
        free = os.statvfs("/dev/shm")
    except OSError:
        return
    if free.f_bavail * free.f_frsize >= min_free and os.access("/dev/shm", os.W_OK):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = "/dev/shm"


_temp_root_in_memory()

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 30 November 2026, 09:30 in the center: an ordinary working day.
T0 = datetime(2026, 11, 30, 9, 30, tzinfo=SHANGHAI)
TEST_PIN = "246810"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for var in ("WEALTHTUI_DB", "WEALTHTUI_LANG", "WEALTHTUI_IDLE_LOCK_MINUTES",
                "WEALTHTUI_TIMEZONE", "WEALTHTUI_TERMINAL", "WEALTHTUI_REMOTE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("WEALTHTUI_CONFIG", str(tmp_path / "no-user-config.toml"))
    monkeypatch.setenv("WEALTHTUI_DATA_DIR", str(tmp_path / "data"))
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("zh_CN")


#: argon2id at its lowest cost in tests (same code path, ~1 ms instead of ~100 ms per PIN)
FAST_PIN_HASH = {"pin_hash_time_cost": 1, "pin_hash_memory_kib": 64, "pin_hash_parallelism": 1}


@pytest.fixture(autouse=True)
def _pilot_waits_for_service_calls(request: pytest.FixtureRequest,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A Pilot press, click or pause also waits for the service calls it started (they run in
    threads, ui/calls.py), as a person waits for the screen to answer — without timings. Tests
    marked `raw_pilot` see the screen between the key and the answer."""
    if request.node.get_closest_marker("raw_pilot"):
        return
    from textual.pilot import Pilot

    pause, press, click = Pilot.pause, Pilot.press, Pilot.click

    async def caught_up(pilot: Pilot) -> None:  # type: ignore[type-arg]
        app = pilot.app
        settled = getattr(app, "calls_settled", None)
        while settled is not None and app.calls_in_flight:
            await settled()
            await pause(pilot)

    async def paused(self: Pilot, delay: float | None = None) -> None:  # type: ignore[type-arg]
        await pause(self, delay)
        await caught_up(self)

    async def pressed(self: Pilot, *keys: str) -> None:  # type: ignore[type-arg]
        await press(self, *keys)
        await caught_up(self)

    async def clicked(self: Pilot, *args: object, **kwargs: object) -> bool:  # type: ignore[type-arg]
        done = await click(self, *args, **kwargs)  # type: ignore[arg-type]
        await caught_up(self)
        return done

    monkeypatch.setattr(Pilot, "pause", paused)
    monkeypatch.setattr(Pilot, "press", pressed)
    monkeypatch.setattr(Pilot, "click", clicked)


@pytest.fixture
def settings() -> Settings:
    # the anti-fraud questions (issue 17) stay off here, so a test about something else can record
    # a large withdrawal in one call; tests/services/test_antifraud.py and the counter's anti-fraud
    # Pilot test turn them on (ANTIFRAUD_ON), as data/config/default.toml ships them
    return load_settings(overrides={"security": FAST_PIN_HASH, "antifraud": {"enabled": False}})


#: the settings overrides of a test of the anti-fraud questions: as shipped (on)
ANTIFRAUD_ON = {"security": FAST_PIN_HASH}


# --- the store: a real SQLite file per test, and the same on a real PostgreSQL server ----------
#
# Tests under these folders run on both backends (parameter `backend`); the rest on SQLite.
# Tests that need the SQLite file itself (`db_path`) or are marked `sqlite_only` run on SQLite.
BOTH_BACKENDS = ("services", "store", "reports")
PG_URL = os.environ.get("WEALTHTUI_TEST_PG_URL", "")
PG_MISSING = ("PostgreSQL variant skipped: no server (run `make test` as root with postgresql "
              "installed, or set WEALTHTUI_TEST_PG_URL)")


if cpu_log.FOLDER:  # per-test CPU seconds into a folder (tests/cpu_log.py)
    pytest_runtest_setup = cpu_log.pytest_runtest_setup
    pytest_runtest_call = cpu_log.pytest_runtest_call
    pytest_runtest_teardown = cpu_log.pytest_runtest_teardown


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: runs on SQLite only")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In the parallel run the longest tests start first (tests/schedule.py)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items[:] = heavy_first(items, key=lambda item: item.nodeid)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    folder = metafunc.definition.path.relative_to(Path(__file__).parent).parts[0]
    both = (folder in BOTH_BACKENDS and "db_path" not in metafunc.fixturenames
            and metafunc.definition.get_closest_marker("sqlite_only") is None)
    metafunc.parametrize("backend", ["sqlite", "postgres"] if both else ["sqlite"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and not PG_URL:
        pytest.skip(PG_MISSING)
    return request.param


@pytest.fixture(scope="session")
def db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(str(path))
    schema.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _pg_admin() -> Engine:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL database that each test clones (CREATE DATABASE … TEMPLATE)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # also without xdist
    name = f"wt_template_{worker}_{os.getpid()}"  # unique per pytest process
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = make_engine(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    schema.upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
    admin.dispose()


@pytest.fixture
def db_path(tmp_path: Path, db_template: Path) -> Path:
    path = tmp_path / "center.db"
    shutil.copyfile(db_template, path)
    return path


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The test's database as a URL (a real SQLite file, or a fresh PostgreSQL database)."""
    if backend == "sqlite":
        yield str(request.getfixturevalue("db_path"))
        return
    template = request.getfixturevalue("pg_template")
    name = f"wt_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def services(engine: Engine, settings: Settings, clock: FixedClock) -> Services:
    return Services(engine, settings, clock)


# --- staff: each distinct sequence of staffing steps is built once and copied (tests/staffed.py)
STAFFING = pytest.StashKey["Staffing"]()


@pytest.fixture(scope="session")
def staffed_templates(tmp_path_factory: pytest.TempPathFactory,
                      db_template: Path) -> Iterator[Templates]:
    from tests.demo_fixture import shared_root

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    templates = Templates(shared_root(tmp_path_factory.getbasetemp()) / "staffed", db_template,
                          pg_url=PG_URL, pg_prefix=f"wt_st_{worker}_{os.getpid()}")
    yield templates
    templates.close()


@pytest.fixture
def staffing(request: pytest.FixtureRequest, backend: str, db_url: str, engine: Engine,
             staffed_templates: Templates) -> Staffing:
    if backend == "postgres":
        staffed_templates.empty_pg = request.getfixturevalue("pg_template")
    staffing = Staffing(staffed_templates, backend, db_url, engine)
    request.node.stash[STAFFING] = staffing
    return staffing


@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Iterator[None]:
    """The test body sees its staff in the database whatever opens it (tests/staffed.py)."""
    staffing = pyfuncitem.stash.get(STAFFING, None)
    if staffing is not None:
        staffing.materialize()
        staffing.in_body = True
    yield


@pytest.fixture
def head(services: Services, staffing: Staffing) -> Actor:
    def run(on: Services, _head: Actor | None) -> Actor:
        on.staff.bootstrap_head("H001", "王主任", TEST_PIN)
        return on.auth.login("H001", TEST_PIN)

    actor = staffing.step(services, ("head", "H001", "王主任", TEST_PIN), run)
    staffing.head = actor
    return actor


StaffFactory = Callable[..., Actor]


@pytest.fixture
def make_staff(services: Services, head: Actor, staffing: Staffing) -> StaffFactory:
    """make_staff("cash_teller", "lobby_manager", name=...) → a signed-in Actor (added, their
    PIN chosen, a head/supervisor role approved by a second person: tests/staffing.py), copied
    from a template when the same steps were built before (tests/staffed.py)."""
    from tests.staffing import add_staff

    counter = iter(range(100, 10_000))

    def make(*roles: str, name: str = "测试员工", staff_no: str | None = None) -> Actor:
        no = staff_no or f"S{next(counter)}"

        def run(on: Services, by: Actor | None) -> Actor:
            add_staff(on, by or head, no, name, roles)
            return on.auth.login(no, TEST_PIN)

        return staffing.step(services, ("staff", no, name, tuple(roles)), run)

    return make
