"""The lobby's day: visits and identification, routing with tickets or diversion, the premium
arrival hand-off (to the exclusive CM, or the duty CM when theirs is absent) and its re-routing,
potential-premium leads, and the flow-log counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.lobby_data import add_client, attend, sign_on
from tests.staffing import lobby_people
from wealthtui.services.errors import Conflict, FieldError, PermissionDenied


@pytest.fixture
def people(make_staff):
    return lobby_people(make_staff)


@pytest.fixture
def clients(engine, people):
    return {
        "premium": add_client(engine, "张三", seq=1, tier="premium",
                              cm_id=people["cm1"].staff_id),
        "ordinary": add_client(engine, "李四", seq=2),
        "potential": add_client(engine, "王五", seq=3, tier="potential"),
    }


# --- arrival and identification --------------------------------------------------------------
def test_premium_arrival_goes_to_the_exclusive_cm_at_once(services, people, clients) -> None:
    lobby, cm1 = people["lobby"], people["cm1"]
    visit = services.lobby.arrive(lobby, client_id=clients["premium"], note="贵宾室1")
    assert visit.premium and visit.identified_by == lobby.staff_id
    assert visit.tier_at_arrival == "premium" and visit.zone == "consultation"
    inbox = services.handoffs.inbox(cm1)
    assert [(h.kind, h.client_name, h.source, h.note) for h in inbox] == [
        ("premium_arrival", "张三", "lobby", "贵宾室1")]
    assert inbox[0].manual_section == "ch.2 §2.7"
    assert visit.arrival is not None and visit.arrival.to_name == "李理财"


def test_an_absent_cm_means_the_duty_cm_gets_it(services, people, clients, engine) -> None:
    attend(engine, people["cm1"].staff_id, present=False)
    attend(engine, people["cm2"].staff_id, duty=True)
    services.lobby.arrive(people["lobby"], client_id=clients["premium"])
    assert services.handoffs.inbox(people["cm1"]) == []
    assert [h.client_name for h in services.handoffs.inbox(people["cm2"])] == ["张三"]


def test_no_duty_cm_means_every_wealth_cm_sees_it(services, people, clients, engine) -> None:
    attend(engine, people["cm1"].staff_id, present=False)
    visit = services.lobby.arrive(people["lobby"], client_id=clients["premium"])
    assert visit.arrival.to_role == "wealth_cm"
    assert [h.client_name for h in services.handoffs.inbox(people["cm2"])] == ["张三"]


def test_ordinary_and_walk_in_visits_make_no_hand_off(services, people, clients) -> None:
    lobby = people["lobby"]
    services.lobby.arrive(lobby, client_id=clients["ordinary"])
    walk_in = services.lobby.arrive(lobby)
    assert walk_in.client_id is None and walk_in.identified_by is None
    assert services.handoffs.sent(lobby) == []


def test_one_open_arrival_per_client_per_day(services, people, clients) -> None:
    lobby = people["lobby"]
    services.lobby.arrive(lobby, client_id=clients["premium"])
    services.lobby.arrive(lobby, client_id=clients["premium"])
    assert len(services.handoffs.inbox(people["cm1"])) == 1


def test_a_walk_in_identified_later(services, people, clients) -> None:
    lobby = people["lobby"]
    visit = services.lobby.arrive(lobby)
    guided = services.lobby.guide(lobby, visit.id, business="non_cash")
    assert guided.ticket_no == "B001"
    later = services.lobby.identify(lobby, visit.id, clients["premium"])
    assert later.client_name == "张三" and later.arrival.ticket_no == "B001"
    with pytest.raises(Conflict):
        services.lobby.identify(lobby, visit.id, clients["ordinary"])


# --- routing and tickets --------------------------------------------------------------------
def test_premium_wealth_business_gets_a_vip_ticket_on_the_hand_off(services, people,
                                                                   clients) -> None:
    lobby = people["lobby"]
    visit = services.lobby.arrive(lobby, client_id=clients["premium"])
    result = services.lobby.guide(lobby, visit.id, business="wealth")
    assert (result.ticket_no, result.route.category, result.visit.zone) == ("V001", "V", "vip")
    assert services.handoffs.inbox(people["cm1"])[0].ticket_no == "V001"
    assert services.queue.get(lobby, result.ticket_id).priority == 10


def test_ordinary_cash_gets_a_cash_ticket_and_large_cash_the_premium_window(
        services, people, clients) -> None:
    lobby = people["lobby"]
    a = services.lobby.guide(lobby, services.lobby.arrive(lobby, client_id=clients["ordinary"]).id,
                             business="cash", amount_fen=1_000_000)
    c = services.lobby.guide(lobby, services.lobby.arrive(lobby).id, business="cash",
                             amount_fen=8_000_000)
    assert (a.ticket_no, c.ticket_no) == ("A001", "C500")
    assert c.route.reason == "cash_large"


def test_divert_to_self_service_is_counted_and_issues_no_ticket(services, people,
                                                                clients) -> None:
    lobby = people["lobby"]
    visit = services.lobby.arrive(lobby, client_id=clients["ordinary"])
    result = services.lobby.guide(lobby, visit.id, business="self_service")
    assert result.ticket_no == "" and result.visit.diverted and result.visit.zone == "self_service"
    assert services.lobby.flow_counts(lobby).diversions == 1
    assert services.queue.tickets(lobby) == []


def test_the_manager_may_override_the_proposal(services, people, clients) -> None:
    lobby = people["lobby"]
    small = services.lobby.arrive(lobby, client_id=clients["ordinary"])
    # the rules offer the machines for a small amount; the client prefers the counter
    result = services.lobby.guide(lobby, small.id, business="cash", amount_fen=100_000,
                                  divert=False)
    assert result.route.divert and result.ticket_no == "A001" and not result.visit.diverted
    other = services.lobby.arrive(lobby)
    forced = services.lobby.guide(lobby, other.id, business="non_cash", category="C")
    assert forced.ticket_no == "C500" and forced.visit.zone == "cash"


def test_one_ticket_per_visit(services, people, clients) -> None:
    lobby = people["lobby"]
    visit = services.lobby.arrive(lobby)
    services.lobby.guide(lobby, visit.id, business="cash")
    with pytest.raises(Conflict):
        services.lobby.guide(lobby, visit.id, business="cash")


def test_bad_business_or_category_names_the_field(services, people) -> None:
    lobby = people["lobby"]
    visit = services.lobby.arrive(lobby)
    with pytest.raises(FieldError) as err:
        services.lobby.guide(lobby, visit.id, business="loans")
    assert err.value.field == "lobby.field.business"
    with pytest.raises(FieldError) as err:
        services.lobby.guide(lobby, visit.id, business="cash", category="Q")
    assert err.value.field == "queue.field.category"
    assert services.lobby.visit(lobby, visit.id).business_kind == ""  # nothing half-written


def test_propose_writes_nothing(services, people, clients) -> None:
    route = services.lobby.propose(people["lobby"], client_id=clients["potential"],
                                   business="wealth")
    assert (route.category, route.lead) == ("B", True)
    assert services.lobby.visits(people["lobby"]) == []


def test_high_end_center_treats_every_client_as_premium(engine, settings, clock, people,
                                                        clients) -> None:
    from wealthtui.services import Services

    high_end = settings.model_copy(update={"center": settings.center.model_copy(
        update={"kind": "high_end"})})
    services = Services(engine, high_end, clock)
    assert high_end.waiting_zone() == "reception"
    route = services.lobby.propose(people["lobby"], client_id=clients["ordinary"],
                                   business="non_cash")
    assert route.category == "V" and route.notify_cm


def test_tellers_cannot_guide(services, people) -> None:
    with pytest.raises(PermissionDenied):
        services.lobby.arrive(people["teller"])


# --- following the hand-off ----------------------------------------------------------------
def test_the_lobby_sees_acceptance_and_the_wait(services, people, clients, clock) -> None:
    lobby, cm1 = people["lobby"], people["cm1"]
    services.lobby.arrive(lobby, client_id=clients["premium"])
    clock.advance(minutes=3)
    [waiting] = services.lobby.arrivals(lobby)
    assert waiting.status == "open" and waiting.waited_seconds(clock.now()) == 180
    services.handoffs.accept(cm1, waiting.handoff_id)
    clock.advance(minutes=10)
    [accepted] = services.lobby.arrivals(lobby)
    assert accepted.status == "accepted" and accepted.waited_seconds(clock.now()) == 180


def test_reroute_an_unanswered_arrival(services, people, clients) -> None:
    lobby, cm1, cm2 = people["lobby"], people["cm1"], people["cm2"]
    visit = services.lobby.arrive(lobby, client_id=clients["premium"])
    moved = services.lobby.reroute_arrival(lobby, visit.arrival.handoff_id,
                                           to_staff_id=cm2.staff_id, note="李经理在会议")
    assert (moved.to_name, moved.status, moved.client_name) == ("周理财", "open", "张三")
    assert services.handoffs.inbox(cm1)[0].status == "declined"
    assert [h.note for h in services.handoffs.inbox(cm2)] == ["李经理在会议"]
    assert [a.status for a in services.lobby.arrivals(lobby, open_only=True)] == ["open"]
    assert services.lobby.visit(lobby, visit.id).arrival.to_name == "周理财"


def test_cm_choices_put_the_duty_cm_first(services, people, engine) -> None:
    attend(engine, people["cm2"].staff_id, duty=True)
    attend(engine, people["cm1"].staff_id, present=False)
    choices = services.lobby.cm_choices(people["lobby"])
    assert [(c.name, c.present, c.duty) for c in choices] == [
        ("周理财", True, True), ("李理财", False, False)]


# --- potential premium -----------------------------------------------------------------------
def test_potential_premium_becomes_a_lead_for_a_cm(services, people, clients) -> None:
    lobby, cm1 = people["lobby"], people["cm1"]
    lead = services.lobby.spot_potential(lobby, client_id=clients["potential"],
                                         signal="询问大额存单起存金额", observed_business="转账20万",
                                         to_staff_id=cm1.staff_id)
    assert (lead.source, lead.to_name) == ("lobby", "李理财")
    [h] = services.handoffs.inbox(cm1)
    assert (h.kind, h.client_name, h.source) == ("lead", "王五", "lobby")
    assert "询问大额存单起存金额" in h.note


def test_a_lead_for_a_walk_in_needs_a_name_and_a_signal(services, people) -> None:
    lobby = people["lobby"]
    with pytest.raises(FieldError) as err:
        services.lobby.spot_potential(lobby, contact_name="刘先生", signal=" ")
    assert err.value.field == "lobby.field.signal"
    lead = services.lobby.spot_potential(lobby, contact_name="刘六", contact_phone="13912345678",
                                         signal="持他行白金卡")
    # no CM named: a CM of the day gets it (issue 16: leads reach a CM, not only the role)
    assert (lead.to_role, lead.to_name, lead.contact_name) == (None, people["cm1"].name, "刘六")
    with pytest.raises(FieldError):
        services.lobby.spot_potential(lobby, contact_name="刘六", signal="x",
                                      to_staff_id=people["teller"].staff_id)


# --- the flow log ---------------------------------------------------------------------------
def test_flow_counts_of_the_day(services, people, clients, engine, clock) -> None:
    lobby, cm1 = people["lobby"], people["cm1"]
    services.lobby.arrive(lobby, client_id=clients["premium"])
    services.lobby.guide(lobby, services.lobby.arrive(lobby, client_id=clients["ordinary"]).id,
                         business="self_service")
    services.lobby.guide(lobby, services.lobby.arrive(lobby).id, business="cash")
    services.lobby.spot_potential(lobby, client_id=clients["potential"], signal="大额转账")
    [arrival] = services.lobby.arrivals(lobby)
    services.handoffs.accept(cm1, arrival.handoff_id)
    counts = services.lobby.flow_counts(lobby)
    assert (counts.visitors, counts.identified, counts.premium_identified, counts.diversions,
            counts.tickets, counts.leads_lobby, counts.complaints) == (3, 2, 1, 1, 1, 1, 0)
    assert counts.premium_by_cm == ()  # accepted, not completed: not received yet
    services.handoffs.complete(cm1, arrival.handoff_id, "已接待")
    assert services.lobby.flow_counts(lobby).premium_by_cm == (("李理财", 1),)
    clock.advance(days=1)
    assert services.lobby.flow_counts(lobby).visitors == 0
    assert services.lobby.flow_counts(lobby, clock.now().date() - timedelta(days=1)).visitors == 3


def test_the_queue_follows_on_from_the_lobby(services, people, clients, engine) -> None:
    lobby, teller = people["lobby"], people["teller"]
    sign_on(engine, teller.staff_id, "02")
    result = services.lobby.guide(lobby, services.lobby.arrive(
        lobby, client_id=clients["ordinary"]).id, business="cash")
    called = services.queue.call_next(teller, "02")
    assert (called.display_no, called.client_name, called.visit_id) == (
        result.ticket_no, "李四", result.visit.id)


# (the ticket printer: tests/devices/test_printer.py)


# --- the identification checklist beside the look-up -----------------------------------------
def test_the_visit_fills_its_identification_checklist(services, people, clients) -> None:
    lobby, cm1 = people["lobby"], people["cm1"]
    visit = services.lobby.arrive(lobby, client_id=clients["premium"])
    services.lobby.guide(lobby, visit.id, business="wealth")
    run = services.checklists.get(lobby, services.lobby.visit(lobby, visit.id).checklist_run_id)
    values = {s.step.id: s.value for s in run.steps if s.done}
    assert values == {"greet": "1", "judge": "premium", "notify_cm": "1", "business": "wealth",
                      "route": "wealth_room"}
    assert run.client_id == clients["premium"]
    assert len(services.handoffs.inbox(cm1)) == 1  # the checklist made no second hand-off
    assert services.checklists.complete(lobby, run.id).status == "done"


def test_the_next_visitor_closes_the_previous_checklist_only_when_it_is_complete(
        services, people, clients, make_staff) -> None:
    lobby = people["lobby"]
    first = services.lobby.arrive(lobby, client_id=clients["ordinary"])
    services.lobby.guide(lobby, first.id, business="cash")
    walk_in = services.lobby.arrive(lobby)  # moving on: the guided visit's checklist is done
    first_run = services.lobby.visit(lobby, first.id).checklist_run_id
    assert services.checklists.get(lobby, first_run).status == "done"
    services.lobby.guide(lobby, walk_in.id, business="cash")
    services.lobby.arrive(lobby, client_id=clients["premium"])
    # nobody judged the walk-in: its checklist stays open for the lobby manager to finish
    walk_in_run = services.checklists.get(lobby,
                                          services.lobby.visit(lobby, walk_in.id).checklist_run_id)
    assert walk_in_run.status == "open"
    assert [s.step.id for s in walk_in_run.open_required] == ["judge"]
    # another lobby manager's next visitor does not close this one's checklists
    last = services.lobby.arrive(lobby, client_id=clients["ordinary"])
    services.lobby.guide(lobby, last.id, business="non_cash")
    last_run = services.lobby.visit(lobby, last.id).checklist_run_id
    assert services.checklists.get(lobby, last_run).open_required == ()
    services.lobby.arrive(make_staff("lobby_manager", staff_no="L2", name="钱大堂"))
    assert services.checklists.get(lobby, last_run).status == "open"


def test_a_potential_client_needs_the_lead_step(services, people, clients) -> None:
    lobby = people["lobby"]
    visit = services.lobby.arrive(lobby, client_id=clients["potential"])
    services.lobby.guide(lobby, visit.id, business="self_service")
    run_id = services.lobby.visit(lobby, visit.id).checklist_run_id
    assert [s.step.id for s in services.checklists.get(lobby, run_id).open_required] == ["lead"]
    services.lobby.spot_potential(lobby, client_id=clients["potential"], signal="大额存单",
                                  visit_id=visit.id)
    run = services.checklists.get(lobby, run_id)
    assert run.open_required == () and run.state("route").value == "self_service"
    leads = [h for h in services.handoffs.open_all(people["lobby"]) if h.kind == "lead"]
    assert len(leads) == 1
