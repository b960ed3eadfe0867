"""`wealthtui eod [--date D | --month M] [--format table|json|csv|xlsx] [--out FILE]`: the end-of-day
summary for the machine's operator (no staff sign-in, like `audit verify`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wealthtui.bootstrap import CliError
from wealthtui.cli.common import DbOption, out, state
from wealthtui.cli.shared import Commands
from wealthtui.i18n import t

#: the commands of this module (the root group adds them when one is named: cli/__init__.py)
commands = Commands()


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
    """The operator's end-of-day summary: no staff sign-in, like `audit verify`; read through
    the Core tables (reports.operator), without the models or the services (issue 22). A
    well-formed `wealthtui eod …` does not come here: launch.main runs it without Typer
    (eod_command.py), through the same `write_eod`."""
    from wealthtui.eod_command import write_eod
    from wealthtui.reports import render
    from wealthtui.rules.fields import FieldError

    if fmt not in render.FORMATS:
        raise FieldError("report.field.format", "error.field.choice",
                         accepted=", ".join(render.FORMATS))
    if day and month:
        raise CliError("error.report.date_and_month")
    write_eod(state(ctx, db), day, month, fmt, out_file, out)
