"""`wealthtui db upgrade|backup|restore|copy|check` and `wealthtui audit verify|anchor`: the operator's
commands on the store itself (no staff sign-in)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from wealthtui.bootstrap import CliError, State, engine_for, shown, sqlite_file
from wealthtui.cli.common import (
    DbOption,
    backup_dir,
    center_now,
    err,
    fail,
    load_audit_key,
    open_store,
    out,
    problem_line,
    state,
)
from wealthtui.cli.shared import Commands
from wealthtui.i18n import t

db_app = Commands(help=t("cli.help.db_app"), no_args_is_help=True)
audit_app = Commands(help=t("cli.help.audit_app"), no_args_is_help=True)
#: the commands of this module (the root group adds them when one is named: cli/__init__.py)
commands = Commands()
commands.add_typer(db_app, name="db")
commands.add_typer(audit_app, name="audit")


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


@db_app.command("copy", help=t("cli.help.db_copy"))
def db_copy(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help=t("cli.help.copy_to"), metavar="URL")],
    db: DbOption = None,
) -> None:
    """Copy this center (a SQLite file) into an empty PostgreSQL database, then verify the
    copy's audit chain with this center's key (store.copy)."""
    from wealthtui.store.audit_check import verify_store
    from wealthtui.store.copy import CopyRefused, copy_center

    st = state(ctx, db)
    path = sqlite_file(st.target())
    if path is None:
        raise CliError("cli.copy.not_sqlite", path=shown(st.target()))
    key = load_audit_key()
    engine = engine_for(st, to)
    try:
        with err.status(t("cli.copy.running", path=shown(to))):
            try:
                result = copy_center(path, engine)
            except CopyRefused as refused:
                raise CliError(refused.key, **refused.params) from None
        out.print(t("cli.copy.done", path=str(path), target=shown(to), tables=len(result.rows),
                    rows=result.total, seconds=f"{result.seconds:.1f}"), markup=False)
        report = verify_store(engine, st.settings.center.code, key)
    finally:
        engine.dispose()
    if not report.ok:
        for problem in report.problems:  # one line per problem
            err.print(problem_line(problem), markup=False, highlight=False)
        raise fail(t("tamper.verify.failed", count=len(report.problems)))
    out.print(t("cli.audit.ok", count=report.checked))


@db_app.command("check", help=t("cli.help.db_check"))
def db_check(ctx: typer.Context, db: DbOption = None) -> None:
    from wealthtui.store import schema
    from wealthtui.store.audit_check import store_findings, verify_store
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
            report = verify_store(engine, st.settings.center.code, load_audit_key())
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


# --- audit ---------------------------------------------------------------------------------------------
@audit_app.command("verify", help=t("cli.help.audit_verify"))
def audit_verify(ctx: typer.Context, db: DbOption = None) -> None:
    from wealthtui.store.audit_check import verify_store

    st, engine = open_store(ctx, db)
    report = verify_store(engine, st.settings.center.code, load_audit_key())
    if not report.ok:
        for problem in report.problems:  # one line per problem
            err.print(problem_line(problem), markup=False, highlight=False)
        raise fail(t("tamper.verify.failed", count=len(report.problems)))
    out.print(t("cli.audit.ok", count=report.checked))
    out.print(t("tamper.verify.anchors", count=report.anchors), markup=False)


@audit_app.command("anchor", help=t("tamper.cli.help_anchor"))
def audit_anchor(ctx: typer.Context, db: DbOption = None) -> None:
    """Write the chain's head to the anchor file (an operator command, like `audit verify`)."""
    from wealthtui.store.audit_check import anchor_now, verify_store

    st, engine = open_store(ctx, db)
    report = verify_store(engine, st.settings.center.code, load_audit_key())
    if not report.ok:  # never anchor a chain that does not verify
        for problem in report.problems:
            err.print(problem_line(problem), markup=False, highlight=False)
        raise fail(t("tamper.anchor.refused"))
    path, anchor = anchor_now(engine, st.settings.center.code, center_now(st), "manual")
    out.print(t("tamper.anchor.done", id=anchor.last_id, hash=anchor.hash, path=str(path)),
              markup=False)


