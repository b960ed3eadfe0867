"""The criteria of a targeted marketing list (定向营销名单, manual digest §4.2), and the parser of
what staff type for them (the head's dialog, the CM's own-book dialog, `wealthtui targets`).

Every criterion that is set must hold: tiers, an assets (AUM) range, products held, a product
maturing in a window, no contact for N days, a birthday month, client risk levels; and the older
switches near-premium, without an exclusive CM, with an uncontacted lead. Text fields accept
full-width digits and Chinese separators; a bad value raises FieldError naming the field.
Pure: no database, no configuration (the tier codes are passed in).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import date

from wealthtui.rules.deadlines import parse_day
from wealthtui.rules.fields import FieldError
from wealthtui.rules.money import parse_yuan

MAX_NO_CONTACT_DAYS = 3650
RISK_LEVELS = range(1, 6)        # C1..C5
MAX_PRODUCTS = 20
_SPLIT = re.compile(r"[,;\s、，；]+")
_PRODUCT = re.compile(r"^[A-Za-z0-9_.\-]{1,30}$")

#: the text fields of the form and the command line, in the order they are shown
FIELDS = ("tiers", "aum_min", "aum_max", "products", "maturing_from", "maturing_to",
          "no_contact_days", "birthday_month", "risk")


@dataclass(frozen=True)
class TargetFilters:
    tiers: tuple[str, ...] = ()
    aum_min_fen: int | None = None
    aum_max_fen: int | None = None
    products: tuple[str, ...] = ()
    maturing_from: date | None = None
    maturing_to: date | None = None
    no_contact_days: int | None = None
    birthday_month: int | None = None
    risk_levels: tuple[int, ...] = ()
    near_premium: bool = False
    no_contact_since: date | None = None
    without_cm: bool = False
    uncontacted_leads: bool = False

    @property
    def empty(self) -> bool:
        return not any(v not in (None, False, ()) for v in asdict(self).values())

    def as_json(self) -> str:
        data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}
        return json.dumps({k: (list(v) if isinstance(v, tuple) else v)
                           for k, v in data.items() if v not in (None, False, ())},
                          ensure_ascii=False, sort_keys=True)


def _norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _items(text: str) -> list[str]:
    return [p for p in _SPLIT.split(_norm(text)) if p]


def parse_tiers(text: str, known: Collection[str]) -> tuple[str, ...]:
    out: list[str] = []
    for item in _items(text):
        code = item.lower() if item.lower() in known else item
        if code not in known:
            raise FieldError("targets.field.tiers", "error.field.choice",
                             accepted=", ".join(known))
        if code not in out:
            out.append(code)
    return tuple(out)


def parse_products(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for item in _items(text):
        if not _PRODUCT.match(item):
            raise FieldError("targets.field.products", "targets.error.product_code")
        if item not in out:
            out.append(item)
    if len(out) > MAX_PRODUCTS:
        raise FieldError("targets.field.products", "targets.error.too_many", max=MAX_PRODUCTS)
    return tuple(out)


def _whole(text: str, field_key: str, low: int, high: int) -> int:
    value = _norm(text).removesuffix("天").removesuffix("月").strip()
    if not re.fullmatch(r"\d{1,6}", value) or not low <= int(value) <= high:
        raise FieldError(field_key, "targets.error.whole_between", low=low, high=high)
    return int(value)


def parse_risk(text: str) -> tuple[int, ...]:
    """C levels: `C4,C5`, `4 5`, `3-5` (a range)."""
    levels: list[int] = []
    for item in _items(text.replace("～", "-").replace("~", "-")):
        bounds = [b.strip().upper().removeprefix("C") for b in item.split("-")]
        if len(bounds) > 2 or not all(re.fullmatch(r"[1-5]", b) for b in bounds):
            raise FieldError("targets.field.risk", "targets.error.risk")
        low, high = int(bounds[0]), int(bounds[-1])
        if low > high:
            raise FieldError("targets.field.risk", "targets.error.risk")
        levels += [n for n in range(low, high + 1) if n not in levels]
    return tuple(sorted(levels))


def parse_criteria(values: Mapping[str, str], *, tiers: Collection[str]) -> TargetFilters:
    """TargetFilters from the text fields (FIELDS; missing or blank = not set). At least one
    criterion must be given; ranges must be in order."""
    def given(key: str) -> str:
        return _norm(values.get(key, ""))

    aum_min = parse_yuan(given("aum_min"), "targets.field.aum_min", allow_zero=True) \
        if given("aum_min") else None
    aum_max = parse_yuan(given("aum_max"), "targets.field.aum_max", allow_zero=True) \
        if given("aum_max") else None
    if aum_min is not None and aum_max is not None and aum_min > aum_max:
        raise FieldError("targets.field.aum_max", "targets.error.range_order")
    start = parse_day(given("maturing_from"), "targets.field.maturing_from") \
        if given("maturing_from") else None
    end = parse_day(given("maturing_to"), "targets.field.maturing_to") \
        if given("maturing_to") else None
    if (start is None) != (end is None):
        missing = "targets.field.maturing_to" if end is None else "targets.field.maturing_from"
        raise FieldError(missing, "error.targets.window_both")
    if start is not None and end is not None and start > end:
        raise FieldError("targets.field.maturing_to", "error.targets.window_order")
    filters = TargetFilters(
        tiers=parse_tiers(given("tiers"), tiers),
        aum_min_fen=aum_min, aum_max_fen=aum_max,
        products=parse_products(given("products")),
        maturing_from=start, maturing_to=end,
        no_contact_days=_whole(given("no_contact_days"), "targets.field.no_contact_days", 1,
                               MAX_NO_CONTACT_DAYS) if given("no_contact_days") else None,
        birthday_month=_whole(given("birthday_month"), "targets.field.birthday_month", 1, 12)
        if given("birthday_month") else None,
        risk_levels=parse_risk(given("risk")),
    )
    if filters.empty:
        raise FieldError("targets.field.criteria", "error.targets.no_filter")
    return filters
