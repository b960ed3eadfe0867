"""Dual recording (双录, issue 17) on the real database: the recording's reference entered before
the sale, every sale path refused without a matching one (audited, counted), one recording for
one sale, the rule table of `[compliance.dual_recording]` obeyed on every path (hypothesis)."""

from __future__ import annotations

import json
from datetime import timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from tests.conftest import T0
from tests.counter_ready import sign_on_ready
from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.services.recording_helpers import recorded
from wealthtui.config import load_settings
from wealthtui.model import AuditEvent, Client, DualRecording, SaleCheck, ServiceRecord
from wealthtui.services import Services
from wealthtui.services.compliance import SaleRefused
from wealthtui.services.errors import FieldError

TODAY = T0.date()
SEQ = count(500)


def set_client(services: Services, client_id: int, *, risk: int = 5, age: int = 40) -> None:
    with Session(services.ctx.engine) as s:
        row = s.get(Client, client_id)
        assert row is not None
        row.risk_level, row.risk_assessed_on = risk, TODAY - timedelta(days=10)
        row.birthday = TODAY.replace(year=TODAY.year - age) - timedelta(days=1)
        s.add(row)
        s.commit()


def at_counter(center: Center, client_id: int | None, services: Services | None = None) -> int:
    s = services or center.services
    if s.counter.current(center.n1) is None:
        center.sign_on(center.n1, "04")
    issued = s.queue.issue(center.lobby, "B", client_id=client_id)
    called = s.queue.call_next(center.n1, "04")
    assert called is not None and called.id == issued.id
    return called.id


def rows(services: Services, model):  # type: ignore[no-untyped-def]
    with Session(services.ctx.engine) as s:
        return list(s.exec(select(model).order_by(model.id)).all())


# --- the counter ----------------------------------------------------------------------------
def test_a_counter_sale_needs_its_recording_and_each_recording_serves_one_sale(
        center: Center) -> None:
    s = center.services
    client = center.client("录音甲", seq=1)
    set_client(s, client)
    ticket = at_counter(center, client)
    # what the business form asks before it offers the recording form (its F3)
    need = s.dual_recording.needed
    assert need(center.n1, client, "wm90") == ("product", "first_purchase")
    assert need(center.n1, client, "TD3M") == ("first_purchase",)
    assert need(center.n1, None, "WM90") == need(center.n1, client, "NOPE") == ()
    with pytest.raises(SaleRefused) as err:
        s.counter.record(center.n1, ticket, "wealth_product", "100,000", product="WM90")
    assert (err.value.field, err.value.key) == ("compliance.field.product", "dual_recording.refused")
    assert err.value.params["product"] == "WM90"
    assert "product" in err.value.params["rules"] and "first_purchase" in err.value.params["rules"]
    assert rows(s, ServiceRecord) == []
    [refused] = rows(s, SaleCheck)
    assert (refused.refused, refused.outcome, refused.path) == (True, "no_recording", "counter")
    with Session(s.ctx.engine) as db:
        event = db.exec(select(AuditEvent).where(
            AuditEvent.action == "compliance.sale_refused")).one()
    assert json.loads(event.detail)["products"] == {"WM90": "no_recording"}

    # a recording of another product or of another client does not count
    other = center.client("录音乙", seq=2)
    recorded(s, center.n1, client, "BONDF")
    recorded(s, center.n1, other, "WM90")
    with pytest.raises(SaleRefused):
        s.counter.record(center.n1, ticket, "wealth_product", "100,000", product="WM90")
    ref = recorded(s, center.n1, client, "WM90", "09:05", "09:25")
    assert [r.recording_ref for r in s.dual_recording.open_for(center.n1, client)][-1] == ref
    rec = s.counter.record(center.n1, ticket, "wealth_product", "100,000", product="WM90")
    assert rec.outcome == "done"
    [used] = [r for r in rows(s, DualRecording) if r.sale_check_id is not None]
    sale = next(c for c in rows(s, SaleCheck) if not c.refused)
    assert (used.recording_ref, used.sale_check_id, sale.service_record_id) == (ref, sale.id, rec.id)
    assert (used.recorded_by, used.client_id, used.product_code) == (
        center.n1.staff_id, client, "WM90")
    assert ref not in [r.recording_ref for r in s.dual_recording.open_for(center.n1, client)]
    # the same recording does not serve a second sale
    with pytest.raises(SaleRefused) as err:
        s.counter.record(center.n1, ticket, "wealth_product", "5,000", product="WM90")
    assert err.value.key == "dual_recording.refused"
    # no longer a first purchase: a deposit (not listed) needs none
    assert need(center.n1, client, "TD3M") == ()
    assert need(center.n1, client, "WM90") == ("product",)
    assert s.counter.record(center.n1, ticket, "wealth_product", "5,000",
                            product="TD3M").outcome == "done"


