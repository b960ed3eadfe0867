"""The `wealthtui` command line (Typer, Rich output). Thin: it parses, calls services, prints.

    wealthtui [--db PATH_OR_URL] [--lang zh_CN|en] [--config FILE] [--kiosk lobby]   open the app
    wealthtui init | demo | gen | locate
    wealthtui db upgrade|backup|restore|check
    wealthtui staff add|list|roles|reset-pin|unlock|deactivate   (acting as a staff member)
    wealthtui audit verify|anchor
    wealthtui clients import FILE.csv|xlsx                        (acting as a staff member)
    wealthtui notices send|list                                  (acting as a staff member)

Every message comes from the catalogs (section [cli]). An error is one translated line on
stderr and a non-zero exit, never a traceback (WEALTHTUI_DEBUG=1 shows the traceback).

Adding a command: write one function under the sub-app it belongs to (`@commands.command`, or
a new sub-app added with `commands.add_typer`), open the store with `open_store(ctx, ...)`, raise
`CliError` or let service errors through — the root group turns them into one line. `app` holds
only the options of the plain `wealthtui` (which opens the app; the console script,
`launch.main`, opens it without this module when those options are all there is); the
sub-commands on `commands` are made into click commands only when one is named or the help is
shown (DESIGN §6: building them all took ~25 ms of every start-up).
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from wealthtui import i18n
from wealthtui.i18n import t
from wealthtui.launch import (
    KIOSK_MODES,
    CliError,
    State,
    demo_rows,
    engine_for,
    open_engine,
    open_workstation,
    shown,
    sqlite_file,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from wealthtui.services import Actor, Services

EXIT_ERROR = 1
EXIT_USAGE = 2  # the command line itself was wrong (as click says it)
EXIT_INTERRUPTED = 130

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


# --- language of the help texts (read before the commands are declared) --------------------------
def _initial_language(argv: list[str]) -> str:
    """--lang from the command line, else WEALTHTUI_LANG, else the configured language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    if os.environ.get("WEALTHTUI_LANG"):
        return os.environ["WEALTHTUI_LANG"]
    try:
        from wealthtui.config import load_settings

        config = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--config"), None)
        return load_settings(config_file=Path(config) if config else None).ui.language
    except Exception:  # noqa: BLE001 - a broken config is reported when a command loads it
        return i18n.DEFAULT_LANGUAGE


def _boot_language() -> None:
    lang = _initial_language(sys.argv[1:])
    i18n.set_language(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)


_boot_language()


# --- errors ----------------------------------------------------------------------------------------
def describe(exc: BaseException) -> str:
    """One sentence for any error: field errors name the field and what is accepted."""
    from sqlalchemy.exc import DBAPIError

    from wealthtui.config import ConfigError
    from wealthtui.services.errors import FieldError, ServiceError, StoreFault
    from wealthtui.store.backup import BackupError

    if isinstance(exc, FieldError):
        return t("cli.field_error", field=t(exc.field), message=t(exc.key, **exc.params))
    if isinstance(exc, (ServiceError, CliError, BackupError)):
        return t(exc.key, **exc.params)
    if isinstance(exc, ConfigError):
        return t("cli.error.config", detail=str(exc))
    if (fault := StoreFault.of(exc)) is not None:  # disk full, read-only, gone, connection
        return t(fault.key)
    if isinstance(exc, DBAPIError):
        return t("cli.error.database", detail=str(exc.orig).splitlines()[0])
    if isinstance(exc, OSError):
        return t("cli.error.os", detail=str(exc))
    return t("error.unexpected", detail=f"{type(exc).__name__}: {exc}")


#: click's usage errors that usage_message puts in the catalogs' words (by class name: the click
#: copy inside typer and click itself name them alike); NoArgsIsHelpError (help shown) is not one
USAGE_ERRORS = ("UsageError", "NoSuchOption", "BadOptionUsage", "BadArgumentUsage",
                "BadParameter", "MissingParameter")


def usage_message(exc: BaseException) -> str | None:
    """A mistake on the command line (click's errors are English only) as one line in the
    catalogs' words, with the way to the help; None when `exc` is not such a mistake."""
    kind = type(exc).__name__
    if kind not in USAGE_ERRORS:
        return None
    ctx = getattr(exc, "ctx", None)
    param = getattr(exc, "param", None)
    name = ""
    if param is not None:  # an option by its flags, an argument by its name in the usage line
        name = (param.human_readable_name if param.param_type_name == "argument"
                else " / ".join(param.opts))
    name = name or str(getattr(exc, "param_hint", "") or getattr(exc, "option_name", "") or "")
    message = str(getattr(exc, "message", "") or "")
    if kind == "NoSuchOption":
        options = ", ".join(sorted(getattr(exc, "possibilities", None) or ()))
        text = (t("cli.usage.no_such_option_like", name=name, options=options) if options
                else t("cli.usage.no_such_option", name=name))
    elif kind == "MissingParameter":
        what = getattr(exc, "param_type", None) or getattr(param, "param_type_name", "option")
        text = t("cli.usage.missing_argument" if what == "argument" else "cli.usage.missing",
                 name=name)
    elif kind == "BadParameter":
        text = t("cli.usage.bad_value", name=name, accepted=_accepted(param))
    elif kind == "BadOptionUsage" and message.endswith("requires an argument."):
        text = t("cli.usage.needs_value", name=name)
    elif message.startswith("No such command"):
        text = t("cli.usage.no_such_command", name=message.partition(" command ")[2].strip(" '.\""))
    elif message.startswith("Got unexpected extra argument"):
        text = t("cli.usage.extra", args=message.rpartition(" (")[2].rstrip(")"))
    else:
        text = t("cli.usage.other", detail=message)
    path = ctx.command_path if ctx is not None else "wealthtui"
    return t("cli.usage.line", text=text, hint=t("cli.usage.hint", command=path))


