"""Issue 15, tamper evidence: the attacks are done with plain `sqlite3` on the database file, as
someone with write access to it would (not through wealthtui's code), and `wealthtui audit
verify` / `wealthtui db check` must name what was done, one line per finding, exit status 1.
The normal paths — a fresh `init` center, the demo center, a small `gen` center — have none."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.cli_runner import cli_runner, demo_copy
from tests.conftest import T0
from tests.demo_fixture import fast_settings
from wealthtui import i18n
from wealthtui.demo import DEMO_STAFF
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Services
from wealthtui.store.engine import make_engine

zh = i18n.catalog("zh_CN")
HEAD = next(a for a in DEMO_STAFF if "head" in a.roles)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `wealthtui ARGS` in-process (tests/cli_runner.py)."""
    return cli_runner(monkeypatch)


@pytest.fixture
def demo_db(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path, tmp_path_factory)


# --- the attacker's tools: sqlite3 and hashlib, nothing of wealthtui ------------------------------
def attack(db: Path, *statements: str) -> None:
    con = sqlite3.connect(db)
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.close()


def query(db: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


DROP_TRIGGERS = ("DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete")


def sha256_forward(db: Path, start: int) -> None:
    """Recompute the plain SHA-256 chain from event `start` on (the published format) and
    repoint the head: what an attacker without the audit key can do."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT id, at, actor_id, action, entity, entity_id, detail, "
                       "manual_section, seals FROM audit_event WHERE id >= ? ORDER BY id",
                       (start,)).fetchall()
    prev = con.execute("SELECT prev_hash FROM audit_event WHERE id = ?", (start,)).fetchone()[0]
    for id_, at, actor, action, entity, entity_id, detail, section, seals in rows:
        at_iso = datetime.fromisoformat(at).replace(tzinfo=UTC).isoformat()
        parts = [prev, str(id_), at_iso, str(actor or ""), action, entity, entity_id, detail,
                 section] + ([seals] if seals else [])
        digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
        con.execute("UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?",
                    (prev, digest, id_))
        prev = digest
    con.execute("UPDATE audit_head SET last_hash = ?", (prev,))
    con.commit()
    con.close()


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def anchor(cli, db: Path) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    result = cli("audit", "anchor", "--db", str(db))
    assert result.exit_code == 0, result.output
    folder = Path(os.environ["WEALTHTUI_DATA_DIR"]) / "anchors"
    (file,) = folder.glob("*.jsonl")
    last = json.loads(file.read_text(encoding="utf-8").splitlines()[-1])
    return int(last["last_id"]), str(last["at"])


# --- the normal paths ---------------------------------------------------------------------------
def test_a_fresh_init_center_is_keyed_anchored_and_clean(cli, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    made = cli("init", "--db", str(db), input="H001\n王主任\n246810\n246810\n")
    assert made.exit_code == 0, made.output
    key = Path(os.environ["WEALTHTUI_CONFIG"]).parent / "audit.key"
    assert key.is_file() and key.stat().st_mode & 0o777 == 0o600
    assert key.read_text().strip() not in db.read_bytes().decode("latin-1")  # never in the DB
    assert query(db, "SELECT keyed_from FROM audit_head")[0][0] == 1  # keyed from the start
    check = cli("db", "check", "--db", str(db))
    assert check.exit_code == 0, check.output
    verify = cli("audit", "verify", "--db", str(db))
    assert verify.exit_code == 0 and zh["tamper.verify.anchors"].format(count=1) in verify.stdout


def test_the_demo_center_has_no_findings(cli, demo_db: Path) -> None:
    check = cli("db", "check", "--db", str(demo_db))
    assert check.exit_code == 0, check.output
    assert zh["tamper.check.seals_ok"] in check.stdout
    sealed = query(demo_db, "SELECT count(*) FROM row_seal")[0][0]
    assert sealed > query(demo_db, "SELECT count(*) FROM client")[0][0]


def test_a_small_generated_center_has_no_findings(cli, tmp_path: Path) -> None:
    db = tmp_path / "gen.db"
    made = cli("gen", "--clients", "60", "--days", "2", "--arrivals", "40", "--db", str(db))
    assert made.exit_code == 0, made.output
    check = cli("db", "check", "--db", str(db))
    assert check.exit_code == 0, check.output


# --- the attacks -----------------------------------------------------------------------------------
def test_truncation_that_hid_a_reveal_is_reported_against_the_anchor(cli, demo_db: Path,
                                                                      tmp_path: Path) -> None:
    engine = make_engine(str(demo_db))
    try:
        services = Services(engine, fast_settings(tmp_path), FixedClock(T0))
        head = services.auth.login(HEAD.staff_no, HEAD.pin)
        client = query(demo_db, "SELECT min(id) FROM client")[0][0]
        services.client_file.reveal(head, client, "id_number", "核对客户身份证件")
    finally:
        engine.dispose()
    reveal = query(demo_db, "SELECT max(id) FROM audit_event WHERE action = 'client.reveal'")[0][0]
    anchored, date = anchor(cli, demo_db)
    assert anchored >= reveal
    keep = reveal - 1
    attack(demo_db, *DROP_TRIGGERS, f"DELETE FROM audit_event WHERE id > {keep}",
           f"UPDATE audit_head SET last_id = {keep}, last_hash = "
           f"(SELECT hash FROM audit_event WHERE id = {keep})")
    result = cli("audit", "verify", "--db", str(demo_db))
    assert result.exit_code == 1
    assert zh["tamper.problem.anchor_truncated"].format(id=anchored, date=date) in result.stderr
    check = cli("db", "check", "--db", str(demo_db))
    assert check.exit_code == 1
    found = lines(check.stdout)
    for name in ("audit_event_no_update", "audit_event_no_delete"):
        assert zh["tamper.trigger.missing"].format(name=name) in found


def test_rewriting_an_actor_and_recomputing_sha256_is_detected_with_the_key(
        cli, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    assert cli("init", "--db", str(db), input="H001\n王主任\n246810\n246810\n").exit_code == 0
    for no, name in (("S1", "钱一"), ("S2", "孙二"), ("S3", "李三")):
        added = cli("staff", "add", no, name, "--role", "cash_teller", "--as", "H001",
                    "--db", str(db), env={"WEALTHTUI_PIN": "246810",
                                          "WEALTHTUI_NEW_PIN": "135790"})
        assert added.exit_code == 0, added.output
    target = query(db, "SELECT max(id) FROM audit_event WHERE action = 'staff.add'")[0][0] - 1
    attack(db, *DROP_TRIGGERS, f"UPDATE audit_event SET actor_id = 99 WHERE id = {target}")
    sha256_forward(db, target)
    result = cli("audit", "verify", "--db", str(db))
    assert result.exit_code == 1
    assert zh["cli.audit.broken"].format(id=target, problem=zh["audit.problem.hash"]) \
        in result.stderr


def test_rewriting_before_an_anchor_is_detected_without_a_key(cli, demo_db: Path) -> None:
    """The demo template's chain is not keyed: the anchor is what catches the rewrite. (With
    neither key nor anchor a rewrite recomputed forward passes: README, Guarantees.)"""
    assert query(demo_db, "SELECT keyed_from FROM audit_head")[0][0] == 0
    anchored, date = anchor(cli, demo_db)
    attack(demo_db, *DROP_TRIGGERS, "UPDATE audit_event SET actor_id = 99 WHERE id = 5")
    sha256_forward(demo_db, 5)
    result = cli("audit", "verify", "--db", str(demo_db))
    assert result.exit_code == 1
    assert zh["tamper.problem.anchor_rewritten"].format(id=anchored, date=date) in result.stderr


def test_multiplying_the_amounts_names_every_changed_row(cli, demo_db: Path) -> None:
    changed = {str(r[0]) for r in query(demo_db,
                                        "SELECT id FROM service_record WHERE amount_fen != 0")}
    assert changed
    attack(demo_db, "UPDATE service_record SET amount_fen=amount_fen*100")
    check = cli("db", "check", "--db", str(demo_db))
    assert check.exit_code == 1
    named = {line for line in lines(check.stdout) if line.startswith("service_record ")}
    assert named == {zh["tamper.seal.row_changed"].format(
        table="service_record", id=i,
        audit=query(demo_db, f"SELECT audit_id FROM row_seal WHERE tbl = 'service_record' "
                             f"AND row_id = '{i}'")[0][0]) for i in changed}


def test_a_role_change_by_sql_is_named(cli, demo_db: Path) -> None:
    """The teller's role turned into the head's, and the supervisor's added: both rows named."""
    teller = query(demo_db, "SELECT id FROM staff WHERE staff_no = '8011'")[0][0]
    held = query(demo_db, f"SELECT id FROM staff_role WHERE staff_id = {teller} "
                          f"AND role = 'cash_teller'")[0][0]
    attack(demo_db, f"UPDATE staff_role SET role = 'head' WHERE id = {held}",
           f"INSERT INTO staff_role (staff_id, role) VALUES ({teller}, 'supervisor')")
    added = query(demo_db, f"SELECT id FROM staff_role WHERE staff_id = {teller} "
                           f"AND role = 'supervisor'")[0][0]
    check = cli("--lang", "en", "db", "check", "--db", str(demo_db))
    assert check.exit_code == 1
    en = i18n.catalog("en")
    audit = query(demo_db, f"SELECT audit_id FROM row_seal WHERE tbl='staff_role' "
                           f"AND row_id='{held}'")[0][0]
    assert en["tamper.seal.row_changed"].format(table="staff_role", id=held, audit=audit) \
        in lines(check.stdout)
    assert en["tamper.seal.no_seal"].format(table="staff_role", id=added) in lines(check.stdout)


