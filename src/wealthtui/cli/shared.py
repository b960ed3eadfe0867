"""What every command and group of `wealthtui` has: the shared options and help in our words.

- **Options on every command** (issue 19): `--db`, `--lang` and `--config` are accepted before or
  after any sub-command (`wealthtui display --lang en`, `wealthtui db check --config F`). A
  command that does not declare one gets it here; its value goes to the State of the root (the
  last one given wins), never to the command's function.
- **Help in the catalogs' words**: click's and Typer's own texts — "Usage:", the help option's
  "Show this message and exit.", the "Options" / "Commands" / "Arguments" panels, "[default: …]",
  "[required]", the type names (TEXT, INTEGER…) — come from the catalogs ([cli_help]), set the
  supported way: Typer's rich_utils constants, the usage prefix of click's formatter and the
  help option's text.
- **Help that folds by cells** (issue 19): Chinese help lines break between characters instead of
  being cut with … (cli/help_fold.py).

Every Typer of the command line is a `Commands` (its groups are `SharedGroup`s and its commands
`SharedCommand`s); the root group (cli/__init__.py) is a SharedGroup too.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

from wealthtui import i18n
from wealthtui.bootstrap import CliError, State
from wealthtui.i18n import t

#: the options every command accepts, and the State field each sets
SHARED = {"--db": "db", "--lang": "lang", "--config": "config"}
METAVARS = {"--db": "PATH_OR_URL", "--lang": "zh_CN|en", "--config": "FILE"}

#: Typer's rich_utils texts, by the catalog key that replaces each
RICH_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "cli_help.arguments",
    "OPTIONS_PANEL_TITLE": "cli_help.options",
    "COMMANDS_PANEL_TITLE": "cli_help.commands",
    "ERRORS_PANEL_TITLE": "cli_help.error",
    "ABORTED_TEXT": "cli_help.aborted",
    "RICH_HELP": "cli_help.try_help",
    "DEFAULT_STRING": "cli_help.default",
    "ENVVAR_STRING": "cli_help.envvar",
    "REQUIRED_LONG_STRING": "cli_help.required",
    "DEPRECATED_STRING": "cli_help.deprecated",
}
#: click's type names (shown as an option's metavar, or as `<name>` beside a parameter), by the
#: catalog key that replaces each
TYPE_NAMES = {"str": "text", "text": "text", "int": "integer", "int range": "integer",
              "integer": "integer", "integer range": "integer", "float": "number",
              "float range": "number", "path": "path", "file": "path",
              "directory": "path", "filename": "path", "datetime": "datetime", "uuid": "uuid"}


def translate_help() -> None:
    """Put the catalogs' texts into Typer's rich_utils (in the language now set); imported only
    for the help (it loads much of Rich)."""
    import typer.rich_utils

    from wealthtui.cli.help_fold import FoldingHighlighter

    for name, key in RICH_TEXTS.items():
        setattr(typer.rich_utils, name, t(key))
    if not isinstance(typer.rich_utils.highlighter, FoldingHighlighter):  # help_fold.py
        typer.rich_utils.highlighter = FoldingHighlighter()


def _set_shared(ctx: Any, param: Any, value: Any) -> None:
    """A shared option's callback: the value goes to the root's State."""
    if value is None or ctx.resilient_parsing:
        return
    st = ctx.find_root().obj
    if not isinstance(st, State):  # the help of a sub-command, read without the root
        return
    name = SHARED[param.opts[0]]
    if name == "lang":
        if value not in i18n.LANGUAGES:
            raise CliError("cli.error.lang", value=value, accepted=", ".join(i18n.LANGUAGES))
        i18n.set_language(value)
    setattr(st, name, Path(value) if name == "config" else value)
    st._settings = None  # made again from the options as they now are


def shared_option(flag: str) -> TyperOption:
    return TyperOption(param_decls=[flag], metavar=METAVARS[flag], expose_value=False,
                       callback=_set_shared, help=t(f"cli.help.{SHARED[flag]}"))


class Shared:
    """The part SharedCommand and SharedGroup have in common."""

    params: list[Any]

    def _add_shared(self) -> None:
        declared = {opt for p in self.params for opt in getattr(p, "opts", ())}
        self.params.extend(shared_option(f) for f in SHARED if f not in declared)
        for p in self.params:  # click's English type names: ours (on a copy: types are shared)
            kind = getattr(p.type, "name", "")
            if kind in TYPE_NAMES:
                p.type = copy.copy(p.type)
                p.type.name = t(f"cli_help.type.{TYPE_NAMES[kind]}")
        self.options_metavar = t("cli_help.options_metavar")
        if isinstance(self, TyperGroup):
            self.subcommand_metavar = t("cli_help.command_metavar")

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=t("cli_help.usage"))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = t("cli_help.help_option")
        return option

    def format_help(self, ctx: Any, formatter: Any) -> None:
        translate_help()
        super().format_help(ctx, formatter)  # type: ignore[misc]


class SharedCommand(Shared, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_shared()


class SharedGroup(Shared, TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_shared()


class Commands(typer.Typer):
    """A Typer whose groups and commands take the shared options and speak the catalogs."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", SharedGroup)
        super().__init__(add_completion=False, pretty_exceptions_enable=False, **kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", SharedCommand)
        return super().command(*args, **kwargs)