def _accepted(param: Any) -> str:
    """What a parameter accepts, in the catalogs' words, from its click type."""
    kind = getattr(param, "type", None)
    type_name = type(kind).__name__
    if type_name == "Choice":
        return t("cli.usage.accepts_choice", choices=", ".join(map(str, kind.choices)))
    if type_name in ("IntRange", "FloatRange"):
        low, high = kind.min, kind.max
        key = "int" if type_name == "IntRange" else "number"
        if low is not None and high is not None:
            return t(f"cli.usage.accepts_{key}_between", low=low, high=high)
        if low is not None:
            return t(f"cli.usage.accepts_{key}_from", low=low)
        return t(f"cli.usage.accepts_{key}")
    if type_name in ("_IntParamType", "IntParamType"):
        return t("cli.usage.accepts_int")
    if type_name in ("_FloatParamType", "FloatParamType"):
        return t("cli.usage.accepts_number")
    if type_name == "Path":
        return t("cli.usage.accepts_path")
    return t("cli.usage.accepts_other")


def fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    err.print(f"[bold red]{escape(t('cli.error_prefix'))}[/]{escape(message)}")
    return typer.Exit(code)


def failure(exc: BaseException) -> typer.Exit:
    """An error that ends a command (or the opening of the app, launch.main) as one line."""
    if isinstance(exc, KeyboardInterrupt):
        return fail(t("cli.error.interrupted"), EXIT_INTERRUPTED)
    return fail(describe(exc))


class RootGroup(TyperGroup):
    """Turns every error below it into one translated line and a non-zero exit; takes its
    sub-commands from `commands` when one is first looked up."""

    _loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            group = typer.main.get_command(commands)
            assert isinstance(group, TyperGroup)
            for name, command in group.commands.items():
                self.commands.setdefault(name, command)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        self._load()
        return super().get_command(ctx, cmd_name)

    def make_context(self, info_name: Any, args: Any, parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except Exception as exc:
            if (message := usage_message(exc)) is None:
                raise
            raise fail(message, EXIT_USAGE) from None

    def list_commands(self, ctx: Any) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException) as exc:
            if (message := usage_message(exc)) is not None:
                raise fail(message, EXIT_USAGE) from None
            raise
        except KeyboardInterrupt as exc:
            raise failure(exc) from None
        except Exception as exc:
            if os.environ.get("WEALTHTUI_DEBUG"):
                raise
            raise failure(exc) from None


# --- state shared by the commands --------------------------------------------------------------------
def state(ctx: typer.Context, db: str | None = None) -> State:
    st: State = ctx.find_root().obj
    if db:  # a command's own --db wins over the global one
        st.db, st._settings = db, None
    return st


def _has_center(engine: Engine) -> bool:
    from wealthtui.store import schema

    return not schema.state(engine).empty


def open_store(ctx: typer.Context, db: str | None = None) -> tuple[State, Engine]:
    """The state and the database of an existing center (launch.open_engine's refusals)."""
    st = state(ctx, db)
    return st, open_engine(st)


def services_for(st: State, engine: Engine) -> Services:
    from wealthtui.services import Services

    return Services(engine, st.settings)


# --- prompts -----------------------------------------------------------------------------------------
def ask(key: str, *, hidden: bool = False, **params: object) -> str:
    return typer.prompt(t(key, **params), hide_input=hidden, prompt_suffix=t("cli.prompt_suffix"))


def new_pin(env: str = "WEALTHTUI_NEW_PIN") -> str:
    """A new PIN typed twice, hidden (or taken from the environment variable `env`)."""
    if os.environ.get(env):
        return os.environ[env]
    first = ask("cli.prompt.new_pin", hidden=True)
    if ask("cli.prompt.new_pin_again", hidden=True) != first:
        raise CliError("cli.error.pins_differ")
    return first


def sign_in(st: State, services: Services, staff_no: str | None) -> Actor:
    """The acting staff member: --as (or asked), PIN from WEALTHTUI_PIN or asked, hidden."""
    return _sign_in(services, staff_no)[0]


def _sign_in(services: Services, staff_no: str | None) -> tuple[Actor, str | None]:
    """(the actor, their PIN) — the PIN is None when it was a one-time PIN from a reset, which
    is replaced here first by a new PIN typed twice (or WEALTHTUI_NEW_PIN): nothing else can be
    done with a one-time PIN."""
    from wealthtui.services.errors import PinChangeRequired

    staff_no = staff_no or ask("cli.prompt.staff_no")
    pin = os.environ.get("WEALTHTUI_PIN") or ask("cli.prompt.pin", hidden=True, staff_no=staff_no)
    try:
        return services.auth.login(staff_no, pin), pin
    except PinChangeRequired as exc:
        out.print(t("insiders.cli.must_change", message=describe(exc)), markup=False)
        actor = services.auth.complete_reset(staff_no, pin, new_pin())
        out.print(t("insiders.change.done"), markup=False)
        return actor, None


def role_names(roles: Any) -> str:
    from wealthtui.rules import permissions

    held = set(roles)
    return t("cli.list_sep").join(t(f"role.{r}") for r in permissions.ROLES if r in held)


# --- the apps ----------------------------------------------------------------------------------------
DbOption = Annotated[str | None, typer.Option("--db", help=t("cli.help.db"),
                                              metavar="PATH_OR_URL")]
AsOption = Annotated[str | None, typer.Option("--as", help=t("cli.help.as"), metavar="STAFFNO")]
RoleOption = Annotated[list[str], typer.Option("--role", "-r", help=t("cli.help.role"))]

