"""A tiny app that hosts one widget for a test, and offers what the one call path (ui/calls.py)
needs of the app: the services, the actor, settings and clock, and the tracked calls
(`track_call`, `calls_settled`) that Pilot waits for (tests/conftest.py), and the real app's key
display, so a footer drawn on it reads as in the real app."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker

from wealthtui.services import Actor, Services
from wealthtui.ui.app import WealthApp
from wealthtui.ui.stylesheet import SharedStylesheet


class HostApp(App[None]):
    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        # the real app's stylesheet: parsed CSS kept for the process (ui/stylesheet.py)
        self.stylesheet = SharedStylesheet(variables=self.get_css_variables())
        self.services = services
        self.settings = services.settings
        self.actor = actor
        self.clock = services.ctx.clock
        self._call_workers: list[Worker[Any]] = []

    # the call tracking of the real app, the same code (ui/app.py)
    track_call = WealthApp.track_call
    calls_in_flight = WealthApp.calls_in_flight
    calls_settled = WealthApp.calls_settled
    # the keys as staff see them in the real app's footers ("F2", "Ctrl+L"), not Textual's "f2"
    get_key_display = WealthApp.get_key_display


class HostScreen(Screen[None]):
    """The one widget a test hosts, focused, over the footer."""

    def __init__(self, widget: Any) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget
        yield Footer()

    def on_mount(self) -> None:
        self.widget.focus()
