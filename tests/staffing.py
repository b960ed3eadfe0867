"""Staff added in tests the way a center adds them (issue 15), through the real services:

1. the head adds the person (`StaffService.add`): a random one-time PIN, shown once;
2. the person chooses their own PIN with it at another terminal (`AuthService.complete_reset`
   at FIXTURE_TERMINAL, never the terminal where the one-time PIN was issued);
3. a head or supervisor role asked for them is a pending grant, approved by a second person:
   an active head or supervisor other than the requester and the person, else the tests'
   administrator ADMIN_NO — an officer listed in `insiders.administrators` for that one
   approval (as a new center's configuration lists one, README "Insider controls"), added the
   same way and deactivated straight after, so that no test sees an extra active colleague.

`add_staff(...)` is used by every fixture and test that needs staff who can sign in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from tests.conftest import TEST_PIN
from wealthtui.services import Actor, Services
from wealthtui.services.staff import GUARDED_ROLES, RoleGrantView, StaffView

#: where the people added in tests choose their own PIN
FIXTURE_TERMINAL = "fixture-desk"
#: the tests' configured administrator, added only when a first head/supervisor grant needs one
ADMIN_NO, ADMIN_NAME = "A000", "审批管理员"


def actor_of(view: StaffView) -> Actor:
    return Actor(view.id, view.staff_no, view.name, frozenset(view.roles))


def add_staff(services: Services, head: Actor, staff_no: str, name: str, roles: Iterable[str],
              pin: str = TEST_PIN, *, birthday: date | None = None) -> StaffView:
    """Add a staff member who then holds `roles` and signs in with `pin`."""
    new = services.staff.add(head, staff_no, name, list(roles), birthday=birthday)
    services.auth.complete_reset(staff_no, new.pin, pin, terminal=FIXTURE_TERMINAL)
    if new.pending is not None:
        approve(services, head, new.pending)
    return next(v for v in services.staff.roster(head) if v.staff_no == staff_no)


def approve(services: Services, head: Actor, grant: RoleGrantView) -> None:
    """Approve `grant` as a second person (see the module docstring)."""
    others = [v for v in services.staff.roster(head, include_inactive=False)
              if set(v.roles) & GUARDED_ROLES
              and v.staff_no not in (grant.requested_by_no, grant.staff_no)]
    if others:
        services.staff.approve_grant(actor_of(others[0]), grant.id)
        return
    settings = services.settings
    insiders = settings.insiders.model_copy(
        update={"administrators": [*settings.insiders.administrators, ADMIN_NO]})
    founding = Services(services.ctx.engine, settings.model_copy(update={"insiders": insiders}),
                        services.clock)
    admin = add_staff(founding, head, ADMIN_NO, ADMIN_NAME, ["officer"])
    founding.staff.approve_grant(actor_of(admin), grant.id)
    founding.staff.deactivate(head, ADMIN_NO)


def lobby_people(make_staff: Callable[..., Actor]) -> dict[str, Actor]:
    """The lobby's usual cast: a lobby manager, two wealth CMs and a cash teller."""
    return {
        "lobby": make_staff("lobby_manager", staff_no="L1", name="赵大堂"),
        "cm1": make_staff("wealth_cm", staff_no="C1", name="李理财"),
        "cm2": make_staff("wealth_cm", staff_no="C2", name="周理财"),
        "teller": make_staff("cash_teller", staff_no="T1", name="陈柜员"),
    }
