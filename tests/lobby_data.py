"""Clients for the lobby's tests, written straight to the store (the client file is another
issue's service): valid resident ID numbers, Luhn-valid card numbers, pinyin keys."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from stdnum import luhn
from stdnum.cn import ric

from tests.conftest import T0
from wealthtui.model import Attendance, Client, ClientAccount, CMAssignment, CounterSession
from wealthtui.rules.pinyin import name_keys


def id_no(birth: date, seq: int) -> str:
    body = f"110105{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def card_no(seed: int) -> str:
    body = f"622202{seed:012d}"
    return body + luhn.calc_check_digit(body)


def add_client(engine, name: str, *, seq: int, tier: str = "ordinary", phone: str = "",
               birth: date = date(1970, 5, 5), card: str | None = None,
               cm_id: int | None = None, **extra) -> int:
    full, initials = name_keys(name)
    with Session(engine) as s:
        c = Client(name=name, name_pinyin=full, name_initials=initials, id_type="resident",
                   id_number=extra.pop("id_number", None) or id_no(birth, seq), phone=phone,
                   birthday=birth, tier=tier, created_at=extra.pop("created_at", T0), **extra)
        s.add(c)
        s.flush()
        if card:
            s.add(ClientAccount(client_id=c.id, number=card))
        if cm_id is not None:
            s.add(CMAssignment(client_id=c.id, cm_id=cm_id, start_at=T0))
        s.commit()
        assert c.id is not None
        return c.id


def attend(engine, staff_id: int, *, present: bool = True, duty: bool = False,
           day: date = T0.date()) -> None:
    with Session(engine) as s:
        s.add(Attendance(business_date=day, staff_id=staff_id, present=present, duty_cm=duty))
        s.commit()


def sign_on(engine, staff_id: int, counter_no: str, when=T0) -> None:
    """Open a counter session directly (the counter issue's service does this for real)."""
    with Session(engine) as s:
        s.add(CounterSession(business_date=when.date(), counter_no=counter_no,
                             staff_id=staff_id, started_at=when))
        s.commit()
