"""A staff number, Enter and a PIN arriving in one burst (a fast typist, a browser terminal
sending its keys together) land in their own fields: seen in the browser test under load as the
PIN typed into the staff-number field ("803124683")."""

from __future__ import annotations

from textual import events

from tests.conftest import TEST_PIN
from tests.ui.helpers import make_app, settle
from wealthtui.ui.screens.base import RoleScreen


async def test_keys_sent_together_reach_the_pin_field_after_enter(services, head) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in [*head.staff_no, "enter", *TEST_PIN, "enter"]:  # queued before any runs
            char = key if len(key) == 1 else None
            app.post_message(events.Key(key, char))
        await settle(pilot)
        for _ in range(20):  # the PIN check runs in a thread: wait for its answer and the screen
            if isinstance(app.screen, RoleScreen):
                break
            await settle(pilot)
        assert isinstance(app.screen, RoleScreen), app.screen
        assert app.actor is not None and app.actor.staff_no == head.staff_no
