"""The head's live dashboard figures, on the hand-built center of tests/reports/seed.py, seen at
the fixed clock (Monday 2026-11-30 09:30)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from tests.reports.seed import D, Seed, at, build
from wealthtui.model import ChecklistRun, Complaint, ComplaintEvent, Ticket, Visit
from wealthtui.services import Actor, Services
from wealthtui.services.errors import PermissionDenied


@pytest.fixture
def center(engine: Any, head: Actor) -> Seed:
    with Session(engine) as session:
        seed = build(session)
        # a waiting ticket issued at 09:10: 20 minutes at 09:30
        session.add(Ticket(business_date=D, category="B", series="B", number=9, display_no="B009",
                           status="waiting", issued_at=at(D, "09:10"), queued_at=at(D, "09:10")))
        # two earlier Mondays: 4 arrivals at 09:xx and 2 at 10:xx in all
        for week, times in ((1, ["09:00", "09:20", "10:00"]), (2, ["09:10", "09:40", "10:30"])):
            day = D - timedelta(weeks=week)
            for hhmm in times:
                session.add(Visit(business_date=day, arrived_at=at(day, hhmm)))
        # a complaint due in two days, one due yesterday (C4 of the seed is past due as well)
        for ref, due in (("N1", D + timedelta(days=2)), ("N2", D - timedelta(days=1))):
            received = due - timedelta(days=15)
            complaint = Complaint(ref_no=ref, business_date=received,
                                  received_at=at(received, "10:00"), channel="counter",
                                  category="service", description="…",
                                  first_receiver_id=seed.staff["lobby"], due_date=due)
            session.add(complaint)
            session.flush()
            session.add(ComplaintEvent(complaint_id=complaint.id, kind="received",
                                       at=at(received, "10:00"),
                                       data_json=json.dumps({"clock": "received",
                                                             "on": received.isoformat()})))
        # yesterday's checklist left open
        session.add(ChecklistRun(procedure_id="lobby_closing", procedure_version="v",
                                 procedure_json="{}", business_date=D - timedelta(days=1),
                                 started_by=seed.staff["lobby"], started_at=at(D, "08:00")))
        session.commit()
        return seed


def test_dashboard_figures(services: Services, head: Actor, center: Seed) -> None:
    view = services.dashboard.snapshot(head)
    assert view.business_date == D
    waiting = {c.code: (c.waiting, round(c.longest_wait_seconds)) for c in view.categories}
    # A003 waits since 09:30 (0 s); B009 since 09:10
    assert waiting["A"] == (1, 0) and waiting["B"] == (1, 1200)
    assert view.waiting_total == 2
    # premium arrivals of today not finished: a1 (accepted after 120 s), a3 (accepted after 60 s),
    # a4 (open since 14:01, later than the clock: 0 s so far, not late yet)
    premium = {(p.client_name, p.status): round(p.waited_s) for p in view.premium_in_lobby}
    assert premium == {("张一", "accepted"): 120, ("王重", "accepted"): 60, ("张一", "open"): 0}
    assert not any(p.late for p in view.premium_in_lobby)
    # at 09:30 nothing of today is past due yet (a4 due 14:31, the referral 11:30)
    assert view.handoffs_overdue == 0
    assert view.authorisations_pending == 1
    # past: C4 (due 11-25) and N2 (due yesterday); near (within 3 days): N1; C5 is paused
    assert (view.complaints_past, view.complaints_near) == (2, 1)
    overdue = {c.procedure_id for c in view.checklists_overdue}
    # due before 09:30 and not done today: the supervisor's sign-on (08:45), the morning meeting
    # (08:45); lobby opening and the appearance check were done; yesterday's open lobby closing
    assert {"supervisor_sign_on", "head_morning_meeting", "lobby_closing"} <= overdue
    assert not overdue & {"lobby_opening", "head_appearance_check"}
    # arrivals per local hour: today's 6 visits and the 7 tickets issued without a visit
    # (09: visit 09:05, tickets 09:00, 09:02, 09:30, 09:00, 09:10; 10: visits 10:10, 10:20,
    # ticket 10:00; 11: visit and ticket at 11:00; 14 and 15: one visit each)
    assert [view.arrivals_today[h] for h in (8, 9, 10, 11, 14, 15, 16)] == [0, 6, 3, 2, 1, 1, 0]
    assert sum(view.arrivals_today) == 13
    # the Monday average over the 2 Mondays before with any arrival
    assert view.history_days == 2
    assert view.arrivals_typical[9] == pytest.approx(2.0)
    assert view.arrivals_typical[10] == pytest.approx(1.0)


def test_the_clock_moves_the_live_figures(services: Services, head: Actor, center: Seed,
                                          clock: Any) -> None:
    clock.set(at(D, "15:00"))
    view = services.dashboard.snapshot(head)
    # a4 has waited since 14:01 (59 min): late; the referral (due 11:30) and a4 (14:31) overdue
    open_one = next(p for p in view.premium_in_lobby if p.status == "open")
    assert round(open_one.waited_s) == 59 * 60 and open_one.late
    assert view.handoffs_overdue == 2


def test_only_the_head_sees_the_dashboard(services: Services, make_staff: Any) -> None:
    lobby = make_staff("lobby_manager")
    with pytest.raises(PermissionDenied):
        services.dashboard.snapshot(lobby)


def test_book_sizes(services: Services, head: Actor, center: Seed) -> None:
    sizes = services.dashboard.book_sizes(head)
    assert sizes[center.staff["cm1"]] == 2 and sizes[center.staff["cm2"]] == 2
    assert date(2026, 11, 30) == D
