"""Reusable helpers for UI tests (Pilot and snapshots). Other screens' tests use them too.

    from tests.ui.helpers import make_app, sign_in

    async def test_something(services, head):
        app = make_app(services)
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(pilot, "H001")
            ...

- `quiet_settings(settings, **ui)`: settings with the cursor blink off (stable snapshots) and any
  `[ui]` values replaced (language="en", idle_lock_minutes=..., keymap={...}).
- `make_app(services, settings=None, **kw)`: a WealthApp on the test services and their fixed clock
  (`kw` goes to WealthApp: kiosk=..., demo_pins=..., clock=...).
- `await sign_in(pilot, staff_no, pin=TEST_PIN)`: types into the login screen and waits until the
  first role screen is active (asserts that it is).
- `await type_into(pilot, selector, text)`: focuses an Input (or a FormField) and types `text`.
- `await settle(pilot)`: waits for workers, scheduled animations and pending messages.
- `screen_text(app)`: the visible text of the current screen (for `"..." in screen_text(app)`).
- `seed_handoff(services, sender, **fields)`: creates a hand-off through the service.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled

from wealthtui.config import Settings
from wealthtui.services import Actor, Services
from wealthtui.ui.app import WealthApp
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.screens.base import RoleScreen

TEST_PIN = "246810"  # the PIN of tests/conftest.py's staff factories
#: settles at most while a sign-in makes its way (each waits for events, never for a time)
SIGN_IN_TURNS = 40


def quiet_settings(settings: Settings, **ui: Any) -> Settings:
    """Settings for UI tests: no cursor blink, and `ui` overrides."""
    values = {"blink_cursor": False, **ui}
    return settings.model_copy(update={"ui": settings.ui.model_copy(update=values)})


def make_app(services: Services, settings: Settings | None = None, **kw: Any) -> WealthApp:
    """A WealthApp on `services` (and their clock) with quiet settings."""
    base = settings or services.settings
    if base.ui.blink_cursor:
        base = quiet_settings(base)
    return WealthApp(services=services, settings=base, **kw)


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the screen catch up."""
    app = pilot.app
    for _ in range(SIGN_IN_TURNS):
        try:
            await app.workers.wait_for_complete()
            break
        except WorkerCancelled:
            # a load superseded by a newer one (the last request wins, issue 22): the
            # manager lets it go at its next turn; wait for the others
            await pilot.pause()
    else:
        await app.workers.wait_for_complete()  # still cancelled ones: let it be seen
    settled = getattr(app, "calls_settled", None)  # the board (DisplayApp) calls no services
    if settled is not None:
        await settled()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def poll(pilot: Pilot[Any]) -> bool:
    """Poll the change marker as the app's timer does and wait for the answer; True when it
    found a change (and told the role screen to reload)."""
    app = pilot.app
    if not app.poll_changes():
        return False
    await settle(pilot)
    return bool(app.last_poll_changed)


async def type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    """Focus the Input at `selector` (an Input, or a FormField holding one) and type `text`."""
    widget = pilot.app.screen.query_one(selector)
    target = widget.input if isinstance(widget, FormField) else widget
    assert isinstance(target, Input), f"{selector} is not an input"
    target.focus()
    await pilot.pause()
    target.value = ""
    if text:
        await pilot.press(*text)


async def sign_in(pilot: Pilot[Any], staff_no: str, pin: str = TEST_PIN) -> RoleScreen:
    """Sign in on the login screen; returns the role screen that opens."""
    await type_into(pilot, "#staff-no", staff_no)
    await pilot.press("enter")
    await type_into(pilot, "#pin", pin)
    await pilot.press("enter")
    # From Enter to the role screen is a chain of about nine messages (the key, Input.Submitted
    # bubbling to the PIN entry, the PIN check in a thread, its Authenticated message bubbling to
    # the login screen, the session worker that switches the mode). A settle is sure to carry
    # only a couple of them along: the rest ride on Textual's wait_for_idle, which gives up at
    # once on a starved process (it takes a slow CPU clock for idleness). So settle until the
    # role screen shows, mounted with what it composed (a starved process was seen with the
    # LobbyScreen current but its #lookup not yet there), then once more for what its mount
    # started (its first loads, the focus). A refused sign-in fails below after SIGN_IN_TURNS.
    for _ in range(SIGN_IN_TURNS):
        await settle(pilot)
        shown = pilot.app.screen
        if isinstance(shown, RoleScreen) and shown.is_mounted:
            await settle(pilot)
            break
    screen = pilot.app.screen
    assert isinstance(screen, RoleScreen), (
        f"sign-in as {staff_no} did not open a role screen: {type(screen).__name__} "
        f"{screen_text(pilot.app)!r}"
    )
    return screen


def screen_text(app: WealthApp) -> str:
    """The text currently shown on the terminal (the top screen, composed)."""
    return "\n".join(
        strip.text for strip in app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    )


def seed_handoff(services: Services, sender: Actor, **fields: Any) -> Any:
    """Create a hand-off through the service (kind defaults to "general")."""
    fields.setdefault("kind", "general")
    return services.handoffs.create(sender, **fields)
