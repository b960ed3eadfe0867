"""Issue 16: a counter sale taken back (cancel_record, Ctrl+X at the counter) takes back the
conversion it made, in the same transaction; the day's figures follow."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.services.recording_helpers import recorded
from wealthtui.model import AuditEvent, Lead


def test_cancelling_a_counter_sale_reopens_the_lead_it_converted(center: Center,
                                                                 make_staff) -> None:  # type: ignore[no-untyped-def]
    s = center.services
    head = make_staff("head", staff_no="H1", name="王主任")
    client = center.client("王五", "potential", seq=7)
    center.sign_on(center.n1, "04")
    referred = s.counter.finish(center.n1, center.ticket_at(center.n1, "04", "B", client),
                                "refer", need_note="想了解理财")
    ticket = center.ticket_at(center.n1, "04", "B", client)
    recorded(s, center.n1, client, "MMF")  # the dual recording the sale needs (issue 17)
    sale = s.counter.record(center.n1, ticket, "wealth_product", "200,000", product="MMF")
    flow = s.reports.flow_log(head)
    assert (flow.referrals.made, flow.referrals.converted) == (1, 1)
    assert flow.leads is not None and flow.leads.converted.get("non_cash_counter") == 1

    s.counter.cancel_record(center.n1, sale.id, "客户改变主意")

    with Session(s.ctx.engine) as db:
        lead = db.get(Lead, referred.lead_id)
        assert lead is not None
        assert (lead.status, lead.converted_ref, lead.converted_by, lead.converted_at,
                lead.converted_product, lead.converted_amount_fen) == (
            "new", "", None, None, "", None)
        actions = list(db.exec(select(AuditEvent.action).where(
            AuditEvent.entity == "lead", AuditEvent.entity_id == str(lead.id))
            .order_by(AuditEvent.id)).all())
    assert actions[-2:] == ["lead.convert", "lead.unconvert"]
    flow = s.reports.flow_log(head)
    assert (flow.referrals.made, flow.referrals.converted) == (1, 0)
    assert flow.leads is not None and flow.leads.converted.get("non_cash_counter") == 0

    # the sale made again converts the lead again
    recorded(s, center.n1, client, "MMF")  # one recording, one sale
    again = s.counter.record(center.n1, ticket, "wealth_product", "100,000", product="MMF")
    with Session(s.ctx.engine) as db:
        lead = db.get(Lead, referred.lead_id)
        assert lead is not None
        assert (lead.status, lead.converted_ref) == ("converted", f"service:{again.id}")
    assert s.reports.flow_log(head).referrals.converted == 1

