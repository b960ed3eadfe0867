from __future__ import annotations

import pytest

from wealthtui.rules import permissions as p


def test_every_action_is_allowed_to_some_role_and_only_known_roles() -> None:
    for action, roles in p.MATRIX.items():
        assert roles, action
        assert roles <= set(p.ROLES), action


def test_unknown_actions_are_refused() -> None:
    assert not p.allowed(p.ROLES, "no.such.action")


def test_modes_follow_roles_in_a_fixed_order() -> None:
    assert p.modes_for([p.HEAD, p.CASH_TELLER]) == ["counter", "head"]
    assert p.modes_for([p.LOBBY_ASSISTANT]) == ["lobby"]
    assert p.modes_for([]) == []


def test_parse_roles_names_unknown_ones() -> None:
    assert p.parse_roles("head，cash_teller") == {p.HEAD, p.CASH_TELLER}
    with pytest.raises(ValueError, match="janitor"):
        p.parse_roles("head,janitor")
