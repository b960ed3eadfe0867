"""The contact log and contact marketing: a contact in one call, suitability of the products
proposed against the client's risk level, follow-ups kept, leads and targets moved on."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from tests.conftest import T0
from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from wealthtui import i18n
from wealthtui.config import load_settings
from wealthtui.model import AuditEvent, ContactLog, ContactProposal, Lead
from wealthtui.rules import step_facts
from wealthtui.rules.fields import FieldError
from wealthtui.services import Services
from wealthtui.services.errors import PermissionDenied
from wealthtui.ui.labels import step_fact_text

TODAY = date(2026, 11, 30)


def contacts(desk: Desk) -> int:
    with Session(desk.engine) as s:
        return s.exec(select(func.count()).select_from(ContactLog)).one()


def test_a_contact_with_a_follow_up_in_seven_days_is_on_that_days_agenda(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    view = desk.services.contacts.log(
        desk.cm1, client, channel="phone", purpose="product", content="介绍稳健型理财",
        needs="子女教育金", result="interested", next_action="约到理财室面谈",
        next_date=TODAY + timedelta(days=7))
    assert (view.staff_name, view.follow_up_open) == ("李理财", True)
    on_the_day = desk.services.agenda.items(desk.cm1, start=TODAY + timedelta(days=7))
    follow = [i for i in on_the_day if i.kind == "follow_up"]
    assert [(i.client_id, i.param("action"), i.ref) for i in follow] == [
        (client, "约到理财室面谈", view.id)]
    assert [i for i in desk.services.agenda.items(desk.cm1) if i.kind == "follow_up"] == []


def test_a_product_above_the_clients_risk_level_is_refused_and_nothing_is_written(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1, risk=2, assessed=TODAY - timedelta(days=30))
    with pytest.raises(FieldError) as refused:
        desk.services.contacts.log(desk.cm1, client, channel="meeting", purpose="product",
                                   products=["WM90", "EQF"])
    assert (refused.value.field, refused.value.key) == ("cm.field.products",
                                                        "compliance.refused.above_level")
    assert refused.value.params["product_level"] == 4 and refused.value.params["client_level"] == 2
    assert contacts(desk) == 0


def with_exception(desk: Desk, client_level: int, product_level: int) -> Services:
    """The same center under a branch config that names one above-level exception (issue 17:
    without one, an acknowledgement lets nothing through)."""
    rules = load_settings(overrides={"security": {"pin_hash_time_cost": 1},
                                     "compliance": {"exceptions": [[client_level, product_level]]}})
    return Services(desk.engine, rules, desk.services.ctx.clock)


def test_the_signed_acknowledgement_is_recorded_with_the_proposal(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1, risk=2, assessed=TODAY - timedelta(days=30))
    with pytest.raises(FieldError):  # the default rules name no exception
        desk.services.contacts.log(desk.cm1, client, channel="meeting", purpose="product",
                                   products=["EQF"], acknowledgements={"EQF": "签字"})
    view = with_exception(desk, 2, 4).contacts.log(
        desk.cm1, client, channel="meeting", purpose="product", products=["wm90", "EQF"],
        acknowledgements={"EQF": "客户签署风险揭示书 No.2026-118"})
    assert view.products_proposed == "WM90,EQF"
    with Session(desk.engine) as s:
        rows = s.exec(select(ContactProposal).order_by(ContactProposal.id)).all()
    assert [(p.product_code, p.verdict, p.client_risk, p.acknowledgement) for p in rows] == [
        ("WM90", "suitable", 2, ""), ("EQF", "acknowledged", 2, "客户签署风险揭示书 No.2026-118")]
    (event,) = [e for e in _audits(desk) if e.action == "contact.log"]
    assert json.loads(event.detail)["products"] == {"EQF": "acknowledged", "WM90": "suitable"}


def test_an_expired_assessment_refuses_even_an_acknowledged_product(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1, risk=5, assessed=TODAY - timedelta(days=400))
    with pytest.raises(FieldError) as refused:
        desk.services.contacts.log(desk.cm1, client, channel="phone", products=["MIXF"],
                                   acknowledgements={"MIXF": "签字"})
    assert refused.value.key == "compliance.refused.assessment_expired"
    desk.services.contacts.log(desk.cm1, client, channel="phone", products=["TD3M"])  # R1 is fine
    checks = desk.services.contacts.check_products(desk.cm1, client, ["TD3M", "MIXF"])
    assert [c.outcome for c in checks] == ["suitable", "assessment_expired"]


def test_an_unknown_product_and_bad_fields_name_the_field(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    cases = [
        (dict(channel="pigeon"), "cm.field.channel"),
        (dict(channel="phone", purpose="gossip"), "cm.field.purpose"),
        (dict(channel="phone", products=["NOPE"]), "cm.field.products"),
        (dict(channel="phone", next_date=TODAY - timedelta(days=1)), "cm.field.next_date"),
        (dict(channel="phone", next_action="回电"), "cm.field.next_date"),
        (dict(channel="phone", content="a\x00b"), "cm.field.content"),
    ]
    for fields, field in cases:
        with pytest.raises(FieldError) as bad:
            desk.services.contacts.log(desk.cm1, client, **fields)
        assert bad.value.field == field, fields
    assert contacts(desk) == 0


def test_an_assistant_logs_contacts_for_their_cm_but_proposes_no_products(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1, risk=3, assessed=TODAY)
    with pytest.raises(PermissionDenied):
        desk.services.contacts.log(desk.asst, client, channel="phone")
    desk.services.assignments.attach_assistant(desk.head, desk.asst.staff_id, desk.cm1.staff_id)
    desk.services.contacts.log(desk.asst, client, channel="phone", purpose="care",
                               content="提醒产品到期")
    with pytest.raises(PermissionDenied):
        desk.services.contacts.log(desk.asst, client, channel="phone", products=["TD3M"])
    assert contacts(desk) == 1


def test_a_later_contact_keeps_the_follow_ups_that_are_due(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    due = desk.past_contact(client, desk.cm1, T0 - timedelta(days=7), next_date=TODAY)
    later = desk.past_contact(client, desk.cm1, T0 - timedelta(days=2), next_date=TODAY + timedelta(days=5))
    view = desk.services.contacts.log(desk.cm1, client, channel="phone", purpose="follow_up")
    with Session(desk.engine) as s:
        assert s.get(ContactLog, due).follow_up_done_id == view.id  # type: ignore[union-attr]
        assert s.get(ContactLog, later).follow_up_done_id is None  # type: ignore[union-attr]
    desk.services.contacts.log(desk.cm1, client, channel="sms", keeps=[later])
    assert desk.services.contacts.open_follow_ups(desk.cm1) == []
    with pytest.raises(FieldError):
        desk.services.contacts.log(desk.cm1, client, channel="sms", keeps=[later])


def test_a_contact_moves_the_clients_new_leads_to_contacted(desk: Desk) -> None:
    client = desk.client("孙潜力", tier="potential", aum_fen=30_000_000)
    with Session(desk.engine) as s:
        s.add(Lead(business_date=TODAY, client_id=client, signal="大额存款", spotted_by=desk.lobby.staff_id,
                   source="lobby", created_at=T0))
        s.commit()
    desk.services.contacts.log(desk.mcm, client, channel="phone", purpose="product")
    with Session(desk.engine) as s:
        assert s.exec(select(Lead.status)).one() == "contacted"


def _audits(desk: Desk) -> list[AuditEvent]:
    with Session(desk.engine) as s:
        return list(s.exec(select(AuditEvent).order_by(AuditEvent.id)).all())


def test_the_marketing_checklists_proposal_step_records_products_against_the_risk_level(
        desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1, risk=3, assessed=TODAY - timedelta(days=30))
    run = desk.services.checklists.start(desk.cm1, "cm_contact_marketing", client_id=client)
    with pytest.raises(FieldError):  # refused: nothing goes into the run either
        desk.services.contacts.log(desk.cm1, client, channel="meeting", purpose="product",
                                   products=["QDII"], run_id=run.id)
    assert not desk.services.checklists.get(desk.cm1, run.id).state("proposal").done
    with_exception(desk, 3, 5).contacts.log(desk.cm1, client, channel="meeting", purpose="product",
                               products=["MIXF", "QDII"], run_id=run.id,
                               acknowledgements={"QDII": "风险揭示书第 7 号"})
    proposal = desk.services.checklists.get(desk.cm1, run.id).state("proposal")
    assert proposal.done and proposal.done_by_id == desk.cm1.staff_id
    fact = step_facts.parse(proposal.value)  # codes, worded when shown in either language
    assert fact is not None and fact.products == (
        step_facts.Proposed("MIXF", 3, 3, "suitable"),
        step_facts.Proposed("QDII", 5, 3, "acknowledged", "风险揭示书第 7 号"))
    i18n.set_language("en")
    shown = step_fact_text(desk.services.settings, fact)
    assert shown == ("MIXF Balanced fund R3/C3: Suitable; QDII QDII overseas equity fund R5/C3: "
                     "Above level (client signed) [风险揭示书第 7 号]")
    i18n.set_language("zh_CN")
    shown = step_fact_text(desk.services.settings, fact)
    assert shown.startswith("MIXF 混合型基金 R3/C3：适合；QDII ") and "【风险揭示书第 7 号】" in shown
    other = desk.client("周别人", cm=desk.cm1, risk=3, assessed=TODAY)
    with pytest.raises(FieldError) as wrong:
        desk.services.contacts.log(desk.cm1, other, channel="phone", run_id=run.id)
    assert wrong.value.key == "error.contact.no_such_run"