app = typer.Typer(cls=RootGroup, invoke_without_command=True, add_completion=False,
                  pretty_exceptions_enable=False, help=t("cli.help.app"),
                  context_settings={"help_option_names": ["-h", "--help"]})
#: every sub-command of `wealthtui` (RootGroup adds them to `app` when one is looked up)
commands = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
db_app = typer.Typer(help=t("cli.help.db_app"), no_args_is_help=True)
staff_app = typer.Typer(help=t("cli.help.staff_app"), no_args_is_help=True)
audit_app = typer.Typer(help=t("cli.help.audit_app"), no_args_is_help=True)
commands.add_typer(db_app, name="db")
commands.add_typer(staff_app, name="staff")
commands.add_typer(audit_app, name="audit")
clients_app = typer.Typer(help=t("client_import.cli.help_app"), no_args_is_help=True)
commands.add_typer(clients_app, name="clients")
# `wealthtui targets …` lives in its own module (declared here, after the help language is read)
from wealthtui.cli_targets import targets_app  # noqa: E402

commands.add_typer(targets_app, name="targets")

notices_app = typer.Typer(help=t("notices.cli.help_app"), no_args_is_help=True)
commands.add_typer(notices_app, name="notices")


@app.callback()
def root(
    ctx: typer.Context,
    db: DbOption = None,
    lang: Annotated[str | None, typer.Option("--lang", help=t("cli.help.lang"),
                                             metavar="zh_CN|en")] = None,
    config: Annotated[Path | None, typer.Option("--config", help=t("cli.help.config"),
                                                metavar="FILE")] = None,
    kiosk: Annotated[str | None, typer.Option("--kiosk", help=t("cli.help.kiosk"),
                                              metavar="lobby")] = None,
) -> None:
    if lang is not None and lang not in i18n.LANGUAGES:
        raise CliError("cli.error.lang", value=lang, accepted=", ".join(i18n.LANGUAGES))
    if kiosk is not None and kiosk not in KIOSK_MODES:
        raise CliError("cli.error.kiosk", value=kiosk, accepted=", ".join(KIOSK_MODES))
    ctx.obj = State(db=db, lang=lang, config=config, kiosk=kiosk)
    if lang:
        i18n.set_language(lang)
    if ctx.invoked_subcommand is None:
        run_app(ctx)
    else:
        gc.enable()  # launch.main turned it off for the start-up of the app


def run_app(ctx: typer.Context) -> None:
    """Open the workstation (`wealthtui` with options `launch.main` leaves to Typer, such as
    `--db` given twice)."""
    if code := open_workstation(state(ctx)):  # the UI failed (Textual printed the error)
        raise typer.Exit(code)


# --- init ----------------------------------------------------------------------------------------------
@commands.command(help=t("cli.help.init"))
def init(
    ctx: typer.Context,
    db: DbOption = None,
    staff_no: Annotated[str | None, typer.Option("--staff-no", help=t("cli.help.staff_no"))] = None,
    name: Annotated[str | None, typer.Option("--name", help=t("cli.help.name"))] = None,
) -> None:
    from wealthtui.store import schema

    st = state(ctx, db)
    target = st.target()
    engine = engine_for(st, target)
    s = schema.state(engine)
    if s.newer:
        raise CliError("cli.db.newer", path=shown(target), revision=s.current, head=s.head)
    services = services_for(st, engine)
    if not s.empty and services.staff.has_staff():
        raise CliError("cli.init.exists", path=shown(target))
    staff_no = staff_no or ask("cli.prompt.head_staff_no")
    name = name or ask("cli.prompt.head_name")
    pin = new_pin()
    ensure_audit_key()
    schema.upgrade(engine)
    head = services.staff.bootstrap_head(staff_no, name, pin)
    services.center.mark_created()
    _anchor(st, engine, "init")
    out.print(t("cli.init.done", path=shown(target), staff_no=head.staff_no, name=head.name),
              markup=False)


# --- demo and gen ------------------------------------------------------------------------------------
def print_accounts(as_json: bool) -> None:
    rows = demo_rows()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=t("cli.demo.accounts_title"), title_justify="left")
    for key in ("staff_no", "name", "roles", "pin"):
        table.add_column(t(f"cli.demo.col.{key}"))
    for row in rows:
        table.add_row(row["staff_no"], Text(row["name"]), role_names(row["roles"]), row["pin"])
    out.print(table)


def say(message: str, as_json: bool = False) -> None:
    """Progress and notes: stdout, or stderr when stdout carries JSON."""
    (err if as_json else out).print(message)


@contextmanager
def fresh_center(st: State, *, reset: bool) -> Iterator[Engine]:
    """A new, migrated, empty database at the target, made durable and put in place only when
    the body succeeds. SQLite: built in a file beside the target and renamed over it (a failed
    build leaves the old database alone). PostgreSQL: `reset` empties it first."""
    from wealthtui.store import schema

    target = st.target()
    path = sqlite_file(target)
    if path is None:
        engine = engine_for(st, target)
        if reset:
            _drop_all(engine)
        schema.upgrade(engine)
        try:
            yield engine
            _anchor(st, engine, "built")
        finally:
            engine.dispose()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".building", dir=path.parent)
    os.close(fd)
    building = Path(name)
    building.unlink()
    engine = engine_for(st, str(building))
    try:
        schema.upgrade(engine)
        yield engine
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        with open(building, "rb+") as f:
            os.fsync(f.fileno())
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(building, path)
        final = engine_for(st, target)
        try:
            _anchor(st, final, "built")
        finally:
            final.dispose()
    finally:
        engine.dispose()
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm"),
                         Path(f"{building}.lock")):  # (store.lock: nobody else opened it)
            leftover.unlink(missing_ok=True)


