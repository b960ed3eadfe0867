"""What keeps start-up short (DESIGN §6, bench/results.md), held as structure, not as timings:
the sign-in screen's modules do not pull in SQLAlchemy, the model, the workflows, pypinyin or
pydantic; the cheap checks on the start-up path give the same answers as the full ones; services
are made at their first use; shipped TOML files are read from a JSON cache once parsed; the
command line builds its sub-commands only when one is named; the demo table on the sign-in
screen is laid out once per width; the garbage collector is off only while the app starts.
(The validated-settings cache: tests/test_config.py.)"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from sqlalchemy import Engine

from tests.demo_fixture import demo_template
from tests.ui.helpers import make_app
from wealthtui import bootstrap, eod_command, launch
from wealthtui.cli import MODULES, app
from wealthtui.config import Settings
from wealthtui.resources import read_toml
from wealthtui.services import SERVICES, Services
from wealthtui.store import peek, schema
from wealthtui.ui.screens.login import Drawn

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pypinyin", "phonenumbers", "stdnum", "pydantic",
         "pydantic_core", "wealthtui.model", "wealthtui.services.base",
         "wealthtui.ui.screens.lobby", "wealthtui.ui.screens.counter", "wealthtui.ui.screens.cm",
         "wealthtui.ui.screens.head", "wealthtui.ui.screens.help", "wealthtui.ui.dialogs.confirm")


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder of the tests' own (the user's is shared with every other run)."""
    return tmp_path_factory.mktemp("cache")


