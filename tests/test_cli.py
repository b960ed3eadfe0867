"""The command line: through Typer's CliRunner, and the installed `wealthtui` console script in a
subprocess. Errors are one translated line and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runner import cli_runner, demo_copy
from wealthtui import i18n
from wealthtui.demo import DEMO_STAFF
from wealthtui.store.engine import make_engine

EXE = Path(sys.executable).parent / "wealthtui"
HEAD = next(a for a in DEMO_STAFF if "head" in a.roles)
TELLER = next(a for a in DEMO_STAFF if a.roles == ("cash_teller",))
zh = i18n.catalog("zh_CN")
en = i18n.catalog("en")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `wealthtui ARGS` in-process (tests/cli_runner.py)."""
    return cli_runner(monkeypatch)


@pytest.fixture
def demo_db(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path, tmp_path_factory)


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def stamp(db: Path, revision: str | None) -> None:
    con = sqlite3.connect(db)
    if revision is None:
        con.execute("DROP TABLE alembic_version")
    else:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.commit()
    con.close()


# --- no center yet ------------------------------------------------------------------------------
def test_without_a_database_the_app_says_to_run_init_or_demo(cli, tmp_path: Path):
    db = tmp_path / "none.db"
    result = cli("--db", str(db))
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "wealthtui init" in line and "wealthtui demo" in line and str(db) in line
    assert not db.exists()  # looking did not create an empty file


def test_errors_follow_the_language_flag(cli, tmp_path: Path):
    result = cli("--lang", "en", "audit", "verify", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith(en["cli.error_prefix"].strip())
    assert "Run wealthtui init" in result.stderr
    bad = cli("--lang", "fr", "locate")
    assert bad.exit_code == 1 and "zh_CN, en" in one_line(bad.stderr)


def test_locate_names_config_data_and_database(cli, tmp_path: Path):
    result = cli("locate", "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 0
    assert os.environ["WEALTHTUI_CONFIG"] in result.stdout
    assert os.environ["WEALTHTUI_DATA_DIR"] in result.stdout
    assert str(tmp_path / "x.db") in result.stdout


# --- init ----------------------------------------------------------------------------------------
def test_init_makes_a_center_with_its_head_and_only_once(cli, tmp_path: Path):
    db = tmp_path / "new.db"
    result = cli("init", "--db", str(db), input="H001\n王主任\n246810\n246810\n")
    assert result.exit_code == 0, result.output
    assert "246810" not in result.output  # the PIN is not echoed
    audit = cli("audit", "verify", "--db", str(db))
    assert audit.exit_code == 0
    staff = cli("staff", "list", "--as", "H001", "--db", str(db), env={"WEALTHTUI_PIN": "246810"})
    assert staff.exit_code == 0 and "王主任" in staff.stdout
    again = cli("init", "--db", str(db), input="H002\n李主任\n135790\n135790\n")
    assert again.exit_code == 1 and str(db) in one_line(again.stderr)


def test_init_refuses_two_different_pins_and_creates_nothing(cli, tmp_path: Path):
    db = tmp_path / "new.db"
    result = cli("init", "--db", str(db), input="H001\n王主任\n246810\n246811\n")
    assert result.exit_code == 1
    assert zh["cli.error.pins_differ"] in result.stderr
    assert cli("audit", "verify", "--db", str(db)).exit_code == 1  # no center


def test_init_names_a_bad_pin_field(cli, tmp_path: Path):
    result = cli("init", "--db", str(tmp_path / "n.db"), input="H001\n王主任\n12\n12\n")
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert line.startswith(zh["cli.error_prefix"] + zh["field.pin"]) and "6–12" in line


# --- demo ----------------------------------------------------------------------------------------
def test_demo_json_lists_the_accounts_and_if_missing_keeps_it(cli, tmp_path: Path):
    db = tmp_path / "demo.db"
    # one day of history: what is asserted here is the command (accounts, --if-missing, a center
    # that checks out), not the week of history, which tests/demo_fixture.py builds once per run
    # (tests/test_demo.py reads it) and the installed-demo end-to-end test builds through `demo`
    result = cli("demo", "--db", str(db), "--json", "--days", "1")
    assert result.exit_code == 0, result.output
    accounts = json.loads(result.stdout)
    assert [a["staff_no"] for a in accounts] == [a.staff_no for a in DEMO_STAFF]
    assert all(set(a) == {"staff_no", "name", "roles", "pin"} for a in accounts)
    assert {r for a in accounts for r in a["roles"]} >= {"head", "wealth_cm", "cash_teller"}
    assert not list(tmp_path.glob("*.building*"))
    kept = cli("demo", "--db", str(db), "--if-missing")
    assert kept.exit_code == 0 and zh["cli.demo.accounts_title"] in kept.stdout
    assert HEAD.pin in kept.stdout
    check = cli("db", "check", "--db", str(db))
    assert check.exit_code == 0, check.output


def test_demo_never_replaces_a_real_center(cli, tmp_path: Path):
    db = tmp_path / "real.db"
    cli("init", "--db", str(db), input="H001\n王主任\n246810\n246810\n")
    for args in (("demo",), ("demo", "--reset"), ("gen", "--clients", "10", "--reset")):
        result = cli(*args, "--db", str(db))
        assert result.exit_code == 1, args
        assert str(db) in one_line(result.stderr)
    kept = cli("demo", "--if-missing", "--db", str(db))
    assert kept.exit_code == 0 and HEAD.pin not in kept.stdout  # a real center shows no PINs


# --- schema versions ---------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [(), ("audit", "verify"), ("db", "backup"),
                                  ("staff", "list", "--as", "8001")])