def _anchor(st: State, engine: Engine, reason: str) -> None:
    """The first anchor of a new center (store.anchors); the anchors of a center that was at
    the same place before are set aside first."""
    from wealthtui.services.audit import anchor_now
    from wealthtui.store import anchors

    now = center_now(st)
    anchors.retire(engine, st.settings.center.code, now)
    anchor_now(engine, st.settings.center.code, now, reason)


def _drop_all(engine: Engine) -> None:
    """Empty a PostgreSQL demo database (its audit triggers go with their table)."""
    from sqlmodel import SQLModel

    import wealthtui.model  # noqa: F401

    SQLModel.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        conn.exec_driver_sql("DROP TABLE IF EXISTS row_seal")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS audit_event_append_only() CASCADE")


def _existing(st: State) -> tuple[bool, bool]:
    """(a center exists at the target, it is a demo center)."""
    from wealthtui.store import schema

    target = st.target()
    path = sqlite_file(target)
    if path is not None and not path.is_file():
        return False, False
    engine = engine_for(st, target)
    try:
        s = schema.state(engine)
        if s.empty:
            return False, False
        if s.newer:
            raise CliError("cli.db.newer", path=shown(target), revision=s.current, head=s.head)
        from sqlalchemy.exc import DBAPIError

        from wealthtui.services.base import Context
        from wealthtui.services.center import CenterService
        from wealthtui.services.errors import StoreFault

        try:
            return True, CenterService(Context(engine, st.settings)).is_demo()
        except DBAPIError:  # no meta table: not a center this program made
            return True, False
        except StoreFault as fault:  # ("no such table" is a fault of a running program)
            if fault.kind != "missing":
                raise
            return True, False
    finally:
        engine.dispose()


def _replaceable(st: State, *, reset: bool, if_missing: bool, as_json: bool) -> tuple[bool, bool]:
    """(build a new center, show the demo accounts). A real center is never replaced."""
    exists, is_demo = _existing(st)
    if not exists:
        return True, True
    where = shown(st.target())
    if reset:
        if not is_demo:
            raise CliError("cli.demo.not_demo", path=where)
        return True, True
    if if_missing:
        say(t("cli.demo.kept", path=where), as_json)
        return False, is_demo
    if is_demo:
        say(t("cli.demo.exists_demo", path=where), as_json)
        return False, True
    raise CliError("cli.demo.exists_real", path=where)


@commands.command(help=t("cli.help.demo"))
def demo(
    ctx: typer.Context,
    db: DbOption = None,
    reset: Annotated[bool, typer.Option("--reset", help=t("cli.help.reset"))] = False,
    if_missing: Annotated[bool, typer.Option("--if-missing", help=t("cli.help.if_missing"))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=t("cli.help.json"))] = False,
    seed: Annotated[int | None, typer.Option("--seed", help=t("cli.help.seed"))] = None,
) -> None:
    from wealthtui.demo.center import DEMO_SEED, build_demo

    st = state(ctx, db)
    build, show = _replaceable(st, reset=reset, if_missing=if_missing, as_json=as_json)
    if build:
        ensure_audit_key(as_json)
        with err.status(t("cli.demo.building")) as status, fresh_center(st, reset=reset) as engine:
            summary = build_demo(
                engine, st.settings, seed=DEMO_SEED if seed is None else seed,
                progress=lambda stage, _d, _n: status.update(t(f"cli.demo.stage.{stage}")))
        y = summary.yesterday
        say(t("cli.demo.built", path=shown(st.target()), clients=summary.clients,
              premium=summary.premium_clients, day=summary.previous_day.isoformat(),
              tickets=y.tickets, complaints=y.complaints, seconds=f"{summary.seconds:.1f}"),
            as_json)
    if show:
        print_accounts(as_json)


