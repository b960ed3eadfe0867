"""A complaint received on a day that has since closed is still investigated, replied and closed
on a later day (its handling columns are its life, model.Complaint.__lifecycle_columns__); what
was received stays a record of its closed day."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from wealthtui.model import BusinessDay, Complaint
from wealthtui.services import Actor, Services
from wealthtui.services.errors import Conflict
from wealthtui.services.uow import run_in_uow


def test_a_complaint_of_a_closed_day_is_replied_and_closed_later(
        services: Services, make_staff: Any, head: Actor, clock: Any, engine: Any) -> None:
    lobby = make_staff("lobby_manager", name="李大堂")
    sup = make_staff("supervisor", name="孙主管")
    c = services.complaints.intake(lobby, channel="on_site", category="attitude",
                                   subcategory="rude", description="柜员态度生硬",
                                   name="王女士", phone="139 1234 5678")
    services.complaints.assign(sup, c.id, sup.staff_id)
    with Session(engine) as s:
        s.add(BusinessDay(business_date=c.business_date, status="closed", opened_at=clock.now(),
                          closed_at=clock.now(), closed_by=head.staff_id))
        s.commit()
    clock.advance(days=3)
    replied = services.complaints.reply(sup, c.id, channel="phone", content="已致歉并说明",
                                        options_told=True)
    assert replied.status == "replied"
    closed = services.complaints.close(head, c.id, "服务意识不足", "全员培训")
    assert closed.status == "closed" and closed.business_date == c.business_date

    # what was received (here its description) is still a record of the closed day
    def rewrite(uow: Any) -> None:
        row = uow.session.get(Complaint, c.id)
        row.description = "改写"
        uow.session.add(row)
        uow.session.flush()

    with pytest.raises(Conflict):
        run_in_uow(services.ctx, head.staff_id, True, rewrite)