def test_a_database_newer_than_the_program_is_refused(cli, demo_db: Path, args):
    stamp(demo_db, "ffff_from_the_future")
    result = cli("--db", str(demo_db), *args, env={"WEALTHTUI_PIN": HEAD.pin})
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "ffff_from_the_future" in line and "wealthtui" in line
    upgrade = cli("db", "upgrade", "--db", str(demo_db))
    assert upgrade.exit_code == 1 and "ffff_from_the_future" in upgrade.stderr


def test_an_older_database_asks_for_db_upgrade_which_brings_it_up(cli, demo_db: Path):
    stamp(demo_db, None)  # tables without a version: older than any revision
    result = cli("audit", "verify", "--db", str(demo_db))
    assert result.exit_code == 1 and "wealthtui db upgrade" in one_line(result.stderr)


# --- db backup / restore / check ------------------------------------------------------------------------
def test_backup_restore_and_check_round_trip(cli, demo_db: Path, tmp_path: Path):
    folder = tmp_path / "backups"
    made = cli("db", "backup", "--db", str(demo_db), "--dir", str(folder))
    assert made.exit_code == 0, made.output
    copy = next(folder.glob("demo-*.db"))
    engine = make_engine(str(demo_db))
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('after_backup', '1')")
    engine.dispose()
    restored = cli("db", "restore", str(copy), "--db", str(demo_db), "--yes")
    assert restored.exit_code == 0, restored.output
    con = sqlite3.connect(demo_db)
    assert con.execute("SELECT count(*) FROM meta WHERE key='after_backup'").fetchone()[0] == 0
    con.close()
    check = cli("db", "check", "--db", str(demo_db))
    assert check.exit_code == 0 and check.stdout.count(zh["cli.check.pass"]) == 4


def test_restore_refuses_a_corrupted_file(cli, demo_db: Path, tmp_path: Path):
    bad = tmp_path / "bad.db"
    data = bytearray(demo_db.read_bytes())
    data[8192:12000] = b"\x5a" * (12000 - 8192)
    bad.write_bytes(bytes(data))
    result = cli("db", "restore", str(bad), "--db", str(demo_db), "--yes")
    assert result.exit_code == 1 and str(bad) in one_line(result.stderr)
    assert cli("audit", "verify", "--db", str(demo_db)).exit_code == 0
    damaged = cli("db", "check", "--db", str(bad))
    assert damaged.exit_code == 1 and zh["cli.check.fail"] in damaged.stdout


