"""Every service method refuses an actor whose roles lack its action — driven by the registry of
@requires methods and the permissions matrix, not by a hand-picked list."""

from __future__ import annotations

import pytest

from wealthtui.rules import permissions
from wealthtui.services import Services
from wealthtui.services.base import REGISTRY
from wealthtui.services.errors import PermissionDenied


def _service_methods(services: Services):
    services.load_all()  # services are created at their first use
    for name in vars(services):
        service = getattr(services, name)
        for attr in dir(type(service)):
            method = getattr(service, attr, None)
            action = getattr(method, "action", None)
            if action:
                yield f"{type(service).__name__}.{attr}", action, method


def test_every_registered_method_is_reachable_from_services(services: Services) -> None:
    reachable = {qual for qual, _, _ in _service_methods(services)}
    registered = {qual for qual, _, _ in REGISTRY}
    assert registered <= reachable, sorted(registered - reachable)


def test_methods_refuse_every_role_outside_the_matrix(services: Services, make_staff) -> None:
    actors = {role: make_staff(role, staff_no=f"R{i}") for i, role in enumerate(permissions.ROLES)}
    checked = 0
    for _qual, action, method in _service_methods(services):
        for role in permissions.ROLES:
            if role in permissions.MATRIX[action]:
                continue
            with pytest.raises(PermissionDenied):
                method(actors[role])  # refused before any argument is looked at
            checked += 1
    assert checked > 0
