"""Who may open a client's file (客户档案), on top of the permissions matrix.

The matrix action `client.file.view` says which roles may open client files at all. The record
decides whose file: CMs keep strict confidentiality over their own clients and no two CMs compete
for one client (manual ch.2 §2.9 item 6, §5.1; manual digest §3.4, §9):

- the center head opens every file (the head allocates clients and serves key clients);
- a CM opens the files of the clients they are the exclusive CM of;
- a CM assistant opens the files of the clients of the CMs they are attached to (ch.2 §2.13:
  the assistant keeps client information for "their" CMs);
- anyone allowed by the matrix opens a file they have work for: a hand-off about the client
  addressed to them (a premium arrival at the duty CM, a referral), or a target of a targeted
  list assigned to them;
- a client without an exclusive CM (ordinary and potential clients) is open to the CM desk, so that
  potential premium clients can be developed; nobody owns them yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wealthtui.rules import permissions

VIEW = "client.file.view"
NOT_YOURS = "error.client_file.not_yours"
DENIED = "error.permission.denied"


@dataclass(frozen=True)
class Relation:
    """How the actor relates to one client."""

    has_cm: bool = False  # the client has an exclusive CM now
    is_their_cm: bool = False  # the actor is that CM
    assists_their_cm: bool = False  # the actor is an assistant attached to that CM
    has_work: bool = False  # an open hand-off or target about the client is the actor's


def refusal(roles: Iterable[str], relation: Relation, action: str = VIEW) -> str | None:
    """None when the actor may open the file; otherwise the catalog key of the refusal."""
    held = frozenset(roles)
    if not permissions.allowed(held, action):
        return DENIED
    if permissions.HEAD in held:
        return None
    if relation.is_their_cm and held & permissions.CMS:
        return None
    if relation.assists_their_cm and permissions.CM_ASSISTANT in held:
        return None
    if relation.has_work:
        return None
    if not relation.has_cm and held & permissions.CM_DESK:
        return None
    return NOT_YOURS
