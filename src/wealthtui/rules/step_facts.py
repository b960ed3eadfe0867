"""Facts the system writes into a checklist's text step, stored as data and worded when shown.

Some text steps are recorded by a service, not typed: the contact that served as a CM change's
first contact (services.contacts), the written notice queued for it (services.notices), the
products a marketing contact proposed with their suitability (services.contacts). Their value
holds codes and ids only — a small JSON object with a `fact` kind — so the screen words them in
the viewer's language from the catalogs (ui/widgets/checklist.show_value), never in the language
of whoever recorded them (issue 19: `phone #268` on a Chinese screen).

A typed value is read as a fact only when it is exactly such an object with a known kind and
the fields that kind needs; anything else is shown as typed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

CONTACT = "contact"    # a contact log entry: its id, date and channel code (rules.agenda.CHANNELS)
NOTICE = "notice"      # a queued notice: its id, date and channel code (services.notices)
PROPOSAL = "proposal"  # products proposed: code, product level, client level, verdict, ack


@dataclass(frozen=True)
class Proposed:
    """One product of a proposal: its code, its risk level and the client's (None: never
    assessed), the verdict code (rules.suitability) and the acknowledgement typed for it."""

    code: str
    level: int | None
    client_level: int | None
    outcome: str
    ack: str = ""


@dataclass(frozen=True)
class Fact:
    kind: str
    id: int | None = None
    day: date | None = None
    channel: str = ""
    products: tuple[Proposed, ...] = ()


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def record(kind: str, record_id: int, day: date, channel: str) -> str:
    """The stored value for a contact (`CONTACT`) or a notice (`NOTICE`) that recorded a step."""
    assert kind in (CONTACT, NOTICE), kind
    return _dump({"fact": kind, "id": record_id, "date": day.isoformat(), "channel": channel})


def proposal(products: list[Proposed]) -> str:
    """The stored value for the products a contact proposed."""
    return _dump({"fact": PROPOSAL, "products": [
        {"code": p.code, "level": p.level, "client_level": p.client_level,
         "outcome": p.outcome, **({"ack": p.ack} if p.ack else {})} for p in products]})


def _level(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(value)


def parse(value: str) -> Fact | None:
    """The fact a stored value holds, or None when it is text as typed."""
    if not value.startswith("{\"") or not value.endswith("}"):
        return None
    try:
        data = json.loads(value)
        kind = data["fact"]
        if kind in (CONTACT, NOTICE):
            if set(data) != {"fact", "id", "date", "channel"}:
                return None
            record_id, channel = data["id"], data["channel"]
            if not isinstance(record_id, int) or not isinstance(channel, str):
                return None
            return Fact(kind, id=record_id, day=date.fromisoformat(data["date"]),
                        channel=channel)
        if kind == PROPOSAL and set(data) == {"fact", "products"}:
            products = tuple(
                Proposed(str(p["code"]), _level(p["level"]), _level(p["client_level"]),
                         str(p["outcome"]), str(p.get("ack", "")))
                for p in data["products"])
            return Fact(PROPOSAL, products=products)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return None
