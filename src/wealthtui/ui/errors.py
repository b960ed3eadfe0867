"""Turning service errors into words for the user, and store faults into a sentence that leaves
the app running."""

from __future__ import annotations

from typing import Any

from wealthtui.i18n import t
from wealthtui.services.errors import FieldError, ServiceError, StoreFault


def describe(exc: BaseException) -> str:
    """One sentence for the user: a field error names the field and what is accepted."""
    if isinstance(exc, FieldError):
        return t("common.field_error", field=t(exc.field), message=t(exc.key, **exc.params))
    if isinstance(exc, ServiceError):
        return t(exc.key, **exc.params)
    if (fault := StoreFault.of(exc)) is not None:  # a driver error that came another way
        return t(fault.key)
    return t("error.unexpected", detail=type(exc).__name__)


_installed = False


def guard_message_handlers() -> None:
    """Make a store fault in any message handler (a key's action, a screen reloading, a timer)
    one sentence instead of the end of the app.

    Textual gives an app one hook for errors a handler did not catch, `_handle_exception`, and it
    ends the app (or, if kept from doing so, the widget whose handler failed stops taking
    messages). So the dispatch of messages itself is wrapped, once per process: a store fault
    (services.errors.StoreFault, or a driver error store.faults recognises) is handed to the
    app's `store_fault(exc)` — WealthApp shows the sentence — and the widget goes on; every other
    error, and every app without `store_fault`, goes on to Textual as before."""
    global _installed
    if _installed:
        return
    from textual.message_pump import MessagePump

    dispatch = MessagePump._dispatch_message

    async def guarded(self: Any, message: Any) -> None:
        try:
            await dispatch(self, message)
        except Exception as exc:
            fault = StoreFault.of(exc)
            report = None
            if fault is not None:
                try:
                    report = getattr(self.app, "store_fault", None)
                except Exception:  # noqa: BLE001 - no active app: Textual's own handling
                    report = None
            if report is None:
                raise
            report(fault)

    guarded.__wrapped__ = dispatch  # type: ignore[attr-defined]
    MessagePump._dispatch_message = guarded  # type: ignore[method-assign]
    _installed = True
