"""The demo's roster of a day, written through the roster service (audited, as a head would):
everyone in, the absent ones on leave, the duty CM and the duty lobby manager named."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from wealthtui.rules import permissions
from wealthtui.services import Actor, Services


def write_roster(services: Services, head: Actor, day: date, everyone: Iterable[Actor], *,
                 absent: Iterable[int] = (), duty_cm: int | None = None) -> None:
    """Record `day`'s roster by `head`: all in, `absent` on leave, `duty_cm` (a CM) and the
    first lobby manager who is in as the duty lobby manager."""
    away = set(absent)
    services.roster.all_in(head, day=day)
    for staff_id in sorted(away):
        services.roster.set_state(head, staff_id, "leave", day=day)
    if duty_cm is not None and duty_cm not in away:
        services.roster.set_duty_cm(head, duty_cm, day=day)
    lobby = next((a.staff_id for a in everyone
                  if permissions.LOBBY_MANAGER in a.roles and a.staff_id not in away), None)
    if lobby is not None:
        services.roster.set_duty_lobby(head, lobby, day=day)
