"""Every command's help page, rendered in-process (Typer's CliRunner) in one interpreter per
language: `python -m tests.help_pages` prints, as JSON, each command's words, its `--help` output
and the help texts it must show whole. The help texts are read from the catalogs when the command
line is imported, so a language needs its own interpreter (tests/test_cli_help_fold.py runs two),
not one per command."""

from __future__ import annotations

import inspect
import json
import sys
from typing import Any

import typer.main
from rich.text import Text
from typer.testing import CliRunner

from wealthtui.cli import app


def _texts(command: Any) -> list[str]:
    """The help texts of `command` its page shows: its options' and sub-commands' (as markup
    renders them, first paragraph of a sub-command's)."""
    texts = [p.help for p in command.params if getattr(p, "help", None)
             and not getattr(p, "hidden", False)]
    for name in getattr(command, "commands", {}):
        sub = command.commands[name]
        texts.append(inspect.cleandoc(sub.short_help or sub.help or "").split("\n\n")[0])
    return [Text.from_markup(text).plain for text in texts if text]


def command_paths() -> list[tuple[list[str], Any]]:
    """Every command and group below `wealthtui`, as (its words, its click command)."""
    root = typer.main.get_command(app)
    ctx = root.make_context("wealthtui", [])
    found: list[tuple[list[str], Any]] = []

    def walk(words: list[str], group: Any) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            found.append(([*words, name], command))
            if hasattr(command, "list_commands"):
                walk([*words, name], command)

    walk([], root)
    return found


def pages() -> list[dict[str, Any]]:
    runner = CliRunner()
    result = []
    for words, command in [([], typer.main.get_command(app)), *command_paths()]:
        done = runner.invoke(app, [*words, "--help"], prog_name="wealthtui")
        result.append({"words": words, "code": done.exit_code, "output": done.output,
                       "texts": _texts(command)})
    return result


if __name__ == "__main__":
    json.dump(pages(), sys.stdout, ensure_ascii=False)
