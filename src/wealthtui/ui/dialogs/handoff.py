"""One hand-off of the inbox and what can be done with it (Enter on an inbox row).

    HandoffDialog(title, lines, actions=frozenset({"accept", "decline", "done", "open"}))

Shows the hand-off's lines (kind, client, sender, times, note — data shown as plain text, never
markup) and offers (in its footer, the others hidden) the actions its state allows: F2 accept, F3 decline, F4 done, F5 open what it
is about (the client's file, the complaint), Escape closes. It does nothing itself: it returns
the chosen action's name with `dismiss(action)` (None on Escape) and the inbox panel does it
through the services.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.dialogs.frame import frame_css
from wealthtui.ui.text import Paragraph

ACTIONS = ("accept", "decline", "done", "open")


class HandoffDialog(TranslatedBindings, ModalScreen[str | None]):
    DEFAULT_CSS = frame_css('HandoffDialog', width=76, title='#handoff-title') + """
    HandoffDialog #handoff-body {
        height: auto;
        margin-bottom: 1;
    }
    HandoffDialog Footer {
        dock: none;
    }
    """

    BINDINGS = [
        Binding("f2", "choose('accept')", "inbox.bind.accept", id="handoff.accept"),
        Binding("f3", "choose('decline')", "inbox.bind.decline", id="handoff.decline"),
        Binding("f4", "choose('done')", "inbox.bind.done", id="handoff.done"),
        Binding("f5", "choose('open')", "cm2.handoff.open", id="handoff.open"),
        Binding("escape", "close", "dialog.bind.cancel", id="handoff.close"),
    ]

    def __init__(self, title: str, lines: Iterable[str], *, actions: Iterable[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.actions = frozenset(actions)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), id="handoff-title")
            yield Paragraph("\n".join(self.lines), id="handoff-body")
            yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An action the hand-off's state does not allow is hidden from the footer and F1 (not
        shown dimmed: "F5 打开" with nothing to open reads as an offer)."""
        if action == "choose":
            return bool(parameters) and parameters[0] in self.actions
        return True

    def action_choose(self, action: str) -> None:
        if action in self.actions:
            self.dismiss(action)

    def action_close(self) -> None:
        self.dismiss(None)