@commands.command(help=t("cli.help.gen"))
def gen(
    ctx: typer.Context,
    clients: Annotated[int, typer.Option("--clients", min=1, help=t("cli.help.clients"))],
    days: Annotated[int, typer.Option("--days", min=0, help=t("cli.help.days"))] = 30,
    arrivals: Annotated[int | None, typer.Option("--arrivals", min=1,
                                                 help=t("cli.help.arrivals"))] = None,
    db: DbOption = None,
    reset: Annotated[bool, typer.Option("--reset", help=t("cli.help.reset"))] = False,
    seed: Annotated[int | None, typer.Option("--seed", help=t("cli.help.seed"))] = None,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from wealthtui.demo.synthetic import GEN_SEED, generate

    st = state(ctx, db)
    exists, _ = _existing(st)
    if exists and not reset:
        raise CliError("cli.gen.exists", path=shown(st.target()))
    if exists:
        _replaceable(st, reset=True, if_missing=False, as_json=False)
    ensure_audit_key()
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err) as bar, fresh_center(st, reset=reset) as engine:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(t(f"cli.gen.stage.{stage}"), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        summary = generate(engine, st.settings, clients=clients, days=days,
                           arrivals_per_day=arrivals, seed=GEN_SEED if seed is None else seed,
                           progress=progress)
    out.print(t("cli.gen.built", path=shown(st.target()), clients=summary.clients,
                premium=summary.premium_clients, staff=summary.staff, days=summary.days,
                tickets=summary.tickets, complaints=summary.complaints,
                seconds=f"{summary.seconds:.1f}"))
    from wealthtui.demo import GENERATED_STAFF_PIN

    out.print(t("cli.gen.pins", pin=GENERATED_STAFF_PIN))
    print_accounts(False)


# --- display (the calling board) ---------------------------------------------------------------------
@commands.command(help=t("display.cli.help"))
def display(ctx: typer.Context, db: DbOption = None) -> None:
    """The calling board for the waiting area: read-only, no sign-in (ui/screens/display.py)."""
    st, engine = open_store(ctx, db)
    from wealthtui.ui.screens.display import DisplayApp

    board = DisplayApp(services=services_for(st, engine), settings=st.settings)
    board.run()
    if board.return_code:
        raise typer.Exit(board.return_code)


# --- serve (the lobby kiosk or the calling board in a browser) ---------------------------------------
@commands.command(help=t("serve.help"))
def serve(
    ctx: typer.Context,
    mode: Annotated[str, typer.Option("--mode", help=t("serve.mode"),
                                      metavar="lobby|display")] = "lobby",
    host: Annotated[str, typer.Option("--host", help=t("serve.host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help=t("serve.port"))] = 8000,
    public_url: Annotated[str | None, typer.Option("--public-url", help=t("serve.public_url"),
                                                   metavar="URL")] = None,
    db: DbOption = None,
) -> None:
    """textual-serve runs `wealthtui --kiosk lobby` or `wealthtui display` per browser session
    (src/wealthtui/ui/serve.py); the database is checked here first."""
    from wealthtui.ui import serve as web

    if mode not in web.MODES:
        raise CliError("serve.bad_mode", value=mode, accepted=", ".join(web.MODES))
    st, engine = open_store(ctx, db)
    engine.dispose()
    target = st.target()
    title = t(f"serve.title_{mode}")
    url = public_url or web.public_url(host, port)
    web.serve(mode, db=target, title=title, host=host, port=port, lang=st.lang,
              config=st.config, url=url,
              banner=t("serve.serving", what=title, path=shown(target), url=url))


# --- locate --------------------------------------------------------------------------------------------
@commands.command(help=t("cli.help.locate"))
def locate(ctx: typer.Context, db: DbOption = None) -> None:
    from wealthtui.config import user_config_file, user_data_dir

    st = state(ctx, db)
    config = st.config or user_config_file()
    target = st.target()
    path = sqlite_file(target)
    yes, no = t("cli.locate.exists"), t("cli.locate.absent")
    rows = [
        (t("cli.locate.config"), str(config), yes if config.is_file() else no),
        (t("cli.locate.data"), str(user_data_dir()), ""),
        (t("cli.locate.database"), shown(target),
         "" if path is None else yes if path.is_file() else no),
        (t("cli.locate.backups"), str(backup_dir()), ""),
    ]
    width = max(cell_len(label) for label, _, _ in rows)
    for label, where, note in rows:  # whole paths, never cut to the terminal's width
        out.print(f"{escape(label)}{' ' * (width - cell_len(label))}  {escape(where)}  {note}"
                  .rstrip())


def backup_dir() -> Path:
    from wealthtui.config import user_data_dir

    return user_data_dir() / "backups"


# --- db ------------------------------------------------------------------------------------------------
@db_app.command("upgrade", help=t("cli.help.db_upgrade"))
def db_upgrade(ctx: typer.Context, db: DbOption = None) -> None:
    from wealthtui.store import schema

    st = state(ctx, db)
    target = st.target()
    engine = engine_for(st, target)
    before = schema.state(engine)
    if before.newer:
        raise CliError("cli.db.newer", path=shown(target), revision=before.current,
                       head=before.head)
    if before.up_to_date:
        out.print(t("cli.upgrade.current", path=shown(target), revision=before.head))
        return
    schema.upgrade(engine)
    out.print(t("cli.upgrade.done", path=shown(target), before=before.current or "-",
                after=schema.state(engine).current))


def center_now(st: State) -> datetime:
    """Now in the center's time zone (backup names are in the center's time)."""
    from wealthtui.rules.clock import zone

    return datetime.now(zone(st.settings.center.timezone))


def _pg_only_tools(target: str, key: str, st: State) -> typer.Exit:
    from wealthtui.store.backup import pg_commands

    stamp = center_now(st).strftime("%Y%m%d-%H%M%S")
    cmds = pg_commands(target, f"wealthtui-{stamp}.dump")
    out.print(cmds.backup if key == "cli.backup.postgres" else cmds.restore)
    return fail(t(key))


def _sqlite_target(st: State, key: str) -> Path:
    target = st.target()
    path = sqlite_file(target)
    if path is None:
        raise _pg_only_tools(target, key, st)
    return path


@db_app.command("backup", help=t("cli.help.db_backup"))
def db_backup(
    ctx: typer.Context,
    db: DbOption = None,
    folder: Annotated[Path | None, typer.Option("--dir", help=t("cli.help.backup_dir"))] = None,
) -> None:
    from wealthtui.store.backup import backup

    path = _sqlite_target(state(ctx, db), "cli.backup.postgres")
    st, engine = open_store(ctx, db)
    engine.dispose()
    with err.status(t("cli.backup.running")):
        result = backup(path, folder or backup_dir(), keep=st.settings.store.backups_keep,
                        now=center_now(st))
    out.print(t("cli.backup.done", path=str(result.path), size=f"{result.size / 1e6:.1f}"))
    if result.removed:
        out.print(t("cli.backup.pruned", count=len(result.removed),
                    keep=st.settings.store.backups_keep))


@db_app.command("restore", help=t("cli.help.db_restore"))
def db_restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=t("cli.help.restore_file"), metavar="FILE")],
    db: DbOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=t("cli.help.yes"))] = False,
    force: Annotated[bool, typer.Option("--force", help=t("restore_guard.force_help"))] = False,
) -> None:
    from wealthtui.store import schema
    from wealthtui.store.backup import check_restorable, restore

    st = state(ctx, db)
    path = _sqlite_target(st, "cli.restore.postgres")
    revision = check_restorable(file)
    if not yes and not typer.confirm(t("cli.restore.confirm", file=str(file), path=str(path))):
        raise CliError("cli.restore.cancelled")
    before = restore(file, path, backup_dir(), keep=st.settings.store.backups_keep,
                     now=center_now(st), force=force)
    out.print(t("cli.restore.done", file=str(file), path=str(path)))
    if before is not None:
        out.print(t("cli.restore.saved", backup=str(before.path)))
    if revision != schema.head_revision():
        out.print(t("cli.restore.older", revision=revision))


