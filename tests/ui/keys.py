"""Press a key by what it does, not by its name: the key of the binding with an id.

    from tests.ui.keys import press_action
    await press_action(pilot, "counter.call_next")

The binding is looked up among the bindings active now (the focus chain, the screen and the app,
as Textual resolves them, with the configured keymap applied), so a key moved to another F-key
or Ctrl-combination does not break a test that presses it. A binding id that is not active (not
on this screen, not enabled, or shadowed by another binding of the same key) fails the test with
the ids that are."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot


def key_of(pilot: Pilot[Any], binding_id: str) -> str:
    """The key that runs the binding `binding_id` on the current screen now."""
    active = pilot.app.screen.active_bindings
    for key, found in active.items():
        if found.binding.id == binding_id:
            assert found.enabled, f"{binding_id} is bound to {key} but disabled now"
            return key
    ids = sorted({a.binding.id for a in active.values() if a.binding.id})
    raise AssertionError(f"no active binding {binding_id!r} on "
                         f"{type(pilot.app.screen).__name__}; active: {ids}")


async def press_action(pilot: Pilot[Any], *binding_ids: str) -> None:
    """Press the keys of the bindings `binding_ids`, one after the other (each looked up on the
    screen the previous one left)."""
    for binding_id in binding_ids:
        await pilot.press(key_of(pilot, binding_id))
