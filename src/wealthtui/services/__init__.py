"""Use cases, one module per workflow. `Services` bundles them around one engine.

Each service is created (and its module imported) the first time it is used, so that starting
the program does not import every workflow: ADDING A SERVICE is one line in SERVICES (attribute
→ "module:Class") and one line in the TYPE_CHECKING block (for the type checkers).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from wealthtui.config import Settings
from wealthtui.rules.clock import Clock
from wealthtui.services.base import Actor, Context

if TYPE_CHECKING:
    from wealthtui.services.agenda import AgendaService
    from wealthtui.services.assignments import AssignmentService
    from wealthtui.services.audit import AuditService
    from wealthtui.services.auth import AuthService
    from wealthtui.services.authorization import AuthorizationService
    from wealthtui.services.balancing import BalancingService
    from wealthtui.services.center import CenterService
    from wealthtui.services.checklists import ChecklistService
    from wealthtui.services.client_file import ClientFileService
    from wealthtui.services.complaints import ComplaintService
    from wealthtui.services.contacts import ContactService
    from wealthtui.services.counter import CounterService
    from wealthtui.services.dashboard import DashboardService
    from wealthtui.services.day import DayService
    from wealthtui.services.handoffs import HandoffService
    from wealthtui.services.handover import HandoverService
    from wealthtui.services.lobby import LobbyService
    from wealthtui.services.lookup import LookupService
    from wealthtui.services.queue import QueueService
    from wealthtui.services.reports import ReportService
    from wealthtui.services.staff import StaffService
    from wealthtui.services.targets import TargetService

#: attribute of Services → "module:Class" of the service
SERVICES: dict[str, str] = {
    "agenda": "wealthtui.services.agenda:AgendaService",
    "audit": "wealthtui.services.audit:AuditService",
    "assignments": "wealthtui.services.assignments:AssignmentService",
    "auth": "wealthtui.services.auth:AuthService",
    "center": "wealthtui.services.center:CenterService",
    "authorization": "wealthtui.services.authorization:AuthorizationService",
    "balancing": "wealthtui.services.balancing:BalancingService",
    "checklists": "wealthtui.services.checklists:ChecklistService",
    "client_file": "wealthtui.services.client_file:ClientFileService",
    "complaints": "wealthtui.services.complaints:ComplaintService",
    "contacts": "wealthtui.services.contacts:ContactService",
    "counter": "wealthtui.services.counter:CounterService",
    "dashboard": "wealthtui.services.dashboard:DashboardService",
    "day": "wealthtui.services.day:DayService",
    "handoffs": "wealthtui.services.handoffs:HandoffService",
    "handover": "wealthtui.services.handover:HandoverService",
    "lobby": "wealthtui.services.lobby:LobbyService",
    "lookup": "wealthtui.services.lookup:LookupService",
    "queue": "wealthtui.services.queue:QueueService",
    "reports": "wealthtui.services.reports:ReportService",
    "staff": "wealthtui.services.staff:StaffService",
    "targets": "wealthtui.services.targets:TargetService",
}


class Services:
    """All services of one process, sharing the engine, the settings and the clock."""

    if TYPE_CHECKING:
        agenda: AgendaService
        audit: AuditService
        assignments: AssignmentService
        auth: AuthService
        center: CenterService
        authorization: AuthorizationService
        balancing: BalancingService
        checklists: ChecklistService
        client_file: ClientFileService
        complaints: ComplaintService
        contacts: ContactService
        counter: CounterService
        dashboard: DashboardService
        day: DayService
        handoffs: HandoffService
        handover: HandoverService
        lobby: LobbyService
        lookup: LookupService
        queue: QueueService
        reports: ReportService
        staff: StaffService
        targets: TargetService

    def __init__(self, engine: Engine, settings: Settings, clock: Clock | None = None) -> None:
        self.ctx = Context(engine, settings, clock or Clock())

    def __getattr__(self, name: str) -> Any:
        """The service `name`, created at its first use (then an ordinary attribute)."""
        target = SERVICES.get(name)
        if target is None:
            raise AttributeError(f"{type(self).__name__!r} has no service {name!r}")
        module, _, cls = target.partition(":")
        service = getattr(importlib.import_module(module), cls)(self.ctx)
        setattr(self, name, service)
        return service

    def load_all(self) -> None:
        """Create every service now (e.g. in the background once the sign-in screen shows)."""
        for name in SERVICES:
            getattr(self, name)

    @property
    def settings(self) -> Settings:
        return self.ctx.settings


__all__ = ["Actor", "Services"]
