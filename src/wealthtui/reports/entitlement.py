"""Who is entitled to an exclusive CM and is without one, and the CMs' books: one definition
each, in Core (store.tables), read by the services' session (the head's staff tab,
services.assignments; the staff list's clients held, services.dashboard) and by the lean
`wealthtui eod`'s Connection (reports.eod) alike — DESIGN §7 "one truth per figure".

Manual ch.2 §5: a client is entitled to an exclusive CM by tier (the premium tiers, and any tier
[ownership] exclusive_cm_tiers names) or by holding an open card or account of a product
[ownership] exclusive_cm_products names (by default 理财金账户卡). A holder whose tier already
entitles them counts once, as "tier".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, select

from wealthtui.config import Settings
from wealthtui.reports.sql import Db
from wealthtui.store.tables import client, client_account, cm_assignment, staff, staff_role

TIER = "tier"
CARD = "card"


def entitled_by(settings: Settings) -> tuple[list[str], list[str]]:
    """(tiers, card products) that entitle a client to an exclusive CM: the premium tiers and
    [ownership] exclusive_cm_tiers; the products of [ownership] exclusive_cm_products."""
    codes = [t.code for t in settings.tiers if t.premium]
    codes += [c for c in settings.ownership.exclusive_cm_tiers if c not in codes]
    return codes, list(settings.ownership.exclusive_cm_products)


def without_cm_where(settings: Settings) -> list[tuple[str, Any]]:
    """(why, WHERE over `client`) of each kind of client entitled to a CM without one; the kinds
    are disjoint (a card holder of an entitling tier is a "tier" one)."""
    codes, products = entitled_by(settings)
    has_cm = exists().where(cm_assignment.c.client_id == client.c.id,
                            cm_assignment.c.end_at.is_(None))
    wheres: list[tuple[str, Any]] = [(TIER, and_(client.c.tier.in_(codes), ~has_cm))]
    if products:  # from the product index: the holders, then those without a CM
        holders = select(client_account.c.client_id).where(
            client_account.c.product.in_(products), client_account.c.closed_on.is_(None))
        wheres.append((CARD, and_(client.c.id.in_(holders), client.c.tier.not_in(codes),
                                  ~has_cm)))
    return wheres


@dataclass(frozen=True)
class WithoutCm:
    """One client entitled to an exclusive CM without one."""

    client_id: int
    name: str
    tier: str
    aum_fen: int
    entitled_by: str  # "tier" | "card"


def without_cm(session: Db, settings: Settings, limit: int | None = None
               ) -> tuple[list[WithoutCm], int]:
    """The clients entitled to an exclusive CM without one — the first `limit` of them, largest
    assets first (all of them when None) — and how many there are in all. One statement per
    kind of entitlement, its count a window over the same rows (counted in SQL before the
    limit, no second pass over the holders)."""
    refs: list[WithoutCm] = []
    total = 0
    for why, where in without_cm_where(settings):
        query = select(client.c.id, client.c.name, client.c.tier, client.c.aum_fen,
                       func.count().over()).where(where)
        if limit is not None:
            query = query.order_by(client.c.aum_fen.desc(), client.c.name).limit(limit)
        rows = session.execute(query).all()
        total += int(rows[0][4]) if rows else 0
        refs += [WithoutCm(int(i), name, tier, int(aum), why) for i, name, tier, aum, _ in rows]
    refs.sort(key=lambda r: (-r.aum_fen, r.name))
    return (refs[:limit] if limit is not None else refs), total


def without_cm_count(session: Db, settings: Settings) -> int:
    """How many clients are entitled to an exclusive CM without one (without_cm's total)."""
    return sum(int(session.execute(select(func.count()).select_from(client).where(where))
                   .scalar_one())
               for _, where in without_cm_where(settings))


# --- the CMs' books ---------------------------------------------------------------------------
def book_sizes(session: Db) -> dict[int, int]:
    """Clients held (active exclusive assignments) per staff id."""
    return {int(cm): int(n) for cm, n in session.execute(
        select(cm_assignment.c.cm_id, func.count(cm_assignment.c.id))
        .where(cm_assignment.c.end_at.is_(None))
        .group_by(cm_assignment.c.cm_id))}


@dataclass(frozen=True)
class BookOutOfRange:
    cm_id: int
    staff_no: str
    name: str
    size: int
    state: str  # below | above


def books_out_of_range(session: Db, settings: Settings,
                       sizes: dict[int, int] | None = None) -> list[BookOutOfRange]:
    """The active staff holding one of [contact] portfolio_roles whose book is below
    portfolio_min or above portfolio_max (digest §3.5), by staff number. `sizes`: book_sizes,
    when the caller has read them already."""
    cfg = settings.contact
    if not cfg.portfolio_roles:
        return []
    sizes = book_sizes(session) if sizes is None else sizes
    checked = session.execute(
        select(staff.c.id, staff.c.staff_no, staff.c.name)
        .where(staff.c.active,
               exists().where(staff_role.c.staff_id == staff.c.id,
                              staff_role.c.role.in_(cfg.portfolio_roles)))
        .order_by(staff.c.staff_no)
    ).all()
    out: list[BookOutOfRange] = []
    for sid, no, name in checked:
        size = sizes.get(int(sid), 0)
        if size < cfg.portfolio_min:
            out.append(BookOutOfRange(int(sid), no, name, size, "below"))
        elif size > cfg.portfolio_max:
            out.append(BookOutOfRange(int(sid), no, name, size, "above"))
    return out