def test_entering_a_recording_refuses_bad_input_naming_the_field(center: Center) -> None:
    s = center.services
    client = center.client("录音丙", seq=3)
    cases = [
        (("WM90", "", "09:00", "09:10"), "dual_recording.field.ref", "error.field.required"),
        (("WM90", "录像<b>", "09:00", "09:10"), "dual_recording.field.ref", "dual_recording.error.ref"),
        (("WM90", "SR-1", "9点", "09:10"), "dual_recording.field.started", "dual_recording.error.clock"),
        (("WM90", "SR-1", "09:10", "09:00"), "dual_recording.field.ended",
         "dual_recording.error.end_before_start"),
        (("WM90", "SR-1", "09:10", "09:45"), "dual_recording.field.ended",  # now is 09:30
         "dual_recording.error.in_future"),
        (("NOPE", "SR-1", "09:00", "09:10"), "dual_recording.field.product",
         "error.contact.unknown_product"),
    ]
    for args, field, key in cases:
        with pytest.raises(FieldError) as err:
            s.dual_recording.enter(center.n1, client, *args)
        assert (err.value.field, err.value.key) == (field, key), args
    s.dual_recording.enter(center.n1, client, "wm90", " SR-1 ", "0900", "09：10")
    with pytest.raises(FieldError) as err:
        s.dual_recording.enter(center.cm, client, "WM90", "SR-1", "09:00", "09:10")
    assert err.value.key == "dual_recording.error.ref_taken"
    [row] = rows(s, DualRecording)
    assert (row.recording_ref, row.product_code, row.business_date) == ("SR-1", "WM90", TODAY)
    assert (row.ended_at - row.started_at) == timedelta(minutes=10)
    with Session(s.ctx.engine) as db:
        assert db.exec(select(AuditEvent).where(
            AuditEvent.action == "dual_recording.enter")).one().entity_id == str(row.id)


def test_yesterdays_recording_does_not_serve_todays_sale(center: Center, clock) -> None:
    s = center.services
    client = center.client("录音丁", seq=4)
    set_client(s, client)
    recorded(s, center.n1, client, "MIXF")
    clock.set(T0 + timedelta(days=1))
    ticket = at_counter(center, client)
    with pytest.raises(SaleRefused):
        s.counter.record(center.n1, ticket, "wealth_product", "1000", product="MIXF")


# --- the CM's contact (a lead's conversion goes through it or the counter) ------------------
def test_a_cm_sale_needs_its_recording_too(desk: Desk) -> None:
    s = desk.services
    client = desk.client("录音戊", cm=desk.cm1, risk=4, assessed=TODAY - timedelta(days=5))
    with pytest.raises(SaleRefused) as err:
        s.contacts.log(desk.cm1, client, channel="meeting", result="sold", products=["EQF"],
                       sale_amount="50000")
    assert (err.value.field, err.value.key) == ("cm.field.products", "dual_recording.refused")
    recorded(s, desk.cm1, client, "EQF")
    view = s.contacts.log(desk.cm1, client, channel="meeting", result="sold", products=["EQF"],
                          sale_amount="50000")
    sale = next(c for c in rows(s, SaleCheck) if not c.refused)
    [rec] = rows(s, DualRecording)
    assert (sale.contact_id, rec.sale_check_id) == (view.id, sale.id)
    # a proposal is not a sale: no recording needed
    s.contacts.log(desk.cm1, client, channel="phone", result="interested", products=["BONDF"])
    figures = s.compliance.figures(desk.head)
    assert (figures.recorded_sales, figures.refusals.get("no_recording"),
            figures.unrecorded_sales) == (1, 1, 0)
    [day] = [d for d in s.dual_recording.day(desk.head) if d.status == "recorded"]
    assert (day.product_code, day.path, day.recording_ref) == ("EQF", "contact", rec.recording_ref)


