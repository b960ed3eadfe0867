"""The other half of the permissions matrix (issue 9 item 4), over every @requires service method
and every role, and a few staff holding several posts (一人多岗, manual ch.2 §1.4):

- a role (or set of roles) the matrix allows is never stopped by the permission check: the call,
  made without its arguments, gets past the check into the method (a TypeError for the missing
  arguments, or the method's own answer), never `error.permission.denied`;
- a set of roles none of which is allowed is refused with `error.permission.denied`, and every
  refusal is written to the audit trail as `security.refused`, naming the action;
- an inactive staff member is refused everything, whatever their roles.

tests/services/test_permission_matrix.py (the lead's) covers single roles outside the matrix;
the record-level rules (four eyes, recusal, "not yours") are in test_four_eyes.py and the owners'
tests.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from wealthtui.model import AuditEvent, Staff
from wealthtui.rules import permissions
from wealthtui.services import SERVICES, Actor, Services
from wealthtui.services.base import REGISTRY
from wealthtui.services.errors import PermissionDenied, ServiceError

#: staff holding several posts, as centers staff them
COMBINATIONS: tuple[tuple[str, ...], ...] = (
    (permissions.OFFICER, permissions.NON_CASH_TELLER),
    (permissions.SUPERVISOR, permissions.CASH_TELLER),
    (permissions.LOBBY_MANAGER, permissions.WEALTH_CM),
    (permissions.LOBBY_ASSISTANT, permissions.CM_ASSISTANT),
    (permissions.HEAD, permissions.SUPERVISOR),
    (permissions.CASH_TELLER, permissions.NON_CASH_TELLER),
)
GUARD_KEYS = {"error.permission.denied", "error.permission.inactive"}


def methods(services: Services) -> Iterator[tuple[str, str, Any]]:
    for name in SERVICES:
        service = getattr(services, name)
        for attr in dir(type(service)):
            method = getattr(service, attr, None)
            action = getattr(method, "action", None)
            if action:
                yield f"{type(service).__name__}.{attr}", action, method


def refused_events(services: Services) -> list[tuple[int | None, str, str]]:
    with Session(services.ctx.engine) as db:
        rows = db.exec(select(AuditEvent).where(AuditEvent.action == "security.refused")
                       .order_by(AuditEvent.id)).all()
    return [(r.actor_id, r.entity_id, json.loads(r.detail)["reason"]) for r in rows]


@pytest.fixture
def staff(make_staff) -> dict[tuple[str, ...], Actor]:  # type: ignore[no-untyped-def]
    out = {(role,): make_staff(role, staff_no=f"R{i}") for i, role in enumerate(permissions.ROLES)}
    for i, roles in enumerate(COMBINATIONS):
        out[roles] = make_staff(*roles, staff_no=f"M{i}")
    return out


def call_without_arguments(method: Any, actor: Actor) -> BaseException | None:
    """Call the method with the actor only. The permission check runs first; what comes after
    it (a TypeError for the missing arguments, the method's own refusals) is returned."""
    try:
        method(actor)
    except (TypeError, ServiceError) as exc:
        return exc
    return None


def test_every_allowed_role_and_combination_gets_past_the_permission_check(
        services: Services, staff) -> None:
    checked = 0
    for qual, action, method in methods(services):
        for roles, actor in staff.items():
            if not permissions.allowed(roles, action):
                continue
            outcome = call_without_arguments(method, actor)
            if isinstance(outcome, PermissionDenied):
                assert outcome.key not in GUARD_KEYS, f"{qual} refused {roles} ({action})"
            checked += 1
    assert checked > 500


def test_combinations_without_the_action_are_refused_and_each_refusal_audited(
        services: Services, staff) -> None:
    expected: list[tuple[int | None, str, str]] = []
    before = len(refused_events(services))
    for qual, action, method in methods(services):
        for roles in COMBINATIONS:
            if permissions.allowed(roles, action):
                continue
            actor = staff[roles]
            with pytest.raises(PermissionDenied) as exc:
                method(actor)
            assert exc.value.key == "error.permission.denied", qual
            expected.append((actor.staff_id, action, "error.permission.denied"))
    assert expected, "every combination may do everything?"
    assert refused_events(services)[before:] == expected


def test_an_inactive_staff_member_is_refused_everything(services: Services, staff) -> None:
    head = staff[(permissions.HEAD, permissions.SUPERVISOR)]
    with Session(services.ctx.engine) as db:
        row = db.get(Staff, head.staff_id)
        row.active = False
        db.add(row)
        db.commit()
    for qual, _action, method in methods(services):
        with pytest.raises(PermissionDenied) as exc:
            method(head)
        assert exc.value.key == "error.permission.inactive", qual


def test_the_registry_covers_every_service_method(services: Services) -> None:
    """No service method slips past the matrix: every public method of a service is
    @requires-declared, runs inside another service's unit of work (first parameter `uow`), or
    is one of the explicit exceptions below, each for a stated reason."""
    services.load_all()
    registered = {qual for qual, _, _ in REGISTRY}
    unguarded = set()
    for name in SERVICES:
        cls = type(getattr(services, name))
        for attr, value in vars(cls).items():
            if attr.startswith("_") or not inspect.isfunction(value):
                continue
            qual = f"{cls.__name__}.{attr}"
            params = list(inspect.signature(value).parameters)
            if qual in registered or params[1:2] == ["uow"]:
                continue
            unguarded.add(qual)
    assert unguarded == set(UNGUARDED), sorted(unguarded ^ set(UNGUARDED))


def test_the_shorthands_refuse_whom_their_guarded_method_refuses(services: Services,
                                                                 staff) -> None:
    outsider = staff[(permissions.LOBBY_ASSISTANT,)]
    for call in (lambda: services.agenda.today(outsider), lambda: services.agenda.week(outsider),
                 lambda: services.client_file.open(outsider, 1)):
        with pytest.raises(PermissionDenied) as exc:
            call()
        assert exc.value.key == "error.permission.denied"


_SECOND_PERSON = ("checks a second person's staff number and PIN and that person's role "
                  "(AuthService.second_person), then calls a @requires method")
#: public service methods without @requires, each for a reason
UNGUARDED: dict[str, str] = {
    "AuthService.login": "sign-in itself: no actor yet; failures counted and audited",
    "AuthService.second_person": "verifies another person's PIN and role for four eyes",
    "AuthService.complete_reset": "sign-in with a one-time PIN that sets the person's own new "
                                  "PIN: no actor yet; checked as at sign-in (issue 15)",
    "StaffService.approve_grant_here": _SECOND_PERSON,
    "AuthService.session_ended": "records the end of one's own session (sign-out, lock); "
                                 "refused for a staff number that does not exist",
    "StaffService.has_staff": "start-up: is there anyone to sign in at all",
    "StaffService.bootstrap_head": "the first head of a new center; refused once staff exist",
    "CenterService.meta": "the center's creation marks (demo or not) for the sign-in screen",
    "CenterService.is_demo": "the sign-in screen shows demo PINs only on a demo database",
    "CenterService.info": "the center's name and creation, for the header and `locate`",
    "CenterService.mark_created": "set-up of a new center; audited",
    "AuditService.change_marker": "the id of the last audit event: tells screens to reload",
    "QueueService.board": "the calling board in the waiting area: numbers only, no names",
    "QueueService.category": "a lane from the configuration (the lobby's issue asks the queue)",
    "ReportService.eod_for_operator": "`wealthtui eod` on the server, like `audit verify`",
    "ReportService.month_for_operator": "`wealthtui eod --month` on the server",
    "ReportService.today": "the business date by the center's clock",
    "LobbyService.table": "the routing table from the configuration",
    "ComplaintService.channels": "complaint channels from the configuration",
    "ComplaintService.categories": "complaint categories from the configuration",
    "CounterService.source_of": "a counter's kind from the configuration",
    "AntifraudService.checklist": "the questions file (configuration, no record)",
    "AgendaService.today": "shorthand for AgendaService.items (agenda.view)",
    "AgendaService.week": "shorthand for AgendaService.items (agenda.view)",
    "ClientFileService.open": "calls _open under client.file.view and raises its refusal",
    "ChecklistService.sign_off": _SECOND_PERSON,
    "AuthorizationService.decide_at_counter": _SECOND_PERSON,
    "HandoverService.confirm_at_counter": _SECOND_PERSON,
    "RiskService.assess": _SECOND_PERSON + " (the second person only for a senior client)",
    "HandoverService.witness_at_counter": _SECOND_PERSON,
    "ClientImportService.import_file": "checks data.import first (may_import), then writes "
                                       "through import_batch (data.import) batch by batch",
}


# --- the long run (make soak): every pair of roles ----------------------------------------------
@pytest.mark.soak
def test_every_pair_of_roles_is_allowed_or_refused_as_the_matrix_says(services: Services,
                                                                      make_staff) -> None:
    from itertools import combinations

    checked = 0
    for i, roles in enumerate(combinations(permissions.ROLES, 2)):
        actor = make_staff(*roles, staff_no=f"P{i}")
        for qual, action, method in methods(services):
            if permissions.allowed(roles, action):
                outcome = call_without_arguments(method, actor)
                assert not (isinstance(outcome, PermissionDenied) and outcome.key in GUARD_KEYS), (
                    qual, roles)
            else:
                with pytest.raises(PermissionDenied) as exc:
                    method(actor)
                assert exc.value.key == "error.permission.denied", (qual, roles)
            checked += 1
    assert checked > 5000
