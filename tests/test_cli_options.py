"""Options on every command (issue 19): `--db`, `--lang` and `--config` are accepted before or after
any sub-command; and click's and Typer's own help texts are in the catalogs' words in both
languages (cli/shared.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.demo_fixture import demo_template
from tests.help_pages import command_paths
from wealthtui import i18n
from wealthtui.cli import app
from wealthtui.cli.shared import SHARED

EXE = Path(sys.executable).parent / "wealthtui"
en = i18n.catalog("en")


PATHS = command_paths()
LEAVES = [(words, c) for words, c in PATHS if not hasattr(c, "list_commands")]


def test_the_walk_sees_every_command() -> None:
    names = {" ".join(words) for words, _ in LEAVES}
    assert {"display", "eod", "db check", "audit verify", "staff add", "targets create",
            "notices send", "clients import", "locate", "serve"} <= names
    assert len(LEAVES) >= 30


@pytest.mark.parametrize("words", [w for w, _ in PATHS], ids=[" ".join(w) for w, _ in PATHS])
def test_every_command_and_group_takes_the_shared_options(words: list[str]) -> None:
    command = dict((" ".join(w), c) for w, c in PATHS)[" ".join(words)]
    declared = {opt for p in command.params for opt in getattr(p, "opts", ())}
    assert set(SHARED) <= declared


def minimal_args(command: Any) -> list[str]:
    """Values for the parameters a command requires (never reached: the config is refused)."""
    args: list[str] = []
    for p in command.params:
        if not p.required:
            continue
        value = "2030-01-01" if "deadline" in p.name else "1"
        args += [value] if p.param_type_name == "argument" else [p.opts[0], value]
    return args


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> Any:
    for var in ("WEALTHTUI_PIN", "WEALTHTUI_NEW_PIN", "WEALTHTUI_DEBUG", "WEALTHTUI_LANG"):
        monkeypatch.delenv(var, raising=False)
    return CliRunner()


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("words", [w for w, _ in LEAVES], ids=[" ".join(w) for w, _ in LEAVES])
def test_lang_and_config_before_or_after_any_command(runner: Any, tmp_path: Path,
                                                     words: list[str], where: str) -> None:
    """A missing --config file is refused in the --lang language, wherever both are given."""
    command = dict((" ".join(w), c) for w, c in LEAVES)[" ".join(words)]
    missing = tmp_path / "nowhere.toml"
    shared = ["--lang", "en", "--config", str(missing)]
    argv = ([*shared, *words, *minimal_args(command)] if where == "before"
            else [*words, *minimal_args(command), *shared])
    result = runner.invoke(app, argv, env={"WEALTHTUI_PIN": "000000"})
    assert result.exit_code == 1, result.output
    expected = en["cli.error_prefix"] + en["cli.error.config_missing"].format(path=str(missing))
    assert result.stderr.split() == expected.split()
    assert "Traceback" not in result.output


def test_db_check_reads_a_config_given_after_the_command(runner: Any, tmp_path: Path,
                                                         tmp_path_factory: Any) -> None:
    template, _ = demo_template(tmp_path_factory.getbasetemp())
    db = tmp_path / "center.db"
    shutil.copyfile(template, db)
    config = tmp_path / "f.toml"
    config.write_text(f'[store]\ndb = "{db}"\n', "utf-8")
    result = runner.invoke(app, ["db", "check", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert str(db) in result.stdout
    wrong = runner.invoke(app, ["db", "check", "--config", str(config), "--db",
                                str(tmp_path / "none.db")])  # --db wins over the config
    assert wrong.exit_code == 1 and str(tmp_path / "none.db") in wrong.stderr


def test_display_takes_lang_and_db_after_the_command(runner: Any, tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = runner.invoke(app, ["display", "--lang", "en", "--db", str(missing)])
    assert result.exit_code == 1
    assert en["cli.db.missing"].format(path=str(missing)) in " ".join(result.stderr.split())
    bad = runner.invoke(app, ["display", "--lang", "fr"])
    assert bad.exit_code == 1 and "fr" in bad.stderr and "Traceback" not in bad.output


# --- the help in our words ------------------------------------------------------------------------------
#: what click and Typer say by themselves in English
DEFAULTS = ["Usage", "Options", "Commands", "Arguments", "Show this message", "[default",
            "[required]", "TEXT", "INTEGER", "<str>", "<int", "<float", "[OPTIONS]", "COMMAND",
            "[ARGS]"]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
HELPS = [["--help"], ["staff", "add", "--help"], ["gen", "-h"], ["db", "--help"],
         ["targets", "create", "--help"]]


def helped(args: list[str], lang: str, tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEALTHTUI_")}
    env.update({"WEALTHTUI_CONFIG": str(tmp_path / "cfg.toml"), "COLUMNS": "200",
                "WEALTHTUI_DATA_DIR": str(tmp_path / "data"), "WEALTHTUI_LANG": lang})
    done = subprocess.run([str(EXE), *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("args", HELPS, ids=" ".join)
def test_the_help_in_chinese_has_no_english_defaults(args: list[str], tmp_path: Path) -> None:
    text = helped(args, "zh_CN", tmp_path)
    assert i18n.catalog("zh_CN")["cli_help.usage"] in text
    assert [d for d in DEFAULTS if d in text] == []


@pytest.mark.parametrize("args", HELPS, ids=" ".join)
def test_the_help_in_english_has_no_chinese(args: list[str], tmp_path: Path) -> None:
    text = helped(args, "en", tmp_path)
    assert en["cli_help.usage"] in text and en["cli_help.help_option"] in text
    assert CJK.findall(text) == []


def test_lang_after_the_command_sets_the_help_language(tmp_path: Path) -> None:
    text = helped(["db", "check", "--help", "--lang", "en"], "zh_CN", tmp_path)
    assert en["cli_help.usage"] in text and CJK.findall(text) == []
