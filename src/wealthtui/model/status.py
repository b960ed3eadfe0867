"""The states of the records (rules.status), under the name the models and services use."""

from wealthtui.rules.status import (
    AuthorizationStatus,
    BalanceStatus,
    ChecklistStatus,
    ComplaintStatus,
    CounterSessionState,
    DayStatus,
    DecisionStatus,
    GrantStatus,
    HandoffStatus,
    HandoverStatus,
    LeadStatus,
    NoticeStatus,
    RosterState,
    TargetListStatus,
    TargetStatus,
    TicketStatus,
)

__all__ = [
    "AuthorizationStatus",
    "BalanceStatus",
    "ChecklistStatus",
    "ComplaintStatus",
    "CounterSessionState",
    "DayStatus",
    "DecisionStatus",
    "GrantStatus",
    "HandoffStatus",
    "HandoverStatus",
    "LeadStatus",
    "NoticeStatus",
    "RosterState",
    "TargetListStatus",
    "TargetStatus",
    "TicketStatus",
]
