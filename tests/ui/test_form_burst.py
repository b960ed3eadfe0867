"""Keys sent in one burst (a fast typist, a browser terminal sending its keys together) land in
their fields in every form (issue 19): Enter moves to the next field before the next key is
handed to a widget (one mechanism, dialogs/form.py `enter_moves`, used by every form screen and
by the sign-in). As the Input's Submitted message the move came after keys already handed to
the first field, and the phone number was typed into the name. Every burst is queued before any
of it runs."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import TextArea

from tests.ui.helpers import make_app, settle, sign_in
from tests.ui.test_complaints import open_intake, staff  # noqa: F401
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog


def burst(app: Any, keys: list[str]) -> None:
    """Queue `keys` on the app at once (nothing runs until the test awaits)."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


def typed(text: str) -> list[str]:
    return list(text)


async def test_a_burst_fills_each_field_of_the_complaint_form_and_of_a_form_dialog(
        services, head, staff) -> None:  # noqa: F811
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "L001")
        intake = await open_intake(pilot, channel="on_site")
        intake.query_one("#name", FormField).focus()
        await settle(pilot)
        burst(app, [*typed("吴先生"), "enter", *typed("13700001111"), "enter"])
        await settle(pilot)
        assert intake.query_one("#name", FormField).value == "吴先生"
        assert intake.query_one("#phone", FormField).value == "13700001111"
        # Enter on the phone (the person's last one-line field before the text): the next
        # one-line field takes the focus; Enter elsewhere goes on to the focused widget
        assert app.focused is intake.query_one("#remedy", FormField).input
        intake.query_one("#description", TextArea).focus()
        await settle(pilot)
        burst(app, [*typed("少付"), "enter", *typed("一百")])
        await settle(pilot)
        assert intake.query_one("#description", TextArea).text == "少付\n一百"
        await pilot.press("escape")
        await settle(pilot)

        results: list[Any] = []
        form = FormDialog("x", [Field("staff_no", "field.staff_no"),
                                Field("reason", "field.reason")],
                          submit=lambda values: values)
        app.push_screen(form, results.append)
        await settle(pilot)
        burst(app, [*typed("8031"), "enter", *typed("补录原因"), "enter"])
        await settle(pilot)
        assert results == [{"staff_no": "8031", "reason": "补录原因"}]
