"""The context every service of one process shares: the engine, the settings, the clock, the
audit key (read once) and the lean reader of the engine (services.lean)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from wealthtui.config import Settings
from wealthtui.rules.clock import Clock, business_date, zone
from wealthtui.services.errors import Conflict
from wealthtui.services.lean import LeanReader
from wealthtui.store import audit_key

_LOAD_KEY: Any = object()


@dataclass
class Context:
    engine: Engine
    settings: Settings
    clock: Clock = field(default_factory=Clock)
    #: the connections and prepared statements of lean reads (services.lean), made from the
    #: engine and the center's zone
    reader: LeanReader = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.reader = LeanReader(self.engine, self.tz, clock=self.clock,
                                 retries=self.settings.store.write_retries)
        self._audit_key: Any = _LOAD_KEY

    def audit_key(self) -> bytes | None:
        """The audit key (store.audit_key), read once per context."""
        if self._audit_key is _LOAD_KEY:
            try:
                self._audit_key = audit_key.load()
            except audit_key.AuditKeyError as exc:
                raise Conflict(exc.key, **exc.params) from exc
        return self._audit_key  # type: ignore[no-any-return]

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.settings.center.timezone)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return business_date(self.clock.now(), self.tz)
