"""The client cards of a look-up come from one statement with a sub-query per fact: each card
must carry its own client's facts, never a neighbour's (several clients, CMs, cards, complaints
and contacts side by side, in one answer)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from tests.conftest import T0
from tests.lobby_data import add_client, attend, card_no
from wealthtui.model import ClientAccount, CMAssignment, Complaint, ContactLog

TODAY = T0.date()


def test_each_card_carries_its_own_clients_facts(services, make_staff, engine) -> None:
    lobby = make_staff("lobby_manager", staff_no="L1", name="赵大堂")
    cm_a = make_staff("wealth_cm", staff_no="C1", name="李理财")
    cm_b = make_staff("wealth_cm", staff_no="C2", name="王理财")
    old_cm = make_staff("wealth_cm", staff_no="C3", name="陈旧")
    add_client(engine, "张一", seq=1, card=card_no(11), cm_id=cm_a.staff_id,
               created_at=T0 - timedelta(days=400), tier="premium")
    second = add_client(engine, "张二", seq=2, card=card_no(12))
    third = add_client(engine, "张三", seq=3, card=card_no(13), cm_id=cm_b.staff_id)
    with Session(engine) as s:
        # the second client's CM left them: an ended assignment is no CM
        s.add(CMAssignment(client_id=second, cm_id=old_cm.staff_id, start_at=T0 - timedelta(
            days=90), end_at=T0 - timedelta(days=1)))
        # the third client has a closed card opened first, and a newer open one
        s.add(ClientAccount(client_id=third, number=card_no(14), closed_on=TODAY))
        s.add(Complaint(ref_no="TS-9", business_date=TODAY, received_at=T0, client_id=third,
                        channel="on_site", category="service", description="等候太久",
                        first_receiver_id=lobby.staff_id, due_date=TODAY + timedelta(days=15)))
        s.add(ContactLog(client_id=second, staff_id=lobby.staff_id, at=T0 - timedelta(days=2),
                         channel="phone"))
        s.commit()
    attend(engine, cm_a.staff_id, present=False)
    attend(engine, cm_b.staff_id, present=True)

    cards = {c.name: c for c in services.lookup.search(lobby, "张")}
    assert set(cards) == {"张一", "张二", "张三"}
    assert (cards["张一"].cm_id, cards["张一"].cm_name, cards["张一"].cm_present) == (
        cm_a.staff_id, "李理财", False)
    assert (cards["张二"].cm_id, cards["张二"].cm_name, cards["张二"].cm_present) == (
        None, "", None)
    assert (cards["张三"].cm_id, cards["张三"].cm_name, cards["张三"].cm_present) == (
        cm_b.staff_id, "王理财", True)
    assert [n for n, c in cards.items() if c.flags.open_complaint] == ["张三"]
    assert cards["张一"].flags.contact_overdue and not cards["张二"].flags.contact_overdue
    shown = {n: c.card_masked for n, c in cards.items()}
    assert shown["张三"].endswith(card_no(13)[-4:])  # the open card, not the closed one

    # found by the closed card's number: that card is the one shown
    by_closed = services.lookup.search(lobby, card_no(14))
    assert [c.name for c in by_closed] == ["张三"]
    assert by_closed[0].card_masked.endswith(card_no(14)[-4:])
    assert by_closed[0].matched_by == "card"
