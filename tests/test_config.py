"""Settings: the four layers, validation and its messages, and the cache of validated settings
(the same input is validated once; later starts rebuild it without importing pydantic)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wealthtui import config as cfg
from wealthtui.cli import app
from wealthtui.config import ConfigError, Settings, load_settings


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder (the validated settings and the shipped TOML go there)."""
    folder = tmp_path / "cache"
    monkeypatch.setattr("wealthtui.resources._cache_dir", lambda kind: folder / kind)
    return folder


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "settings").glob("*.json"))


# --- the layers -----------------------------------------------------------------------------------
def test_file_environment_and_flags_override_the_defaults_in_that_order(
        tmp_path: Path, cache: Path) -> None:
    user = write(tmp_path / "user.toml", '[ui]\nidle_lock_minutes = 7\nlanguage = "en"\n'
                                         '[store]\nbackups_keep = 3\n')
    env = {"WEALTHTUI_IDLE_LOCK_MINUTES": "12", "WEALTHTUI_DB": "/srv/env.db"}
    s = load_settings(config_file=user, environ=env, overrides={"store": {"db": "/srv/flag.db"}})
    assert s.ui.language == "en"                  # the file over the default
    assert s.ui.idle_lock_minutes == 12           # the environment (a string, validated) over it
    assert s.store.db == "/srv/flag.db"           # the flag over the environment
    assert s.store.backups_keep == 3 and s.store.busy_timeout_ms == 5000
    assert s.config_file == str(user)
    defaults = load_settings(environ={})
    assert defaults.ui.idle_lock_minutes == 10 and defaults.config_file == ""


def test_values_are_validated_and_normalised(tmp_path: Path, cache: Path) -> None:
    user = write(tmp_path / "user.toml", "[counter]\ndenominations_fen = [100, 10000, 50]\n"
                                         "[ui]\nrefresh_seconds = 2\n")
    s = load_settings(config_file=user, environ={})
    assert s.counter.denominations_fen == [10000, 100, 50]  # sorted, largest first
    assert isinstance(s.ui.refresh_seconds, float)
    assert s.tier("premium") is not None and s.waiting_zone() == "consultation"


