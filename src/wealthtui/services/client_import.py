"""Importing clients from a CSV or XLSX file (`wealthtui clients import FILE`).

Every row is validated with the same parsers as the forms (rules.fields, rules.money,
rules.deadlines): name, ID type and number, mobile, card number, tier, assets, birthday. The good
rows are imported in batches, one transaction per batch through `import_batch` (action
`data.import`, one audit event per batch); every other row goes to a report file with its row
number, the field and the reason, translated — nothing is dropped without a line saying why:
read = imported + rejected.

A client already on file (same ID type and number), a second row for the same person in the file,
and a card number already on file are rejected, never imported twice; the check is repeated inside
each batch's transaction, so a client registered at the door meanwhile is caught too.

The report never holds a full identity, phone or card number: numbers are masked as on screen.

Columns (first row, in any order; English names or the Chinese labels): name 姓名,
id_type 证件类型 (a code like `resident` or its Chinese name), id_number 证件号码, phone 手机号码,
card_no 卡号, tier 客户等级 (a code or its name), aum 金融资产 (yuan), birthday 出生日期.
Required: name, id_type, id_number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.i18n import catalog, t
from wealthtui.model import Client, ClientAccount
from wealthtui.reports.cells import csv_text
from wealthtui.rules import fields, pinyin
from wealthtui.rules.deadlines import parse_day
from wealthtui.rules.fields import FieldError
from wealthtui.rules.money import parse_yuan
from wealthtui.services import masking
from wealthtui.services.base import Actor, Service, UnitOfWork, requires
from wealthtui.services.errors import ServiceError
from wealthtui.store import stats

SECTION = service_section("client_import.SECTION")  # the client file kept by the CMs (manual digest §8.3 form 3)
COLUMNS = ("name", "id_type", "id_number", "phone", "card_no", "tier", "aum", "birthday")
REQUIRED = ("name", "id_type", "id_number")
#: the field label (catalog key) each column's errors name
FIELD_OF = {"name": "field.name", "id_type": "field.id_type", "id_number": "field.id_number",
            "phone": "field.phone", "card_no": "field.card_no", "tier": "client_import.col.tier",
            "aum": "client_import.col.aum", "birthday": "client_import.col.birthday"}
MASKED = ("id_number", "phone", "card_no")
DEFAULT_BATCH = 500
MAX_CELL = 200  # longer cells are cut in the report (the row is rejected anyway)

Progress = Callable[[int, int], None]  # (rows done, rows in the file)


class ImportFileError(ServiceError):
    """The file as a whole cannot be read (format, encoding, header)."""


@dataclass(frozen=True)
class ClientRow:
    """One validated row, ready to be written."""

    row: int
    name: str
    id_type: str
    id_number: str
    phone: str
    card_no: str
    tier: str
    aum_fen: int
    birthday: date | None
    gender: str


@dataclass(frozen=True)
class Rejected:
    row: int
    column: str   # one of COLUMNS, or "" for the row as a whole
    value: str    # as typed, masked when it is a number that identifies someone
    key: str      # catalog key of the reason
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def field_key(self) -> str:
        return FIELD_OF.get(self.column, "client_import.col.row")


@dataclass(frozen=True)
class BatchOutcome:
    imported: tuple[int, ...]        # row numbers written
    rejected: tuple[Rejected, ...]   # rows found to be duplicates inside the transaction


@dataclass(frozen=True)
class ImportSummary:
    read: int
    imported: int
    rejected: int
    batches: int
    report: Path | None              # the report of rejected rows (None when none)


# --- reading ----------------------------------------------------------------------------------
def _aliases() -> dict[str, str]:
    """Header text → column: the codes and their labels in every catalog."""
    out = {c: c for c in COLUMNS}
    for lang in ("zh_CN", "en"):
        cat = catalog(lang)
        for c in COLUMNS:
            label = cat.get(f"client_import.col.{c}")
            if label:
                out[label.strip().lower()] = c
    return out


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("error.client_import.encoding")


def _cells(path: Path) -> Iterator[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from csv.reader(io.StringIO(_decode(path.read_bytes()), newline=""))
    elif suffix == ".xlsx":
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, BadZipFile, KeyError, ValueError) as exc:
            raise ImportFileError("error.client_import.unreadable", path=str(path)) from exc
        try:
            for values in book.worksheets[0].iter_rows(values_only=True):
                yield [_cell_text(v) for v in values]
        finally:
            book.close()
    else:
        raise ImportFileError("error.client_import.format", accepted="CSV, XLSX")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number Excel stored as 1.3800138E10
    return str(value)


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The columns found and the data rows as {column: text}, with their row numbers in the
    file (the header is row 1). Blank rows are skipped; unknown columns are ignored."""
    rows = iter(_cells(path))
    header = next(rows, None)
    if header is None:
        raise ImportFileError("error.client_import.empty")
    aliases = _aliases()
    columns = [aliases.get((h or "").strip().lower(), "") for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportFileError("error.client_import.missing_columns",
                              columns=", ".join(missing), accepted=", ".join(COLUMNS))
    out = []
    for number, cells in enumerate(rows, start=2):
        if not any((c or "").strip() for c in cells):
            continue
        raw = {c: (cells[i] if i < len(cells) else "") or "" for i, c in enumerate(columns) if c}
        out.append((number, raw))
    return [c for c in columns if c], out


# --- validating -------------------------------------------------------------------------------
_LONG_NUMBER = re.compile(r"[0-9０-９]{6,}")


def _shown(settings: Any, column: str, value: str) -> str:
    """A rejected value as the report shows it: numbers masked as on screen — also a number
    typed into the wrong column (an ID number in the name column)."""
    value = value[:MAX_CELL]
    if column == "phone":
        return masking.phone(settings, fields.normalise(value))
    if column == "card_no":
        return masking.card(settings, fields.normalise(value))
    if column == "id_number":
        return masking.id_number(settings, fields.normalise(value).upper())
    return _LONG_NUMBER.sub(lambda m: masking.card(settings, m.group()), value)


def _choice(text: str, codes: tuple[str, ...], labels: dict[str, str]) -> str | None:
    value = text.strip()
    if value in codes:
        return value
    lowered = value.lower()
    return next((code for code, label in labels.items() if label.lower() == lowered), None)


def _id_labels() -> list[dict[str, str]]:
    """The ID types' names in every catalog (a file may say 居民身份证 or Resident ID card)."""
    return [{code: catalog(lang).get(f"cm.id_type.{code}", code) for code in fields.ID_TYPES}
            for lang in ("zh_CN", "en")]


def validate(settings: Any, row: int, raw: dict[str, str]) -> ClientRow | list[Rejected]:
    """One row checked field by field; all of its problems, or the row ready to write."""
    problems: list[Rejected] = []
    values: dict[str, Any] = {}

    def check(column: str, parse: Callable[[str], Any]) -> None:
        text = raw.get(column, "")
        try:
            values[column] = parse(text)
        except FieldError as exc:
            problems.append(Rejected(row, column, _shown(settings, column, text), exc.key,
                                     dict(exc.params)))

    tiers = tuple(tier.code for tier in settings.tiers)

    def id_type(text: str) -> str:
        code = next((c for labels in _id_labels() for c in [_choice(text, fields.ID_TYPES,
                                                                       labels)] if c), None)
        if code is None:
            raise FieldError("field.id_type", "error.field.id_type",
                             accepted=", ".join(fields.ID_TYPES))
        return code

    def tier(text: str) -> str:
        if not text.strip():
            return tiers[0]
        code = _choice(text, tiers, {x.code: x.name for x in settings.tiers}) or _choice(
            text, tiers, {x.code: x.name_en for x in settings.tiers})
        if code is None:
            raise FieldError("client_import.col.tier", "error.field.choice",
                             accepted=", ".join(tiers))
        return code

    check("name", fields.parse_name)
    check("id_type", id_type)
    if "id_type" in values:
        check("id_number", lambda s: fields.parse_id_number(values["id_type"], s))
    check("phone", lambda s: fields.parse_mobile(s) if s.strip() else "")
    check("card_no", lambda s: fields.parse_card(s) if s.strip() else "")
    check("tier", tier)
    check("aum", lambda s: parse_yuan(s, "client_import.col.aum", allow_zero=True)
          if s.strip() else 0)
    check("birthday", lambda s: parse_day(s, "client_import.col.birthday") if s.strip()
          else None)
    if problems:
        return problems
    number, gender, birthday = values["id_number"], "", values["birthday"]
    if values["id_type"] in (fields.ID_RESIDENT, fields.ID_RESIDENCE_PERMIT):
        born = fields.birthday_from_resident_id(number)
        if birthday is not None and birthday != born:
            return [Rejected(row, "birthday", raw.get("birthday", ""),
                             "error.client_import.birthday_mismatch")]
        birthday, gender = born, "M" if int(number[16]) % 2 else "F"
    return ClientRow(row=row, name=values["name"], id_type=values["id_type"], id_number=number,
                     phone=values["phone"], card_no=values["card_no"], tier=values["tier"],
                     aum_fen=values["aum"], birthday=birthday, gender=gender)


# --- the service ------------------------------------------------------------------------------
class ClientImportService(Service):
    @requires("data.import", write=False)
    def may_import(self, uow: UnitOfWork) -> bool:
        """True; refuses (and audits) an actor without `data.import` before a file is read."""
        return True

    @requires("data.import")
    def import_batch(self, uow: UnitOfWork, rows: list[ClientRow], *,
                     source: str = "") -> BatchOutcome:
        """Write one batch in one transaction. Rows whose client (ID type and number) or card
        is already on file — or earlier in this batch — are returned as rejected, not written."""
        numbers = {(r.id_type, r.id_number) for r in rows}
        existing: dict[tuple[str, str], int] = {}
        for number_chunk in _chunks(sorted({n for _, n in numbers}), 500):
            for cid, kind, number in uow.session.exec(
                select(Client.id, Client.id_type, Client.id_number)
                .where(col(Client.id_number).in_(number_chunk))
            ):
                existing[(kind, number)] = cid  # type: ignore[assignment]
        cards: set[str] = set()
        wanted = sorted({r.card_no for r in rows if r.card_no})
        for card_chunk in _chunks(wanted, 500):
            cards.update(uow.session.exec(
                select(ClientAccount.number).where(col(ClientAccount.number).in_(card_chunk))
            ).all())
        written: list[int] = []
        rejected: list[Rejected] = []
        settings = self.settings
        for r in rows:
            key = (r.id_type, r.id_number)
            if key in existing:
                rejected.append(Rejected(r.row, "id_number",
                                         masking.id_number(settings, r.id_number),
                                         "error.client_import.already_on_file",
                                         {"id": existing[key]}))
                continue
            if r.card_no and r.card_no in cards:
                rejected.append(Rejected(r.row, "card_no", masking.card(settings, r.card_no),
                                         "error.client_import.card_on_file"))
                continue
            full, initials = pinyin.name_keys(r.name)
            client = Client(
                name=r.name, name_pinyin=full, name_initials=initials, gender=r.gender,
                id_type=r.id_type, id_number=r.id_number, phone=r.phone, birthday=r.birthday,
                tier=r.tier, aum_fen=r.aum_fen, created_at=uow.now,
            )
            uow.session.add(client)
            uow.session.flush()
            assert client.id is not None
            existing[key] = client.id
            if r.card_no:
                uow.session.add(ClientAccount(client_id=client.id, number=r.card_no))
                cards.add(r.card_no)
            written.append(r.row)
        uow.session.flush()
        uow.audit("client.import", "client", "", manual_section=SECTION, source=source,
                  imported=len(written), rejected=len(rejected),
                  first_row=rows[0].row if rows else None,
                  last_row=rows[-1].row if rows else None)
        return BatchOutcome(tuple(written), tuple(rejected))

    def import_file(self, actor: Actor, path: Path, *, report: Path | None = None,
                    batch_size: int = DEFAULT_BATCH, progress: Progress | None = None,
                    ) -> ImportSummary:
        """Validate every row of `path`, import the good ones batch by batch, and write the
        rejected ones to `report` (default: `<file>.rejected.csv` beside it)."""
        self.may_import(actor)
        _, rows = read_rows(path)
        total = len(rows)
        done = 0
        rejected: list[Rejected] = []
        imported = batches = 0
        seen: dict[tuple[str, str], int] = {}
        pending: list[ClientRow] = []

        def flush() -> None:
            nonlocal imported, batches
            if not pending:
                return
            outcome = self.import_batch(actor, list(pending), source=path.name)
            imported += len(outcome.imported)
            rejected.extend(outcome.rejected)
            batches += 1
            pending.clear()

        for number, raw in rows:
            result = validate(self.settings, number, raw)
            if isinstance(result, list):
                rejected.extend(result)
            else:
                key = (result.id_type, result.id_number)
                if key in seen:
                    rejected.append(Rejected(number, "id_number",
                                             masking.id_number(self.settings, result.id_number),
                                             "error.client_import.twice_in_file",
                                             {"row": seen[key]}))
                else:
                    seen[key] = number
                    pending.append(result)
            done += 1
            if len(pending) >= batch_size:
                flush()
            if progress is not None:
                progress(done, total)
        flush()
        if imported:  # a bulk load: the planner's statistics again (store.stats)
            stats.after_commit(self.ctx.engine, bulk=True)
        rejected_rows = {r.row for r in rejected}
        written = None
        if rejected:
            written = report or path.with_name(f"{path.stem}.rejected.csv")
            write_report(written, sorted(rejected, key=lambda r: (r.row, r.column)))
        assert imported + len(rejected_rows) == total  # nothing dropped without a reason
        return ImportSummary(read=total, imported=imported, rejected=len(rejected_rows),
                             batches=batches, report=written)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def write_report(path: Path, rejected: list[Rejected]) -> None:
    """The rejected rows, one line per problem: row number, field, value (masked), reason —
    translated in the current language; UTF-8 with a BOM so that spreadsheet programs read it.
    The value is text from the imported file: no cell starts a formula (reports.cells)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow([csv_text(t("client_import.report.row")),
                      csv_text(t("client_import.report.field")),
                      csv_text(t("client_import.report.value")),
                      csv_text(t("client_import.report.reason"))])
        for r in rejected:
            out.writerow([r.row, csv_text(t(r.field_key)), csv_text(r.value),
                          csv_text(t(r.key, **r.params))])


def rejected_report_rows(path: Path) -> list[list[str]]:
    """The report read back (for tests and for showing it)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


__all__ = ["ClientImportService", "ClientRow", "ImportFileError", "ImportSummary", "Rejected",
           "read_rows", "validate", "write_report"]
