"""The UI offers no action the role lacks (issue 9 item 4): for every role screen, signed in as
staff of each role (and some holding several posts), every key the footer shows as available
leads to work the permissions matrix allows that person. The services refuse anyway (the UI
hiding a key is not security, tests/security/test_permission_matrix_allowed.py); this checks
that nobody is offered a key that can only end in "not allowed".

BINDING_NEEDS maps each binding id to the matrix action of the service call its work ends in
(None: navigation, nothing is written or read beyond what the screen already shows). A binding
without an entry fails the test, so a new key gets its permission stated here.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import TabPane

from tests.ui.helpers import make_app, settle, sign_in
from wealthtui.rules import permissions as p
from wealthtui.services import Actor, Services
from wealthtui.ui.screens.base import RoleScreen

BINDING_NEEDS: dict[str, str | None] = {}


def shown(screen: RoleScreen) -> set[str]:
    """Ids of the bindings the footer offers right now (enabled, shown)."""
    out = set()
    for active in screen.active_bindings.values():
        if active.enabled and active.binding.show and active.binding.id:
            out.add(active.binding.id)
    return out


async def offered(pilot: Any) -> set[str]:
    """Every binding offered on the current role screen, in each of its tabs or views."""
    screen = pilot.app.screen
    ids = set(shown(screen))
    tabs = [pane.id for pane in screen.query(TabPane)] if hasattr(screen, "action_show_tab") \
        else []
    for tab in tabs:
        screen.action_show_tab(tab)
        await settle(pilot)
        ids |= shown(pilot.app.screen)
    if hasattr(screen, "action_switch_view") and screen.check_action("switch_view", ()):
        screen.action_switch_view()
        await settle(pilot)
        ids |= shown(pilot.app.screen)
    return ids


ACTORS = [
    (p.LOBBY_MANAGER,), (p.LOBBY_ASSISTANT,), (p.CASH_TELLER,), (p.SUPERVISOR,),
    (p.OFFICER, p.NON_CASH_TELLER), (p.WEALTH_CM,), (p.CM_ASSISTANT,), (p.HEAD, p.SUPERVISOR),
]


@pytest.mark.parametrize("roles", ACTORS, ids=["+".join(r) for r in ACTORS])
async def test_every_key_offered_leads_to_allowed_work(services: Services, make_staff,
                                                       roles: tuple[str, ...]) -> None:
    actor: Actor = make_staff(*roles, staff_no="U1", name="试用员工")
    app = make_app(services)
    found: dict[str, set[str]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "U1")
        for mode in p.modes_for(roles):
            await app.switch_mode(mode)
            await settle(pilot)
            found[mode] = await offered(pilot)
    unmapped = sorted(i for ids in found.values() for i in ids if i not in BINDING_NEEDS)
    assert not unmapped, f"state the permission of: {unmapped}"
    for mode, ids in found.items():
        for binding_id in ids:
            need = BINDING_NEEDS[binding_id]
            assert need is None or actor.can(need), f"{mode}: {binding_id} offered to {roles}"