def _audit_key() -> bytes | None:
    from wealthtui.store import audit_key

    try:
        return audit_key.load()
    except audit_key.AuditKeyError as exc:
        raise CliError(exc.key, **exc.params) from None


def ensure_audit_key(as_json: bool = False) -> None:
    """Create the audit key file for a new center (store.audit_key), and say where (on stderr
    when stdout carries JSON)."""
    from wealthtui.store import audit_key

    try:
        made = audit_key.ensure()
    except OSError as exc:
        say(t("tamper.key.not_made", detail=str(exc)), as_json)
        return
    if made is not None:
        say(t("tamper.key.made", path=str(made)), as_json)


def problem_line(problem: Any) -> str:
    """One translated line for a problem of the chain, a seal or a trigger."""
    if problem.key.startswith("audit.problem."):
        return t("cli.audit.broken", id=problem.params.get("id", "-"), problem=t(problem.key))
    return t(problem.key, **problem.params)


@db_app.command("check", help=t("cli.help.db_check"))
def db_check(ctx: typer.Context, db: DbOption = None) -> None:
    from wealthtui.services.audit import store_findings, verify_store
    from wealthtui.store import schema
    from wealthtui.store.backup import integrity

    st = state(ctx, db)
    target = st.target()
    path = sqlite_file(target)
    if path is not None and not path.is_file():
        raise CliError("cli.db.missing", path=shown(target))
    rows: list[tuple[str, bool, str]] = []
    problems: list[Any] = []
    if path is not None:
        result = integrity(path, live=True)
        rows.append((t("cli.check.integrity"), result == "ok",
                     t("cli.check.ok") if result == "ok" else result))
    else:
        rows.append((t("cli.check.integrity"), True, t("cli.check.pg_integrity")))
    engine = engine_for(st, target)
    readable = rows[0][1]
    if readable:
        s = schema.state(engine)
        good = s.up_to_date
        text = t("cli.check.schema_ok", revision=s.head) if good else \
            t("cli.check.schema_newer", revision=s.current, head=s.head) if s.newer else \
            t("cli.check.schema_empty") if s.empty else \
            t("cli.check.schema_older", revision=s.current or "-", head=s.head)
        rows.append((t("cli.check.schema"), good, text))
        if not s.empty and not s.newer:
            report = verify_store(engine, st.settings.center.code, _audit_key())
            rows.append((t("cli.check.audit"), report.ok,
                         t("cli.audit.ok", count=report.checked) if report.ok else
                         t("cli.audit.broken", id=report.bad_id, problem=t(report.problem))
                         if report.problem.startswith("audit.problem.") else
                         problem_line(report.problems[0])))
            problems += report.problems
            if good:
                found = store_findings(engine)
                rows.append((t("tamper.check.seals"), not found,
                             t("tamper.check.seals_ok") if not found else
                             t("tamper.check.findings", count=len(found))))
                problems += found
    engine.dispose()
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    for label, good, text in rows:
        mark = f"[green]{escape(t('cli.check.pass'))}[/]" if good else \
            f"[bold red]{escape(t('cli.check.fail'))}[/]"
        table.add_row(escape(label), mark, escape(text))
    out.print(t("cli.check.title", path=shown(target)), markup=False)
    out.print(table)
    for problem in problems:  # one line per finding
        out.print(problem_line(problem), markup=False, highlight=False)
    if not all(good for _, good, _ in rows) or problems:
        raise fail(t("cli.check.failed"))


# --- staff (acting as a staff member, through the staff service) ---------------------------------------
def _acting(ctx: typer.Context, db: str | None, as_: str | None) -> tuple[Services, Actor]:
    st, engine = open_store(ctx, db)
    services = services_for(st, engine)
    return services, sign_in(st, services, as_)


def _print_staff(view: Any) -> None:
    out.print(t("cli.staff.saved", staff_no=view.staff_no, name=view.name,
                roles=role_names(view.roles),
                status=t("cli.staff.active") if view.active else t("cli.staff.inactive")),
              markup=False)


def _roles(values: list[str]) -> list[str]:
    return [r.strip() for v in values for r in v.replace("，", ",").split(",") if r.strip()]


@staff_app.command("add", help=t("cli.help.staff_add"))
def staff_add(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(metavar="STAFFNO", help=t("cli.help.staff_no"))],
    name: Annotated[str, typer.Argument(metavar="NAME", help=t("cli.help.name"))],
    role: RoleOption,
    birthday: Annotated[str, typer.Option("--birthday", help=t("insiders.cli.help_birthday"),
                                          metavar="YYYY-MM-DD")] = "",
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    from wealthtui.services.staff import parse_birthday

    born = parse_birthday(birthday)
    services, actor = _acting(ctx, db, as_)
    new = services.staff.add(actor, staff_no, name, _roles(role), birthday=born)
    _print_staff(new.staff)
    # their one-time PIN, printed once: they choose their own at the first sign-in
    expires = new.expires_at.astimezone(services.ctx.tz).strftime("%Y-%m-%d %H:%M")
    out.print(t("insiders.cli.one_time", staff_no=new.staff.staff_no, name=new.staff.name,
                pin=new.pin, expires=expires), markup=False)
    if new.pending is not None:  # head or supervisor: a second person approves (approve-roles)
        out.print(t("insiders.cli.pending", staff_no=new.staff.staff_no, name=new.staff.name,
                    id=new.pending.id), markup=False)


