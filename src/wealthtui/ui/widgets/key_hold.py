"""Keys typed after Enter in a look-up wait for the look-up's answer (issue 19: keys sent in one
burst — a fast typist, a browser terminal — such as "lisi", Enter, "1", F6 at the lobby).

Enter acts on the look-up's answer, which comes later; the keys after it mean "on what the Enter
found": the business line for "1", the ticket for F6. Left alone they would land in the look-up
box (changing the text the Enter acts on) or run on the screen before the client is identified.
So Enter gives the focus to a `KeyHold`, which keeps every key it is handed; `release()` hands
them back to the app, in order, once the Enter has moved the focus where it belongs.

    hold = self.query_one(KeyHold)
    hold.hold()            # from a priority Enter binding: the next keys come here
    ...
    hold.release(fallback) # the Enter is done: focus `fallback` if nothing else took it, replay
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget


class KeyHold(Widget):
    """Not on screen (no cells) and out of the Tab order except while it holds."""

    DEFAULT_CSS = """
    KeyHold {
        width: 0;
        height: 0;
    }
    """

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.keys: list[events.Key] = []
        self.holding = False

    def hold(self) -> None:
        """Take the focus now (not a turn later): the app hands the next key to this widget."""
        self.holding, self.can_focus = True, True
        self.screen.set_focus(self)

    def on_key(self, event: events.Key) -> None:
        if self.holding:
            event.stop()
            event.prevent_default()
            self.keys.append(events.Key(event.key, event.character))

    def release(self, fallback: Widget) -> None:
        """Stop holding: `fallback` takes the focus if this widget still has it; the keys held
        go to the app again, in the order they came."""
        if not self.holding:
            return
        keys, self.keys, self.holding = self.keys, [], False
        if self.screen.focused is self:
            self.screen.set_focus(fallback)
        self.can_focus = False
        for key in keys:
            self.app.post_message(key)
