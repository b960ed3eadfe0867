"""Shared set-up of the counter tests: the people of a small center, clients, and a ticket brought
to a teller's counter through the real lobby and queue services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session
from stdnum.cn import ric

from tests.conftest import T0, TEST_PIN
from tests.counter_ready import sign_on_ready
from wealthtui.model import Client, CMAssignment
from wealthtui.services import Actor, Services
from wealthtui.services.counter import SessionView


def resident_id(seq: int, birth: str = "19800101") -> str:
    body = f"110105{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum takes the number with a check digit


@dataclass
class Center:
    services: Services
    lobby: Actor
    t1: Actor         # cash teller
    t2: Actor         # cash teller
    n1: Actor         # non-cash teller
    sup: Actor        # supervisor
    off: Actor        # officer
    cm: Actor         # wealth CM

    def client(self, name: str, tier: str = "ordinary", *, seq: int = 1,
               cm: Actor | None = None) -> int:
        """Register a client through the lobby; set the tier and the exclusive CM."""
        card = self.services.lookup.register(self.lobby, name=name, id_type="resident",
                                             id_number=resident_id(seq))
        with Session(self.services.ctx.engine) as s:
            row = s.get(Client, card.id)
            assert row is not None
            row.tier = tier
            s.add(row)
            if cm is not None:
                s.add(CMAssignment(client_id=card.id, cm_id=cm.staff_id, start_at=T0))
            s.commit()
        return card.id

    def sign_on(self, teller: Actor, counter_no: str, cash: str | None = None) -> SessionView:
        """Sign on and do the sign-on checklist (tests.counter_ready), ready to call."""
        return sign_on_ready(self.services, teller, counter_no, cash)

    def ticket_at(self, teller: Actor, counter_no: str, category: str = "A",
                  client_id: int | None = None) -> int:
        """Issue a ticket in the lobby and call it to the teller's counter (signed on)."""
        issued = self.services.queue.issue(self.lobby, category, client_id=client_id)
        called = self.services.queue.call_next(teller, counter_no)
        assert called is not None and called.id == issued.id
        return called.id


@pytest.fixture(name="center")
def center_fixture(services: Services, make_staff) -> Center:
    return Center(
        services=services,
        lobby=make_staff("lobby_manager", staff_no="L1", name="赵大堂"),
        t1=make_staff("cash_teller", staff_no="T1", name="陈柜员"),
        t2=make_staff("cash_teller", staff_no="T2", name="林柜员"),
        n1=make_staff("non_cash_teller", staff_no="N1", name="吴柜员"),
        sup=make_staff("supervisor", staff_no="S1", name="孙主管"),
        off=make_staff("officer", "non_cash_teller", staff_no="O1", name="钱主办"),
        cm=make_staff("wealth_cm", staff_no="C1", name="李理财"),
    )


__all__ = ["Center", "TEST_PIN", "center_fixture", "resident_id"]
