"""Dual recordings (双录) for tests that sell: the real service enters one before the sale."""

from __future__ import annotations

from itertools import count

from wealthtui.services import Services
from wealthtui.services.base import Actor

_REFS = count(1)


def recorded(services: Services, actor: Actor, client_id: int, product: str,
             started: str = "09:00", ended: str = "09:20") -> str:
    """Enter a finished recording of the sale of `product` to the client (today); its id."""
    ref = f"SR-T{next(_REFS):06d}"
    services.dual_recording.enter(actor, client_id, product, ref, started, ended)
    return ref
