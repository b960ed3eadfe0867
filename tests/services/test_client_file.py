"""The client file: who may open it (every role, driven by the permissions matrix), masking and
reveal with a reason, audit of views and refusals, and editing with validation."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from tests.conftest import T0
from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from wealthtui.model import AuditEvent, Client, TierChange
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError
from wealthtui.services.errors import PermissionDenied


def audits(desk: Desk, action: str) -> list[AuditEvent]:
    with Session(desk.engine) as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)
                            .order_by(AuditEvent.id)).all())


def can_open(desk: Desk, actor, client_id: int) -> bool:  # type: ignore[no-untyped-def]
    try:
        desk.services.client_file.open(actor, client_id)
    except PermissionDenied:
        return False
    return True


def test_who_opens_which_file_for_every_role(desk: Desk, make_staff) -> None:
    """For each role: another CM's client, a client without a CM, and a client the staff member
    has a hand-off about. The matrix says which roles open files at all; the record says whose."""
    theirs = desk.client("钱多多", cm=desk.cm1)
    unowned = desk.client("孙潜力", tier="potential", aum_fen=25_000_000)
    checked = 0
    for i, role in enumerate(permissions.ROLES):
        actor = make_staff(role, staff_no=f"X{i}")
        worked = desk.client(f"赵工作{i}", cm=desk.cm2)
        desk.services.handoffs.create(desk.cm2, kind="referral", to_staff_id=actor.staff_id,
                                      client_id=worked, note="请接待")
        views = permissions.allowed({role}, "client.file.view")
        desk_role = role in permissions.CM_DESK or role == permissions.HEAD
        assert can_open(desk, actor, theirs) == (views and role == permissions.HEAD), role
        assert can_open(desk, actor, unowned) == (views and desk_role), role
        assert can_open(desk, actor, worked) == views, role
        checked += 3
    assert checked == 3 * len(permissions.ROLES)


def test_the_clients_cm_and_the_assistant_attached_to_that_cm_open_it(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    assert can_open(desk, desk.cm1, client)
    assert not can_open(desk, desk.cm2, client)
    assert not can_open(desk, desk.asst, client)
    desk.services.assignments.attach_assistant(desk.head, desk.asst.staff_id, desk.cm1.staff_id)
    view = desk.services.client_file.open(desk.asst, client)
    assert view.access == "assistant"
    desk.services.assignments.detach_assistant(desk.head, desk.asst.staff_id, desk.cm1.staff_id)
    assert not can_open(desk, desk.asst, client)


def test_a_refusal_is_clear_and_audited_with_the_client(desk: Desk, make_staff) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    with pytest.raises(PermissionDenied) as refused:
        desk.services.client_file.open(desk.cm2, client)
    assert refused.value.key == "error.client_file.not_yours"
    (event,) = audits(desk, "client.file.refused")
    assert (event.actor_id, event.entity, event.entity_id) == (desk.cm2.staff_id, "client",
                                                               str(client))
    teller = make_staff("cash_teller")
    with pytest.raises(PermissionDenied):
        desk.services.client_file.open(teller, client)
    denied = [e for e in audits(desk, "security.refused") if e.actor_id == teller.staff_id]
    assert [e.entity_id for e in denied] == ["client.file.view"]


def test_every_opening_is_audited_and_identity_is_masked(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1, phone="13912345678")
    view = desk.services.client_file.open(desk.cm1, client)
    assert view.phone_masked == "139****5678"
    assert view.id_number_masked.startswith("110105") and "*" in view.id_number_masked
    assert view.id_number_masked.endswith(view.id_number_masked[-4:])
    with Session(desk.engine) as s:
        full = s.get(Client, client)
        assert full is not None and full.id_number not in view.id_number_masked
    assert [e.entity_id for e in audits(desk, "client.file.view")] == [str(client)]


def test_reveal_needs_a_reason_and_writes_the_reason_but_never_the_number(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1, phone="13912345678")
    with pytest.raises(FieldError) as missing:
        desk.services.client_file.reveal(desk.cm1, client, "phone", "  ")
    assert missing.value.field == "field.reason"
    assert desk.services.client_file.reveal(desk.cm1, client, "phone",
                                            "客户来电核对身份") == "13912345678"
    (event,) = audits(desk, "client.reveal")
    detail = json.loads(event.detail)
    assert detail == {"field": "phone", "reason": "客户来电核对身份"}
    assert "13912345678" not in event.detail
    with pytest.raises(PermissionDenied):
        desk.services.client_file.reveal(desk.cm2, client, "phone", "核对身份")
    with pytest.raises(PermissionDenied):  # the matrix: assistants do not reveal
        desk.services.client_file.reveal(desk.asst, client, "phone", "核对身份")


def test_the_file_shows_risk_expiry_holdings_tier_and_cm_history(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1, risk=3, assessed=date(2025, 11, 30),
                         birthday=date(1980, 9, 23), lunar=True)
    desk.holding(client, date(2026, 12, 20))
    with Session(desk.engine) as s:
        s.add(TierChange(client_id=client, at=T0 - timedelta(days=30), from_tier="potential",
                         to_tier="premium", by_staff_id=desk.head.staff_id))
        s.commit()
    desk.services.assignments.assign(desk.head, client, desk.cm2.staff_id, "调岗")
    view = desk.services.client_file.open(desk.cm2, client)
    assert view.risk_expires_on == date(2026, 11, 30) and view.risk_expired  # expires today
    assert view.lunar_month_day == (8, 15)
    assert [h.maturity_date for h in view.holdings] == [date(2026, 12, 20)]
    assert [(t.from_tier, t.to_tier) for t in view.tier_history] == [("potential", "premium")]
    assert [(c.cm_name, c.end_at is None) for c in view.cm_history] == [("周理财", True),
                                                                        ("李理财", False)]
    assert view.cm_name == "周理财" and view.access == "cm"


def test_editing_validates_every_field_and_writes_nothing_when_one_is_wrong(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    files = desk.services.client_file
    with pytest.raises(FieldError) as bad:
        files.update(desk.cm1, client, occupation="教师", risk_level=4)
    assert (bad.value.field, bad.value.key) == ("cm.field.risk_assessed_on", "error.field.required")
    with pytest.raises(FieldError) as bad:
        files.update(desk.cm1, client, aum_elsewhere="12.345")
    assert bad.value.key == "error.field.amount_decimals"
    with pytest.raises(FieldError):
        files.update(desk.cm1, client, preferred_channel="telegram")
    with pytest.raises(FieldError):
        files.update(desk.cm1, client, risk_level=3, risk_assessed_on=date(2026, 12, 1))
    with Session(desk.engine) as s:
        row = s.get(Client, client)
        assert row is not None and row.occupation == "" and row.risk_level is None
    view = files.update(desk.cm1, client, occupation="中学教师", income_band="300k_1m",
                        aum_elsewhere="1,200,000", risk_level=3, risk_assessed_on=date(2026, 11, 30),
                        preferred_channel="wechat", preferred_time="工作日晚上")
    assert (view.occupation, view.aum_elsewhere_fen, view.risk_level, view.risk_expired) == (
        "中学教师", 120_000_000, 3, False)
    (event,) = audits(desk, "client.file.edit")
    detail = json.loads(event.detail)
    assert detail["risk_level"] == {"from": None, "to": 3}
    assert "occupation" in detail["fields"]
    with pytest.raises(PermissionDenied):
        files.update(desk.cm2, client, occupation="x")
    with Session(desk.engine) as s:
        assert s.exec(select(func.count()).select_from(AuditEvent)
                      .where(AuditEvent.action == "client.file.edit")).one() == 1


def test_a_value_imported_from_elsewhere_survives_an_edit_of_other_fields(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    with Session(desk.engine) as s:
        row = s.get(Client, client)
        assert row is not None
        row.income_band = ">100万"  # not one of the codes: written by an import
        s.add(row)
        s.commit()
    files = desk.services.client_file
    view = files.update(desk.cm1, client, income_band=">100万", occupation="律师")
    assert (view.income_band, view.occupation) == (">100万", "律师")
    with pytest.raises(FieldError):
        files.update(desk.cm1, client, income_band="<1万")
