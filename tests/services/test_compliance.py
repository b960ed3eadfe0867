"""Compliance at the point of sale (issue 17) on the real database: suitability on the counter's
wealth-product business and on the CM's contact, refusals stored, audited and counted, the
authorisation limit on the day's sum, and the head's figures equal to the records."""

from __future__ import annotations

import json
from datetime import date, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from tests.conftest import T0
from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.services.recording_helpers import recorded
from wealthtui.config import load_settings
from wealthtui.model import AuditEvent, Client, SaleCheck, ServiceRecord
from wealthtui.services import Services
from wealthtui.services.compliance import SaleRefused
from wealthtui.services.errors import FieldError

TODAY = T0.date()
SEQ = count(100)


def set_client(services: Services, client_id: int, *, risk: int | None,
               assessed: date | None, birthday: date | None = date(1980, 1, 1)) -> None:
    with Session(services.ctx.engine) as s:
        row = s.get(Client, client_id)
        assert row is not None
        row.risk_level, row.risk_assessed_on, row.birthday = risk, assessed, birthday
        s.add(row)
        s.commit()


def sale_checks(services: Services) -> list[SaleCheck]:
    with Session(services.ctx.engine) as s:
        return list(s.exec(select(SaleCheck).order_by(SaleCheck.id)).all())


def records(services: Services) -> list[ServiceRecord]:
    with Session(services.ctx.engine) as s:
        return list(s.exec(select(ServiceRecord).order_by(ServiceRecord.id)).all())


def at_counter(center: Center, client_id: int | None) -> int:
    """A non-cash ticket (category B) for the client, called to N1's counter 04."""
    s = center.services
    if s.counter.current(center.n1) is None:
        center.sign_on(center.n1, "04")
    return center.ticket_at(center.n1, "04", "B", client_id=client_id)


# --- the counter's wealth-product business ---------------------------------------------------
def test_a_walk_in_cannot_buy_a_wealth_product_and_the_refusal_is_kept(center: Center) -> None:
    s = center.services
    ticket = at_counter(center, None)
    with pytest.raises(SaleRefused) as err:
        s.counter.record(center.n1, ticket, "wealth_product", "1,000,000", product="TD3M")
    assert err.value.key == "compliance.refused.walk_in"
    assert err.value.field == "compliance.field.product"
    assert records(s) == []  # nothing sold
    [row] = sale_checks(s)
    assert (row.refused, row.outcome, row.client_id, row.path, row.amount_fen) == (
        True, "walk_in", None, "counter", 100_000_000)
    with Session(s.ctx.engine) as db:
        event = db.exec(select(AuditEvent).where(
            AuditEvent.action == "compliance.sale_refused")).one()
    assert event.actor_id == center.n1.staff_id
    assert json.loads(event.detail)["products"] == {"TD3M": "walk_in"}


def test_a_sale_names_its_product_and_other_business_does_not(center: Center) -> None:
    s = center.services
    client = center.client("钱多多")
    set_client(s, client, risk=3, assessed=TODAY - timedelta(days=30))
    ticket = at_counter(center, client)
    with pytest.raises(FieldError) as err:
        s.counter.record(center.n1, ticket, "wealth_product", "100000")
    assert (err.value.field, err.value.key) == ("compliance.field.product",
                                                "compliance.error.product_needed")
    with pytest.raises(FieldError) as err:
        s.counter.record(center.n1, ticket, "transfer", "100", product="WM90")
    assert err.value.key == "compliance.error.product_not_sale"
    with pytest.raises(FieldError) as err:
        s.counter.record(center.n1, ticket, "wealth_product", "100000", product="NOPE")
    assert err.value.key == "error.contact.unknown_product"


