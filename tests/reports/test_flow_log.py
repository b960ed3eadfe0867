"""Each figure of the daily flow log (manual ch.2 §2.7 item 8) against the hand-built center of
tests/reports/seed.py; the numbers in the asserts are counted by hand from its rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from tests.reports.seed import D, P, Seed, X, at
from wealthtui.config import Settings
from wealthtui.model import BusinessDay, Handoff, Lead, Ticket, TicketEvent, Visit
from wealthtui.reports.flow_log import FlowLog, flow_log


@pytest.fixture
def day(session: Session, settings: Settings) -> FlowLog:
    return flow_log(session, settings, D)


def test_premium_received_by_each_cm_counts_completed_arrivals(day: FlowLog) -> None:
    # D: cm1 completed a2; a1 and a3 were accepted but never completed, a4 is open and a5 was
    # declined: none of those four was received (issue 16 item 7)
    got = [(c.staff_no, c.name, c.count) for c in day.premium_received_by_cm]
    assert got == [("C001", "李经理", 1)]
    assert day.premium_received_total == 1


def test_premium_identified_by_the_lobby_and_the_counters(day: FlowLog) -> None:
    # lobby: distinct premium/key clients identified at visits (P1 twice → once, P2, K1) = 3;
    # the lobby's potential-premium lead (O1, ordinary) is a lead, not a premium client;
    # cash counters: 2 referrals (O1, a walk-in); non-cash counters: 1 referral
    assert day.premium_identified.lobby == 3
    assert day.premium_identified.cash_counter == 2
    assert day.premium_identified.non_cash_counter == 1
    assert day.premium_identified.total == 6


def test_leads_are_a_separate_line_by_source(day: FlowLog) -> None:
    assert day.leads is not None
    made, accepted, converted = day.leads.made, day.leads.accepted, day.leads.converted
    assert (made.lobby, made.cash_counter, made.non_cash_counter, made.cm) == (1, 2, 1, 1)
    # h1 accepted (lobby), h2 done (cash), the CM's own lead contacted
    assert (accepted.lobby, accepted.cash_counter, accepted.non_cash_counter, accepted.cm) == (
        1, 1, 0, 1)
    assert (converted.lobby, converted.cash_counter, converted.non_cash_counter,
            converted.cm) == (0, 1, 0, 0)
    assert (day.referrals.made, day.referrals.accepted, day.referrals.converted) == (5, 3, 1)


def test_complaints_received_by_business_date(day: FlowLog) -> None:
    assert day.complaints_received == 2  # C1 and C2; C3 was received on P, closed on D


def test_visitors_and_diversions(day: FlowLog) -> None:
    assert day.visitors == 6
    assert day.diverted == 2  # O1, and the walk-in nobody identified


def test_tickets_per_category_with_waits_from_the_events(day: FlowLog) -> None:
    by = {c.category: c for c in day.tickets}
    assert [c.category for c in day.tickets] == ["A", "B", "V", "C"]  # config order
    a, b, v, c = by["A"], by["B"], by["V"], by["C"]
    # A: A001 done (wait 300 s, service 240 s), A002 no-show (wait 600 s), A003 still waiting
    assert (a.issued, a.served, a.no_show, a.cancelled, a.still_open) == (3, 1, 1, 0, 1)
    assert a.avg_wait_s == pytest.approx(450, abs=0.01)
    assert a.max_wait_s == pytest.approx(600, abs=0.01)
    assert a.avg_service_s == pytest.approx(240, abs=0.01)
    # B: B001 (wait 60, service 1200) and B002, transferred to lane V but issued as B
    # (wait 1200 from issue to first call, service 600)
    assert (b.issued, b.served, b.no_show) == (2, 2, 0)
    assert b.avg_wait_s == pytest.approx(630, abs=0.01)
    assert b.max_wait_s == pytest.approx(1200, abs=0.01)
    assert b.avg_service_s == pytest.approx(900, abs=0.01)
    # V: one ticket, cancelled before any call: no wait at all
    assert (v.issued, v.cancelled, v.waits, v.avg_wait_s, v.max_wait_s) == (1, 1, 0, None, None)
    assert (c.issued, c.avg_wait_s) == (0, None)
    total = day.totals()
    assert (total.issued, total.served, total.waits) == (6, 3, 4)
    assert total.avg_wait_s == pytest.approx((300 + 600 + 60 + 1200) / 4, abs=0.01)
    assert total.max_wait_s == pytest.approx(1200, abs=0.01)


def test_referrals_made_accepted_converted(day: FlowLog) -> None:
    # 5 leads on D; accepted: l1 (hand-off accepted), l2 (done, converted), l5 (lead contacted)
    assert (day.referrals.made, day.referrals.accepted, day.referrals.converted) == (5, 3, 1)


def test_a_month_is_the_same_queries_over_the_month(session: Session, settings: Settings) -> None:
    month = flow_log(session, settings, D.replace(day=1), D)
    # P adds: a6 (cm1, accepted only: not received), P2 identified, one non-cash lead
    # (converted), complaint C3, ticket A001
    assert [(c.staff_no, c.count) for c in month.premium_received_by_cm] == [("C001", 1)]
    assert month.premium_identified.lobby == 3 + 1
    assert month.premium_identified.non_cash_counter == 2
    a = next(c for c in month.tickets if c.category == "A")
    assert a.issued == 4
    assert a.avg_wait_s == pytest.approx((300 + 600 + 1200) / 3, abs=0.01)
    assert month.referrals.made == 6 and month.referrals.converted == 2
    # October's rows (X) count nowhere in November
    october = flow_log(session, settings, X)
    assert october.visitors == 1 and october.premium_received_by_cm == ()


def test_another_day_sees_only_its_own_rows(session: Session, settings: Settings) -> None:
    friday = flow_log(session, settings, P)
    assert friday.visitors == 1
    assert friday.premium_identified.lobby == 1
    assert friday.complaints_received == 1
    assert friday.premium_received_by_cm == ()  # a6 was accepted, never completed


def test_confirmation_by_the_lobby_manager(session: Session, settings: Settings,
                                           seeded: Seed) -> None:
    assert flow_log(session, settings, D).confirmed_by == ""
    session.add(BusinessDay(business_date=D, opened_at=at(D, "08:00"),
                            flow_log_confirmed_by=seeded.staff["lobby"],
                            flow_log_confirmed_at=at(D, "17:50")))
    session.commit()
    confirmed = flow_log(session, settings, D)
    assert confirmed.confirmed_by == "L001 钱大堂"
    assert confirmed.confirmed_at == at(D, "17:50").astimezone(UTC)


def test_a_new_record_moves_its_figure(session: Session, settings: Settings, seeded: Seed) -> None:
    """The log is derived, never typed: one more premium arrival completed, one more lead from
    a cash counter and one more call move exactly those figures."""
    lobby, cm2 = seeded.staff["lobby"], seeded.staff["cm2"]
    session.add(Handoff(kind="premium_arrival", business_date=D, from_staff_id=lobby,
                        to_staff_id=cm2, client_id=seeded.clients["Q1"], status="done",
                        created_at=at(D, "16:00"), accepted_at=at(D, "16:01")))
    session.add(Lead(business_date=D, spotted_by=seeded.staff["teller1"], source="cash_counter",
                     created_at=at(D, "16:00")))
    waiting = session.exec(select(Ticket).where(Ticket.display_no == "A003")).one()
    session.add(TicketEvent(ticket_id=waiting.id, kind="called", at=at(D, "10:30")))
    session.add(Visit(business_date=D, arrived_at=at(D, "16:30"), diverted=True))
    session.commit()
    after = flow_log(session, settings, D)
    assert [(c.staff_no, c.count) for c in after.premium_received_by_cm] == [("C001", 1),
                                                                             ("C002", 1)]
    assert after.premium_identified.cash_counter == 3
    assert (after.visitors, after.diverted) == (7, 3)
    a = next(c for c in after.tickets if c.category == "A")
    # A003 issued 09:30, called 10:30: a third wait of 3600 s, the new longest
    assert a.waits == 3 and a.max_wait_s == pytest.approx(3600, abs=0.01)


def test_an_empty_day(session: Session, settings: Settings) -> None:
    empty = flow_log(session, settings, datetime(2026, 12, 1).date())
    assert (empty.visitors, empty.complaints_received, empty.premium_identified.total) == (0, 0, 0)
    assert empty.premium_received_by_cm == ()
    assert all(c.issued == 0 and c.avg_wait_s is None for c in empty.tickets)


def test_an_arrival_counts_as_received_once_completed_and_once_per_client(
        session: Session, settings: Settings, seeded: Seed) -> None:
    """Issue 16 item 7: accepted-but-never-completed arrivals are not receptions; the same
    client brought to the same CM twice in a day is one premium client received."""
    lobby, cm2, q1 = seeded.staff["lobby"], seeded.staff["cm2"], seeded.clients["Q1"]
    first = Handoff(kind="premium_arrival", business_date=D, from_staff_id=lobby,
                    to_staff_id=cm2, client_id=q1, status="accepted", created_at=at(D, "16:00"),
                    accepted_at=at(D, "16:01"))
    session.add(first)
    session.commit()
    assert [(c.staff_no, c.count) for c in flow_log(session, settings, D)
            .premium_received_by_cm] == [("C001", 1)]
    first.status = "done"
    session.add(first)
    session.add(Handoff(kind="premium_arrival", business_date=D, from_staff_id=lobby,
                        to_staff_id=cm2, client_id=q1, status="done",
                        created_at=at(D, "17:00"), accepted_at=at(D, "17:01")))
    session.commit()
    assert [(c.staff_no, c.count) for c in flow_log(session, settings, D)
            .premium_received_by_cm] == [("C001", 1), ("C002", 1)]


def test_a_lobby_lead_is_not_a_premium_client_identified(
        session: Session, settings: Settings, seeded: Seed) -> None:
    """Issue 16 item 7: the eod used to add the lobby's potential-premium leads to the premium
    clients identified; they are their own line."""
    before = flow_log(session, settings, D)
    session.add(Lead(business_date=D, client_id=seeded.clients["O1"], spotted_by=seeded.staff["lobby"],
                     source="lobby", created_at=at(D, "16:00")))
    session.commit()
    after = flow_log(session, settings, D)
    assert after.premium_identified == before.premium_identified
    assert after.leads is not None and before.leads is not None
    assert after.leads.made.lobby == before.leads.made.lobby + 1