@staff_app.command("list", help=t("cli.help.staff_list"))
def staff_list(
    ctx: typer.Context,
    active_only: Annotated[bool, typer.Option("--active", help=t("cli.help.active"))] = False,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = _acting(ctx, db, as_)
    tz = services.ctx.tz
    now = services.ctx.now()
    table = Table(title=t("cli.staff.title"), title_justify="left")
    for key in ("staff_no", "name", "roles", "status"):
        table.add_column(t(f"cli.staff.col.{key}"))
    for v in services.staff.roster(actor, include_inactive=not active_only):
        if not v.active:
            status = t("cli.staff.inactive")
        elif v.locked_until is not None and v.locked_until > now:
            status = t("cli.staff.locked", until=v.locked_until.astimezone(tz).strftime("%H:%M"))
        elif v.pin_must_change:
            status = t("insiders.state.pin_reset")
        else:
            status = t("cli.staff.active")
        table.add_row(v.staff_no, Text(v.name), role_names(v.roles), status)
    out.print(table)


@staff_app.command("roles", help=t("cli.help.staff_roles"))
def staff_roles(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(metavar="STAFFNO", help=t("cli.help.staff_no"))],
    role: RoleOption,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = _acting(ctx, db, as_)
    change = services.staff.set_roles(actor, staff_no, _roles(role))
    if change.pending is None:
        _print_staff(change.staff)
    else:  # head or supervisor, or one's own roles: a second person approves (approve-roles)
        out.print(t("insiders.cli.pending", staff_no=change.staff.staff_no,
                    name=change.staff.name, id=change.pending.id), markup=False)


GrantArg = Annotated[int, typer.Argument(metavar="ID", help=t("insiders.cli.col_id"))]


@staff_app.command("grants", help=t("insiders.cli.help_grants"))
def staff_grants(ctx: typer.Context, as_: AsOption = None, db: DbOption = None) -> None:
    services, actor = _acting(ctx, db, as_)
    grants = services.staff.grants(actor)
    if not grants:
        out.print(t("insiders.cli.no_grants"), markup=False)
        return
    tz = services.ctx.tz
    table = Table(title=t("insiders.cli.grants_title"), title_justify="left")
    for key in ("id", "staff", "before", "after", "by", "at"):
        table.add_column(t(f"insiders.cli.col_{key}"))
    for g in grants:
        table.add_row(str(g.id), Text(f"{g.staff_no} {g.name}"), role_names(g.roles_before),
                      role_names(g.roles_after), Text(f"{g.requested_by_no} {g.requested_by_name}"),
                      g.requested_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"))
    out.print(table)


@staff_app.command("approve-roles", help=t("insiders.cli.help_approve"))
def staff_approve_roles(ctx: typer.Context, grant: GrantArg, as_: AsOption = None,
                        db: DbOption = None) -> None:
    services, actor = _acting(ctx, db, as_)
    change = services.staff.approve_grant(actor, grant)
    out.print(t("insiders.cli.approved", id=grant, staff_no=change.staff.staff_no,
                name=change.staff.name, roles=role_names(change.staff.roles)), markup=False)


@staff_app.command("reject-roles", help=t("insiders.cli.help_reject"))
def staff_reject_roles(
    ctx: typer.Context,
    grant: GrantArg,
    reason: Annotated[str, typer.Option("--reason", help=t("insiders.cli.help_reason"))] = "",
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = _acting(ctx, db, as_)
    services.staff.reject_grant(actor, grant, reason)
    out.print(t("insiders.cli.rejected", id=grant), markup=False)


@staff_app.command("reset-pin", help=t("cli.help.staff_reset_pin"))
def staff_reset_pin(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(metavar="STAFFNO", help=t("cli.help.staff_no"))],
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """A one-time PIN, printed once, for the resetter to hand over in person."""
    services, actor = _acting(ctx, db, as_)
    shown = services.staff.reset_pin(actor, staff_no)
    expires = shown.expires_at.astimezone(services.ctx.tz).strftime("%Y-%m-%d %H:%M")
    out.print(t("insiders.cli.one_time", staff_no=shown.staff.staff_no, name=shown.staff.name,
                pin=shown.pin, expires=expires), markup=False)


@staff_app.command("set-pin", help=t("insiders.cli.help_set_pin"))
def staff_set_pin(ctx: typer.Context, as_: AsOption = None, db: DbOption = None) -> None:
    """Choose one's own new PIN: after a reset (with the one-time PIN), or any time."""
    st, engine = open_store(ctx, db)
    services = services_for(st, engine)
    actor, pin = _sign_in(services, as_)
    if pin is not None:  # an ordinary sign-in: change the PIN
        services.staff.change_own_pin(actor, pin, new_pin())
        out.print(t("insiders.change.done"), markup=False)


@staff_app.command("unlock", help=t("cli.help.staff_unlock"))
def staff_unlock(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(metavar="STAFFNO", help=t("cli.help.staff_no"))],
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = _acting(ctx, db, as_)
    view = services.staff.unlock(actor, staff_no)
    out.print(t("cli.staff.unlocked", staff_no=view.staff_no, name=view.name), markup=False)


@staff_app.command("deactivate", help=t("cli.help.staff_deactivate"))
def staff_deactivate(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(metavar="STAFFNO", help=t("cli.help.staff_no"))],
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = _acting(ctx, db, as_)
    view = services.staff.deactivate(actor, staff_no)
    out.print(t("cli.staff.deactivated", staff_no=view.staff_no, name=view.name), markup=False)


# --- clients (the reliability issue's import) ------------------------------------------------------------
@clients_app.command("import", help=t("client_import.cli.help_import"))
def clients_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE.csv|xlsx",
                                         help=t("client_import.cli.file"))],
    report: Annotated[Path | None, typer.Option("--report", metavar="FILE.csv",
                                                help=t("client_import.cli.report"))] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help=t("client_import.cli.batch"))] = 500,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    services, actor = _acting(ctx, db, as_)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=out, transient=not out.is_terminal) as bar:
        task = bar.add_task(t("client_import.cli.progress"), total=None)
        summary = services.client_import.import_file(
            actor, file, report=report, batch_size=batch,
            progress=lambda done, total: bar.update(task, completed=done, total=total))
    out.print(t("client_import.cli.summary", read=summary.read, imported=summary.imported,
                rejected=summary.rejected, batches=summary.batches))
    if summary.report is not None:
        out.print(t("client_import.cli.report_written", path=str(summary.report)))


