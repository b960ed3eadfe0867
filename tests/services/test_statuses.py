"""Statuses are StrEnums (model.status) whose members are the stored strings: rows written with
them read back as the same strings, and the rules' and services' names agree with them. Both
backends."""

from __future__ import annotations

from enum import StrEnum

import pytest
from sqlmodel import Session, select

from wealthtui.model import Ticket
from wealthtui.model import status as st
from wealthtui.rules import queue as qrules
from wealthtui.services import complaints, handoffs, targets


def test_every_member_is_its_stored_string() -> None:
    enums = [v for v in vars(st).values()
             if isinstance(v, type) and issubclass(v, StrEnum) and v is not StrEnum]
    assert len(enums) >= 10
    for enum in enums:
        for member in enum:
            assert member == member.value == str(member) == f"{member}"
            assert member.value == member.name.lower()


def test_the_rules_ticket_states_are_the_enum_s() -> None:
    assert tuple(qrules.STATUSES) == tuple(st.TicketStatus)
    assert set(qrules.AT_COUNTER) == {st.TicketStatus.CALLED, st.TicketStatus.SERVING}
    assert set(qrules.CLOSED) == {st.TicketStatus.NO_SHOW, st.TicketStatus.DONE,
                                  st.TicketStatus.CANCELLED}


def test_the_services_tuples_are_enum_members() -> None:
    assert handoffs.OPEN == (st.HandoffStatus.OPEN, st.HandoffStatus.ACCEPTED)
    assert complaints.STATUSES == tuple(st.ComplaintStatus)
    assert set(complaints.RUNNING) | set(complaints.ENDED) | {st.ComplaintStatus.REPLIED} \
        == set(st.ComplaintStatus)
    assert targets.STATUSES == tuple(st.TargetStatus)


def test_a_ticket_issued_by_the_service_is_stored_as_the_plain_string(
        services, make_staff, engine) -> None:  # type: ignore[no-untyped-def]
    lobby = make_staff("lobby_manager")
    issued = services.queue.issue(lobby, "A")
    assert issued.status == st.TicketStatus.WAITING
    with Session(engine) as s:
        stored = s.exec(select(Ticket.status).where(Ticket.id == issued.id)).one()
        matched = s.exec(select(Ticket.id).where(
            Ticket.status == st.TicketStatus.WAITING)).all()
    assert type(stored) is str and stored == "waiting"
    assert issued.id in matched


@pytest.mark.parametrize("enum", [st.TicketStatus, st.HandoffStatus, st.ComplaintStatus])
def test_members_hash_as_their_strings(enum: type[StrEnum]) -> None:
    as_keys = {m.value: m for m in enum}
    assert all(as_keys[m] is m for m in enum)