def loaded_after(code: str, cache_home: Path) -> set[str]:
    """The modules loaded by `code` in a fresh interpreter, as on a day's start: a first run
    fills the caches (the validated settings, the shipped TOML), the second is looked at."""
    env = {"PATH": "/usr/bin:/bin", "WEALTHTUI_CONFIG": "/nonexistent.toml",
           "XDG_CACHE_HOME": str(cache_home),
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json\n"
                              "print(json.dumps(sorted(sys.modules)))"],
                             capture_output=True, text=True, check=True, env=env)
    return set(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.parametrize("code", [
    "import wealthtui.cli",
    "import wealthtui.launch",
    "import wealthtui.bootstrap",
    "import wealthtui.ui.app",
    "from wealthtui.services import Services",
    "from wealthtui.store import peek, schema",
])
def test_the_sign_in_path_imports_nothing_heavy(code: str, cache_home: Path) -> None:
    modules = loaded_after(code, cache_home)
    assert not {m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY}


def test_the_head_revision_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    assert schema.head_revision() == ScriptDirectory.from_config(schema._config()).get_current_head()
    assert schema.known_revisions() == {
        s.revision for s in ScriptDirectory.from_config(schema._config()).walk_revisions()}


def test_peek_agrees_with_the_full_checks(engine: Engine, db_path: Path, settings: Settings,
                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    assert peek.sqlite_state(db_path) == schema.state(engine)
    assert peek.is_demo(db_path) is Services(engine, settings).center.is_demo() is False
    demo, _ = demo_template(tmp_path_factory.getbasetemp())
    assert peek.is_demo(demo) is True
    empty = tmp_path_factory.mktemp("empty") / "empty.db"
    empty.touch()
    assert peek.sqlite_state(empty).empty and peek.sqlite_meta(empty) == {}


def test_services_are_made_at_first_use(engine: Engine, settings: Settings) -> None:
    made: list[str] = []

    def factory() -> Engine:
        made.append("engine")
        return engine

    services = Services(factory, settings)
    assert made == [] and "lookup" not in vars(services)
    assert services.settings is settings
    assert services.lookup is services.lookup  # made once, then kept
    assert made == ["engine"]
    services.load_all("wealthtui.ui.screens.lobby")
    assert set(SERVICES) <= set(vars(services)) and made == ["engine"]
    with pytest.raises(AttributeError):
        services.no_such_service  # noqa: B018


def test_shipped_toml_is_read_from_its_cache_until_it_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("wealthtui.resources._cache_dir", lambda kind: tmp_path / "cache" / kind)
    source = tmp_path / "catalog.toml"
    source.write_text('[a]\nb = "one"\nn = 2.5\n', "utf-8")
    assert read_toml(source) == tomllib.loads(source.read_text("utf-8"))
    (cached,) = (tmp_path / "cache" / "toml").iterdir()
    assert json.loads(cached.read_text("utf-8"))["data"] == {"a": {"b": "one", "n": 2.5}}
    source.write_text('[a]\nb = "two, longer"\n', "utf-8")  # another size: read again
    assert read_toml(source) == {"a": {"b": "two, longer"}}
    source.write_text("when = 2026-11-30\n", "utf-8")  # a date: not JSON, parsed every time
    assert str(read_toml(source)["when"]) == "2026-11-30"


def test_parsing_the_plain_command_line_imports_no_pydantic(cache_home: Path) -> None:
    """typer 0.29 passes every option's value through a pydantic TypeAdapter (~60 ms of every
    start); pyproject.toml holds typer below 0.29."""
    modules = loaded_after("from typer.main import get_command\nfrom wealthtui.cli import app\n"
                           "get_command(app).make_context('wealthtui', ['--db', 'center.db', "
                           "'--kiosk', 'lobby', '--config', 'none.toml'])", cache_home)
    assert not {m for m in modules if m.split(".")[0] in ("pydantic", "pydantic_core")}


def test_the_plain_start_loads_no_command_line_machinery(cache_home: Path) -> None:
    """`wealthtui [--db …]` opens the sign-in screen without Typer (launch.main): reading its
    options and everything the app imports until then."""
    modules = loaded_after("from wealthtui import bootstrap, launch\nimport wealthtui.ui.app\n"
                           "assert bootstrap.plain_options(['--db', 'center.db']) is not None",
                           cache_home)
    assert not {m for m in modules if m.split(".")[0] in ("typer", "click")}
    assert "wealthtui.cli" not in modules


def test_the_sub_commands_are_built_when_one_is_named(cache_home: Path) -> None:
    group = typer.main.get_command(app)
    ctx = group.make_context("wealthtui", ["--db", "center.db", "--lang", "en"])
    assert ctx.params["db"] == "center.db"
    assert group.commands == {}  # the plain `wealthtui` (open the app) needs none of them
    assert group.get_command(ctx, "locate") is not None
    assert {"init", "demo", "locate"} <= set(group.commands)  # the module of `locate`
    assert group.list_commands(ctx) == list(MODULES) == list(group.commands)  # the help: all
    # in a fresh interpreter: naming `eod` imports its own module, no other command's
    modules = loaded_after("import typer.main\nfrom wealthtui.cli import app\n"
                           "group = typer.main.get_command(app)\n"
                           "ctx = group.make_context('wealthtui', ['--db', 'x.db'])\n"
                           "assert group.get_command(ctx, 'eod') is not None", cache_home)
    commands = {m for m in modules if m.startswith("wealthtui.cli.")}
    assert commands == {"wealthtui.cli.common", "wealthtui.cli.shared", "wealthtui.cli.day"}


class Counted:
    """A renderable that counts its layouts."""

    def __init__(self) -> None:
        self.renders: list[int] = []
        self.measures = 0

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self.renders.append(options.max_width)
        yield Segment("demo accounts")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        self.measures += 1
        return Measurement(4, 13)


def test_the_demo_table_is_laid_out_once_per_width() -> None:
    inner = Counted()
    drawn = Drawn(inner)
    console = Console(width=60)
    for _ in range(3):  # Textual asks for the width, the height and the lines, at every refresh
        assert Measurement.get(console, console.options, drawn) == Measurement(4, 13)
        for width in (30, 40):
            lines = console.render_lines(drawn, console.options.update_width(width), pad=False)
            assert "".join(seg.text for seg in lines[0]) == "demo accounts"
    assert inner.measures == 1 and inner.renders == [30, 40]


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does to the garbage collector, it is on again afterwards."""
    try:
        yield
    finally:
        gc.enable()


def test_the_collector_is_off_while_the_app_starts_and_on_for_a_command(
        monkeypatch: pytest.MonkeyPatch, collector: None) -> None:
    seen: dict[str, bool] = {}

    def opened(st: bootstrap.State) -> int:
        seen["app"] = gc.isenabled()
        return 0

    monkeypatch.setattr(bootstrap, "open_workstation", opened)
    monkeypatch.setattr(sys, "argv", ["wealthtui"])
    with pytest.raises(SystemExit):
        launch.main()
    assert seen == {"app": False}  # the plain `wealthtui`: off until the sign-in screen is up

    def backup_dir() -> Path:
        seen["command"] = gc.isenabled()
        return Path("backups")

    import wealthtui.cli.center

    monkeypatch.setattr(wealthtui.cli.center, "backup_dir", backup_dir)  # called by `locate`
    monkeypatch.setattr(sys, "argv", ["wealthtui", "locate"])
    with pytest.raises(SystemExit):
        launch.main()
    assert seen["command"] is True  # a command runs with it, however long it takes


async def test_the_app_turns_the_collector_on_when_the_sign_in_screen_is_up(
        services: Services, collector: None) -> None:
    wealth_app = make_app(services)
    async with wealth_app.run_test(size=(80, 24)):
        gc.disable()  # as `wealthtui` starts (launch.main)
        wealth_app._start_warm_up()  # the timer set at mount (WARM_UP_DELAY)
        assert gc.isenabled()
        await wealth_app.workers.wait_for_complete()


BOARD_FIRST_FRAME = r"""
import json, os, sys
from textual.app import App
from wealthtui.ui.screens import display
display.DisplayApp._first_board = lambda self: None  # the thread that reads the board, left out
original = App.run

async def first_frame(pilot):
    while not pilot.app.query("#now-title"):
        await pilot.pause()
    await pilot.pause()
    os.write(1, (json.dumps(sorted(sys.modules)) + "\n").encode())  # (Textual holds sys.stdout)
    os._exit(0)

App.run = lambda self, *a, **k: original(self, headless=True, size=(80, 24), auto_pilot=first_frame)
sys.argv = ["wealthtui", "display", "--db", sys.argv[1]]
from wealthtui.launch import main
main()
"""


def test_the_calling_board_shows_its_first_frame_without_the_model_or_typer(
        cache_home: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`wealthtui display` (issue 22): launch.main's fast path, the store checked with
    store.peek, the first frame drawn; the board's read loads in a thread after it."""
    demo, _ = demo_template(tmp_path_factory.getbasetemp())
    env = {"PATH": "/usr/bin:/bin", "WEALTHTUI_CONFIG": "/nonexistent.toml",
           "XDG_CACHE_HOME": str(cache_home),
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}
    for _ in range(2):  # the first run fills the caches
        done = subprocess.run([sys.executable, "-c", BOARD_FIRST_FRAME, str(demo)],
                              capture_output=True, text=True, env=env, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
    modules = set(json.loads(done.stdout.splitlines()[-1]))
    assert "wealthtui.ui.screens.display" in modules
    heavy = {m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY}
    assert heavy == set()
    assert not {m for m in modules if m.split(".")[0] in ("typer", "click")
                or m.startswith(("wealthtui.cli", "wealthtui.services.queue"))}


BOARD_WITH_DATA = r"""
import json, os, sys
from textual.app import App
original = App.run

async def first_board(pilot):
    for _ in range(6000):  # the first board read from the center, shown (at most a minute)
        if pilot.app.board is not None:
            break
        await pilot.pause(0.01)
    else:
        os.write(2, b"no board read\n")
        os._exit(1)
    await pilot.pause()
    board = pilot.app.board
    os.write(1, (json.dumps({"modules": sorted(sys.modules), "waiting": board.waiting,
                             "now": board.now_calling.display_no if board.now_calling else None})
                 + "\n").encode())
    os._exit(0)

App.run = lambda self, *a, **k: original(self, headless=True, size=(80, 24), auto_pilot=first_board)
sys.argv = ["wealthtui", "display", "--db", sys.argv[1]]
from wealthtui.launch import main
main()
"""

#: what the calling board's reads need not load (issue 22): the ORM, the model, the services
BOARD_NOT_NEEDED = ("sqlmodel", "wealthtui.model", "wealthtui.services.base",
                    "wealthtui.services.context", "wealthtui.services.lean",
                    "wealthtui.services.uow", "wealthtui.services.queue",
                    "wealthtui.services.audit", "wealthtui.ui.app", "typer", "click")


def test_the_calling_boards_first_data_loads_no_orm_model_or_services(
        cache_home: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`wealthtui display` (issue 22): the first board with data on it is read through the Core
    tables (reports.calling_board) on the engine alone — no SQLModel, no ORM models, no
    services' context or queue service are imported for it."""
    demo, _ = demo_template(tmp_path_factory.getbasetemp())
    env = {"PATH": "/usr/bin:/bin", "WEALTHTUI_CONFIG": "/nonexistent.toml",
           "XDG_CACHE_HOME": str(cache_home),
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}
    for _ in range(2):  # the first run fills the caches
        done = subprocess.run([sys.executable, "-c", BOARD_WITH_DATA, str(demo)],
                              capture_output=True, text=True, env=env, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout.splitlines()[-1])
    modules = set(shown["modules"])
    assert {m for m in modules if m in BOARD_NOT_NEEDED
            or m.startswith(tuple(f"{name}." for name in BOARD_NOT_NEEDED))} == set()
    assert shown["waiting"]  # a line per configured lane: it did read
    assert {"wealthtui.reports.calling_board", "sqlalchemy"} <= modules


OPERATOR_COMMAND = (
    "import sys\n"
    "from wealthtui.cli import app\n"
    "try:\n"
    "    app(sys.argv[1:], prog_name='wealthtui')\n"
    "except SystemExit as exit:\n"
    "    assert not exit.code, exit.code\n"
    "import json\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)

#: (command, the module that shows it ran its work)
LEAN_COMMANDS = [pytest.param(command, ran, id=" ".join(command)) for command, ran in (
    (["audit", "verify"], "wealthtui.store.audit_check"),
    (["db", "check"], "wealthtui.store.seals"),
    (["eod", "--format", "json"], "wealthtui.reports.operator"),
)]


@pytest.mark.parametrize(("command", "ran"), LEAN_COMMANDS)
def test_the_operators_commands_run_without_the_model_or_the_services(
        command: list[str], ran: str, cache_home: Path,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """`wealthtui audit verify`, `db check` and `eod --format json` (issue 22): the chain, the
    seals and the reports read through Core tables (store.tables), on a real
    center, with no model, no sqlmodel, no ORM, no services and no Textual loaded."""
    demo, summary = demo_template(tmp_path_factory.getbasetemp())
    env = {"PATH": "/usr/bin:/bin", "WEALTHTUI_CONFIG": "/nonexistent.toml",
           "XDG_CACHE_HOME": str(cache_home),
           "XDG_DATA_HOME": str(tmp_path_factory.mktemp("data")),
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}
    args = [*command, "--db", str(demo)]
    if command[0] == "eod":
        out = tmp_path_factory.mktemp("eod") / "eod.json"
        args += ["--date", summary.previous_day.isoformat(), "--out", str(out)]
    # eod: the first run validates the procedure files and keeps their outline, the second (a
    # day's start) reads the outline (reports/procedure_outline.py)
    for _ in range(2 if command[0] == "eod" else 1):
        done = subprocess.run([sys.executable, "-c", OPERATOR_COMMAND, *args],
                              capture_output=True, text=True, env=env, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
    modules = set(json.loads(done.stdout.splitlines()[-1]))
    assert ran in modules       # the command ran its work
    assert not {m for m in modules if m.split(".")[0] in ("sqlmodel", "textual")
                or m.startswith(("wealthtui.model", "wealthtui.services", "sqlalchemy.orm"))}
    if command[0] == "eod":     # nor the procedures' validation (pydantic)
        assert not {m for m in modules if m.split(".")[0] == "pydantic"
                    or m == "wealthtui.procedures"}
    if command[0] == "eod":   # the same figures as the services' report (the head's screens)
        from wealthtui.config import load_settings
        from wealthtui.reports.export import day_dict
        from wealthtui.store.engine import make_engine

        settings = load_settings(config_file=Path("/nonexistent.toml"), environ={})
        engine = make_engine(str(demo))
        try:
            report = Services(engine, settings).reports.eod_for_operator(summary.previous_day)
        finally:
            engine.dispose()
        doc = json.loads(out.read_text("utf-8"))
        assert doc["tickets"] and doc["tellers"] and doc["flow_log"]["visitors"]  # a real day
        assert doc == json.loads(json.dumps(day_dict(settings, report), default=str))


LAUNCHED_COMMAND = (
    "import sys\n"
    "from wealthtui.launch import main\n"
    "sys.argv = ['wealthtui', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as exit:\n"
    "    assert not exit.code, exit.code\n"
    "import json\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


def test_eod_runs_without_the_command_line_and_writes_what_it_writes(
        cache_home: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`wealthtui eod …` well formed (issue 22): launch.main runs it without Typer or click
    (eod_command.py), and writes byte for byte what the command line writes; a mistake still
    goes to the command line, which answers with its one line."""
    demo, summary = demo_template(tmp_path_factory.getbasetemp())
    env = {"PATH": "/usr/bin:/bin", "WEALTHTUI_CONFIG": "/nonexistent.toml",
           "XDG_CACHE_HOME": str(cache_home),
           "XDG_DATA_HOME": str(tmp_path_factory.mktemp("data")),
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}
    folder = tmp_path_factory.mktemp("eod-launch")
    written = {}
    for how, script in (("typer", OPERATOR_COMMAND), ("launch", LAUNCHED_COMMAND)):
        out = folder / f"{how}.csv"
        done = subprocess.run(
            [sys.executable, "-c", script, "eod", "--format", "csv", "--lang", "en", "--date",
             summary.previous_day.isoformat(), "--out", str(out), "--db", str(demo)],
            capture_output=True, text=True, env=env, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        modules = set(json.loads(done.stdout.splitlines()[-1]))
        assert "wealthtui.reports.operator" in modules
        written[how] = out.read_bytes()
        assert str(out) in done.stdout  # "written to …"
    assert not {m for m in modules if m.split(".")[0] in ("typer", "click")
                or m.startswith("wealthtui.cli")}
    assert written["launch"] == written["typer"] and b"," in written["launch"]
    assert eod_command.options(["eod", "--format", "json", "--date", "2026-01-02"]) == {
        "format": "json", "date": "2026-01-02"}
    for mistake in (["eod", "--format", "pdf"], ["eod", "--date", "x", "--month", "y"],
                    ["eod", "--help"], ["eod", "--date"], ["eod", "--db", "a", "--db", "b"],
                    ["display"], []):
        assert eod_command.options(mistake) is None, mistake
    done = subprocess.run([sys.executable, "-m", "wealthtui", "eod", "--format", "pdf",
                           "--db", str(demo)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "table, json, csv, xlsx" in done.stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_eod_to_the_standard_output_loads_no_rich_and_writes_what_the_command_line_writes(
        fmt: str, cache_home: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`wealthtui eod --format json|csv` to the standard output, as a scheduled job runs it
    (issue 22): launch.main's path writes byte for byte what the Typer command writes on the
    demo's previous day, and loads no Rich (reports.render imports it for the table only;
    eod_command.StandardOutput makes a console at its first `print`)."""
    demo, summary = demo_template(tmp_path_factory.getbasetemp())
    env = {"PATH": "/usr/bin:/bin", "WEALTHTUI_CONFIG": "/nonexistent.toml",
           "XDG_CACHE_HOME": str(cache_home),
           "XDG_DATA_HOME": str(tmp_path_factory.mktemp("data")),
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}
    written, loaded = {}, {}
    for how, script in (("typer", OPERATOR_COMMAND), ("launch", LAUNCHED_COMMAND)):
        done = subprocess.run(
            [sys.executable, "-c", script, "eod", "--format", fmt, "--date",
             summary.previous_day.isoformat(), "--db", str(demo)],
            capture_output=True, env=env, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        report, _, modules = done.stdout.rstrip(b"\n").rpartition(b"\n")  # the last: modules
        written[how], loaded[how] = report, set(json.loads(modules))
    assert written["launch"] == written["typer"]
    assert summary.previous_day.isoformat().encode() in written["launch"]
    if fmt == "json":
        assert json.loads(written["launch"])["tickets"]  # a real day
    assert "wealthtui.reports.operator" in loaded["launch"]
    assert not {m for m in loaded["launch"] if m.split(".")[0] == "rich"}
    assert "rich.console" in loaded["typer"]  # (the command line's own console)


def test_eod_freezes_what_the_start_up_loaded_before_the_collector_runs(
        monkeypatch: pytest.MonkeyPatch, collector: None) -> None:
    """launch.main starts `eod` with the collector off; eod_command.run turns it on with what
    was loaded until then frozen (gc.freeze), so the report's collections do not walk the
    modules again (without it: 30 full walks, 100-200 ms of a 1 s process, issue 22)."""
    seen: dict[str, object] = {}

    def write_eod(*_args: object) -> None:
        seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())

    monkeypatch.setattr(eod_command, "write_eod", write_eod)
    gc.disable()
    try:
        assert eod_command.run(bootstrap.State(), {"format": "json"}) == 0
    finally:
        gc.unfreeze()
    assert seen["enabled"] is True and isinstance(seen["frozen"], int) and seen["frozen"] > 0


def test_the_fast_eod_reads_the_options_the_command_line_defines() -> None:
    """eod_command.EOD_OPTIONS (launch.main's reading of `wealthtui eod …`) and the Typer
    command's options (cli/day.py) are one list: an option added to one and not the other
    would make the two ways in answer differently."""
    group = typer.main.get_command(app)
    ctx = group.make_context("wealthtui", [])
    command = group.get_command(ctx, "eod")
    assert command is not None
    typer_options = {opt for param in command.params for opt in param.opts
                     if opt.startswith("--")}
    assert typer_options == set(eod_command.EOD_OPTIONS)
    assert not [param.name for param in command.params if getattr(param, "is_flag", False)
                or getattr(param, "multiple", False)]  # each takes one value, as options() reads


async def test_the_calling_board_freezes_what_the_start_up_loaded_before_the_collector_runs(
        services: Services, collector: None) -> None:
    """`wealthtui display` starts with the collector off (launch.main); when the first board is
    read it is turned on with the modules, the model and the widgets frozen, so its first
    collections do not walk them all again on the event loop (issue 22)."""
    from wealthtui.ui.screens.display import DisplayApp

    board = DisplayApp(services=services, settings=services.settings)
    async with board.run_test(size=(80, 24)):
        await board.workers.wait_for_complete()  # the first board, read with the collector on
        assert gc.get_freeze_count() == 0  # (on in the tests: nothing to freeze)
        gc.disable()  # as `wealthtui display` starts
        try:
            board._start_ticking(None, None)
            assert gc.isenabled() and gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()
        await board.calls_settled()
