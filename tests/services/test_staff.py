from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from tests.conftest import TEST_PIN
from wealthtui.model import Client, CMAssignment
from wealthtui.services.errors import Conflict, FieldError


def test_bootstrap_only_once(services, head) -> None:
    with pytest.raises(Conflict):
        services.staff.bootstrap_head("H002", "李主任", TEST_PIN)


def test_add_validates_each_field(services, head) -> None:
    with pytest.raises(FieldError) as exc:
        services.staff.add(head, "T 1", "陈", ["cash_teller"])
    assert exc.value.field == "field.staff_no"
    with pytest.raises(FieldError) as exc:
        services.staff.add(head, "T1", "陈", ["janitor"])
    assert exc.value.field == "field.roles"
    services.staff.add(head, "T1", "陈", ["cash_teller"])
    with pytest.raises(Conflict):
        services.staff.add(head, "T1", "陈二", ["cash_teller"])


def test_roles_change_and_reset_pin(services, head, make_staff) -> None:
    make_staff("cash_teller", staff_no="T1")
    change = services.staff.set_roles(head, "T1", ["non_cash_teller", "officer"])
    assert change.pending is None  # neither head nor supervisor: at once
    assert change.staff.roles == ("officer", "non_cash_teller")
    otp = services.staff.reset_pin(head, "T1", terminal="office").pin
    actor = services.auth.complete_reset("T1", otp, "135790", terminal="counter")
    assert actor.roles == {"officer", "non_cash_teller"}
    assert services.auth.login("T1", "135790").roles == {"officer", "non_cash_teller"}


def test_deactivate_refused_while_owning_clients_or_open_handoffs(services, head, make_staff, engine) -> None:
    cm = make_staff("wealth_cm", staff_no="C1")
    lobby = make_staff("lobby_manager", staff_no="L1")
    now = datetime.now(UTC)
    with Session(engine) as s:
        client = Client(name="张三", name_pinyin="zhangsan", name_initials="zs", id_type="passport",
                        id_number="E12345678", created_at=now)
        s.add(client)
        s.flush()
        s.add(CMAssignment(client_id=client.id, cm_id=cm.staff_id, start_at=now))
        s.commit()
        assignment_id = s.exec(__import__("sqlmodel").select(CMAssignment)).one().id
    with pytest.raises(Conflict) as exc:
        services.staff.deactivate(head, "C1")
    assert exc.value.key == "error.staff.owns_clients"
    with Session(engine) as s:
        row = s.get(CMAssignment, assignment_id)
        row.end_at = now
        s.add(row)
        s.commit()
    services.handoffs.create(lobby, kind="general", to_staff_id=cm.staff_id, note="请回电")
    with pytest.raises(Conflict) as exc:
        services.staff.deactivate(head, "C1")
    assert exc.value.key == "error.staff.open_handoffs"
    handoff = services.handoffs.inbox(cm)[0]
    services.handoffs.complete(cm, handoff.id, "已回电")
    assert services.staff.deactivate(head, "C1").active is False


def test_the_head_cannot_deactivate_or_demote_themself(services, head) -> None:
    with pytest.raises(Conflict):
        services.staff.deactivate(head, "H001")
    with pytest.raises(Conflict):
        services.staff.set_roles(head, "H001", ["supervisor"])