def test_a_product_at_the_clients_level_is_sold_and_one_above_is_refused(center: Center) -> None:
    s = center.services
    client = center.client("孙稳健")
    set_client(s, client, risk=2, assessed=TODAY - timedelta(days=100))
    ticket = at_counter(center, client)
    recorded(s, center.n1, client, "WM90")  # the sale's dual recording (双录)
    rec = s.counter.record(center.n1, ticket, "wealth_product", "100,000", product="wm90")
    assert rec.outcome == "done"
    with pytest.raises(SaleRefused) as err:
        s.counter.record(center.n1, ticket, "wealth_product", "100,000", product="EQF")
    assert err.value.key == "compliance.refused.above_level"
    assert (err.value.params["product_level"], err.value.params["client_level"]) == (4, 2)
    sold, refused = sale_checks(s)
    assert (sold.refused, sold.outcome, sold.service_record_id, sold.product_code) == (
        False, "suitable", rec.id, "WM90")
    assert (refused.refused, refused.outcome, refused.service_record_id) == (
        True, "above_level", None)
    assert [r.id for r in records(s)] == [rec.id]


def test_an_expired_or_missing_assessment_allows_r1_only(center: Center) -> None:
    s = center.services
    expired = center.client("周过期", seq=2)
    set_client(s, expired, risk=5, assessed=TODAY - timedelta(days=365))
    ticket = at_counter(center, expired)
    recorded(s, center.n1, expired, "CD1Y")  # a first purchase: recorded
    assert s.counter.record(center.n1, ticket, "wealth_product", "5000",
                            product="CD1Y").outcome == "done"
    with pytest.raises(SaleRefused) as err:
        s.counter.record(center.n1, ticket, "wealth_product", "5000", product="WM90")
    assert err.value.key == "compliance.refused.assessment_expired"
    s.counter.finish(center.n1, ticket, "none")
    never = center.client("吴未评", seq=3)
    set_client(s, never, risk=None, assessed=None)
    ticket = at_counter(center, never)
    with pytest.raises(SaleRefused) as err:
        s.counter.record(center.n1, ticket, "wealth_product", "5000", product="WM90")
    assert err.value.key == "compliance.refused.no_assessment"


def test_a_lead_is_converted_only_by_a_sale_the_rules_allow(center: Center) -> None:
    """A lead has no sale path of its own (compliance.PATHS): a refused sale converts nothing,
    the allowed one converts it, and every kept check names one of the paths."""
    from wealthtui.model import Lead
    from wealthtui.services.compliance import PATHS

    s = center.services
    client = center.client("郑商机", "potential", seq=4)
    set_client(s, client, risk=2, assessed=TODAY - timedelta(days=10))
    ticket = at_counter(center, client)
    lead_id = s.counter.finish(center.n1, ticket, "refer", need_note="想买理财").lead_id
    ticket = at_counter(center, client)
    with pytest.raises(SaleRefused):  # R3 for a C2 client
        s.counter.record(center.n1, ticket, "wealth_product", "50000", product="MIXF")
    with Session(s.ctx.engine) as db:
        assert db.get(Lead, lead_id).status == "new"  # type: ignore[union-attr]
    recorded(s, center.n1, client, "WM90")
    sale = s.counter.record(center.n1, ticket, "wealth_product", "50000", product="WM90")
    with Session(s.ctx.engine) as db:
        lead = db.get(Lead, lead_id)
        assert lead is not None
        assert (lead.status, lead.converted_ref) == ("converted", f"service:{sale.id}")
    assert {c.path for c in sale_checks(s)} == {"counter"} <= set(PATHS)


def test_a_client_of_65_or_more_is_limited_to_the_configured_level(center: Center) -> None:
    s = center.services
    client = center.client("郑长者")
    born = date(TODAY.year - 65, TODAY.month, TODAY.day)  # 65 today
    set_client(s, client, risk=5, assessed=TODAY - timedelta(days=10), birthday=born)
    ticket = at_counter(center, client)
    recorded(s, center.n1, client, "MIXF")
    assert s.counter.record(center.n1, ticket, "wealth_product", "1000",
                            product="MIXF").outcome == "done"  # R3 = senior_max_level
    with pytest.raises(SaleRefused) as err:
        s.counter.record(center.n1, ticket, "wealth_product", "1000", product="EQF")
    assert err.value.key == "compliance.refused.senior_limit"
    assert err.value.params["age"] == 65


