"""`wealthtui eod [--date D | --month M] [--format table|json|csv|xlsx] [--out FILE]`: the end-of-day
summary for the machine's operator (no staff sign-in, like `audit verify`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wealthtui.bootstrap import CliError
from wealthtui.cli.common import DbOption, open_store, out
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
    the Core tables (reports.operator), without the models or the services (issue 22)."""
    from wealthtui.reports import export, operator, render
    from wealthtui.reports.periods import parse_business_date
    from wealthtui.rules.fields import FieldError

    if fmt not in render.FORMATS:
        raise FieldError("report.field.format", "error.field.choice",
                         accepted=", ".join(render.FORMATS))
    if day and month:
        raise CliError("error.report.date_and_month")
    st, engine = open_store(ctx, db)
    if month:
        doc = export.month_dict(st.settings, operator.month_report(engine, st.settings, month))
        sections, name = export.month_sections(doc), f"eod-{doc['month']}"
    else:
        report = operator.day_report(engine, st.settings,
                                     parse_business_date(day) if day else None)
        doc = export.day_dict(st.settings, report)
        sections, name = export.day_sections(doc), f"eod-{doc['date']}"
    engine.dispose()
    written = render.write(doc, sections, fmt, out_file, Path(f"{name}.{fmt}"), out)
    if written is not None:
        out.print(t("report.cli.written", path=str(written)))
