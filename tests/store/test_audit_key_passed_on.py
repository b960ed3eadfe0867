"""store.audit_key.passed_on: the audit key a template build (tests/demo_fixture.py) or a bench
race's processes (bench/call_race.py) run with, and the environment put back afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wealthtui.store import audit_key


def test_the_key_file_beside_a_config_or_a_given_key_then_the_environment_as_it_was(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(audit_key.ENV, "e" * 40)
    config = os.environ["WEALTHTUI_CONFIG"]
    (tmp_path / audit_key.FILE_NAME).write_text("f" * 64 + "\n", "ascii")

    with audit_key.passed_on(config_file=tmp_path / "config.toml"):
        assert os.environ["WEALTHTUI_CONFIG"] == str(tmp_path / "config.toml")
        assert audit_key.ENV not in os.environ
        assert audit_key.load() == b"f" * 64      # the file beside that config
    assert os.environ["WEALTHTUI_CONFIG"] == config and audit_key.load() == b"e" * 40

    with pytest.raises(RuntimeError), audit_key.passed_on(key=b"k" * 40):
        assert audit_key.load() == b"k" * 40
        assert os.environ["WEALTHTUI_CONFIG"] == config
        raise RuntimeError("the build failed")
    assert os.environ[audit_key.ENV] == "e" * 40  # put back after a failure too

    monkeypatch.delenv(audit_key.ENV)
    with audit_key.passed_on(key=b"k" * 40):
        pass
    assert audit_key.ENV not in os.environ
