"""One key, one meaning (issue 19): on every role screen, wherever the focus is, no key is bound
twice in the chain that decides what it does (the focused widget, its panels, the screen, the
app), and every key the footer or F1 offers runs an action that exists."""

from __future__ import annotations

from typing import Any

import pytest
from textual.binding import Binding

from tests.ui.helpers import make_app, settle, sign_in
from wealthtui.ui.bindings import CATALOG_KEY

ROLE_STAFF = {"lobby": ("lobby_manager",), "counter": ("cash_teller",),
              "supervisor": ("supervisor",), "cm": ("wealth_cm",), "head": ("head",)}


def _ours(binding: Binding) -> bool:
    return bool(binding.description) and bool(CATALOG_KEY.match(binding.description))


def chain_bindings(app: Any) -> dict[str, list[tuple[str, str]]]:
    """key → [(node class, action)] of our bindings along the focus chain, the screen and app."""
    screen = app.screen
    focused = screen.focused
    nodes: list[Any] = list(focused.ancestors_with_self) if focused is not None else [screen, app]
    if screen not in nodes:
        nodes.append(screen)
    if app not in nodes:
        nodes.append(app)
    seen: dict[str, list[tuple[str, str]]] = {}
    for node in nodes:
        for key, bindings in node._bindings.key_to_bindings.items():
            for b in bindings:
                if _ours(b) and node.check_action(b.action, ()) is not False:
                    seen.setdefault(key, []).append((type(node).__name__, b.action))
    return seen


def _action_exists(node: Any, action: str) -> bool:
    name = action.split("(", 1)[0]
    target = node
    if "." in name:
        namespace, name = name.split(".", 1)
        target = node.app if namespace == "app" else node.screen if namespace == "screen" else node
    return callable(getattr(target, f"action_{name}", None))


@pytest.mark.parametrize("role", list(ROLE_STAFF))
async def test_no_key_means_two_things_anywhere_on_a_role_screen(services, head, make_staff,
                                                                 role: str):
    who = head if role == "head" else make_staff(*ROLE_STAFF[role], staff_no="K01")
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, who.staff_no)
        screen = app.screen
        places = [w for w in screen.query("*") if w.focusable and w.display]
        assert places
        doubles: list[str] = []
        for widget in places:
            widget.focus()
            await settle(pilot)
            for key, owners in chain_bindings(app).items():
                if len(owners) > 1:
                    doubles.append(f"{type(widget).__name__}: {key} → {owners}")
            for active in app.screen.active_bindings.values():
                if _ours(active.binding):
                    assert _action_exists(active.node, active.binding.action), active
        assert doubles == [], "\n".join(sorted(set(doubles))[:20])
