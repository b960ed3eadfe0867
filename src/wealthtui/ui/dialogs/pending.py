"""A form that needs a read before it can open: a small "Loading…" dialog meanwhile.

    open_when_read(host, title, read, build, done, key="risk-form")

`read(actor)` runs through the one call path (ui/calls.py), off the event loop; until it answers
a `PendingDialog` shows the form's title and the loading line, so a slow store (PostgreSQL across
a network, a busy SQLite file) never leaves the person looking at nothing. Escape gives up: the
answer that comes later is dropped. When the answer comes while the dialog is still shown, the
dialog gives way to `build(value)`, pushed with `done` as its callback. Pressing the key again
asks again; only the last request's answer opens a form (the call's `key`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from wealthtui.i18n import t
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.frame import frame_css
from wealthtui.ui.text import plain


class PendingDialog(Calls, TranslatedBindings, ModalScreen[None]):
    DEFAULT_CSS = frame_css("PendingDialog", width=50, title="#pending-title") + """
    PendingDialog #pending-line {
        color: $text-muted;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "dialog.bind.cancel", id="pending.cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), id="pending-title")
            yield Static(t("compliance_wait.loading"), id="pending-line")
            yield Footer()

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_when_read(host: Any, title: str, read: Callable[..., Any],
                   build: Callable[[Any], Screen[Any]], done: Callable[[Any], Any], *,
                   key: str) -> None:
    """Show a PendingDialog over `host` (a `Calls` screen), read, then open the form."""
    waiting = PendingDialog(title)
    host.app.push_screen(waiting)

    def show(value: Any) -> None:
        if not waiting.is_attached or host.app.screen is not waiting:
            return  # given up (Escape), or something else is on top now
        waiting.dismiss(None)
        host.app.push_screen(build(value), done)

    def failed(_failure: Failed) -> None:
        if waiting.is_attached and host.app.screen is waiting:
            waiting.dismiss(None)  # the failure is shown as a toast by the call path

    host.call(read, then=show, failed=failed, key=key)
