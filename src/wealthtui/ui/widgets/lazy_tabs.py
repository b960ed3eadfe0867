"""Tabs whose panes are composed the first time they are shown (issue 22): a role screen's sign-in
composes and mounts only its initial tab; another tab's widgets are made and mounted when the
tab is first activated, then kept.

    with LazyTabbedContent(id="head-tabs", initial="dashboard"):
        yield LazyPane(label, lambda: [DashboardPanel(id="dash")], id="dashboard")
        yield LazyPane(label, lambda: [StaffPanel(id="staff-panel")], id="staff")

- the initial pane composes its content with the tabs (it is drawn at once);
- any other pane starts composing when its tab is activated, by any path (its F-key, a click
  on the tab, `tabs.active = …`: all set `active`); the screen's `TabActivated` handler awaits
  `pane_ready(event.pane)` before it reaches the pane's panel (to load it, focus it);
- code that reaches a pane's widgets at other times (change-marker reloads, ticks) asks
  `LazyPane.composed` or queries with `query(...)` / `composed_panel(...)`: a pane never shown
  has nothing to reload, and loads fresh when it is shown.

The underline under the tabs moves to the new tab at once, not slid there: Textual animates it
over 0.3 s, some 20 frames of the event loop per switch (each a partial redraw, ~13 compositor
updates per switch measured on the CM screen), while the new pane's panel loads and the next
key waits; the drawn end state is the same (issue 22).

Textual's `textual.lazy.Lazy` is not this: it mounts its widget after the first refresh, so
the work is moved by a frame, not saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.widget import AwaitMount, Widget
from textual.widgets import TabbedContent, TabPane, Tabs


class LazyPane(TabPane):
    """A tab pane whose content comes from `factory` the first time the pane is shown."""

    def __init__(self, title: Any, factory: Callable[[], Iterable[Widget]], *,
                 id: str, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(title, id=id, classes=classes)
        self._factory = factory
        self.eager = False      # set for the initial pane: composed with the tabs
        self.composed = False
        self._mounting: AwaitMount | None = None
        self._new = False       # made on activation, not yet told to a `ready()` caller

    def compose(self) -> ComposeResult:
        if self.eager:
            self.composed = True
            yield from self._factory()

    def start_composing(self) -> bool:
        """Make the content and start mounting it, once; True when this call started it."""
        if self.composed:
            return False
        self.composed = self._new = True
        self._mounting = self.mount_all(list(self._factory()))
        return True

    async def ready(self) -> bool:
        """Wait until the content is mounted (its widgets composed and their on_mount run);
        True the first time after the content was made on activation (its widgets' own
        first loads have started then)."""
        self.start_composing()
        if self._mounting is not None:
            await self._mounting
            self._mounting = None
        new, self._new = self._new, False
        return new


class LazyTabbedContent(TabbedContent):
    """A TabbedContent of LazyPanes: the initial pane composes with it, any other pane when it
    is first activated (by any path: all of them set `active`)."""

    def compose(self) -> ComposeResult:
        initial = self._initial
        panes = [p for p in self._tab_content if isinstance(p, TabPane)]
        if not initial and panes:
            initial = panes[0].id or ""
        for pane in panes:
            if isinstance(pane, LazyPane) and pane.id == initial:
                pane.eager = True
        for widget in super().compose():
            if isinstance(widget, Tabs):
                still_underline(widget)
            yield widget

    def _watch_active(self, active: str) -> None:
        pane = self.get_pane(active) if active else None
        if isinstance(pane, LazyPane) and not pane.composed:
            # the focus left in the pane about to hide would, at the next layout while the
            # new pane mounts, move to a sibling there and switch the tab back: it goes (the
            # screen puts it into the new pane once it is made)
            focused = self.screen.focused
            if focused is not None and self in focused.ancestors:
                self.screen.set_focus(None)
            pane.start_composing()
        super()._watch_active(active)


def _highlight_at_once(tabs: Tabs, animate: bool = True) -> None:  # noqa: ARG001
    type(tabs)._highlight_active(tabs, animate=False)  # noqa: SLF001


def still_underline(tabs: Tabs) -> None:
    """`tabs` moves its underline to the active tab in one step, never animated (the module)."""
    tabs._highlight_active = partial(_highlight_at_once, tabs)  # type: ignore[method-assign]  # noqa: SLF001


async def pane_ready(pane: TabPane) -> bool:
    """For a screen's `TabActivated` handler: wait until the activated pane's content is
    mounted; True when it was made by this activation (it has started its own first loads)."""
    return await pane.ready() if isinstance(pane, LazyPane) else False


def composed_panel(root: Widget, selector: str) -> Widget | None:
    """The widget `selector` under `root`, or None while its pane has not been composed."""
    try:
        return root.query_one(selector)
    except NoMatches:
        return None


__all__ = ["LazyPane", "LazyTabbedContent", "composed_panel", "pane_ready", "still_underline"]
