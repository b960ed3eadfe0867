"""Names of the center's configured codes, in the language of the screen: a client tier, a
business type; lists, staff references and client titles as the language writes them. A code that is not configured (data imported from elsewhere) is shown as it is."""

from __future__ import annotations

from collections.abc import Iterable

from wealthtui.config import Settings
from wealthtui.i18n import tl


def tier_name(settings: Settings, code: str) -> str:
    tier = settings.tier(code)
    return tl(tier.name, tier.name_en) if tier else code


def business_name(settings: Settings, code: str) -> str:
    bt = settings.business_type(code)
    return tl(bt.name, bt.name_en) if bt else code


def listing(items: Iterable[str]) -> str:
    """Items joined as the screen's language lists them: 、 in Chinese, a comma in English."""
    return tl("、", ", ").join(items)


def staff_ref(name: str, staff_no: str) -> str:
    """A staff member with their number: 王芳（8031） in Chinese, 王芳 (8031) in English."""
    return tl(f"{name}（{staff_no}）", f"{name} ({staff_no})")


def addressed(name: str, title: str) -> str:
    """A client's name with the title they are addressed by (先生, 女士) in Chinese; the name
    alone in English, where a Chinese title reads wrong."""
    return name + tl(title, "") if title else name
