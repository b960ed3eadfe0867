"""SQLModel tables, one module per aggregate. Importing this package registers them all."""

from wealthtui.model.antifraud import AntifraudCheck
from wealthtui.model.appointment import Appointment
from wealthtui.model.audit import AuditEvent, AuditHead, Meta, RowSeal
from wealthtui.model.checklist import ChecklistRun, StepRecord
from wealthtui.model.client import Client, ClientAccount, CMAssignment, ProductHolding, TierChange
from wealthtui.model.complaint import Complaint, ComplaintEvent
from wealthtui.model.compliance import RiskAssessment, SaleCheck
from wealthtui.model.contact import CMAssistant, ContactLog, ContactProposal
from wealthtui.model.counter import (
    AuthorizationRequest,
    ClosingRetention,
    OutletBalance,
    ServiceRecord,
    ShiftHandover,
    TellerBalance,
)
from wealthtui.model.day import Attendance, BusinessDay, ManualFigure
from wealthtui.model.handoff import Handoff, Lead
from wealthtui.model.notice import Notice
from wealthtui.model.queue import CounterSession, Ticket, TicketEvent, Visit
from wealthtui.model.recording import DualRecording
from wealthtui.model.staff import Staff, StaffRole
from wealthtui.model.targets import Target, TargetList

__all__ = [
    "AntifraudCheck", "Appointment", "Attendance", "AuditEvent", "AuditHead", "AuthorizationRequest", "BusinessDay",
    "ChecklistRun", "Client", "ClientAccount", "ClosingRetention", "CMAssignment", "CMAssistant",
    "Complaint", "DualRecording",
    "ComplaintEvent", "ContactLog", "ContactProposal", "CounterSession", "Handoff", "Lead",
    "ManualFigure", "Meta", "Notice", "OutletBalance", "ProductHolding", "RiskAssessment",
    "RowSeal", "SaleCheck",
    "ServiceRecord", "ShiftHandover", "Staff", "StaffRole", "StepRecord",
    "TellerBalance", "TierChange", "Target", "TargetList", "Ticket", "TicketEvent", "Visit",
]
