"""The states of the records, as StrEnums: each member IS its stored string (`TicketStatus.DONE
== "done"`), so stored data, comparisons and the catalogs' `…status.<value>` keys keep working.

Here in rules/ (imported by model.status, which names them for the models) so that the reports
and the operator's commands use them without loading the models. rules.queue keeps its own names
for the ticket states, whose values are these (a test holds them equal)."""

from __future__ import annotations

from enum import StrEnum


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    PARKED = "parked"
    NO_SHOW = "no_show"
    DONE = "done"
    CANCELLED = "cancelled"


class CounterSessionState(StrEnum):
    OPEN = "open"
    BREAK = "break"
    CLOSED = "closed"


class HandoffStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DONE = "done"
    DECLINED = "declined"
    EXPIRED = "expired"


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    CONVERTED = "converted"
    DROPPED = "dropped"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    ESCALATED = "escalated"
    REPLIED = "replied"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"


class ChecklistStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    ABANDONED = "abandoned"


class DayStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class RosterState(StrEnum):
    IN = "in"
    LEAVE = "leave"
    LUNCH = "lunch"
    OUT = "out"


class DecisionStatus(StrEnum):
    """A request that waits for a second person's decision: approved, rejected, or taken back
    by the one who asked."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


#: a counter authorization (授权) and a grant of roles live the same life: one enum
AuthorizationStatus = DecisionStatus


class HandoverStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    WITNESSED = "witnessed"
    CANCELLED = "cancelled"


class BalanceStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SIGNED_OFF = "signed_off"


GrantStatus = DecisionStatus


class NoticeStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class TargetListStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class TargetStatus(StrEnum):
    OPEN = "open"
    CONTACTED = "contacted"
    APPOINTMENT = "appointment"
    CONVERTED = "converted"
    DECLINED = "declined"
    UNREACHABLE = "unreachable"
