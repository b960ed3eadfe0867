"""Use cases, one module per workflow. `Services` bundles them around one engine."""

from __future__ import annotations

from sqlalchemy import Engine

from wealthtui.config import Settings
from wealthtui.rules.clock import Clock
from wealthtui.services.audit import AuditService
from wealthtui.services.auth import AuthService
from wealthtui.services.base import Actor, Context
from wealthtui.services.handoffs import HandoffService
from wealthtui.services.queue import QueueService
from wealthtui.services.staff import StaffService


class Services:
    """All services of one process, sharing the engine, the settings and the clock."""

    def __init__(self, engine: Engine, settings: Settings, clock: Clock | None = None) -> None:
        self.ctx = Context(engine, settings, clock or Clock())
        self.audit = AuditService(self.ctx)
        self.auth = AuthService(self.ctx)
        self.handoffs = HandoffService(self.ctx)
        self.queue = QueueService(self.ctx)
        self.staff = StaffService(self.ctx)

    @property
    def settings(self) -> Settings:
        return self.ctx.settings


__all__ = ["Actor", "Services"]
