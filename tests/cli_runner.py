"""What the command-line tests share: `wealthtui ARGS` run in-process through Typer's CliRunner
(PINs hashed at the lowest cost, no PIN, key or debug flag left in the environment; a traceback
fails the test), and a copy of the demo center's file made once per session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import FAST_PIN_HASH
from tests.demo_fixture import demo_template
from wealthtui.cli import app


def cli_runner(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """run(*args, input=, env=) → the CliRunner result of `wealthtui ARGS`."""
    config = Path(os.environ["WEALTHTUI_CONFIG"])
    config.write_text("[security]\n" + "".join(f"{k} = {v}\n" for k, v in FAST_PIN_HASH.items()))
    for var in ("WEALTHTUI_PIN", "WEALTHTUI_NEW_PIN", "WEALTHTUI_DEBUG", "WEALTHTUI_AUDIT_KEY"):
        monkeypatch.delenv(var, raising=False)
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:  # noqa: A002
        result = runner.invoke(app, list(args), input=input, env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert "Traceback" not in result.output
        return result

    return run


def demo_copy(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo center's database file (built once per session) in `tmp_path`."""
    template, _ = demo_template(tmp_path_factory.getbasetemp())
    path = tmp_path / "demo.db"
    shutil.copyfile(template, path)
    return path