# --- the CM's contact -----------------------------------------------------------------------
def test_an_acknowledgement_no_longer_lets_an_above_level_sale_through(desk: Desk) -> None:
    s = desk.services
    client = desk.client("王保守", cm=desk.cm1, risk=1, assessed=TODAY - timedelta(days=5))
    with pytest.raises(SaleRefused) as err:
        s.contacts.log(desk.cm1, client, channel="meeting", purpose="product", result="sold", sale_amount="50000",
                       products=["QDII"], acknowledgements={"QDII": "客户签字"})
    assert err.value.key == "compliance.refused.above_level"
    [row] = sale_checks(s)
    assert (row.refused, row.path, row.product_level, row.client_level) == (True, "contact", 5, 1)


def test_sold_needs_a_product_and_a_suitable_sale_is_kept_with_the_contact(desk: Desk) -> None:
    s = desk.services
    client = desk.client("冯平衡", cm=desk.cm1, risk=3, assessed=TODAY - timedelta(days=5))
    with pytest.raises(FieldError) as err:
        s.contacts.log(desk.cm1, client, channel="phone", result="sold")
    assert err.value.key == "compliance.error.sold_needs_product"
    recorded(s, desk.cm1, client, "MIXF")
    view = s.contacts.log(desk.cm1, client, channel="meeting", result="sold", products=["MIXF"],
                          sale_amount="50000")
    s.contacts.log(desk.cm1, client, channel="phone", result="interested", products=["BONDF"])
    [row] = sale_checks(s)  # a proposal is checked but not a sale
    assert (row.refused, row.contact_id, row.product_code) == (False, view.id, "MIXF")


def test_a_configured_exception_lets_an_acknowledged_sale_through(desk: Desk) -> None:
    s = desk.services
    rules = load_settings(overrides={"security": {"pin_hash_time_cost": 1},
                                     "compliance": {"exceptions": [[4, 5]]}})
    branch = Services(s.ctx.engine, rules, s.ctx.clock)
    client = desk.client("陈进取", cm=desk.cm1, risk=4, assessed=TODAY - timedelta(days=5))
    with pytest.raises(SaleRefused):  # the exception needs the signed acknowledgement
        branch.contacts.log(desk.cm1, client, channel="meeting", result="sold", sale_amount="50000", products=["QDII"])
    recorded(s, desk.cm1, client, "QDII")
    branch.contacts.log(desk.cm1, client, channel="meeting", result="sold", sale_amount="50000", products=["QDII"],
                        acknowledgements={"QDII": "风险揭示书 7"})
    with pytest.raises(SaleRefused):  # not in the default rules
        s.contacts.log(desk.cm1, client, channel="meeting", result="sold", sale_amount="50000", products=["QDII"],
                       acknowledgements={"QDII": "风险揭示书 8"})
    outcomes = [(r.refused, r.outcome) for r in sale_checks(s)]
    assert outcomes == [(True, "above_level"), (False, "acknowledged"), (True, "above_level")]
    figures = s.compliance.figures(desk.head)
    assert (figures.exceptions, figures.refused_total, figures.sales_by_risk) == (1, 2, {5: 1})


# --- authorisation on the day's sum ----------------------------------------------------------
def test_two_withdrawals_just_under_the_limit_on_one_ticket_need_authorisation(
        center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "500000")
    ticket = center.ticket_at(center.t1, "02", "A")  # a walk-in: the ticket's sum counts
    first = s.counter.record(center.t1, ticket, "cash_withdrawal", "49,999.99")
    second = s.counter.record(center.t1, ticket, "cash_withdrawal", "49,999.99")
    assert (first.outcome, first.authorization_sum_of) == ("done", "")
    assert (second.outcome, second.authorization_sum_of) == ("pending_auth", "ticket")
    assert second.authorization_sum_fen == 9_999_998
    req = s.authorization.request(center.t1, second.id)
    assert set(req.checker_roles) == {"supervisor", "officer"}
    s.authorization.decide(center.sup, req.id, True)
    s.counter.finish(center.t1, ticket, "none")


