"""Dual recording (双录, issue 17): the recording's reference entered before a sale completes,
and the check every sale path makes.

    services.dual_recording.enter(actor, client_id, "WM90", "SR-20261207-0042", "10:05", "10:20")
    services.dual_recording.open_for(actor, client_id)     # today's unused recordings
    services.dual_recording.needed(actor, client_id, "WM90")  # the rules naming that sale now
    services.dual_recording.day(actor)                     # the day's sales that needed one

The recording itself lives in the branch's recording system; we keep its id, who recorded it,
its start and end, the client and the product. `[compliance.dual_recording]` (rules as data,
rules.dual_recording) names the sales that need one. Every sale path checks the sale in its own
transaction through services.compliance.check_sale_in, which calls `match_in`: each product
sold that the rules name takes the client's unused recording of that product of the same
business day, ended before the sale — one recording, one sale. Without one the sale is refused
(outcome `no_recording`, naming the field), audited and counted like every refusal.

Regulatory practice, not our manual's text: 《银行业金融机构销售专区录音录像管理暂行规定》
(银监办发〔2017〕110号).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.model import Client, DualRecording, SaleCheck, Staff
from wealthtui.reports.compliance import DaySale, first_purchase_in, recording_status_in
from wealthtui.rules import dual_recording as rules
from wealthtui.rules import suitability
from wealthtui.rules.fields import FieldError
from wealthtui.services.base import Service, UnitOfWork, requires
from wealthtui.services.errors import NotFound

SECTION = service_section("dual_recording.SECTION")  # regulatory practice (module docstring)
NO_RECORDING = rules.NO_RECORDING  # the refusal's outcome on a SaleCheck row

F_PRODUCT, F_REF = "dual_recording.field.product", "dual_recording.field.ref"
F_START, F_END = "dual_recording.field.started", "dual_recording.field.ended"


@dataclass(frozen=True)
class RecordingView:
    id: int
    business_date: date
    recording_ref: str
    client_id: int
    product_code: str
    recorded_by_name: str
    started_at: datetime
    ended_at: datetime
    sale_check_id: int | None


def reasons_in(uow: UnitOfWork, row: SaleCheck) -> tuple[str, ...]:
    """The rules that name the sale of a (not yet stored) SaleCheck row."""
    return rules.reasons(rules.from_settings(uow.settings), product_code=row.product_code,
                         product_level=row.product_level, client_age=row.client_age,
                         first_purchase=first_purchase_in(uow.session, row.client_id))


def match_in(uow: UnitOfWork, rows: list[SaleCheck]) -> tuple[list[DualRecording], SaleCheck | None,
                                                               tuple[str, ...]]:
    """The recordings the sale's rows take (in the rows' order, for the rows that need one),
    or the first row that needs one and has none, with the rules that name it. Nothing is
    changed; `link_in` links them once the rows are stored."""
    taken: list[DualRecording] = []
    for row in rows:
        why = reasons_in(uow, row)
        if not why:
            continue
        used = {r.id for r in taken}
        found = uow.session.exec(
            select(DualRecording).where(
                DualRecording.client_id == row.client_id,
                DualRecording.product_code == row.product_code,
                DualRecording.business_date == uow.today,
                col(DualRecording.sale_check_id).is_(None),
                DualRecording.ended_at <= uow.now)
            .order_by(col(DualRecording.ended_at), col(DualRecording.id))).all()
        found = [r for r in found if r.id not in used]
        if not found:
            return taken, row, why
        taken.append(found[0])
    return taken, None, ()


def link_in(uow: UnitOfWork, rows: list[SaleCheck], taken: list[DualRecording]) -> None:
    """Link the recordings `match_in` found to the stored rows of the sale (same order)."""
    by_code: dict[str, list[DualRecording]] = {}
    for rec in taken:
        by_code.setdefault(rec.product_code, []).append(rec)
    for row in rows:
        queue = by_code.get(row.product_code)
        if not queue:
            continue
        rec = queue.pop(0)
        assert row.id is not None
        rec.sale_check_id = row.id
        uow.session.add(rec)
        uow.audit("dual_recording.use", "dual_recording", rec.id, manual_section=SECTION,
                  sale_check_id=row.id, client_id=row.client_id, product=row.product_code,
                  recording_ref=rec.recording_ref)


class DualRecordingService(Service):
    @requires("recording.enter")
    def enter(self, uow: UnitOfWork, client_id: int, product: str, ref: str, started: str,
              ended: str) -> RecordingView:
        """Keep the reference of a recording just made with the client for the product: the
        recording system's id, its start and end (HH:MM today), recorded by the actor. A sale
        of that product to the client later today takes it. The same id is refused twice."""
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFound("error.client.not_found", id=client_id)
        code = (product or "").strip().upper()
        if not code:
            raise FieldError(F_PRODUCT, "error.field.required")
        if uow.settings.contact.product(code) is None:
            raise FieldError(F_PRODUCT, "error.contact.unknown_product", code=code)
        ref_value = rules.parse_ref(ref, F_REF)
        tz = self.ctx.tz
        start = rules.parse_clock(started, F_START, uow.now, tz)
        end = rules.parse_clock(ended, F_END, uow.now, tz)
        rules.check_span(start, end, uow.now, F_END)
        taken = uow.session.exec(select(DualRecording.id).where(
            DualRecording.recording_ref == ref_value)).first()
        if taken is not None:
            raise FieldError(F_REF, "dual_recording.error.ref_taken", ref=ref_value)
        assert uow.actor_id is not None
        row = DualRecording(business_date=uow.today, recording_ref=ref_value,
                            client_id=client_id, product_code=code, recorded_by=uow.actor_id,
                            started_at=start, ended_at=end, entered_at=uow.now)
        uow.session.add(row)
        uow.session.flush()
        uow.audit("dual_recording.enter", "dual_recording", row.id, manual_section=SECTION,
                  client_id=client_id, product=code, recording_ref=ref_value,
                  started_at=start.isoformat(), ended_at=end.isoformat())
        return self._view(uow, row)

    @requires("recording.enter", write=False)
    def open_for(self, uow: UnitOfWork, client_id: int) -> list[RecordingView]:
        """The client's recordings of today not yet used by a sale, oldest first."""
        rows = uow.session.exec(select(DualRecording).where(
            DualRecording.client_id == client_id, DualRecording.business_date == uow.today,
            col(DualRecording.sale_check_id).is_(None)).order_by(col(DualRecording.id))).all()
        return [self._view(uow, r) for r in rows]

    @requires("recording.enter", write=False)
    def needed(self, uow: UnitOfWork, client_id: int | None, product: str) -> tuple[str, ...]:
        """The rules of `[compliance.dual_recording]` that name a sale of `product` to the
        client now (empty: it needs no recording; a walk-in or an unknown product: empty, the
        sale itself is refused for that). The counter's business form offers the recording
        form when this is not empty."""
        code = (product or "").strip().upper()
        shelf = uow.settings.contact.product(code) if code else None
        client = uow.session.get(Client, client_id) if client_id is not None else None
        if shelf is None or client is None:
            return ()
        age = suitability.age_on(client.birthday, uow.today)
        return rules.reasons(rules.from_settings(uow.settings), product_code=code,
                             product_level=shelf.risk_level, client_age=age,
                             first_purchase=first_purchase_in(uow.session, client.id))

    @requires("compliance.view", write=False)
    def day(self, uow: UnitOfWork, day: date | None = None) -> list[DaySale]:
        """The day's sales that needed a recording, with their status (for the head)."""
        d = day or uow.today
        return recording_status_in(uow.session, uow.settings, d, d)

    def _view(self, uow: UnitOfWork, row: DualRecording) -> RecordingView:
        staff = uow.session.get(Staff, row.recorded_by)
        assert row.id is not None
        return RecordingView(row.id, row.business_date, row.recording_ref, row.client_id,
                             row.product_code, staff.name if staff else "", row.started_at,
                             row.ended_at, row.sale_check_id)
