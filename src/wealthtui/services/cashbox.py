"""A teller's box (尾箱) for a day, derived from the records: what it should hold.

Used by sign-on (a later sign-on carries the box on), the shift hand-over (what the books say
before counting) and end-of-day balancing (the figures beside what the teller counts).

    expected = opening cash of the day's first sign-on
             + cash received by hand-over − cash handed over (as the receiver counted it)
             + cash in − cash out of the business done (service records with outcome `done`)

The box never goes below 0 (a service invariant): cash paid out (a withdrawal recorded, pending
authorisation or done) and a cash deposit taken back are refused beyond `available_fen` — what
the box holds less the withdrawals awaiting authorisation. The check and the write are one write
transaction, and write transactions do not interleave (BEGIN IMMEDIATE on SQLite, the audit
head's row lock on PostgreSQL: services.uow.run_in_uow), so two terminals cannot both spend the
same cash.

Functions here run inside the caller's unit of work (they take its Session); no permission
check of their own.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlmodel import Session, col, func, select

from wealthtui.config import Settings
from wealthtui.model import CounterSession, ServiceRecord, ShiftHandover

#: hand-overs whose box has changed hands
HANDED = ("confirmed", "witnessed")


@dataclass(frozen=True)
class BoxFigures:
    business_date: date
    teller_id: int
    opening_cash_fen: int
    received_fen: int
    handed_over_fen: int
    cash_in_fen: int
    cash_out_fen: int
    expected_cash_fen: int
    items: dict[str, int] = field(default_factory=dict)  # business type → number done
    amounts: dict[str, int] = field(default_factory=dict)  # business type → fen done
    pending_authorizations: int = 0

    @property
    def total_items(self) -> int:
        return sum(self.items.values())

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, default=str)


def first_session(session: Session, day: date, teller_id: int) -> CounterSession | None:
    return session.exec(
        select(CounterSession).where(CounterSession.business_date == day,
                                     CounterSession.staff_id == teller_id)
        .order_by(col(CounterSession.started_at), col(CounterSession.id))
    ).first()


def figures(session: Session, settings: Settings, day: date, teller_id: int) -> BoxFigures:
    """The day's figures of one teller, from the sessions, hand-overs and service records."""
    first = first_session(session, day, teller_id)
    opening = 0
    if first is not None:
        from_handover = session.exec(
            select(ShiftHandover.id).where(ShiftHandover.to_session_id == first.id)
        ).first()
        opening = 0 if from_handover is not None else first.opening_cash_fen
    received = session.exec(
        select(func.coalesce(func.sum(ShiftHandover.counted_cash_fen), 0)).where(
            ShiftHandover.business_date == day, ShiftHandover.to_staff_id == teller_id,
            col(ShiftHandover.status).in_(HANDED))
    ).one()
    handed = session.exec(
        select(func.coalesce(func.sum(ShiftHandover.counted_cash_fen), 0)).where(
            ShiftHandover.business_date == day, ShiftHandover.from_staff_id == teller_id,
            col(ShiftHandover.status).in_(HANDED))
    ).one()
    items: dict[str, int] = {}
    amounts: dict[str, int] = {}
    cash = {"in": 0, "out": 0, "none": 0}
    pending = 0
    rows = session.exec(
        select(ServiceRecord.business_type, ServiceRecord.cash, ServiceRecord.outcome,
               func.count(), func.coalesce(func.sum(ServiceRecord.amount_fen), 0))
        .where(ServiceRecord.business_date == day, ServiceRecord.staff_id == teller_id)
        .group_by(ServiceRecord.business_type, ServiceRecord.cash, ServiceRecord.outcome)
    ).all()
    for business_type, kind, outcome, count, total in rows:
        count, total = int(count), int(total)  # PostgreSQL sums bigints as numeric
        if outcome == "pending_auth":
            pending += count
        if outcome != "done":
            continue
        items[business_type] = items.get(business_type, 0) + count
        amounts[business_type] = amounts.get(business_type, 0) + total
        cash[kind] = cash.get(kind, 0) + total
    order = {b.code: i for i, b in enumerate(settings.counter.business_types)}
    items = dict(sorted(items.items(), key=lambda kv: order.get(kv[0], len(order))))
    amounts = {k: amounts[k] for k in items}
    received, handed = int(received), int(handed)
    expected = opening + received - handed + cash["in"] - cash["out"]
    return BoxFigures(
        business_date=day, teller_id=teller_id, opening_cash_fen=opening,
        received_fen=received, handed_over_fen=handed, cash_in_fen=cash["in"],
        cash_out_fen=cash["out"], expected_cash_fen=expected, items=items, amounts=amounts,
        pending_authorizations=pending,
    )


def tellers_of_day(session: Session, day: date) -> list[int]:
    """Everyone who signed on to a counter on `day` (each of them balances)."""
    return list(session.exec(
        select(CounterSession.staff_id).where(CounterSession.business_date == day)
        .group_by(CounterSession.staff_id).order_by(col(CounterSession.staff_id))
    ).all())


def pending_out_fen(session: Session, day: date, teller_id: int) -> int:
    """Cash withdrawals of the teller awaiting authorisation: reserved, not yet paid out."""
    total = session.exec(
        select(func.coalesce(func.sum(ServiceRecord.amount_fen), 0)).where(
            ServiceRecord.business_date == day, ServiceRecord.staff_id == teller_id,
            ServiceRecord.cash == "out", ServiceRecord.outcome == "pending_auth")
    ).one()
    return int(total)


def available_fen(session: Session, settings: Settings, day: date, teller_id: int) -> int:
    """What the teller's box can pay out now: the expected cash less the reserved withdrawals."""
    expected = figures(session, settings, day, teller_id).expected_cash_fen
    return expected - pending_out_fen(session, day, teller_id)

