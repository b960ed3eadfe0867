"""Lead conversion (商机转化): a sale converts the client's open leads and referrals.

A sale is recorded by the CM (a contact with the result `sold`, its product and amount,
services.contacts) or at the counter (a business of a type [ownership] sale_business_types
names, done, services.counter). Every lead or referral of that client still open (`new` or
`contacted`) and raised within [ownership] conversion_window_days before the sale becomes
`converted`, with the sale that converted it. Each keeps its `source` (lobby / cash_counter /
non_cash_counter / cm) and `spotted_by`, so a report counts conversions by source and by the
person who referred.

Fields set on each converted lead: status = "converted", converted_at (the sale's time),
converted_ref ("contact:<contact_log.id>" or "service:<service_record.id>"), converted_by
(who recorded the sale), converted_product (product code or business type), converted_amount_fen.

A counter sale taken back (services.counter.cancel_record) takes its conversions back in the same
unit of work (`unconvert_for_record`): each lead it converted is open again, as it was before the
sale (`contacted` when the client was contacted since the lead was raised, else `new`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.model import ContactLog, Lead, ServiceRecord
from wealthtui.model.status import LeadStatus
from wealthtui.services.assignments import OPEN_LEAD
from wealthtui.services.base import UnitOfWork

SECTION = service_section("conversion.SECTION")  # referrals to CMs, followed to the sale


def convert_for_sale(uow: UnitOfWork, client_id: int, *, ref: str, product: str,
                     amount_fen: int | None, by: int | None = None) -> list[int]:
    """Convert the client's open leads of the window by the sale `ref` recorded by `by`
    (default the actor); returns their ids. Runs inside the caller's unit of work (the caller
    checked its own permission)."""
    since = uow.today - timedelta(days=uow.settings.ownership.conversion_window_days)
    leads = uow.session.exec(
        select(Lead).where(Lead.client_id == client_id, col(Lead.status).in_(OPEN_LEAD),
                           Lead.business_date >= since)
        .order_by(col(Lead.id))).all()
    for lead in leads:
        lead.status, lead.converted_at = "converted", uow.now
        lead.converted_ref, lead.converted_by = ref[:40], by or uow.actor_id
        lead.converted_product, lead.converted_amount_fen = product[:40], amount_fen
        uow.session.add(lead)
        uow.audit("lead.convert", "lead", lead.id, manual_section=SECTION, client_id=client_id,
                  source=lead.source, spotted_by=lead.spotted_by, sale=ref, product=product,
                  amount_fen=amount_fen)
    return [lead.id for lead in leads if lead.id is not None]


def convert_for_record(uow: UnitOfWork, rec: ServiceRecord) -> list[int]:
    """A counter business that is a sale ([ownership] sale_business_types), done (recorded, or
    authorised), for a known client: convert that client's open leads. Else nothing."""
    if (rec.outcome != "done" or rec.client_id is None
            or rec.business_type not in uow.settings.ownership.sale_business_types):
        return []
    return convert_for_sale(uow, rec.client_id, ref=f"service:{rec.id}",
                            product=rec.business_type, amount_fen=rec.amount_fen,
                            by=rec.staff_id)


def unconvert_for_record(uow: UnitOfWork, rec: ServiceRecord, reason: str) -> list[int]:
    """The counter sale `rec` is taken back: the leads it converted are open again (as before the
    sale); returns their ids. Runs inside the caller's unit of work."""
    leads = uow.session.exec(
        select(Lead).where(Lead.converted_ref == f"service:{rec.id}",
                           Lead.status == LeadStatus.CONVERTED)
        .order_by(col(Lead.id))).all()
    for lead in leads:
        contacted = lead.client_id is not None and uow.session.exec(
            select(ContactLog.id).where(ContactLog.client_id == lead.client_id,
                                        col(ContactLog.at) >= lead.created_at)
        ).first() is not None
        lead.status = LeadStatus.CONTACTED if contacted else LeadStatus.NEW
        lead.converted_at, lead.converted_ref, lead.converted_by = None, "", None
        lead.converted_product, lead.converted_amount_fen = "", None
        uow.session.add(lead)
        uow.audit("lead.unconvert", "lead", lead.id, manual_section=SECTION,
                  client_id=lead.client_id, source=lead.source, sale=f"service:{rec.id}",
                  status=lead.status, reason=reason)
    return [lead.id for lead in leads if lead.id is not None]
