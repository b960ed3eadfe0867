"""Names of the center's configured codes, in the language of the screen: a client tier, a
business type. A code that is not configured (data imported from elsewhere) is shown as it is."""

from __future__ import annotations

from wealthtui.config import Settings
from wealthtui.i18n import tl


def tier_name(settings: Settings, code: str) -> str:
    tier = settings.tier(code)
    return tl(tier.name, tier.name_en) if tier else code


def business_name(settings: Settings, code: str) -> str:
    bt = settings.business_type(code)
    return tl(bt.name, bt.name_en) if bt else code
