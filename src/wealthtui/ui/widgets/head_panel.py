"""The base of the panels in the head's tabs: each panel owns its keys (its BINDINGS are active
while the focus is in it, so the footer and F1 follow the tab) and loads what it shows through
the one call path (ui/calls.py), never on the event loop.

    class KpiPanel(HeadPanel):
        KEY = "kpi"
        BINDINGS = [Binding("f8", "pick_month", "head.bind.pick_month", id="head.pick_month")]

        def fetch(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
            return self.services.reports.kpi, (self.month,)      # fn(actor, *args)

        def show(self, report) -> None: ...

- `reload()`: load again; while a load runs it only marks the panel dirty, and one more load
  follows when the running one ends (change markers and the 30 s tick never stack loads);
- `request()`: a new question (another day or month): asked at once; the last request wins;
- while a load runs the panel's `loading_line()` (a dim "加载中…" from the catalogs) is shown
  under its title, so a tab is never blank;
- a result that arrives while the panel's tab is not shown is dropped (stale: the panel loads
  again when its tab is shown).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import TabPane

from wealthtui.i18n import t
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.hooks import require


class HeadPanel(Calls, Vertical):
    KEY: ClassVar[str] = ""
    #: binding ids in the order they matter (the footer shows as many as fit, the rest in F1)
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = ()
    #: loads again each time its tab is shown (live figures)
    LIVE: ClassVar[bool] = False

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.loaded = False
        self.busy = False
        self.dirty = False
        self.stale = False
        self.shown_count = 0   # results shown (tests count them)

    # --- what a panel implements (ui/hooks.py checks it when the class is made) ------------
    HOOKS: ClassVar[tuple[str, ...]] = ("fetch", "show")
    #: the read to run: (service method, its arguments after the actor)
    fetch: Callable[[], tuple[Callable[..., Any], tuple[Any, ...]]]
    #: show what the read answered (on the event loop)
    show: Callable[[Any], None]

    def __init_subclass__(cls, *, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        require(cls, abstract=abstract)

    def show_loading(self, on: bool) -> None:
        """Show or hide the loading line (override for another place than the title)."""

    # --- loading ---------------------------------------------------------------------------
    @property
    def in_view(self) -> bool:
        """True when the panel's tab is the shown one."""
        for node in self.ancestors_with_self:
            if isinstance(node, TabPane):
                return bool(node.display)
        return True

    def activated(self) -> None:
        """Its tab was shown: load when never loaded, stale or live."""
        if not self.loaded or self.stale or self.LIVE:
            self.reload()

    def reload(self) -> None:
        if self.busy:
            self.dirty = True
            return
        self.request()

    def invalidate(self) -> None:
        """The store changed: reload now when shown, otherwise when the tab is shown next."""
        if self.in_view:
            self.reload()
        else:
            self.stale = True

    def request(self) -> None:
        fn, args = self.fetch()
        self.busy, self.dirty = True, False
        self.show_loading(True)
        self.call(fn, *args, then=self._load_arrived, failed=self._load_refused, key=self.KEY)

    def _load_arrived(self, value: Any) -> None:
        self._load_done()
        if not self.in_view:
            self.stale = True  # a tab switch during the load: the answer is not shown
            return
        self.stale = False
        self.loaded = True
        self.shown_count += 1
        self.show(value)
        self._load_again()

    def _load_refused(self, _failure: Failed) -> None:
        self._load_done()
        self._load_again()

    def _load_done(self) -> None:
        self.busy = False
        self.show_loading(False)

    def _load_again(self) -> None:
        if self.dirty:
            self.dirty = False
            self.request()

    # --- after a write ----------------------------------------------------------------------
    def changed(self, message: str = "") -> None:
        """A write succeeded: say so, reload this panel and tell the app (other panels and
        terminals follow the change marker)."""
        if message:
            self.notify(message)
        self.reload()
        poll = getattr(self.app, "poll_changes", None)
        if poll is not None:
            poll()


def loading_text() -> Text:
    return Text(t("head.panel.loading"), style="dim")
