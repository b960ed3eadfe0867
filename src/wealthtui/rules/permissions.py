"""Roles, role modes and the permissions matrix (role × action), as data.

Every service call names one action from MATRIX; the service refuses an actor none of whose roles
is listed for it. Four-eyes rules (nobody authorises their own work) are checked in the services on
top of this matrix, because they depend on the record, not only on the role.
"""

from __future__ import annotations

from collections.abc import Iterable

# Roles (岗位). One staff member may hold several (一人多岗, manual ch.2 §1.4).
HEAD = "head"                        # 理财中心负责人
SUPERVISOR = "supervisor"            # 业务主管
OFFICER = "officer"                  # 业务主办
CASH_TELLER = "cash_teller"          # 现金柜员
NON_CASH_TELLER = "non_cash_teller"  # 非现金柜员
LOBBY_MANAGER = "lobby_manager"      # 大堂经理
LOBBY_ASSISTANT = "lobby_assistant"  # 大堂经理助理/客户接待员
WEALTH_CM = "wealth_cm"              # 理财经理
MARKETING_CM = "marketing_cm"        # 营销经理
CM_ASSISTANT = "cm_assistant"        # 客户经理助理

ROLES: tuple[str, ...] = (
    HEAD, SUPERVISOR, OFFICER, CASH_TELLER, NON_CASH_TELLER,
    LOBBY_MANAGER, LOBBY_ASSISTANT, WEALTH_CM, MARKETING_CM, CM_ASSISTANT,
)

LOBBY = frozenset({LOBBY_MANAGER, LOBBY_ASSISTANT})
TELLERS = frozenset({CASH_TELLER, NON_CASH_TELLER})
CHECKERS = frozenset({SUPERVISOR, OFFICER})
COUNTER = TELLERS | CHECKERS
CMS = frozenset({WEALTH_CM, MARKETING_CM})
CM_DESK = CMS | {CM_ASSISTANT}
EVERYONE = frozenset(ROLES)

# One Textual mode per role group; the order is the order of the role switch.
MODES: dict[str, frozenset[str]] = {
    "lobby": LOBBY,
    "counter": COUNTER,
    "cm": CM_DESK,
    "head": frozenset({HEAD}),
}

