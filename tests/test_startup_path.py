"""What keeps start-up short (DESIGN §6, bench/results.md), held as structure, not as timings:
the sign-in screen's modules do not pull in SQLAlchemy, the model, the workflows or pypinyin;
the cheap checks on the start-up path give the same answers as the full ones; services are made
at their first use; shipped TOML files are read from a JSON cache once parsed."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.demo_fixture import demo_template
from wealthtui.config import Settings
from wealthtui.resources import read_toml
from wealthtui.services import SERVICES, Services
from wealthtui.store import peek, schema

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pypinyin", "phonenumbers", "stdnum",
         "wealthtui.model", "wealthtui.services.base", "wealthtui.ui.screens.lobby",
         "wealthtui.ui.screens.counter", "wealthtui.ui.screens.cm", "wealthtui.ui.screens.head")


def loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json\n"
                          "print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "WEALTHTUI_CONFIG": "/nonexistent.toml"})
    return set(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.parametrize("code", [
    "import wealthtui.cli",
    "import wealthtui.ui.app",
    "from wealthtui.services import Services",
    "from wealthtui.store import peek, schema",
])
def test_the_sign_in_path_imports_nothing_heavy(code: str) -> None:
    modules = loaded_after(code)
    assert not {m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY}


def test_the_head_revision_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    assert schema.head_revision() == ScriptDirectory.from_config(schema._config()).get_current_head()
    assert schema.known_revisions() == {
        s.revision for s in ScriptDirectory.from_config(schema._config()).walk_revisions()}


def test_peek_agrees_with_the_full_checks(engine: Engine, db_path: Path, settings: Settings,
                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    assert peek.sqlite_state(db_path) == schema.state(engine)
    assert peek.is_demo(db_path) is Services(engine, settings).center.is_demo() is False
    demo, _ = demo_template(tmp_path_factory.getbasetemp())
    assert peek.is_demo(demo) is True
    empty = tmp_path_factory.mktemp("empty") / "empty.db"
    empty.touch()
    assert peek.sqlite_state(empty).empty and peek.sqlite_meta(empty) == {}


def test_services_are_made_at_first_use(engine: Engine, settings: Settings) -> None:
    made: list[str] = []

    def factory() -> Engine:
        made.append("engine")
        return engine

    services = Services(factory, settings)
    assert made == [] and "lookup" not in vars(services)
    assert services.settings is settings
    assert services.lookup is services.lookup  # made once, then kept
    assert made == ["engine"]
    services.load_all("wealthtui.ui.screens.lobby")
    assert set(SERVICES) <= set(vars(services)) and made == ["engine"]
    with pytest.raises(AttributeError):
        services.no_such_service  # noqa: B018


def test_shipped_toml_is_read_from_its_cache_until_it_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("wealthtui.resources._cache_dir", lambda: tmp_path / "cache")
    source = tmp_path / "catalog.toml"
    source.write_text('[a]\nb = "one"\nn = 2.5\n', "utf-8")
    assert read_toml(source) == tomllib.loads(source.read_text("utf-8"))
    (cached,) = (tmp_path / "cache").iterdir()
    assert json.loads(cached.read_text("utf-8"))["data"] == {"a": {"b": "one", "n": 2.5}}
    source.write_text('[a]\nb = "two, longer"\n', "utf-8")  # another size: read again
    assert read_toml(source) == {"a": {"b": "two, longer"}}
    source.write_text("when = 2026-11-30\n", "utf-8")  # a date: not JSON, parsed every time
    assert str(read_toml(source)["when"]) == "2026-11-30"
