"""Who comes to a center and for what, shared by the day simulator's script (demo.script, which
also decides when they come and how long a counter takes): the visitor, the business kind, the
business type recorded and its amount.
"""

from __future__ import annotations

import random

from wealthtui.config import BusinessTypeCfg, Settings
from wealthtui.demo.population import Directory
from wealthtui.rules import routing

# Typical amounts in yuan per business type; premium and large-cash business is a multiple.
AMOUNTS_YUAN = {
    "cash_deposit": (800, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000),
    "cash_withdrawal": (1_000, 3_000, 6_000, 8_000, 20_000, 60_000),
    "transfer": (1_000, 10_000, 50_000, 200_000, 600_000),
    "wealth_product": (50_000, 100_000, 300_000, 1_000_000),
}


def visitor(rng: random.Random, directory: Directory, settings: Settings) -> tuple[int | None, str | None]:
    """(client id, tier) of who walks in: about a fifth premium clients, a tenth potential
    premium, most of the rest ordinary clients, a quarter walk-ins without a record."""
    tiers = [t.code for t in settings.tiers]
    premium = [t.code for t in settings.tiers if t.premium]
    roll = rng.random()
    wanted = premium if roll < 0.22 else ["potential"] if roll < 0.32 else \
        tiers[:1] if roll < 0.75 else []
    picked = directory.pick(rng, wanted) if wanted else None
    return picked if picked else (None, None)


def business_of(rng: random.Random, premium: bool) -> tuple[str, int | None]:
    """(business kind the lobby asks about, cash amount in fen when the client says it)."""
    roll = rng.random()
    if roll < 0.08:
        return routing.SELF_SERVICE, None
    if roll < 0.12:
        return routing.CONSULT, None
    if roll < 0.55:
        amount = rng.choice(AMOUNTS_YUAN["cash_deposit"] + AMOUNTS_YUAN["cash_withdrawal"])
        if premium:
            amount *= rng.choice((2, 3, 5))
        return routing.CASH, amount * 100 if rng.random() < 0.7 else None
    if roll < 0.8:
        return routing.NON_CASH, None
    return routing.WEALTH, None


def cash_category(settings: Settings) -> str | None:
    """The ordinary cash lane a non-cash ticket is transferred to when cash is needed."""
    code = settings.queue.routing.cash
    return code if settings.category(code) else None


def pick_business(
    rng: random.Random,
    settings: Settings,
    category: str,
    *,
    business: str,
    amount_fen: int | None,
    premium: bool,
) -> tuple[BusinessTypeCfg, int]:
    """A business type the ticket's category allows, matching what the client came for, and its
    amount in fen (0 for business without an amount). A premium client's account closing is
    left out: it needs the retention conversation first."""
    types = [b for b in settings.counter.business_types if category in b.categories
             and not (premium and b.account_closing)]
    types = types or list(settings.counter.business_types)
    cash = [b for b in types if b.cash != "none"]
    other = [b for b in types if b.cash == "none"]
    if business == routing.CASH:
        choices = cash or types
    elif business == routing.WEALTH:
        choices = [b for b in other if b.code == "wealth_product"] or other or types
    else:
        choices = other or types
    bt = rng.choice(choices)
    if amount_fen and bt.cash != "none":
        return bt, amount_fen
    options = AMOUNTS_YUAN.get(bt.code)
    if not options:
        return bt, 0
    amount = rng.choice(options) * (rng.choice((2, 3, 5)) if premium else 1)
    return bt, amount * 100
