"""Importing clients from CSV and XLSX (issue 9 item 3): every row validated with the form
parsers, good rows imported one transaction per batch and audited per batch, every rejected row
in the report with its row number, field and reason — nothing dropped silently, nobody imported
twice, no full number in the report."""

from __future__ import annotations

import csv
import json
import os
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session, col, select
from stdnum import luhn
from stdnum.cn import ric
from typer.testing import CliRunner

from tests.conftest import FAST_PIN_HASH, TEST_PIN
from wealthtui.model import AuditEvent, Client, ClientAccount
from wealthtui.services import Services
from wealthtui.services.audit import verify_engine
from wealthtui.services.client_import import ImportFileError, rejected_report_rows
from wealthtui.services.errors import PermissionDenied

HEADER = ["name", "id_type", "id_number", "phone", "card_no", "tier", "aum", "birthday"]


def rid(seq: int, born: str = "19800101") -> str:
    body = f"110105{born}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def card(seq: int) -> str:
    body = f"622202{seq:012d}"
    return body + luhn.calc_check_digit(body)


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER,
              encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return path


def clients(services: Services) -> dict[str, Client]:
    with Session(services.ctx.engine) as db:
        return {c.id_number: c for c in db.exec(select(Client))}


def import_events(services: Services) -> list[dict]:
    with Session(services.ctx.engine) as db:
        rows = db.exec(select(AuditEvent).where(AuditEvent.action == "client.import")
                       .order_by(col(AuditEvent.id))).all()
    return [json.loads(r.detail) for r in rows]


def test_good_rows_are_imported_in_batches_and_every_bad_row_is_reported(
        services: Services, head, make_staff, tmp_path: Path) -> None:
    lobby = make_staff("lobby_manager", staff_no="L1")
    already = services.lookup.register(lobby, name="老客户", id_type="resident",
                                       id_number=rid(90))
    good = [
        ["张三", "resident", rid(1), "138 0013 8000", card(1), "premium", "1,200,000.00", ""],
        ["买买提·艾力", "居民身份证", "１１０１０５" + rid(2)[6:], "", "", "", "", "1980-01-01"],
        ["Anna Müller", "passport", "e1234 5678", "+852 6123 4567", "", "ordinary", "0", ""],
        ["𠀀𪚥", "resident", rid(3), "", card(3), "理财金客户", "", ""],
    ]
    bad = [
        (["李四", "resident", rid(4)[:-1] + ("0" if rid(4)[-1] != "0" else "1"), "", "", "", "",
          ""], "id_number", "error.field.id_resident_invalid"),
        (["王😀", "resident", rid(5), "", "", "", "", ""], "name", "error.field.name_chars"),
        (["赵六", "resident", rid(6), "12345", "", "", "", ""], "phone", "error.field.phone"),
        (["钱七", "resident", rid(7), "", "", "", "-5", ""], "aum",
         "error.field.amount_negative"),
        (["孙八", "resident", rid(8), "", "", "diamond", "", ""], "tier", "error.field.choice"),
        (["周九", "resident", rid(9), "", "", "", "", "1980-02-30"], "birthday",
         "error.complaint.date"),
        (["吴十", "resident", "", "", "", "", "", ""], "id_number", "error.field.required"),
        (["郑十一", "driving_licence", "X1", "", "", "", "", ""], "id_type",
         "error.field.id_type"),
        (["冯十二", "resident", rid(10), "", "", "", "", "1990-05-05"], "birthday",
         "error.client_import.birthday_mismatch"),
        (["老客户", "resident", rid(90), "", "", "", "", ""], "id_number",
         "error.client_import.already_on_file"),
        (["张三", "resident", rid(1), "", "", "", "", ""], "id_number",
         "error.client_import.twice_in_file"),
        (["陈十三", "resident", rid(11), "", card(1), "", "", ""], "card_no",
         "error.client_import.card_on_file"),
    ]
    rows = good[:2] + [b[0] for b in bad[:6]] + good[2:] + [b[0] for b in bad[6:]]
    path = write_csv(tmp_path / "clients.csv", rows)
    seen: list[tuple[int, int]] = []
    summary = services.client_import.import_file(head, path, batch_size=2,
                                                 progress=lambda d, n: seen.append((d, n)))

    assert (summary.read, summary.imported, summary.rejected) == (len(rows), 4, len(bad))
    assert seen[-1] == (len(rows), len(rows)) and len(seen) == len(rows)
    stored = clients(services)
    for number in (rid(1), rid(2), "E12345678", rid(3)):
        assert number in stored
    zhang = stored[rid(1)]
    assert (zhang.tier, zhang.aum_fen, zhang.phone, zhang.gender) == (
        "premium", 120_000_000, "13800138000", "F" if int(rid(1)[16]) % 2 == 0 else "M")
    assert stored["E12345678"].phone == "+85261234567"
    assert stored[rid(3)].tier == "premium"  # the tier's name in Chinese is understood
    assert stored[rid(2)].birthday == date(1980, 1, 1)
    assert already.id == stored[rid(90)].id and len(stored) == 5  # not imported twice
    with Session(services.ctx.engine) as db:
        assert sorted(db.exec(select(ClientAccount.number)).all()) == sorted([card(1), card(3)])

    # the report: one line per problem, row numbers as in the file (header = row 1)
    report = rejected_report_rows(summary.report)
    lines = {(int(r[0]), r[1]): r[3] for r in report}
    row_of = {id(b[0]): rows.index(b[0]) + 2 for b in bad}
    from wealthtui.i18n import t

    for values, column, key in bad:
        row = row_of[id(values)]
        label = t({"tier": "client_import.col.tier", "aum": "client_import.col.aum",
                   "birthday": "client_import.col.birthday"}.get(column, f"field.{column}"))
        assert (row, label) in lines, (row, column, report)
        assert lines[(row, label)].startswith(t(key, id=already.id, row=2, max=40,
                                                accepted="")[:6])
    text = summary.report.read_text("utf-8-sig")
    for number in [rid(n) for n in range(1, 12)] + [rid(90), card(1), card(3)]:
        assert number not in text  # masked, as on screen
    # one transaction and one audit event per batch; the chain holds
    events = import_events(services)
    assert sum(e["imported"] for e in events) == 4 and len(events) == summary.batches
    assert all(e["source"] == "clients.csv" for e in events)
    assert not any(rid(1) in json.dumps(e) for e in events)
    assert verify_engine(services.ctx.engine).ok


