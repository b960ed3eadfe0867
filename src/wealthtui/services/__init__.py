"""Use cases, one module per workflow. `Services` bundles them around one engine.

Each service is created (and its module imported) the first time it is used, and so are the
context and, when given as a factory, the engine: starting the program (the sign-in screen) does
not import every workflow, the model or SQLAlchemy. ADDING A SERVICE is one line in SERVICES
(attribute → "module:Class") and one line in each TYPE_CHECKING block (for the type checkers).

A service that works with others names them as keyword-only parameters of its constructor,
each named as the other's attribute here (`def __init__(self, ctx, *, queue: QueueService)`);
`Services` passes its own instances. No service constructs another; what one reads of
another's records is a public method (`QueueService.view_in(uow, ticket)`).
"""

from __future__ import annotations

import importlib
import inspect
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wealthtui.rules.clock import Clock

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from wealthtui.config import Settings
    from wealthtui.services.agenda import AgendaService
    from wealthtui.services.antifraud import AntifraudService
    from wealthtui.services.appointments import AppointmentService
    from wealthtui.services.assignments import AssignmentService
    from wealthtui.services.audit import AuditService
    from wealthtui.services.auth import AuthService
    from wealthtui.services.authorization import AuthorizationService
    from wealthtui.services.balancing import BalancingService
    from wealthtui.services.base import Actor, Context
    from wealthtui.services.center import CenterService
    from wealthtui.services.checklists import ChecklistService
    from wealthtui.services.client_file import ClientFileService
    from wealthtui.services.client_import import ClientImportService
    from wealthtui.services.complaints import ComplaintService
    from wealthtui.services.compliance import ComplianceService
    from wealthtui.services.contacts import ContactService
    from wealthtui.services.counter import CounterService
    from wealthtui.services.dashboard import DashboardService
    from wealthtui.services.day import DayService
    from wealthtui.services.dual_recording import DualRecordingService
    from wealthtui.services.handoffs import HandoffService
    from wealthtui.services.handover import HandoverService
    from wealthtui.services.lobby import LobbyService
    from wealthtui.services.lookup import LookupService
    from wealthtui.services.notices import NoticeService
    from wealthtui.services.queue import QueueService
    from wealthtui.services.reports import ReportService
    from wealthtui.services.risk import RiskService
    from wealthtui.services.roster import RosterService
    from wealthtui.services.staff import StaffService
    from wealthtui.services.targets import TargetService

#: attribute of Services → "module:Class" of the service
SERVICES: dict[str, str] = {
    "agenda": "wealthtui.services.agenda:AgendaService",
    "antifraud": "wealthtui.services.antifraud:AntifraudService",
    "appointments": "wealthtui.services.appointments:AppointmentService",
    "audit": "wealthtui.services.audit:AuditService",
    "assignments": "wealthtui.services.assignments:AssignmentService",
    "auth": "wealthtui.services.auth:AuthService",
    "center": "wealthtui.services.center:CenterService",
    "authorization": "wealthtui.services.authorization:AuthorizationService",
    "balancing": "wealthtui.services.balancing:BalancingService",
    "checklists": "wealthtui.services.checklists:ChecklistService",
    "client_file": "wealthtui.services.client_file:ClientFileService",
    "client_import": "wealthtui.services.client_import:ClientImportService",
    "complaints": "wealthtui.services.complaints:ComplaintService",
    "compliance": "wealthtui.services.compliance:ComplianceService",
    "contacts": "wealthtui.services.contacts:ContactService",
    "counter": "wealthtui.services.counter:CounterService",
    "dashboard": "wealthtui.services.dashboard:DashboardService",
    "day": "wealthtui.services.day:DayService",
    "dual_recording": "wealthtui.services.dual_recording:DualRecordingService",
    "handoffs": "wealthtui.services.handoffs:HandoffService",
    "handover": "wealthtui.services.handover:HandoverService",
    "lobby": "wealthtui.services.lobby:LobbyService",
    "lookup": "wealthtui.services.lookup:LookupService",
    "notices": "wealthtui.services.notices:NoticeService",
    "queue": "wealthtui.services.queue:QueueService",
    "reports": "wealthtui.services.reports:ReportService",
    "risk": "wealthtui.services.risk:RiskService",
    "roster": "wealthtui.services.roster:RosterService",
    "staff": "wealthtui.services.staff:StaffService",
    "targets": "wealthtui.services.targets:TargetService",
}


