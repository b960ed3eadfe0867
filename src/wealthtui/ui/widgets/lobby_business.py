"""The visit's business, one key each (issue 19): `1现金 2非现金 3理财 4自助 5咨询` on screen, the
number keys choosing while this widget has the focus (never in the look-up, where digits are a
card or phone number), ←/→ moving. After a client is identified the focus comes here, so a cash
ticket is `1`, F6.

    choice = BusinessChoice(id="business")       # .value: a code of rules.routing.BUSINESS_KINDS
    @on(BusinessChoice.Changed) ...              # posted when the value changes
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from wealthtui.i18n import t
from wealthtui.rules import routing as routing_rules

KINDS = routing_rules.BUSINESS_KINDS


class BusinessChoice(Widget, can_focus=True):
    """The business kinds as one line of numbered choices; the chosen one is highlighted."""

    DEFAULT_CSS = """
    BusinessChoice {
        height: auto;
        width: 1fr;
        padding: 0 1;
        background: $boost;
    }
    BusinessChoice:focus {
        background: $accent 30%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(i + 1), f"choose('{kind}')", f"lobby.business.{kind}",
                  id=f"lobby.business_{kind}", show=False)  # the widget shows them itself
          for i, kind in enumerate(KINDS)),
        Binding("left", "move(-1)", "lobby2.bind.business_prev", id="lobby.business_prev",
                show=False),
        Binding("right", "move(1)", "lobby2.bind.business_next", id="lobby.business_next",
                show=False),
    ]

    value: reactive[str] = reactive(routing_rules.NON_CASH)

    class Changed(Message):
        def __init__(self, choice: BusinessChoice, value: str) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> BusinessChoice:
            return self.choice

    def __init__(self, value: str = routing_rules.NON_CASH, *, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(BusinessChoice.value, value)

    def render(self) -> Text:
        text = Text()
        for i, kind in enumerate(KINDS):
            if i:
                text.append(" ")
            chosen = kind == self.value
            text.append(str(i + 1), style="bold reverse" if chosen else "bold")
            text.append(t(f"lobby2.business.{kind}"),
                        style="bold green" if chosen else "")
        return text

    def watch_value(self, old: str, new: str) -> None:
        if old != new:
            self.post_message(self.Changed(self, new))

    def action_choose(self, kind: str) -> None:
        self.value = kind

    def action_move(self, step: int) -> None:
        index = KINDS.index(self.value) if self.value in KINDS else 0
        self.value = KINDS[(index + step) % len(KINDS)]