def test_settings_are_immutable_and_copied_with_changes(cache: Path) -> None:
    s = load_settings(environ={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.ui.language = "en"  # type: ignore[misc]
    english = s.model_copy(update={"ui": s.ui.model_copy(update={"language": "en"})})
    assert english.ui.language == "en" and s.ui.language == "zh_CN"
    assert english != s and english.center == s.center
    with pytest.raises(ValueError, match="portfolio_min"):  # the section's own rules still hold
        s.contact.model_copy(update={"portfolio_min": 500})


# --- a bad configuration: one clear message, every time ---------------------------------------------
@pytest.mark.parametrize(("toml", "expected"), [
    ('[ui]\nlangauge = "en"\n', "ui.langauge: Extra inputs are not permitted"),
    ("[ui]\nidle_lock_minutes = 30\n",
     "ui.idle_lock_minutes: Input should be less than or equal to 15"),
    ('[ui]\nlanguage = "fr"\n', "ui.language: Input should be 'zh_CN' or 'en'"),
    ('[store]\nbusy_timeout_ms = "soon"\n', "store.busy_timeout_ms: Input should be a valid integer"),
    ("[counter]\ndenominations_fen = []\n", "counter.denominations_fen: List should have at least 1"),
    ("[counter]\ndenominations_fen = [100, 100]\n",
     "counter: Value error, denominations_fen: denominations must be distinct"),
    ('[[authorization.rules]]\nbusiness_type = "cash_deposit"\nchecker_roles = ["boss"]\n',
     "unknown roles boss"),
    ("[contact]\nportfolio_min = 300\n", "contact: Value error, portfolio_min must not exceed"),
    ('[queue.routing]\ncash = "Z"\n', "queue: Value error, queue.routing.cash: unknown category Z"),
    ('[[counters]]\nno = "9"\nzone = "nowhere"\nkind = "cash"\ncategories = ["A"]\n',
     "unknown zone nowhere"),
    ("[ui\n", "Expected ']'"),
])
def test_a_bad_configuration_names_the_file_the_setting_and_the_rule(
        tmp_path: Path, cache: Path, toml: str, expected: str) -> None:
    user = write(tmp_path / "user.toml", toml)
    for _ in range(2):  # a failure is never cached: the second start fails the same way
        with pytest.raises(ConfigError) as caught:
            load_settings(config_file=user, environ={})
        assert str(caught.value).startswith(f"{user}: ") and expected in str(caught.value)
    assert entries(cache) == []


def test_a_bad_environment_value_is_refused_too(cache: Path) -> None:
    with pytest.raises(ConfigError, match="^config: ui.idle_lock_minutes: Input should be a valid"):
        load_settings(environ={"WEALTHTUI_IDLE_LOCK_MINUTES": "ten"})


def test_the_command_line_reports_a_bad_configuration_in_one_line(
        tmp_path: Path, cache: Path) -> None:
    user = write(tmp_path / "user.toml", "[ui]\nidle_lock_minutes = 0\n")
    result = CliRunner().invoke(app, ["--config", str(user), "locate"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    (line,) = [x for x in result.output.splitlines() if x.strip()]
    assert "ui.idle_lock_minutes" in line and "greater than or equal to 1" in line


# --- the cache of validated settings ------------------------------------------------------------
def test_the_same_input_is_validated_once_and_rebuilt_equal(tmp_path: Path, cache: Path) -> None:
    user = write(tmp_path / "user.toml", '[ui.keymap]\ns = "f5"\nd = "f6"\n'
                                         '[contact.cadence_days]\npremium = 45\n')
    first = load_settings(config_file=user, environ={})
    (entry,) = entries(cache)
    again = load_settings(config_file=user, environ={})
    assert again == first and again is not first
    assert again.ui.keymap == {"s": "f5", "d": "f6"}  # user keys never read as the cache's own
    assert entries(cache) == [entry]
    write(user, '[ui]\nidle_lock_minutes = 9\n')       # another input: validated again
    assert load_settings(config_file=user, environ={}).ui.idle_lock_minutes == 9
    assert load_settings(environ={"WEALTHTUI_LANG": "en"}).ui.language == "en"
    assert len(entries(cache)) == 3


def test_a_damaged_cache_entry_is_validated_again(tmp_path: Path, cache: Path) -> None:
    first = load_settings(environ={})
    (entry,) = entries(cache)
    for damage in ("not json", json.dumps({"s": "NoSuchSection", "f": {}}), "[]"):
        entry.write_text(damage, "utf-8")
        assert load_settings(environ={}) == first
        assert json.loads(entry.read_text("utf-8"))["s"] == "Settings"  # written again


def test_the_cache_depends_on_the_validating_code(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_settings(environ={})
    stamp = cfg._schema_stamp()
    assert len(stamp) == 3 and None not in stamp  # this module, the roles, pydantic's version
    monkeypatch.setattr(cfg, "_schema_stamp", lambda: [*stamp, "changed"])
    load_settings(environ={})
    assert len(entries(cache)) == 2


def test_the_cache_keeps_the_latest_entries(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cfg, "SETTINGS_CACHE_KEEP", 3)
    for minutes in range(1, 6):
        load_settings(environ={"WEALTHTUI_IDLE_LOCK_MINUTES": str(minutes)})
    assert len(entries(cache)) == 3


def test_a_warm_start_does_not_import_pydantic(tmp_path: Path) -> None:
    code = ("import sys\nfrom wealthtui.config import load_settings\n"
            "s = load_settings()\nprint(s.center.name, 'pydantic' in sys.modules)")
    env = {"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "WEALTHTUI_CONFIG": str(tmp_path / "none.toml")}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, check=True).stdout.split() for _ in range(2)]
    assert runs[0][-1] == "True"   # the first start validates (pydantic)
    assert runs[1][-1] == "False"  # the next one rebuilds what was validated
    assert runs[0][0] == runs[1][0]


def test_every_section_is_rebuilt_from_its_cached_form(cache: Path) -> None:
    s: Settings = load_settings(environ={})
    assert cfg._rebuild(json.loads(json.dumps(cfg._dump(s)))) == s
    kinds = {type(v).__name__ for v in _walk(s)}
    assert kinds == set(cfg._SECTIONS)  # the defaults use every section


def _walk(value: object) -> list[object]:
    found: list[object] = []
    if isinstance(value, cfg._Section):
        found.append(value)
        for f in dataclasses.fields(value):  # type: ignore[arg-type]
            found += _walk(getattr(value, f.name))
    elif isinstance(value, dict):
        for v in value.values():
            found += _walk(v)
    elif isinstance(value, list):
        for v in value:
            found += _walk(v)
    return found
