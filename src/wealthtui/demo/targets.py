"""The demo center's target lists (定向营销, manual digest §4.2), built and dealt through the
target service as the head and a CM would, so that the CMs' 营销名单 are not empty:

- the head's list of clients with a product maturing in the next 30 days, each to their own
  exclusive CM (the few without one dealt in turn over the wealth CMs);
- the marketing CM's own list of their clients not contacted for 30 days (or, when every one
  of them was, their whole book).
"""

from __future__ import annotations

from datetime import date, timedelta

from wealthtui.rules.target_criteria import TargetFilters
from wealthtui.services import Actor, Services


def build_target_lists(services: Services, head: Actor, cms: list[Actor],
                       marketing: Actor | None, today: date) -> int:
    """Build the demo's lists; returns how many were built (a list with no match is skipped)."""
    built = 0
    maturing = TargetFilters(maturing_from=today, maturing_to=today + timedelta(days=30))
    if cms and services.targets.count(head, maturing).total:
        services.targets.create(head, "产品到期回访（30天内）", maturing, today + timedelta(days=14),
                                purpose="到期资金续作与资产配置", mode="book",
                                cm_ids=[c.staff_id for c in cms])
        built += 1
    if marketing is not None:
        quiet = TargetFilters(no_contact_days=30)
        whole_book = TargetFilters(tiers=tuple(t.code for t in services.settings.tiers))
        for name, filters in (("30天未联系客户回访", quiet), ("名下客户营销", whole_book)):
            if services.targets.count(marketing, filters).total:
                services.targets.create(marketing, name, filters, today + timedelta(days=30),
                                        purpose="联系营销与需求了解")
                built += 1
                break
    return built