def test_the_clients_day_sum_counts_across_tickets(center: Center) -> None:
    s = center.services
    client = center.client("蒋分拆")
    center.sign_on(center.t1, "02", "500000")
    first = center.ticket_at(center.t1, "02", "A", client_id=client)
    assert s.counter.record(center.t1, first, "cash_withdrawal", "30000").outcome == "done"
    s.counter.finish(center.t1, first, "none")
    second = center.ticket_at(center.t1, "02", "A", client_id=client)
    rec = s.counter.record(center.t1, second, "cash_withdrawal", "20000")
    assert (rec.outcome, rec.authorization_sum_of, rec.authorization_sum_fen) == (
        "pending_auth", "client_day", 5_000_000)
    with Session(s.ctx.engine) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "counter.record")
                        .order_by(AuditEvent.id.desc())).first()
    assert json.loads(event.detail)["authorization_sum_of"] == "client_day"
    # a cancelled business does not count
    s.counter.cancel_record(center.t1, rec.id, "录错")
    assert s.counter.record(center.t1, second, "cash_withdrawal", "100").outcome == "done"


# --- the head's figures ------------------------------------------------------------------------
def test_the_heads_figures_equal_the_records(center: Center, head) -> None:
    s = center.services
    c2 = center.client("甲", seq=4)
    set_client(s, c2, risk=2, assessed=TODAY - timedelta(days=1))
    ticket = at_counter(center, c2)
    recorded(s, center.n1, c2, "WM90")
    s.counter.record(center.n1, ticket, "wealth_product", "1000", product="WM90")
    s.counter.record(center.n1, ticket, "wealth_product", "2000", product="TD3M")
    for code in ("EQF", "QDII"):
        with pytest.raises(SaleRefused):
            s.counter.record(center.n1, ticket, "wealth_product", "1000", product=code)
    day = s.compliance.figures(head)
    month = s.compliance.month_figures(head)
    rows = sale_checks(s)
    assert day.sales_by_risk == {1: 1, 2: 1} and day.sales_amount_fen == 300_000
    assert day.refusals == {"above_level": 2} == month.refusals
    assert day.sales_total == sum(not r.refused for r in rows)
    assert day.refused_total == sum(r.refused for r in rows)
    assert day.sales_without_valid_assessment == 0
    assert [r.id for r in s.compliance.refused_today(head)] == [rows[3].id, rows[2].id]


# --- property: per sale path, the services agree with the rule table --------------------------
PRODUCT_OF_LEVEL = {1: "TD3M", 2: "WM90", 3: "MIXF", 4: "EQF", 5: "QDII"}
CASES = dict(client=st.one_of(st.none(), st.integers(1, 5)), product=st.integers(1, 5),
             assessed_days=st.integers(0, 730), age=st.integers(18, 95),
             amount=st.integers(1, 10_000_000))
PROPERTY = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def table_allows(cfg, product: int, client: int | None, assessed_days: int, age: int) -> bool:
    """The `[compliance]` rule table, read straight from the config (not through decide)."""
    c = cfg.compliance
    if age >= c.senior_age and product > c.senior_max_level:
        return False
    if client is None or assessed_days >= cfg.contact.risk_assessment_valid_days:
        return product <= c.unassessed_max_level
    return product <= client


def born(age: int) -> date:
    return TODAY.replace(year=TODAY.year - age)


