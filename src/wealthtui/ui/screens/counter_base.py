"""What the counter's two screens share (the teller's counter, ui/screens/counter.py, and the
supervisor's oversee view, ui/screens/counter_oversee.py): one coalesced reload on the one call
path, the waits' tick, and the callback that follows a successful action.

    class CounterScreen(CounterBase):
        def load(self, actor): ...            # in the call's thread: read what is shown
        def show_loaded(self, view): ...      # on the event loop: show it

`reload()` runs `load` through `Calls.call` (a thread, never the event loop). A reload asked for
while one is running (a change marker, the tick, an action done) does not start a second one: it
marks the screen dirty, and exactly one more reload runs when the current one has answered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.widgets import Static

from wealthtui.services import Actor
from wealthtui.ui.calls import Failed
from wealthtui.ui.hooks import require
from wealthtui.ui.screens.base import RoleScreen
from wealthtui.ui.text import plain
from wealthtui.ui.widgets.resume import pending_line


def read_pending(services: Any, actor: Actor, width: int) -> str:
    """The line naming the staff member's checklists still open ("" when none), `width` cells
    wide (in the call's thread)."""
    return pending_line(services.checklists, actor, today=services.ctx.today(), width=width)


class CounterBase(RoleScreen):
    MODE = "counter"

    DEFAULT_CSS = """
    CounterBase #counter-pending {
        height: 1;
        padding: 0 1;
        color: $warning;
        text-style: bold;
        display: none;
    }
    """

    def __init__(self, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        #: a reload is running / another was asked for meanwhile
        self.reloading = False
        self.dirty = False
        #: how many reloads were started (the tests count them)
        self.reloads = 0
        #: the first load has answered
        self.loaded = False
        #: the width of the line of open checklists, taken when a reload starts
        self.pending_width = 78

    # --- what a subclass provides (ui/hooks.py checks it when the class is made) ------------
    HOOKS: ClassVar[tuple[str, ...]] = ("load", "show_loaded")
    #: read what the screen shows (runs in the call's thread)
    load: Callable[[Actor], Any]
    #: show what `load` read (runs on the event loop)
    show_loaded: Callable[[Any], None]

    def __init_subclass__(cls, *, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        require(cls, abstract=abstract)

    # --- the coalesced reload --------------------------------------------------------------
    def start_ticking(self) -> None:
        """Waits grow with time even when nobody writes: reload now and then (same path)."""
        self.set_interval(max(10.0, self.settings.ui.refresh_seconds * 5), self._tick,
                          name="counter-tick")

    def _tick(self) -> None:
        if self.app.screen is self:
            self.reload()

    def on_data_changed(self) -> None:
        self.reload()

    def show_pending(self, text: str) -> None:
        """The line naming the checklists still open (`#counter-pending`; hidden when none)."""
        line = self.query_one("#counter-pending", Static)
        line.update(plain(text))
        line.display = bool(text)

    def reload(self) -> None:
        self.pending_width = self.app.size.width - 2
        if self.reloading:
            self.dirty = True
            return
        self.reloading, self.dirty = True, False
        self.reloads += 1
        self.call(self.load, then=self._answered, failed=self._not_loaded, key="reload")

    def _answered(self, view: Any) -> None:
        self.loaded = True
        self.show_loaded(view)
        self.refresh_bindings()
        self._reload_done()

    def _not_loaded(self, _failure: Failed) -> None:
        self._reload_done()

    def _reload_done(self) -> None:
        self.reloading = False
        if self.dirty:
            self.reload()

    # --- after an action -------------------------------------------------------------------
    def done(self, message: str | Callable[[Any], str] = "") -> Callable[[Any], None]:
        """A callback for a dialog's result or a call's answer: on a result, say what was
        done, reload and let the other terminals know."""
        def after(result: Any) -> None:
            if result is None:
                return
            text = message(result) if callable(message) else message
            if text:
                self.notify(text)
            self.reload()
            self.changed()
        return after
