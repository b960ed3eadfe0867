"""Use cases, one module per workflow. `Services` bundles them around one engine."""

from __future__ import annotations

from sqlalchemy import Engine

from wealthtui.config import Settings
from wealthtui.rules.clock import Clock
from wealthtui.services.agenda import AgendaService
from wealthtui.services.assignments import AssignmentService
from wealthtui.services.audit import AuditService
from wealthtui.services.auth import AuthService
from wealthtui.services.authorization import AuthorizationService
from wealthtui.services.balancing import BalancingService
from wealthtui.services.base import Actor, Context
from wealthtui.services.checklists import ChecklistService
from wealthtui.services.center import CenterService
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


class Services:
    """All services of one process, sharing the engine, the settings and the clock."""

    def __init__(self, engine: Engine, settings: Settings, clock: Clock | None = None) -> None:
        self.ctx = Context(engine, settings, clock or Clock())
        self.agenda = AgendaService(self.ctx)
        self.audit = AuditService(self.ctx)
        self.assignments = AssignmentService(self.ctx)
        self.auth = AuthService(self.ctx)
        self.center = CenterService(self.ctx)
        self.authorization = AuthorizationService(self.ctx)
        self.balancing = BalancingService(self.ctx)
        self.checklists = ChecklistService(self.ctx)
        self.client_file = ClientFileService(self.ctx)
        self.complaints = ComplaintService(self.ctx)
        self.contacts = ContactService(self.ctx)
        self.counter = CounterService(self.ctx)
        self.dashboard = DashboardService(self.ctx)
        self.day = DayService(self.ctx)
        self.handoffs = HandoffService(self.ctx)
        self.handover = HandoverService(self.ctx)
        self.lobby = LobbyService(self.ctx)
        self.lookup = LookupService(self.ctx)
        self.queue = QueueService(self.ctx)
        self.reports = ReportService(self.ctx)
        self.staff = StaffService(self.ctx)
        self.targets = TargetService(self.ctx)

    @property
    def settings(self) -> Settings:
        return self.ctx.settings


__all__ = ["Actor", "Services"]
