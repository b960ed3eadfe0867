"""Turning service errors into words for the user."""

from __future__ import annotations

from wealthtui.i18n import t
from wealthtui.services.errors import FieldError, ServiceError


def describe(exc: BaseException) -> str:
    """One sentence for the user: a field error names the field and what is accepted."""
    if isinstance(exc, FieldError):
        return t("common.field_error", field=t(exc.field), message=t(exc.key, **exc.params))
    if isinstance(exc, ServiceError):
        return t(exc.key, **exc.params)
    return t("error.unexpected", detail=type(exc).__name__)
