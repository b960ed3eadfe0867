"""`wealthtui init | demo | gen | display | serve | locate`: making a center, opening its boards.

`init` makes a new, empty center with its first head account; `demo` the made-up demo center
and its accounts; `gen` a large synthetic center for benchmarks; `display` the calling board;
`serve` the lobby kiosk or the board in a browser; `locate` where everything is.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.cells import cell_len
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from wealthtui import bootstrap
from wealthtui.bootstrap import (
    CliError,
    State,
    demo_rows,
    engine_for,
    shown,
    sqlite_file,
)
from wealthtui.cli.common import (
    DbOption,
    ask,
    backup_dir,
    center_now,
    ensure_audit_key,
    err,
    new_pin,
    open_store,
    out,
    role_names,
    say,
    services_for,
    state,
)
from wealthtui.cli.shared import Commands
from wealthtui.i18n import t

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: the commands of this module (the root group adds them when one is named: cli/__init__.py)
commands = Commands()


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
                         Path(f"{building}.lock"),  # (store.lock: nobody else opened it)
                         Path(f"{building}.turns")):  # (store.turns: nor wrote to it)
            leftover.unlink(missing_ok=True)


def _anchor(st: State, engine: Engine, reason: str) -> None:
    """The first anchor of a new center (store.anchors); the anchors of a center that was at
    the same place before are set aside first."""
    from wealthtui.store import anchors
    from wealthtui.store.audit_check import anchor_now

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
    days: Annotated[int | None, typer.Option("--days", min=1, max=60,
                                             help=t("demo_history.days_help"))] = None,
) -> None:
    from wealthtui.demo.center import DEMO_DAYS, DEMO_SEED, build_demo

    st = state(ctx, db)
    build, show = _replaceable(st, reset=reset, if_missing=if_missing, as_json=as_json)
    if build:
        ensure_audit_key(as_json)
        with err.status(t("cli.demo.building")) as status, fresh_center(st, reset=reset) as engine:
            summary = build_demo(
                engine, st.settings, seed=DEMO_SEED if seed is None else seed,
                days=DEMO_DAYS if days is None else days,
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
    cm_book: Annotated[int | None, typer.Option("--cm-book", min=1,
                                                help=t("gen_scale.help_cm_book"))] = None,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from wealthtui.demo.synthetic import GEN_SEED, generate

    st = state(ctx, db)
    if cm_book is not None and cm_book > st.settings.contact.portfolio_max:
        raise CliError("gen_scale.book_too_large", max=st.settings.contact.portfolio_max,
                       value=cm_book)
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
                           progress=progress, cm_book=cm_book)
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
    if code := bootstrap.open_display(state(ctx, db)):
        raise typer.Exit(code)


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


