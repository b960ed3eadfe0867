"""`wealthtui eod` without the command line's machinery (issue 22: the operator's summary).

`wealthtui eod [--date D | --month M] [--format F] [--out FILE] [--db …] [--config …] [--lang …]`
is what a scheduled job at the day's end runs. Typer, click and the command line's modules were
a tenth of its whole process, so `launch.main` reads these options itself (`options`, the same
rules as the plain start: each at most once, a value that is not an option, a known format and
not both a date and a month) and runs `write_eod`; anything else (`--help`, a mistake, an option
given twice) goes to the Typer app (cli/day.py), which answers as it always does and calls the
same `write_eod`. Errors are one line either way (bootstrap.report).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wealthtui.bootstrap import State, open_engine, plain_options
from wealthtui.i18n import t

#: the options `launch.main` reads for `wealthtui eod`
EOD_OPTIONS = {"--db": "db", "--config": "config", "--lang": "lang", "--date": "date",
               "--month": "month", "--format": "format", "--out": "out"}


def options(argv: list[str]) -> dict[str, str] | None:
    """The options of a well-formed `wealthtui eod …`, or None for the command line to read."""
    if not argv or argv[0] != "eod":
        return None
    from wealthtui.reports.render import FORMATS

    found = plain_options(argv[1:], EOD_OPTIONS)
    if found is None or found.get("format", "table") not in FORMATS \
            or ("date" in found and "month" in found):
        return None
    return found


def write_eod(st: State, day: str | None, month: str | None, fmt: str,
              out_file: Path | None, console: Any) -> None:
    """Read the summary of `day` (default: today's business date) or of `month` from the
    center and write it in `fmt` (to `out_file`, else to `console`), read through the Core
    tables (reports.operator), without the models or the services."""
    from wealthtui.reports import export, operator, render
    from wealthtui.reports.periods import parse_business_date

    engine = open_engine(st)
    try:
        if month:
            doc = export.month_dict(st.settings, operator.month_report(engine, st.settings, month))
            sections, name = export.month_sections(doc), f"eod-{doc['month']}"
        else:
            report = operator.day_report(engine, st.settings,
                                         parse_business_date(day) if day else None)
            doc = export.day_dict(st.settings, report)
            sections, name = export.day_sections(doc), f"eod-{doc['date']}"
    finally:
        engine.dispose()
    written = render.write(doc, sections, fmt, out_file, Path(f"{name}.{fmt}"), console)
    if written is not None:
        console.print(t("report.cli.written", path=str(written)))


class StandardOutput:
    """The standard output as the command line prints to it (cli/common.py `out`): a Rich
    console, made at its first `print` (the table, the "written to" line). JSON and CSV go to
    `file` as they are (reports.render.write), so `eod --format json` imports no Rich."""

    def __init__(self) -> None:
        self._console: Any = None

    @property
    def file(self) -> Any:
        import sys

        return sys.stdout

    def print(self, *objects: Any) -> None:
        if self._console is None:
            from rich.console import Console

            self._console = Console(soft_wrap=True, highlight=False)
        self._console.print(*objects)


def console() -> StandardOutput:
    return StandardOutput()


def run(st: State, found: dict[str, str]) -> int:
    """`wealthtui eod` from the options `options` read; the exit code."""
    import gc

    if not gc.isenabled():
        # launch.main turned the collector off for the start-up; what is loaded by now (modules,
        # settings) lives to the end, so it is frozen out of the collections the report's
        # objects cause (each of them walked it all again: 30 collections, 100-200 ms)
        gc.freeze()
        gc.enable()
    out = found.get("out")
    write_eod(st, found.get("date"), found.get("month"), found.get("format", "table"),
              Path(out) if out is not None else None, console())
    return 0