class Services:
    """All services of one process, sharing the engine, the settings and the clock.

    `engine` is an Engine, or a function that makes one at the first database access (the
    command line passes one, so that the sign-in screen shows before SQLAlchemy is loaded)."""

    if TYPE_CHECKING:
        ctx: Context
        agenda: AgendaService
        antifraud: AntifraudService
        appointments: AppointmentService
        audit: AuditService
        assignments: AssignmentService
        auth: AuthService
        center: CenterService
        authorization: AuthorizationService
        balancing: BalancingService
        checklists: ChecklistService
        client_file: ClientFileService
        client_import: ClientImportService
        complaints: ComplaintService
        compliance: ComplianceService
        contacts: ContactService
        counter: CounterService
        dashboard: DashboardService
        day: DayService
        dual_recording: DualRecordingService
        handoffs: HandoffService
        handover: HandoverService
        lobby: LobbyService
        lookup: LookupService
        notices: NoticeService
        queue: QueueService
        reports: ReportService
        risk: RiskService
        roster: RosterService
        staff: StaffService
        targets: TargetService

    def __init__(self, engine: Engine | Callable[[], Engine], settings: Settings,
                 clock: Clock | None = None) -> None:
        self._engine = engine
        self._settings = settings
        self._clock = clock or Clock()
        self._lock = threading.RLock()

    def __getattr__(self, name: str) -> Any:
        """The context or the service `name`, created at its first use (then a plain attribute)."""
        if name.startswith("__") or name not in SERVICES and name != "ctx":
            raise AttributeError(f"{type(self).__name__!r} has no attribute {name!r}")
        with self._lock:
            if name in self.__dict__:  # made meanwhile by another thread
                return self.__dict__[name]
            if name == "ctx":
                from wealthtui.services.context import Context

                value: Any = Context(self.engine, self._settings, self._clock)
            else:
                value = self._make(name)
            setattr(self, name, value)
            return value

    def _make(self, name: str) -> Any:
        """The service `name`, given its collaborators: each keyword-only parameter of its
        constructor names another service of this bundle (`queue: QueueService`), which is
        made first (the collaborators of a service form no circle)."""
        module, _, cls_name = SERVICES[name].partition(":")
        cls = getattr(importlib.import_module(module), cls_name)
        wanted = [p.name for p in inspect.signature(cls).parameters.values()
                  if p.kind is inspect.Parameter.KEYWORD_ONLY]
        return cls(self.ctx, **{other: getattr(self, other) for other in wanted})

    def load_all(self, *modules: str) -> None:
        """Create the context and every service now, and import `modules` (e.g. the screens
        that use them): the app does this in a thread once the sign-in screen shows. The first
        use of a service from another thread waits until this is over, so two threads never
        import the same modules at once."""
        with self._lock:
            for name in ("ctx", *SERVICES):
                getattr(self, name)
            for module in modules:
                importlib.import_module(module)

    @property
    def engine(self) -> Engine:
        """The engine, made at its first use if a function was given. Alone, it loads neither
        the services' context nor the model: a read through the Core tables (the calling
        board, reports.calling_board) needs no more."""
        with self._lock:
            if callable(self._engine):
                self._engine = self._engine()
            return self._engine

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def clock(self) -> Clock:
        return self._clock


def __getattr__(name: str) -> Any:
    """`Actor` and `Context` (from services.base) without importing it with this package."""
    if name in ("Actor", "Context"):
        from wealthtui.services import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Actor", "Services"]