@PROPERTY
@given(**CASES)
def test_the_counter_sells_exactly_what_the_table_allows(center: Center, client, product,
                                                         assessed_days, age, amount) -> None:
    s = center.services
    cid = center.client("属性测试", seq=next(SEQ))
    set_client(s, cid, risk=client, assessed=TODAY - timedelta(days=assessed_days) if client else None,
               birthday=born(age))
    ticket = at_counter(center, cid)
    before = len(records(s))
    allowed = table_allows(s.settings, product, client, assessed_days, age)
    recorded(s, center.n1, cid, PRODUCT_OF_LEVEL[product])  # the dual recording: never the reason
    try:
        rec = s.counter.record(center.n1, ticket, "wealth_product", f"{amount / 100:.2f}",
                               product=PRODUCT_OF_LEVEL[product])
        assert allowed and rec.outcome == "done"
    except SaleRefused:
        assert not allowed
        assert len(records(s)) == before  # nothing recorded
    s.counter.finish(center.n1, ticket, "none")
    last = sale_checks(s)[-1]
    assert (last.client_id, last.refused, last.amount_fen) == (cid, not allowed, amount)


@PROPERTY
@given(**CASES)
def test_the_contact_log_sells_exactly_what_the_table_allows(desk: Desk, client, product,
                                                             assessed_days, age, amount) -> None:
    s = desk.services
    cid = desk.client("属性测试", cm=desk.cm1, risk=client, birthday=born(age),
                      assessed=TODAY - timedelta(days=assessed_days) if client else None)
    allowed = table_allows(s.settings, product, client, assessed_days, age)
    code = PRODUCT_OF_LEVEL[product]
    recorded(s, desk.cm1, cid, code)  # the dual recording: never the reason here
    try:
        view = s.contacts.log(desk.cm1, cid, channel="meeting", result="sold", products=[code], sale_amount="50000",
                              acknowledgements={code: "签字"})  # no exception configured
        assert allowed
        assert sale_checks(s)[-1].contact_id == view.id
    except SaleRefused:
        assert not allowed
    with Session(s.ctx.engine) as db:
        sold = db.exec(select(SaleCheck).where(SaleCheck.client_id == cid,
                                               SaleCheck.refused == False)).all()  # noqa: E712
    assert len(sold) == int(allowed)


def test_the_end_of_day_report_carries_the_compliance_section(center: Center, head) -> None:
    from wealthtui.reports import export
    s = center.services
    c3 = center.client("乙", seq=5)
    set_client(s, c3, risk=3, assessed=TODAY - timedelta(days=1))
    ticket = at_counter(center, c3)
    recorded(s, center.n1, c3, "MIXF")
    s.counter.record(center.n1, ticket, "wealth_product", "50,000", product="MIXF")
    with pytest.raises(SaleRefused):
        s.counter.record(center.n1, ticket, "wealth_product", "50,000", product="QDII")
    report = s.reports.eod(head)
    doc = export.day_dict(s.settings, report)
    assert doc["compliance"]["sales"] == 1 and doc["compliance"]["sales_by_risk"]["R3"] == 1
    assert doc["compliance"]["refusals"]["above_level"] == 1
    assert doc["compliance"]["sales_without_valid_assessment"] == 0
    [section] = [x for x in export.day_sections(doc) if x.key == "compliance"]
    values = {row[0]: row[2] for row in section.rows}
    assert values["sales_R3"] == 1 and values["refused_above_level"] == 1
    assert values["sales_amount"] == "50,000.00"


def test_every_compliance_setting_is_cited_with_its_basis() -> None:
    import dataclasses
    import tomllib

    from wealthtui.config import ComplianceCfg
    from wealthtui.resources import data_file

    doc = tomllib.loads(data_file("compliance", "rules.toml").read_text(encoding="utf-8"))
    cited = {s for r in doc["rules"] for s in r["settings"]}
    names = {f"compliance.{f.name}" for f in dataclasses.fields(ComplianceCfg)}
    assert names <= cited
    for r in doc["rules"]:
        assert r["basis"] in ("manual", "regulatory") and r["cites"] and r["rule"]
