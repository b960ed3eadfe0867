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

_NAVIGATION = ("app.help", "app.lock", "app.quit", "app.next_mode", "shell.inbox",
               "lobby.focus_lookup", "inbox.switch", "cm.find_focus")
BINDING_NEEDS: dict[str, str | None] = {
    **dict.fromkeys(_NAVIGATION),
    # lobby (services.lobby, lookup, queue, complaints, checklists, handoffs)
    "lobby.next_visitor": "visit.record", "lobby.walk_in": "visit.record",
    "lobby.notify_cm": "visit.record", "lobby.register": "client.register",
    "lobby.issue_ticket": "queue.issue", "lobby.divert": "queue.issue",
    "lobby.complaint": "complaint.intake", "lobby.lead": "lead.create",
    "lobby.checklist": "checklist.run", "lobby.reroute": "handoff.reroute",
    # counter, teller view (services.queue, counter, authorization, handover, balancing)
    "counter.call_next": "queue.serve", "counter.recall": "queue.serve",
    "counter.start": "queue.serve", "counter.park": "queue.serve",
    "counter.no_show": "queue.serve", "counter.call_specific": "queue.serve",
    "counter.transfer": "queue.route", "counter.record": "service.record",
    "counter.finish": "service.record", "counter.retention": "service.record",
    "counter.cancel_record": "service.record", "counter.authorize": "authz.request",
    "counter.sign_on": "counter.session", "counter.sign_off": "counter.session",
    "counter.break": "counter.session", "counter.resume": "counter.session",
    "counter.handover": "handover.shift", "counter.balance": "balance.enter",
    # counter, supervisor view
    "counter.switch_view": "counter.oversee", "counter.approve": "authz.decide",
    "counter.reject": "authz.decide", "counter.witness": "handover.witness",
    "counter.difference": "balance.signoff", "counter.sign_off_teller": "balance.signoff",
    "counter.outlet": "balance.outlet",
    # client managers (services.contacts, lookup, handoffs, checklists, assignments, targets)
    "cm.log_contact": "contact.log", "cm.find": "client.lookup",
    "cm.to_teller": "handoff.create", "cm.marketing": "checklist.run",
    "cm.change_checklist": "client.cm_change.step", "cm.record_target": "targetlist.work",
    # head (services.staff, assignments, day, reports)
    "head.add_staff": "staff.admin", "head.roles": "staff.admin", "head.reset_pin": "staff.admin",
    "head.unlock": "staff.admin", "head.deactivate": "staff.admin",
    "head.assign_cm": "client.assign_cm", "head.reassign_book": "client.assign_cm",
    "head.close_day": "day.close", "head.enter_figure": "kpi.enter",
    "head.pick_month": "kpi.view", "head.pick_flow_day": "flowlog.view",
    "head.pick_eod": "report.eod", "head.export_eod": "report.eod",
    # the inbox panel of every role screen (services.handoffs)
    "inbox.accept": "handoff.respond", "inbox.decline": "handoff.respond",
    "inbox.done": "handoff.respond",
}


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
    await pilot.press("f9")  # into the inbox, where a hand-off waits
    await settle(pilot)
    ids |= shown(pilot.app.screen)
    return ids


def seed(services: Services, make_staff, actor: Actor) -> None:
    """Something to act on: a hand-off in the inbox; a teller signed on with a ticket called."""
    lobby = make_staff(p.LOBBY_MANAGER, staff_no="L9", name="大堂")
    services.handoffs.create(lobby, kind="general", to_staff_id=actor.staff_id, note="请处理")
    counter = "02" if p.CASH_TELLER in actor.roles else "04" if actor.roles & {
        p.NON_CASH_TELLER, p.OFFICER} else None
    if counter is not None:
        services.counter.sign_on(actor, counter, "")
        services.queue.issue(lobby, "A" if counter == "02" else "B")
        services.queue.call_next(actor, counter)


ACTORS = [
    (p.LOBBY_MANAGER,), (p.LOBBY_ASSISTANT,), (p.CASH_TELLER,), (p.SUPERVISOR,),
    (p.OFFICER, p.NON_CASH_TELLER), (p.WEALTH_CM,), (p.CM_ASSISTANT,), (p.HEAD, p.SUPERVISOR),
]


@pytest.mark.parametrize("roles", ACTORS, ids=["+".join(r) for r in ACTORS])
async def test_every_key_offered_leads_to_allowed_work(services: Services, make_staff,
                                                       roles: tuple[str, ...]) -> None:
    actor: Actor = make_staff(*roles, staff_no="U1", name="试用员工")
    seed(services, make_staff, actor)
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
        assert {i for i in ids if BINDING_NEEDS[i]}, f"{mode}: no work offered to {roles}?"
        for binding_id in ids:
            need = BINDING_NEEDS[binding_id]
            assert need is None or actor.can(need), f"{mode}: {binding_id} offered to {roles}"
