"""`wealthtui clients import FILE.csv|xlsx --as STAFFNO`: the reliability issue's client import,
signed in as a staff member, through the client import service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wealthtui.cli.common import AsOption, DbOption, acting, out
from wealthtui.cli.shared import Commands
from wealthtui.i18n import t

clients_app = Commands(help=t("client_import.cli.help_app"), no_args_is_help=True)
#: the commands of this module (the root group adds them when one is named: cli/__init__.py)
commands = Commands()
commands.add_typer(clients_app, name="clients")


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

    services, actor = acting(ctx, db, as_)
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


