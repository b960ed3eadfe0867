"""After the close of a business day its records change only by the head with a reason: the
guard sits under every service (a flush of any record carrying that business_date)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from wealthtui.model import BusinessDay, Handoff
from wealthtui.services.day import ensure_day_open
from wealthtui.services.errors import Conflict, FieldError
from wealthtui.services.uow import run_in_uow


@pytest.fixture
def closed_today(services, head, engine, clock):
    day = services.ctx.today()
    with Session(engine) as s:
        s.add(BusinessDay(business_date=day, status="closed", opened_at=clock.now(),
                          closed_at=clock.now(), closed_by=head.staff_id))
        s.commit()
    return day


def test_writes_into_a_closed_day_are_refused_for_everyone(services, make_staff, closed_today) -> None:
    lobby = make_staff("lobby_manager", staff_no="L1")
    cm = make_staff("wealth_cm", staff_no="C1")
    with pytest.raises(Conflict) as exc:
        services.handoffs.create(lobby, kind="general", to_staff_id=cm.staff_id, note="x")
    assert exc.value.key == "error.day.closed"
    assert exc.value.params["date"] == closed_today.isoformat()


def test_the_head_amends_with_a_reason_and_it_is_audited(services, head, make_staff, closed_today) -> None:
    cm = make_staff("wealth_cm", staff_no="C1")

    def amend(reason: str):
        def body(uow):
            ensure_day_open(uow, closed_today, reason=reason)
            uow.session.add(Handoff(kind="general", business_date=closed_today,
                                    from_staff_id=head.staff_id, to_staff_id=cm.staff_id,
                                    created_at=uow.now, note="补登"))
            uow.session.flush()
        return run_in_uow(services.ctx, head.staff_id, True, body)

    with pytest.raises(FieldError):
        amend("")
    amend("漏登的交接，补记")
    assert [h.note for h in services.handoffs.inbox(cm)] == ["补登"]
    audit = services.audit.recent(head, limit=5)
    assert any(r.action == "day.amend" and "漏登" in r.detail for r in audit)


def test_other_days_are_not_affected(services, make_staff, closed_today, clock) -> None:
    lobby = make_staff("lobby_manager", staff_no="L1")
    cm = make_staff("wealth_cm", staff_no="C1")
    clock.advance(days=1)
    assert services.handoffs.create(lobby, kind="general", to_staff_id=cm.staff_id).status == "open"
