"""The one way a screen, dialog or widget calls a service (DESIGN §3; docs/architecture.md).

Mix `Calls` into any screen, dialog or widget of the app:

    class VisitsPanel(Calls, Widget):
        def reload(self) -> None:
            self.call(self.services.lobby.visits, then=self.show, key="visits")

`self.call(fn, *args, then=…, failed=…, key=…, **kwargs)` runs `fn(actor, *args, **kwargs)` — a
service method, which takes the signed-in Actor first — in a thread, never on the event loop, so
a slow store (PostgreSQL across a network, a busy SQLite file) never holds a keystroke back. The
answer comes back to the event loop as a `Result`:

- `Ok(value)`: `then(value)` is called;
- `Failed(error)`: a FieldError is shown under the matching FormField of this node's screen (the
  form keeps what was typed), any other service error or store fault as a toast, and `failed(f)`
  is called when given (e.g. to keep a dialog open). `quiet=True` shows nothing.

`key` names what the call loads: the last request wins — a result for a key that was asked for
again before the answer came is dropped (a look-up superseded by the next keystroke never
overwrites a newer one). Calls without a key all deliver.

`self.call_actorless(fn, …)` is the same for the few service functions that take no actor (a PIN
check before anyone is signed in). `self.services`, `self.actor`, `self.settings` and `self.clock`
are typed views of the app's; no `type: ignore` is needed anywhere.

The app keeps the calls' workers (`WealthApp.calls_in_flight`, `await app.calls_settled()`),
which the tests use to wait for answers without timings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from wealthtui.services.errors import FieldError, ServiceError, StoreFault

if TYPE_CHECKING:
    from wealthtui.config import Settings
    from wealthtui.rules.clock import Clock
    from wealthtui.services import Actor, Services
    from wealthtui.ui.app import WealthApp

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Ok(Generic[T]):
    value: T


@dataclass(frozen=True, slots=True)
class Failed:
    """A call that did not succeed: a FieldError, a ServiceError or a store fault."""

    error: BaseException

    @property
    def message(self) -> str:
        from wealthtui.ui.errors import describe

        return describe(self.error)


Result = Ok[T] | Failed

#: errors a call turns into a Failed; anything else is a bug and goes to Textual
EXPECTED = (FieldError, ServiceError)


def invoke(fn: Callable[..., T], *args: Any, **kwargs: Any) -> Result[T]:
    """`fn(*args, **kwargs)` as a Result (runs wherever it is called)."""
    try:
        return Ok(fn(*args, **kwargs))
    except EXPECTED as exc:
        return Failed(exc)
    except Exception as exc:
        fault = StoreFault.of(exc)
        if fault is None:
            raise
        return Failed(fault)


class Calls:
    """Mixin for DOM nodes of the app: typed access to the session and `call()`."""

    # --- the session -----------------------------------------------------------------------
    @property
    def wealth_app(self) -> WealthApp:
        return cast("WealthApp", self.app)  # type: ignore[attr-defined]

    @property
    def services(self) -> Services:
        return self.wealth_app.services

    @property
    def actor(self) -> Actor:
        actor = self.wealth_app.actor
        assert actor is not None, "nobody is signed in"
        return actor

    @property
    def settings(self) -> Settings:
        return self.wealth_app.settings

    @property
    def clock(self) -> Clock:
        return self.wealth_app.clock

    # --- calls -----------------------------------------------------------------------------
    def call(self, fn: Callable[..., T], *args: Any, then: Callable[[T], Any] | None = None,
             failed: Callable[[Failed], Any] | None = None, key: str | None = None,
             quiet: bool = False, **kwargs: Any) -> None:
        """Run `fn(actor, *args, **kwargs)` off the event loop; see the module's text."""
        actor = self.actor
        self._submit(lambda: invoke(fn, actor, *args, **kwargs), then, failed, key, quiet)

    def call_actorless(self, fn: Callable[..., T], *args: Any,
                       then: Callable[[T], Any] | None = None,
                       failed: Callable[[Failed], Any] | None = None, key: str | None = None,
                       quiet: bool = False, **kwargs: Any) -> None:
        """Run `fn(*args, **kwargs)` off the event loop (a service function without an actor)."""
        self._submit(lambda: invoke(fn, *args, **kwargs), then, failed, key, quiet)

    def _submit(self, work: Callable[[], Result[Any]], then: Callable[[Any], Any] | None,
                failed: Callable[[Failed], Any] | None, key: str | None, quiet: bool) -> None:
        node = cast(Any, self)
        app = self.wealth_app
        ticket = _next_ticket(node, key)

        def run() -> None:
            result = work()  # anything but a service error or a store fault is a bug: Textual's
            try:
                app.call_from_thread(deliver, result)
            except RuntimeError:  # the app is closing: nobody is waiting for the answer
                pass

        def deliver(result: Result[Any]) -> None:
            if key is not None and _tickets(node).get(key) != ticket:
                return  # superseded by a newer request for the same thing
            if not node.is_attached or _closing(node):
                return  # the screen or widget went away meanwhile, or the app is closing
            if isinstance(result, Ok):
                if then is not None:
                    then(result.value)
                return
            if not quiet:
                show_failure(node, result)
            if failed is not None:
                failed(result)

        app.track_call(node.run_worker(run, thread=True, group=f"call:{key}" if key else "call",
                                       exit_on_error=True))


def show_failure(node: Any, failure: Failed) -> None:
    """A FieldError under its FormField in the node's screen (the input keeps its text); any
    other failure as a toast."""
    screen = node if _is_screen(node) else node.screen
    error = failure.error
    if isinstance(error, FieldError):
        for widget in screen.query("*"):
            if getattr(widget, "field_key", None) == error.field and hasattr(widget, "show_error"):
                widget.show_error(error)  # a FormField (ui/dialogs/form.py): keeps the input
                widget.focus()
                return
    node.app.notify(failure.message, severity="error", timeout=8)


def _closing(node: Any) -> bool:
    """The node or the app is being taken down: its children may already be gone (an answer
    that arrives while the app shuts down found no '#checklist-line' on the lobby screen).
    Textual's own flags; Textual is pinned exactly."""
    return bool(node._closing or node._closed or not node.app.is_running)


def _is_screen(node: Any) -> bool:
    from textual.screen import Screen

    return isinstance(node, Screen)


def _tickets(node: Any) -> dict[str, int]:
    tickets: dict[str, int] | None = node.__dict__.get("_call_tickets")
    if tickets is None:
        tickets = node.__dict__["_call_tickets"] = {}
    return tickets


def _next_ticket(node: Any, key: str | None) -> int:
    if key is None:
        return 0
    tickets = _tickets(node)
    tickets[key] = tickets.get(key, 0) + 1
    return tickets[key]
