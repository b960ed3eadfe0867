"""The plain start, `wealthtui [--db …] [--config …] [--lang …] [--kiosk …]`, read by launch.main
(bootstrap.plain_options) without Typer: whatever it accepts, Typer reads the same way; whatever else is typed goes to
Typer; and an error while opening is the same one line with the same exit either way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wealthtui import bootstrap, i18n, launch
from wealthtui.bootstrap import (
    DISPLAY_OPTIONS,
    KIOSK_MODES,
    OPTIONS,
    display_options,
    plain_options,
)
from wealthtui.cli import app

EXE = Path(sys.executable).parent / "wealthtui"

#: values an option may be given (good and bad ones) and words that are not options
VALUES = ["x.db", "y.db", "c.toml", "en", "zh_CN", "fr", "lobby", "desk", "", "-", "--lang",
          "postgresql+psycopg://u:p@h/db"]
WORDS = ["locate", "demo", "-h", "--help", "--", "-x", "--nope", "=", "--d", "x.db"]
#: one option with its value, as `--opt value` or `--opt=value`, or a word on its own
pieces = st.one_of(
    st.tuples(st.sampled_from(sorted(OPTIONS)), st.sampled_from(VALUES), st.booleans()).map(
        lambda p: [f"{p[0]}={p[1]}"] if p[2] else [p[0], p[1]]),
    st.sampled_from(WORDS).map(lambda w: [w]),
    st.sampled_from(sorted(OPTIONS)).map(lambda o: [o]),  # an option without its value
)


def typer_reading(argv: list[str]) -> dict[str, object] | None:
    """What Typer makes of `argv` as the plain `wealthtui` (None: an error, help, a
    sub-command, or values the root refuses)."""
    group = typer.main.get_command(app)
    try:
        ctx = group.make_context("wealthtui", list(argv))
    except (Exception, SystemExit):  # noqa: BLE001 - a usage error or the help: not plain
        return None
    if ctx._protected_args or ctx.args:  # a sub-command (and its arguments) follows
        return None
    params = {k: v for k, v in ctx.params.items() if v is not None}
    if params.get("lang", i18n.DEFAULT_LANGUAGE) not in i18n.LANGUAGES:
        return None
    if params.get("kiosk", KIOSK_MODES[0]) not in KIOSK_MODES:
        return None
    if "config" in params:
        params["config"] = str(params["config"])
    return params


@settings(max_examples=400, deadline=None)
@given(st.lists(pieces, max_size=5).map(lambda parts: [w for part in parts for w in part]))
def test_what_the_plain_start_accepts_typer_reads_the_same(argv: list[str]) -> None:
    plain = plain_options(argv)
    if plain is not None:
        assert typer_reading(argv) == plain


@pytest.mark.parametrize(("argv", "expected"), [
    ([], {}),
    (["--db", "center.db"], {"db": "center.db"}),
    (["--db=center.db", "--lang", "en", "--kiosk", "lobby", "--config", "c.toml"],
     {"db": "center.db", "lang": "en", "kiosk": "lobby", "config": "c.toml"}),
    (["--db", "postgresql+psycopg://u@h/db"], {"db": "postgresql+psycopg://u@h/db"}),
])
def test_the_plain_start_reads_its_options(argv: list[str], expected: dict[str, str]) -> None:
    assert plain_options(argv) == expected == typer_reading(argv)
    assert set(expected) <= set(OPTIONS.values())


@pytest.mark.parametrize("argv", [
    ["locate"], ["--help"], ["-h"], ["--db"], ["--db", "a.db", "--db", "b.db"], ["--lang", "fr"],
    ["--kiosk", "desk"], ["--db", "--lang"], ["--db="], ["--nope"], ["--", "x"], ["x.db"],
])
def test_anything_else_goes_to_typer(argv: list[str]) -> None:
    assert plain_options(argv) is None


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_opening_fails_with_the_same_line_with_or_without_typer(tmp_path: Path,
                                                                lang: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEALTHTUI_")}
    env.update({"WEALTHTUI_CONFIG": str(tmp_path / "cfg.toml"),
                "WEALTHTUI_DATA_DIR": str(tmp_path / "data")})
    missing = str(tmp_path / "none.db")
    plain = run("--lang", lang, "--db", missing, env=env)            # launch.main alone
    typer_path = run("--db", "x.db", "--lang", lang, "--db", missing, env=env)  # --db twice
    assert plain.returncode == typer_path.returncode == 1
    assert plain.stderr == typer_path.stderr
    assert "Traceback" not in plain.stderr
    catalog = i18n.catalog(lang)
    assert catalog["cli.error_prefix"].strip() in plain.stderr
    no_config = run("--config", str(tmp_path / "nowhere.toml"), env=env)
    assert no_config.returncode == 1 and str(tmp_path / "nowhere.toml") in no_config.stderr


# --- the calling board: `wealthtui display [--db …] [--config …] [--lang …]` without Typer too --------
#: an option of the board with a value it may take (most pieces), or a mistake of any kind
good_piece = st.tuples(
    st.sampled_from(sorted(DISPLAY_OPTIONS)),
    st.sampled_from(["x.db", "y.db", "c.toml", "en", "zh_CN", "postgresql+psycopg://u:p@h/db"]),
    st.booleans()).map(lambda p: [f"{p[0]}={p[1]}"] if p[2] else [p[0], p[1]])
display_pieces = st.one_of(
    good_piece, good_piece, good_piece,
    st.tuples(st.sampled_from(sorted(DISPLAY_OPTIONS)), st.sampled_from(VALUES),
              st.booleans()).map(lambda p: [f"{p[0]}={p[1]}"] if p[2] else [p[0], p[1]]),
    st.sampled_from([*WORDS, "--kiosk", "lobby"]).map(lambda w: [w]),
    st.sampled_from(sorted(DISPLAY_OPTIONS)).map(lambda o: [o]),
)


def opened_state(argv: list[str], *, typer_way: bool) -> tuple[object, ...] | None:
    """The (db, lang, config) the calling board is opened with, by launch.main's fast path or
    by Typer; None when it is not opened (an error, the help, the fast path declining)."""
    seen: list[bootstrap.State] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bootstrap, "open_display", lambda s: seen.append(s) or 0)
        if typer_way:
            CliRunner().invoke(app, argv)
        else:
            mp.setattr(sys, "argv", ["wealthtui", *argv])
            if display_options(argv) is None:
                return None
            with pytest.raises(SystemExit):
                launch.main()
    return (seen[0].db, seen[0].lang, seen[0].config) if seen else None


@settings(max_examples=150, deadline=None)
@given(st.lists(display_pieces, max_size=4).map(lambda parts: [w for p in parts for w in p]))
def test_what_the_display_fast_path_accepts_typer_opens_the_same(argv: list[str]) -> None:
    fast = opened_state(["display", *argv], typer_way=False)
    if fast is not None:
        assert opened_state(["display", *argv], typer_way=True) == fast


@pytest.mark.parametrize(("argv", "fast"), [
    (["display"], {}),
    (["display", "--db", "b.db", "--lang=en", "--config", "c.toml"],
     {"db": "b.db", "lang": "en", "config": "c.toml"}),
    (["display", "--kiosk", "lobby"], None), (["display", "-h"], None),
    (["display", "--db", "a.db", "--db", "b.db"], None), (["--db", "a.db", "display"], None),
    (["display", "--lang", "fr"], None), (["locate"], None), ([], None),
])
def test_the_display_fast_path_reads_its_options(argv: list[str],
                                                 fast: dict[str, str] | None) -> None:
    assert display_options(argv) == fast