def test_postgres_backup_prints_pg_dump_instead_of_pretending(cli):
    result = cli("db", "backup", "--db", "postgresql+psycopg://u:secret@nohost.invalid/center")
    assert result.exit_code == 1
    assert result.stdout.startswith("pg_dump ") and "secret" not in result.stdout
    assert "pg_dump" in one_line(result.stderr)


# --- audit ------------------------------------------------------------------------------------------
def test_audit_verify_names_the_tampered_row(cli, demo_db: Path):
    assert cli("audit", "verify", "--db", str(demo_db)).exit_code == 0
    con = sqlite3.connect(demo_db)
    con.execute("DROP TRIGGER audit_event_no_update")  # someone with the file and sqlite3
    con.execute("UPDATE audit_event SET detail = '{}' WHERE id = 5")
    con.commit()
    con.close()
    result = cli("audit", "verify", "--db", str(demo_db))
    assert result.exit_code == 1
    assert zh["cli.audit.broken"].format(id=5, problem=zh["audit.problem.hash"]) in result.stderr


# --- staff, acting as a staff member -------------------------------------------------------------------
def test_staff_commands_go_through_the_staff_service(cli, demo_db: Path):
    db = ("--db", str(demo_db))
    as_head = {"WEALTHTUI_PIN": HEAD.pin}
    config = Path(os.environ["WEALTHTUI_CONFIG"])
    base = config.read_text()

    def at_counter_9(*args: str, env: dict[str, str]):  # type: ignore[no-untyped-def]
        """The person at their own terminal (not the one where their PIN was issued)."""
        config.write_text(base + '\n[insiders]\nterminal = "counter-9"\n')
        try:
            return cli(*args, env=env)
        finally:
            config.write_text(base)

    added = cli("staff", "add", "9001", "新员工", "--role", "cash_teller,lobby_assistant",
                "--as", HEAD.staff_no, *db, env=as_head)
    assert added.exit_code == 0, added.output
    first = re.search(r"一次性密码：(\d+)", added.stdout).group(1)  # nobody typed it: printed once
    here = cli("staff", "list", "--as", "9001", *db,
               env={"WEALTHTUI_PIN": first, "WEALTHTUI_NEW_PIN": "864200"})
    assert here.exit_code == 1 and zh["insiders.error.one_time_here"] in one_line(here.stderr)
    chosen = at_counter_9("staff", "list", "--as", "9001", *db,
                          env={"WEALTHTUI_PIN": first, "WEALTHTUI_NEW_PIN": "864200"})
    assert zh["insiders.change.done"] in chosen.stdout  # their own PIN first
    listed = cli("staff", "list", "--as", HEAD.staff_no, *db, env=as_head)
    assert "9001" in listed.stdout and "新员工" in listed.stdout
    roles = cli("staff", "roles", "9001", "--role", "non_cash_teller", "--as", HEAD.staff_no,
                *db, env=as_head)
    assert roles.exit_code == 0 and zh["role.non_cash_teller"] in roles.stdout
    reset = cli("staff", "reset-pin", "9001", "--as", HEAD.staff_no, *db, env=as_head)
    assert reset.exit_code == 0
    one_time = re.search(r"一次性密码：(\d+)", reset.stdout).group(1)  # printed once
    # the person signs in at their own terminal with it and must choose a new PIN first
    mine = at_counter_9("staff", "list", "--as", "9001", *db,
                        env={"WEALTHTUI_PIN": one_time, "WEALTHTUI_NEW_PIN": "864211"})
    assert zh["insiders.change.done"] in mine.stdout
    mine = cli("staff", "list", "--as", "9001", *db, env={"WEALTHTUI_PIN": "864211"})
    assert mine.exit_code == 1  # a teller may not see the roster
    assert zh["error.permission.denied"].split("（")[0] in mine.stderr
    assert cli("staff", "unlock", "9001", "--as", HEAD.staff_no, *db, env=as_head).exit_code == 0
    off = cli("staff", "deactivate", "9001", "--as", HEAD.staff_no, *db, env=as_head)
    assert off.exit_code == 0
    cm = next(a for a in DEMO_STAFF if a.roles == ("wealth_cm",))
    refused = cli("staff", "deactivate", cm.staff_no, "--as", HEAD.staff_no, *db, env=as_head)
    assert refused.exit_code == 1 and "wealthtui" not in refused.stderr.split("：", 1)[0]