def test_dropped_triggers_are_named(cli, demo_db: Path) -> None:
    attack(demo_db, "DROP TRIGGER audit_event_no_update")
    check = cli("db", "check", "--db", str(demo_db))
    assert check.exit_code == 1
    found = [line for line in lines(check.stdout) if "audit_event_no_" in line]
    assert found == [zh["tamper.trigger.missing"].format(name="audit_event_no_update")]


# --- the chain head in the end-of-day export ----------------------------------------------------------
def test_the_eod_export_prints_the_chain_head_in_every_format(cli, demo_db: Path,
                                                             tmp_path: Path) -> None:
    last_id, last_hash = query(demo_db, "SELECT last_id, last_hash FROM audit_head")[0]
    shown = f"#{last_id} {last_hash[:16]}"
    as_json = cli("eod", "--format", "json", "--db", str(demo_db))
    assert json.loads(as_json.stdout)["audit_chain_head"] == {"last_id": last_id,
                                                              "hash": last_hash}
    as_csv = cli("eod", "--format", "csv", "--db", str(demo_db))
    rows = list(csv.reader(io.StringIO(as_csv.stdout.lstrip("\ufeff"))))
    assert ["audit_chain_head", zh["tamper.eod_chain_head"], shown] in rows
    out = tmp_path / "eod.xlsx"
    assert cli("eod", "--format", "xlsx", "--out", str(out), "--db", str(demo_db)).exit_code == 0
    from openpyxl import load_workbook

    cells = {c.value for ws in load_workbook(out) for row in ws.iter_rows() for c in row}
    assert shown in cells
    table = cli("eod", "--db", str(demo_db))
    assert zh["tamper.eod_chain_head"] in table.stdout and shown in table.stdout


def test_a_center_built_again_in_the_same_place_sets_the_old_anchors_aside(cli,
                                                                          tmp_path: Path) -> None:
    db = tmp_path / "gen.db"
    assert cli("gen", "--clients", "20", "--days", "1", "--arrivals", "20",
               "--db", str(db)).exit_code == 0
    anchor(cli, db)
    again = cli("gen", "--clients", "30", "--days", "1", "--arrivals", "20", "--reset",
                "--db", str(db))
    assert again.exit_code == 0, again.output
    verify = cli("audit", "verify", "--db", str(db))
    assert verify.exit_code == 0, verify.output
    folder = Path(os.environ["WEALTHTUI_DATA_DIR"]) / "anchors"
    retired = list(folder.glob("*.jsonl.retired-*"))
    assert len(retired) == 1 and len(retired[0].read_text().splitlines()) == 2
