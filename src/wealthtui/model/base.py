"""Shared column types. Datetimes are stored as naive UTC and come back as aware UTC."""

from __future__ import annotations

from typing import Any

from sqlmodel import Field

from wealthtui.store.utc_type import UTCDateTime

__all__ = ["UTCDateTime", "utc_field"]


def utc_field(*, nullable: bool = False, index: bool = False) -> Any:
    """A UTC datetime column for SQLModel tables."""
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)