def test_a_wrong_pin_and_a_teller_are_refused(cli, demo_db: Path):
    db = ("--db", str(demo_db))
    wrong = cli("staff", "list", "--as", HEAD.staff_no, *db, env={"WEALTHTUI_PIN": "000000"})
    assert wrong.exit_code == 1 and zh["error.auth.bad_credentials"] in one_line(wrong.stderr)
    teller = cli("staff", "add", "9002", "某人", "--role", "cash_teller", "--as",
                 TELLER.staff_no, *db, env={"WEALTHTUI_PIN": TELLER.pin,
                                            "WEALTHTUI_NEW_PIN": "135790"})
    assert teller.exit_code == 1
    assert zh["error.permission.denied"].format(action="staff.admin") in teller.stderr


def test_bad_role_names_the_field_and_what_is_accepted(cli, demo_db: Path):
    result = cli("staff", "add", "9003", "某人", "--role", "janitor", "--as", HEAD.staff_no,
                 "--db", str(demo_db), env={"WEALTHTUI_PIN": HEAD.pin, "WEALTHTUI_NEW_PIN": "135790"})
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert zh["field.roles"] in line and "cash_teller" in line


# --- the installed console script ------------------------------------------------------------------------
def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEALTHTUI_")}
    env.update({"WEALTHTUI_CONFIG": str(tmp_path / "cfg.toml"),
                "WEALTHTUI_DATA_DIR": str(tmp_path / "data"), "WEALTHTUI_LANG": "zh_CN"})
    return env


def test_installed_console_script(tmp_path: Path, demo_db: Path):
    assert EXE.is_file(), f"console script missing at {EXE}"
    env = _env(tmp_path)
    missing = subprocess.run([str(EXE), "--db", str(tmp_path / "none.db")], env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert "wealthtui init" in one_line(missing.stderr)
    verified = subprocess.run([str(EXE), "audit", "verify", "--db", str(demo_db)], env=env,
                              capture_output=True, text=True, timeout=120, check=False)
    assert verified.returncode == 0, verified.stderr
    assert "审计链完整" in verified.stdout
    helped = subprocess.run([str(EXE), "--lang", "en", "--help"], env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert helped.returncode == 0 and en["cli.help.demo"][:30] in " ".join(helped.stdout.split())


# --- mistakes on the command line ------------------------------------------------------------------
@pytest.mark.parametrize(("args", "expected"), [
    (["--nope"], "没有选项 --nope。"),
    (["staff", "add", "--rol", "x"], "没有选项 --rol；相近的选项：--role。"),
    (["gen", "--clients", "abc"], "--clients 的值无效：应为不小于 1 的整数。"),
    (["gen", "--clients", "0"], "--clients 的值无效：应为不小于 1 的整数。"),
    (["serve", "--mode", "lobby", "--port", "70000"],
     "--port 的值无效：应为1 到 65535 之间的整数。"),
    (["frob"], "没有命令 frob。"),
    (["locate", "extra"], "多余的参数：extra。"),
    (["staff", "add"], "缺少参数 STAFFNO。"),
    (["staff", "add", "--role"], "选项 --role 后面要跟一个值。"),
])
def test_a_mistake_on_the_command_line_is_one_translated_line(cli, args, expected):
    result = cli(*args)
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert line.startswith(zh["cli.error_prefix"] + expected), line
    assert "-h" in line and "Usage" not in result.output and "Error" not in result.output


def test_a_mistake_on_the_command_line_follows_the_language_flag(cli):
    result = cli("--lang", "en", "gen", "--clients", "abc")
    assert result.exit_code == 2
    line = one_line(result.stderr)  # (the runner calls the program "root", not "wealthtui")
    assert line.startswith(en["cli.error_prefix"] + "--clients: not a valid value; expected a "
                           "whole number of at least 1. (see ") and line.endswith(" gen -h)")