# --- property: no path records a sale the table forbids -------------------------------------
CODES = {1: "TD3M", 2: "WM90", 3: "MIXF"}  # a C5 client under 65 or over: all suitable
TABLE = st.fixed_dictionaries({
    "products": st.lists(st.sampled_from(["*", "TD3M", "WM90", "MIXF"]), max_size=2, unique=True),
    "from_product_level": st.integers(0, 5),
    "senior": st.booleans(),
    "first_purchase": st.booleans(),
})
CASE = dict(table=TABLE, level=st.integers(1, 3), age=st.sampled_from([40, 64, 65, 80]),
            bought_before=st.booleans(), with_recording=st.booleans(),
            path=st.sampled_from(["counter", "contact"]))
PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def table_needs(table: dict, level: int, age: int, senior_age: int, first: bool) -> bool:
    """The rule table, read straight from the config's values."""
    return ("*" in table["products"] or CODES[level] in table["products"]
            or (table["from_product_level"] > 0 and level >= table["from_product_level"])
            or (table["senior"] and age >= senior_age)
            or (table["first_purchase"] and first))


@PROPERTY
@given(**CASE)
def test_no_sale_path_records_a_sale_the_table_forbids(desk: Desk, teller, table, level, age,
                                                       bought_before, with_recording,
                                                       path) -> None:
    base = desk.services
    cfg = load_settings(overrides={"security": {"pin_hash_time_cost": 1},
                                   "compliance": {"dual_recording": table}}, environ={})
    s = Services(base.ctx.engine, cfg, base.ctx.clock)
    client = desk.client("属性双录", cm=desk.cm1, risk=5,
                         assessed=TODAY - timedelta(days=5),
                         birthday=TODAY.replace(year=TODAY.year - age) - timedelta(days=1))
    if bought_before:  # an earlier sale on record: recorded, whatever the table says
        recorded(s, desk.cm1, client, "TD3M", "08:00", "08:10")
        s.contacts.log(desk.cm1, client, channel="meeting", result="sold", products=["TD3M"],
                       sale_amount="1000")
    code = CODES[level]
    if with_recording:
        recorded(s, desk.cm1, client, code)
    needs = table_needs(table, level, age, cfg.compliance.senior_age, not bought_before)
    before = len([c for c in rows(s, SaleCheck) if c.client_id == client and not c.refused])
    try:
        if path == "counter":
            ticket = at_counter_for(desk, teller, s, client)
            s.counter.record(teller, ticket, "wealth_product", "1000", product=code)
            s.counter.finish(teller, ticket, "none")
        else:
            s.contacts.log(desk.cm1, client, channel="meeting", result="sold", products=[code],
                           sale_amount="1000")
        allowed = True
    except SaleRefused as exc:
        assert exc.key == "dual_recording.refused"
        allowed = False
        if path == "counter":
            s.counter.finish(teller, ticket, "none")
    assert allowed == (not needs or with_recording)
    sold = [c for c in rows(s, SaleCheck) if c.client_id == client and not c.refused]
    assert len(sold) == before + int(allowed)
    if allowed and needs:
        with Session(s.ctx.engine) as db:
            linked = db.exec(select(DualRecording).where(
                DualRecording.sale_check_id == sold[-1].id)).one()
        assert (linked.client_id, linked.product_code) == (client, code)


@pytest.fixture(name="teller")
def teller_fixture(make_staff):  # type: ignore[no-untyped-def]
    return make_staff("non_cash_teller", staff_no="N9", name="何柜员")


def at_counter_for(desk: Desk, teller, s: Services, client: int) -> int:  # type: ignore[no-untyped-def]
    if s.counter.current(teller) is None:
        sign_on_ready(s, teller, "04", None)
    issued = s.queue.issue(desk.lobby, "B", client_id=client)
    called = s.queue.call_next(teller, "04")
    assert called is not None and called.id == issued.id
    return called.id