def test_an_xlsx_with_chinese_headers_and_numeric_cells(services: Services, head,
                                                         tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "证件类型", "证件号码", "手机号码", "卡号", "客户等级", "金融资产",
                  "出生日期", "备注（忽略）"])
    sheet.append(["刘一", "居民身份证", rid(21), 13900139000, int(card(21)), "理财金客户", 5000,
                  date(1980, 1, 1), "x"])
    sheet.append(["刘二", "护照", "G7654321", None, None, None, None, None, None])
    sheet.append([None] * 9)  # a blank line is not a row
    sheet.append(["刘三", "passport", "#bad#", None, None, None, None, None, None])
    path = tmp_path / "clients.xlsx"
    book.save(path)
    summary = services.client_import.import_file(head, path)
    stored = clients(services)
    assert (summary.read, summary.imported, summary.rejected) == (3, 2, 1)
    assert stored[rid(21)].phone == "13900139000" and stored[rid(21)].aum_fen == 500_000
    assert stored[rid(21)].tier == "premium"
    assert "G7654321" in stored
    assert [int(r[0]) for r in rejected_report_rows(summary.report)] == [5]


def test_gb18030_csv_from_a_chinese_spreadsheet(services: Services, head, tmp_path) -> None:
    path = write_csv(tmp_path / "gbk.csv", [["黄三", "居民身份证", rid(31), "", "", "", "", ""]],
                     header=["姓名", "证件类型", "证件号码", "手机号码", "卡号", "客户等级",
                             "金融资产", "出生日期"], encoding="gb18030")
    summary = services.client_import.import_file(head, path)
    assert (summary.imported, summary.rejected, summary.report) == (1, 0, None)
    assert clients(services)[rid(31)].name == "黄三"


def test_a_client_registered_meanwhile_is_caught_in_the_batch(services: Services, head,
                                                              make_staff, tmp_path) -> None:
    lobby = make_staff("lobby_manager", staff_no="L1")
    path = write_csv(tmp_path / "c.csv", [["甲", "resident", rid(41), "", "", "", "", ""],
                                          ["乙", "resident", rid(42), "", "", "", "", ""]])

    def at_the_door(done: int, total: int) -> None:
        if done == total:  # validated, not yet written: someone registers 乙 at the door
            services.lookup.register(lobby, name="乙", id_type="resident", id_number=rid(42))

    summary = services.client_import.import_file(head, path, progress=at_the_door)
    assert (summary.imported, summary.rejected) == (1, 1)
    assert [r[3] for r in rejected_report_rows(summary.report)][0].startswith("该客户已登记")
    assert sum(1 for c in clients(services).values() if c.id_number == rid(42)) == 1


def test_only_the_head_imports_and_a_refusal_is_audited_before_the_file_is_read(
        services: Services, make_staff, tmp_path) -> None:
    lobby = make_staff("lobby_manager", staff_no="L1")
    with pytest.raises(PermissionDenied):
        services.client_import.import_file(lobby, tmp_path / "never-read.csv")
    with Session(services.ctx.engine) as db:
        refused = db.exec(select(AuditEvent).where(AuditEvent.action == "security.refused")).one()
    assert (refused.actor_id, refused.entity_id) == (lobby.staff_id, "data.import")


@pytest.mark.parametrize(("name", "content", "key"), [
    ("c.txt", "name\n", "error.client_import.format"),
    ("c.csv", "", "error.client_import.empty"),
    ("c.csv", "name,phone\n张三,13800138000\n", "error.client_import.missing_columns"),
    ("c.xlsx", "not a workbook", "error.client_import.unreadable"),
])
def test_a_file_that_cannot_be_read_is_refused_whole(services: Services, head, tmp_path,
                                                     name: str, content: str, key: str) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(ImportFileError) as exc:
        services.client_import.import_file(head, path)
    assert exc.value.key == key
    assert clients(services) == {}


@pytest.mark.sqlite_only
def test_the_command_line_shows_progress_and_the_summary(services: Services, head, db_path,
                                                         tmp_path, monkeypatch) -> None:
    from wealthtui.cli import app

    config = Path(os.environ["WEALTHTUI_CONFIG"])
    config.write_text("[security]\n" + "".join(f"{k} = {v}\n" for k, v in FAST_PIN_HASH.items()))
    path = write_csv(tmp_path / "c.csv", [["甲", "resident", rid(51), "", "", "", "", ""],
                                          ["乙", "resident", "123", "", "", "", "", ""]])
    services.ctx.engine.dispose()
    result = CliRunner().invoke(app, ["--db", str(db_path), "clients", "import", str(path),
                                      "--as", "H001", "--report", str(tmp_path / "r.csv")],
                                env={"WEALTHTUI_PIN": TEST_PIN})
    assert result.exit_code == 0, result.output
    assert "共读取 2 行：导入 1 行，拒绝 1 行" in result.output
    assert str(tmp_path / "r.csv") in result.output
    assert [r[0] for r in rejected_report_rows(tmp_path / "r.csv")] == ["3"]
