"""The lobby's routing table (分流): where a client goes, given tier, business and amount.

Manual ch.2 §2.7 items 3–4 (divert and guide; premium clients get priority and their CM), manual
digest §2.3 (premium and large-cash clients: premium cash window) and §2.4 (the decision table):

| situation                                  | route                                   |
|--------------------------------------------|-----------------------------------------|
| premium client, any business                | tell the exclusive CM (hand-off)         |
| premium, non-cash or wealth business        | wealth room / VIP lane, priority         |
| cash, premium or amount ≥ large-cash limit  | premium / large cash window              |
| cash, small amount (≤ self-service limit)   | self-service (ATM/CDM), counted          |
| cash, ordinary                              | cash queue                               |
| non-cash or wealth business, ordinary       | wealth area (low counters)               |
| simple business (queries, transfers, …)     | self-service / e-channels, counted       |
| consultation only                           | consultation area, no ticket             |
| potential premium (any business)            | also: log a lead for a CM                |

Pure: the configuration is passed in as a RoutingTable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

CASH, NON_CASH, WEALTH, SELF_SERVICE, CONSULT = (
    "cash", "non_cash", "wealth", "self_service", "consult")
BUSINESS_KINDS = (CASH, NON_CASH, WEALTH, SELF_SERVICE, CONSULT)


@dataclass(frozen=True)
class RoutingTable:
    """The branch's choices (from config): which ticket category each route uses, and limits."""

    cash: str                     # ordinary cash business
    cash_premium: str             # premium or large cash: the premium cash window
    non_cash: str                 # ordinary non-cash business: low counters
    wealth: str                   # ordinary wealth business
    premium: str                  # premium clients' non-cash and wealth business: VIP lane
    large_cash_fen: int           # from this amount cash business goes to the premium window
    self_service_cash_max_fen: int  # up to this amount cash business is offered the machines
    category_zone: Mapping[str, str]  # category code → zone code
    waiting_zone: str             # consultation area (standard) or reception (high-end)
    self_service_zone: str


@dataclass(frozen=True)
class Route:
    zone: str
    category: str | None   # the ticket category; None: no ticket (self-service, consultation)
    notify_cm: bool        # premium: hand the arrival to the exclusive (or duty) CM
    divert: bool           # sent to self-service / e-channels instead of a counter (counted)
    lead: bool             # potential premium: log a lead for a CM
    priority: bool         # premium priority lane
    reason: str            # catalog key naming the rule applied (lobby.route_reason.*)


def route(
    table: RoutingTable,
    *,
    business: str,
    premium: bool,
    potential: bool = False,
    amount_fen: int | None = None,
) -> Route:
    """The proposed route for a client. `amount_fen` None means the amount was not asked."""
    if business not in BUSINESS_KINDS:
        raise ValueError(f"business must be one of {', '.join(BUSINESS_KINDS)}")
    lead = potential and not premium

    def to(category: str, reason: str, *, priority: bool = False) -> Route:
        return Route(zone=table.category_zone[category], category=category, notify_cm=premium,
                     divert=False, lead=lead, priority=priority, reason=reason)

    if business == CONSULT:
        return Route(zone=table.waiting_zone, category=None, notify_cm=premium, divert=False,
                     lead=lead, priority=premium, reason="consult")
    if business == SELF_SERVICE:
        return Route(zone=table.self_service_zone, category=None, notify_cm=premium, divert=True,
                     lead=lead, priority=False, reason="self_service")
    if business == CASH:
        large = amount_fen is not None and amount_fen >= table.large_cash_fen
        if premium or large:
            return to(table.cash_premium, "cash_premium" if premium else "cash_large",
                      priority=True)
        if amount_fen is not None and 0 < amount_fen <= table.self_service_cash_max_fen:
            return Route(zone=table.self_service_zone, category=None, notify_cm=False,
                         divert=True, lead=lead, priority=False, reason="cash_small")
        return to(table.cash, "cash")
    if premium:
        return to(table.premium, "premium", priority=True)
    if business == WEALTH:
        return to(table.wealth, "wealth")
    return to(table.non_cash, "non_cash")
