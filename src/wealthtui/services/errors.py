"""Errors services raise. Each carries a message-catalog key and parameters, never text:
the UI and the CLI translate them with i18n.t()."""

from __future__ import annotations

from wealthtui.rules.fields import FieldError
from wealthtui.store.faults import fault_kind


class ServiceError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class PermissionDenied(ServiceError):
    """The actor's roles do not allow the action, or the record is not theirs."""


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    """The record's state or a rule (four eyes, recusal, deadlines) forbids the change."""


class StoreBusy(ServiceError):
    """The database stayed locked past the busy timeout; nothing was written."""


class StoreFault(ServiceError):
    """The store failed under the call — disk full, read-only file, database deleted or moved,
    I/O error, damaged file, connection lost (store.faults): the transaction was rolled back and
    nothing was written. One sentence per kind (`error.store.<kind>`)."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"error.store.{kind}")
        self.kind = kind

    @classmethod
    def of(cls, exc: BaseException) -> StoreFault | None:
        """The fault `exc` is, or None when it is not a store fault."""
        if isinstance(exc, StoreFault):
            return exc
        kind = fault_kind(exc)
        return cls(kind) if kind is not None else None


class AuthFailed(ServiceError):
    """Sign-in refused. The message is the same for an unknown staff number and a wrong PIN."""


class PinChangeRequired(AuthFailed):
    """The right PIN, but a one-time PIN from a reset: the person must choose their own new PIN
    (`AuthService.complete_reset`) before anything else. Params: `by` (who reset it), `at`."""


# Bad input for one field: `field` and `key` are catalog keys (see rules.fields.FieldError).
ValidationError = FieldError

__all__ = [
    "AuthFailed", "Conflict", "FieldError", "NotFound", "PermissionDenied", "PinChangeRequired",
    "ServiceError", "StoreBusy", "StoreFault", "ValidationError",
]