_ = frozenset
MATRIX: dict[str, frozenset[str]] = {
    # staff and security
    "staff.view": _({HEAD}) | CHECKERS,
    "staff.admin": _({HEAD}),
    "staff.unlock": _({HEAD, SUPERVISOR}),  # lift a lock after wrong PINs (issue 15)
    "staff.grant_approve": _({HEAD}) | CHECKERS,  # second person on a role grant; see [insiders]
    "audit.view": _({HEAD, SUPERVISOR}),
    "data.import": _({HEAD}),
    # hand-offs (the service also checks that the actor is the addressee)
    "handoff.view": EVERYONE,
    "handoff.create": EVERYONE,
    "handoff.respond": EVERYONE,
    "handoff.reroute": LOBBY | {HEAD},
    "handoff.view_all": _({HEAD}) | LOBBY,
    # clients
    "client.lookup": EVERYONE,
    "client.register": LOBBY | COUNTER | CM_DESK | {HEAD},
    "client.file.view": CM_DESK | {HEAD},
    "client.file.edit": CM_DESK | {HEAD},
    "client.reveal": CMS | {HEAD, SUPERVISOR},
    "client.assign_cm": _({HEAD}),
    "client.cm_change.step": CM_DESK | {HEAD},
    # lobby and queue
    "visit.record": LOBBY | {HEAD},
    "queue.view": EVERYONE,
    "queue.issue": LOBBY | {HEAD},
    "queue.serve": COUNTER,
    "queue.route": LOBBY | COUNTER | {HEAD},  # transfer a waiting ticket, re-queue a parked one
    "counter.session": COUNTER,
    "flowlog.view": LOBBY | {HEAD, SUPERVISOR},
    "flowlog.confirm": _({LOBBY_MANAGER}),
    # counter work
    "service.record": COUNTER,
    "lead.create": LOBBY | COUNTER | CM_DESK | {HEAD},
    "lead.work": CMS | {HEAD},
    "authz.request": TELLERS | {OFFICER},
    "authz.decide": CHECKERS,
    "handover.shift": TELLERS | CHECKERS,
    "handover.witness": CHECKERS,
    "balance.enter": TELLERS | CHECKERS,
    "balance.signoff": _({SUPERVISOR}),
    "balance.outlet": _({SUPERVISOR}),
    "counter.oversee": _({HEAD}) | CHECKERS,  # tellers' state, differences, awaiting witness
    # client managers
    "contact.log": CM_DESK | {HEAD},
    "agenda.view": CM_DESK | {HEAD},
    "product.propose": CMS | {HEAD},
    "targetlist.manage": _({HEAD}),
    "targetlist.work": CM_DESK | {HEAD},
    "targetlist.own": CMS | {HEAD},      # a CM builds a list from their own book (h7)
    # complaints
    "complaint.intake": EVERYONE,
    "complaint.view": EVERYONE,
    "complaint.handle": EVERYONE,
    "complaint.assign": LOBBY | {HEAD, SUPERVISOR},
    "complaint.escalate": EVERYONE,
    "complaint.approve": _({HEAD}),
    "complaint.close": _({HEAD, SUPERVISOR}),
    "complaint.stats": _({HEAD, LOBBY_MANAGER, SUPERVISOR}),
    # written notices (services.notices): queue, read the outbox, send it (the app's timer and
    # `wealthtui notices send` send as the signed-in staff member)
    "notice.queue": LOBBY | CM_DESK | {HEAD, SUPERVISOR},
    "notice.view": LOBBY | CM_DESK | {HEAD, SUPERVISOR},
    "notice.send": LOBBY | CM_DESK | {HEAD, SUPERVISOR},
    # checklists
    "checklist.run": EVERYONE,
    "checklist.signoff": EVERYONE,
    # head
    "dashboard.view": _({HEAD}),
    "report.eod": _({HEAD, SUPERVISOR}),
    "kpi.view": _({HEAD}),
    "kpi.enter": _({HEAD}),
    "day.close": _({HEAD}),
    "day.amend": _({HEAD}),
    # the day's roster (issue 16): who is in, the duty CM and the duty lobby manager
    "roster.view": EVERYONE,
    "roster.edit": _({HEAD, LOBBY_MANAGER}),
    # compliance at the point of sale (issue 17)
    "compliance.view": _({HEAD, SUPERVISOR}),
    # the risk-tolerance questionnaire: taken at the counter or at the CM's desk; a client of
    # the senior age needs a second staff member's confirmation (issue 17)
    "risk.assess": TELLERS | CM_DESK | CHECKERS | {HEAD},
    "risk.confirm": CHECKERS | CMS | {HEAD, LOBBY_MANAGER},
    "risk.view": TELLERS | CM_DESK | CHECKERS | LOBBY | {HEAD},
    # appointments (issue 18): booked by CMs and the lobby (from a 95588 / online request too),
    # seen by everyone (the cash supervisor prepares large cash), checked in by the lobby
    "appointment.book": CMS | LOBBY | {HEAD},
    "appointment.view": EVERYONE,
    "appointment.checkin": LOBBY | {HEAD},
    # dual recording (双录, issue 17): the recording's reference entered where the sale is made
    "recording.enter": COUNTER | CM_DESK | {HEAD},
}
del _


def allowed(roles: Iterable[str], action: str) -> bool:
    """True when any of `roles` may perform `action`. Unknown actions are refused."""
    permitted = MATRIX.get(action)
    if permitted is None:
        return False
    return any(role in permitted for role in roles)


def modes_for(roles: Iterable[str]) -> list[str]:
    """The role modes a staff member with `roles` opens, in MODES order."""
    held = set(roles)
    return [mode for mode, members in MODES.items() if held & members]


def parse_roles(text: str) -> frozenset[str]:
    """Roles from a comma-separated list; raises ValueError naming an unknown role."""
    roles = frozenset(r.strip() for r in text.replace("，", ",").split(",") if r.strip())
    unknown = sorted(roles - set(ROLES))
    if unknown:
        raise ValueError(", ".join(unknown))
    return roles