# --- written notices (issue 18): the outbox -------------------------------------------------------------
@notices_app.command("send", help=t("notices.cli.help_send"))
def notices_send(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help=t("notices.cli.help_limit"))] = 100,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    from rich.text import Text

    from wealthtui.services.notices import flush_outbox

    services, actor = _acting(ctx, db, as_)
    report = flush_outbox(services, actor, limit=limit)
    for notice_id, reason in report.failed:  # the reason quotes a server: plain text
        out.print(Text(t("notices.cli.failed", id=notice_id, reason=reason)))
    out.print(Text(t("notices.cli.summary", sent=len(report.sent), failed=len(report.failed))))


@notices_app.command("list", help=t("notices.cli.help_list"))
def notices_list(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help=t("notices.cli.help_failed"))] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help=t("notices.cli.help_limit"))] = 100,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    from rich.text import Text

    services, actor = _acting(ctx, db, as_)
    rows = services.notices.outbox(actor, status="failed" if failed else None, limit=limit)
    for n in rows:
        out.print(Text(t("notices.cli.row", id=n.id, status=n.status, template=n.template,
                         channel=n.channel, recipient=n.recipient, attempts=n.attempts,
                         error=n.last_error)))
    if not rows:
        out.print(Text(t("notices.cli.empty")))


# --- audit ---------------------------------------------------------------------------------------------
@audit_app.command("verify", help=t("cli.help.audit_verify"))
def audit_verify(ctx: typer.Context, db: DbOption = None) -> None:
    from wealthtui.services.audit import verify_store

    st, engine = open_store(ctx, db)
    report = verify_store(engine, st.settings.center.code, _audit_key())
    if not report.ok:
        for problem in report.problems:  # one line per problem
            err.print(problem_line(problem), markup=False, highlight=False)
        raise fail(t("tamper.verify.failed", count=len(report.problems)))
    out.print(t("cli.audit.ok", count=report.checked))
    out.print(t("tamper.verify.anchors", count=report.anchors), markup=False)


@audit_app.command("anchor", help=t("tamper.cli.help_anchor"))
def audit_anchor(ctx: typer.Context, db: DbOption = None) -> None:
    """Write the chain's head to the anchor file (an operator command, like `audit verify`)."""
    from wealthtui.services.audit import anchor_now, verify_store

    st, engine = open_store(ctx, db)
    report = verify_store(engine, st.settings.center.code, _audit_key())
    if not report.ok:  # never anchor a chain that does not verify
        for problem in report.problems:
            err.print(problem_line(problem), markup=False, highlight=False)
        raise fail(t("tamper.anchor.refused"))
    path, anchor = anchor_now(engine, st.settings.center.code, center_now(st), "manual")
    out.print(t("tamper.anchor.done", id=anchor.last_id, hash=anchor.hash, path=str(path)),
              markup=False)


# --- end of day (the head's issue) ----------------------------------------------------------------
@commands.command(help=t("report.cli.help"))
def eod(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help=t("report.cli.date"))] = None,
    month: Annotated[str | None, typer.Option("--month", help=t("report.cli.month"))] = None,
    fmt: Annotated[str, typer.Option("--format", help=t("report.cli.format"))] = "table",
    out_file: Annotated[Path | None, typer.Option("--out", help=t("report.cli.out"))] = None,
    db: DbOption = None,
) -> None:
    """The operator's end-of-day summary: no staff sign-in, like `audit verify`."""
    from wealthtui.reports import export, render
    from wealthtui.services.errors import FieldError
    from wealthtui.services.reports import parse_business_date

    if fmt not in render.FORMATS:
        raise FieldError("report.field.format", "error.field.choice",
                         accepted=", ".join(render.FORMATS))
    if day and month:
        raise CliError("error.report.date_and_month")
    st, engine = open_store(ctx, db)
    reports = services_for(st, engine).reports
    if month:
        doc = export.month_dict(st.settings, reports.month_for_operator(month))
        sections, name = export.month_sections(doc), f"eod-{doc['month']}"
    else:
        report = reports.eod_for_operator(parse_business_date(day) if day else None)
        doc = export.day_dict(st.settings, report)
        sections, name = export.day_sections(doc), f"eod-{doc['date']}"
    written = render.write(doc, sections, fmt, out_file, Path(f"{name}.{fmt}"), out)
    if written is not None:
        out.print(t("report.cli.written", path=str(written)))
