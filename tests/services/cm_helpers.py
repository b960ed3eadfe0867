"""Shared set-up of the client-manager tests: the people of a CM desk and clients written straight
into the real SQLite file (tier, AUM, birthday, risk level, holdings, exclusive CM, past contacts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count

import pytest
from sqlmodel import Session, select
from stdnum.cn import ric

from tests.conftest import T0
from wealthtui.model import (
    Attendance,
    Client,
    CMAssignment,
    ContactLog,
    ProductHolding,
)
from wealthtui.rules.pinyin import name_keys
from wealthtui.services import Actor, Services

_seq = count(1)


def resident_id(seq: int, birth: str = "19800101") -> str:
    body = f"110105{birth}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class Desk:
    services: Services
    head: Actor
    cm1: Actor      # wealth CM
    cm2: Actor      # wealth CM
    mcm: Actor      # marketing CM
    asst: Actor     # CM assistant
    lobby: Actor    # lobby manager

    @property
    def engine(self):  # type: ignore[no-untyped-def]
        return self.services.ctx.engine

    def client(
        self,
        name: str,
        tier: str = "premium",
        *,
        cm: Actor | None = None,
        since: datetime = T0 - timedelta(days=400),
        aum_fen: int = 60_000_000,
        birthday: date | None = None,
        lunar: bool = False,
        risk: int | None = None,
        assessed: date | None = None,
        phone: str = "13912345678",
    ) -> int:
        seq = next(_seq)
        pinyin, initials = name_keys(name)
        with Session(self.engine) as s:
            row = Client(
                name=name, name_pinyin=pinyin, name_initials=initials, id_type="resident",
                id_number=resident_id(seq), phone=phone, birthday=birthday,
                lunar_birthday=lunar, tier=tier, aum_fen=aum_fen, risk_level=risk,
                risk_assessed_on=assessed, created_at=since,
            )
            s.add(row)
            s.flush()
            if cm is not None:
                s.add(CMAssignment(client_id=row.id, cm_id=cm.staff_id, start_at=since))
            s.commit()
            assert row.id is not None
            return row.id

    def holding(self, client_id: int, maturity: date, *, name: str = "稳健型理财（90天）",
                code: str = "WM90", risk: int = 2, amount_fen: int = 10_000_000) -> int:
        with Session(self.engine) as s:
            h = ProductHolding(client_id=client_id, product_code=code, product_name=name,
                               risk_level=risk, amount_fen=amount_fen,
                               start_date=maturity - timedelta(days=90), maturity_date=maturity)
            s.add(h)
            s.commit()
            assert h.id is not None
            return h.id

    def past_contact(self, client_id: int, staff: Actor, at: datetime, *,
                     channel: str = "phone", purpose: str = "care",
                     next_date: date | None = None) -> int:
        """A contact from before the test (written directly, as history)."""
        with Session(self.engine) as s:
            c = ContactLog(client_id=client_id, staff_id=staff.staff_id, at=at, channel=channel,
                           purpose=purpose, next_date=next_date)
            s.add(c)
            s.commit()
            assert c.id is not None
            return c.id

    def duty(self, staff: Actor, day: date) -> None:
        with Session(self.engine) as s:
            s.add(Attendance(business_date=day, staff_id=staff.staff_id, present=True,
                             duty_cm=True))
            s.commit()

    def active_cm(self, client_id: int) -> int | None:
        with Session(self.engine) as s:
            row = s.exec(select(CMAssignment).where(CMAssignment.client_id == client_id,
                                                    CMAssignment.end_at == None)).first()  # noqa: E711
            return row.cm_id if row else None


@pytest.fixture(name="desk")
def desk_fixture(services: Services, head: Actor, make_staff) -> Desk:  # type: ignore[no-untyped-def]
    return Desk(
        services=services,
        head=head,
        cm1=make_staff("wealth_cm", name="李理财", staff_no="C01"),
        cm2=make_staff("wealth_cm", name="周理财", staff_no="C02"),
        mcm=make_staff("marketing_cm", name="孙营销", staff_no="C03"),
        asst=make_staff("cm_assistant", name="吴助理", staff_no="A01"),
        lobby=make_staff("lobby_manager", name="郑大堂", staff_no="L01"),
    )
