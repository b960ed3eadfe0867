"""Dual recording (双录): which sales need a recording, and the recording's times as typed.

A sale of a product to a client needs a dual recording (audio and video of the sale, kept in the
branch's recording system; we keep its reference) when the branch's `[compliance.dual_recording]`
names it: the product is listed (or "*" lists every product), the product's risk level is at or
above `from_product_level`, the client is aged `senior_age` or more (`senior`), or it is the
client's first purchase (`first_purchase`). `reasons` gives every rule that names the sale — the
sale needs a recording when there is at least one.

Regulatory practice, not our manual's text: 《银行业金融机构销售专区录音录像管理暂行规定》
(银监办发〔2017〕110号) — wealth products and agency products sold in the sales zone are recorded
and the recordings kept; recording sales to elderly clients and first purchases is common practice
under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from wealthtui.rules.fields import FieldError

PRODUCT, LEVEL, SENIOR, FIRST = "product", "level", "senior", "first_purchase"
NO_RECORDING = "no_recording"  # the outcome of a sale refused for want of a recording
REASONS = (PRODUCT, LEVEL, SENIOR, FIRST)

#: a recording's reference in the recording system: letters, digits and - _ / . :
REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.:]{2,39}")
CLOCK = re.compile(r"([01]?\d|2[0-3]):?([0-5]\d)")


@dataclass(frozen=True)
class RecordingRules:
    """The branch's rules (`[compliance.dual_recording]`, and `[compliance] senior_age`)."""

    products: frozenset[str] = frozenset()
    from_product_level: int = 0
    senior: bool = False
    first_purchase: bool = False
    senior_age: int = 65


def from_settings(settings: Any) -> RecordingRules:
    """The rules of `[compliance.dual_recording]` (and `[compliance] senior_age`)."""
    c = settings.compliance
    d = c.dual_recording
    return RecordingRules(frozenset(d.products), d.from_product_level, d.senior,
                          d.first_purchase, c.senior_age)


def reasons(rules: RecordingRules, *, product_code: str, product_level: int,
            client_age: int | None, first_purchase: bool) -> tuple[str, ...]:
    """The rules that name this sale (empty: no recording needed)."""
    out = []
    if "*" in rules.products or product_code in rules.products:
        out.append(PRODUCT)
    if rules.from_product_level and product_level >= rules.from_product_level:
        out.append(LEVEL)
    if rules.senior and client_age is not None and client_age >= rules.senior_age:
        out.append(SENIOR)
    if rules.first_purchase and first_purchase:
        out.append(FIRST)
    return tuple(out)


def parse_ref(text: str, field_key: str) -> str:
    """The recording system's id as typed: 3–40 letters, digits, - _ / . : (stripped)."""
    value = (text or "").strip()
    if not value:
        raise FieldError(field_key, "error.field.required")
    if not REF.fullmatch(value):
        raise FieldError(field_key, "dual_recording.error.ref")
    return value


def parse_clock(text: str, field_key: str, day: datetime, tz: ZoneInfo) -> datetime:
    """A time of `day` (local) typed as HH:MM (or HHMM), as an aware UTC-comparable datetime."""
    value = (text or "").strip().replace("：", ":")
    if not value:
        raise FieldError(field_key, "error.field.required")
    m = CLOCK.fullmatch(value)
    if m is None:
        raise FieldError(field_key, "dual_recording.error.clock")
    local_day = day.astimezone(tz).date()
    return datetime.combine(local_day, time(int(m.group(1)), int(m.group(2))), tz)


def check_span(started: datetime, ended: datetime, now: datetime, end_field: str) -> None:
    """A recording ends after it starts and not after now (it is entered once it is over)."""
    if ended <= started:
        raise FieldError(end_field, "dual_recording.error.end_before_start")
    if ended > now:
        raise FieldError(end_field, "dual_recording.error.in_future")
