"""The `wealthtui` command line (Typer, Rich output). Thin: it parses, calls services, prints.

    wealthtui [--db PATH_OR_URL] [--lang zh_CN|en] [--config FILE] [--kiosk lobby]   open the app
    wealthtui init | demo | gen | display | serve | locate      cli/center.py
    wealthtui eod                                               cli/day.py
    wealthtui db upgrade|backup|restore|check                   cli/store.py
    wealthtui audit verify|anchor                               cli/store.py
    wealthtui staff add|list|roles|…   (acting as a staff member)  cli/staff.py
    wealthtui clients import FILE.csv|xlsx                      cli/clients.py
    wealthtui targets preview|create|assign|progress            cli/targets.py
    wealthtui notices send|list                                 cli/notices.py

`--db`, `--lang` and `--config` are accepted before or after any sub-command (cli/shared.py).
Every message comes from the catalogs (section [cli]; click's and Typer's own help texts:
[cli_help]). An error is one translated line on stderr and a non-zero exit, never a traceback
(WEALTHTUI_DEBUG=1 shows the traceback).

Only the console script (`launch.main`) imports this package, when the command line is more than
the plain start's options. `app` holds only the options of the plain `wealthtui` (which opens the
app); a command group's module is imported, and its click commands built, only when one of its
commands is named — all of them only for the help (DESIGN §6: building them all took ~25 ms of
every start-up; importing them all pulled in what `eod` or `display` do not need).

Adding a command: write one function in the module of its group (`@commands.command`, or a new
sub-app added with `commands.add_typer`; a new module goes into MODULES below), open the store
with `open_store(ctx, ...)`, raise `CliError` or let service errors through — the root group
turns them into one line.
"""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main

from wealthtui import bootstrap, i18n

# the help texts below are read from the catalogs: the language first
bootstrap.boot_language(sys.argv[1:])

from wealthtui.bootstrap import KIOSK_MODES, CliError, State, open_workstation  # noqa: E402
from wealthtui.cli.common import (  # noqa: E402
    EXIT_USAGE,
    DbOption,
    fail,
    failure,
    state,
    usage_message,
)
from wealthtui.cli.shared import SharedGroup  # noqa: E402
from wealthtui.i18n import t  # noqa: E402

#: the module of each sub-command (in the order of the help)
MODULES = {
    "init": "center", "demo": "center", "gen": "center", "display": "center",
    "serve": "center", "locate": "center", "eod": "day", "db": "store", "audit": "store",
    "staff": "staff", "clients": "clients", "targets": "targets", "notices": "notices",
}


def load(module: str) -> dict[str, Any]:
    """The click commands of one of the command line's modules, by name."""
    commands = importlib.import_module(f"wealthtui.cli.{module}").commands
    return dict(typer.main.get_group(commands).commands)


class RootGroup(SharedGroup):
    """Turns every error below it into one translated line and a non-zero exit; takes a
    sub-command from its module (MODULES) when it is first looked up."""

    def _load(self, name: str | None = None) -> None:
        """The sub-command `name` (every sub-command when None), unless already there."""
        wanted = list(dict.fromkeys(MODULES.values())) if name is None else \
            [MODULES[name]] if name in MODULES and name not in self.commands else []
        for module in wanted:
            for cmd_name, command in load(module).items():
                self.commands.setdefault(cmd_name, command)
        if name is None:  # in the order of MODULES
            self.commands = {n: self.commands[n] for n in MODULES if n in self.commands}

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        self._load(cmd_name)
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
            if bootstrap.debugging():
                raise
            raise failure(exc) from None


app = typer.Typer(cls=RootGroup, invoke_without_command=True, add_completion=False,
                  pretty_exceptions_enable=False, help=t("cli.help.app"),
                  context_settings={"help_option_names": ["-h", "--help"]})


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
