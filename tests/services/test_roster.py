"""The day's roster (issue 16, item 2 of "what is wrong today"): written by the head or the lobby
manager through RosterService, audited; changes during the day (lunch cover, sick leave) reach
routing at once; the duty CM of a center made like `wealthtui init` (no demo, no SQL) gets a
premium arrival whose own CM is away; the checklists expected of each person follow it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.conftest import T0, TEST_PIN
from tests.services.cm_helpers import Desk, desk_fixture, resident_id  # noqa: F401
from tests.staffing import add_staff
from wealthtui.model import Attendance, AuditEvent
from wealthtui.rules.fields import FieldError
from wealthtui.services import Actor, Services
from wealthtui.services import roster as roster_query
from wealthtui.services.errors import Conflict, PermissionDenied

TODAY = T0.date()


def audit(services: Services, prefix: str) -> list[tuple[str, dict]]:
    with Session(services.ctx.engine) as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.action.startswith(prefix))  # type: ignore[attr-defined]
                      .order_by(AuditEvent.id)).all()
    return [(r.action, json.loads(r.detail)) for r in rows]


def line(desk: Desk, who: Actor) -> Attendance:
    with Session(desk.engine) as s:
        return s.exec(select(Attendance).where(Attendance.staff_id == who.staff_id,
                                               Attendance.business_date == TODAY)).one()


def test_the_head_records_who_is_in_and_every_change_is_audited(desk: Desk) -> None:
    roster = desk.services.roster
    assert not roster.day(desk.head).recorded  # a new day: nothing recorded yet
    view = roster.all_in(desk.head)
    assert view.recorded and {x.status for x in view.lines} == {"in"}
    assert len(view.lines) == 6  # the head, three CMs, the assistant, the lobby manager
    roster.set_state(desk.head, desk.cm1.staff_id, "leave", note="病假")
    view = roster.set_state(desk.head, desk.mcm.staff_id, "lunch")
    assert (view.line(desk.cm1.staff_id).status, view.line(desk.cm1.staff_id).note) == (
        "leave", "病假")
    assert view.line(desk.cm1.staff_id).updated_by == "H001 王主任"
    assert (view.count("in"), view.count("leave"), view.count("lunch")) == (4, 1, 1)
    assert (line(desk, desk.cm1).present, line(desk, desk.cm2).present) == (False, True)
    events = audit(desk.services, "roster.")
    assert [a for a, _ in events] == ["roster.all_in", "roster.state", "roster.state"]
    assert events[1][1]["before"] == "in" and events[1][1]["after"] == "leave"
    assert events[1][1]["note"] == "病假"
    # back from lunch: one more audited change
    roster.set_state(desk.head, desk.mcm.staff_id, "in")
    assert roster.day(desk.lobby).line(desk.mcm.staff_id).status == "in"
    assert len(audit(desk.services, "roster.state")) == 3


def test_the_lobby_manager_may_record_it_others_only_read_it(desk: Desk, make_staff) -> None:  # type: ignore[no-untyped-def]
    teller = make_staff("cash_teller", staff_no="T01")
    desk.services.roster.set_state(desk.lobby, teller.staff_id, "in")
    for who in (teller, desk.cm1, desk.asst):
        with pytest.raises(PermissionDenied):
            desk.services.roster.set_state(who, desk.cm2.staff_id, "out")
        with pytest.raises(PermissionDenied):
            desk.services.roster.set_duty_cm(who, desk.cm2.staff_id)
        assert desk.services.roster.day(who).line(teller.staff_id).status == "in"


def test_bad_input_names_the_field(desk: Desk) -> None:
    roster = desk.services.roster
    with pytest.raises(FieldError) as bad:
        roster.set_state(desk.head, desk.cm1.staff_id, "holiday")
    assert bad.value.field == "roster.field.status"
    with pytest.raises(FieldError) as bad:
        roster.set_state(desk.head, desk.cm1.staff_id, "in", day=TODAY - timedelta(days=1))
    assert (bad.value.field, bad.value.key) == ("roster.field.date", "error.roster.past_day")
    with pytest.raises(FieldError) as bad:
        roster.set_state(desk.head, desk.cm1.staff_id, "in", note="x" * 201)
    assert bad.value.field == "roster.field.note"
    assert not roster.day(desk.head).recorded  # nothing written by the refusals


def test_one_duty_cm_and_one_duty_lobby_manager_who_are_in(desk: Desk) -> None:
    roster = desk.services.roster
    roster.set_duty_cm(desk.head, desk.cm1.staff_id)
    view = roster.set_duty_cm(desk.head, desk.cm2.staff_id)  # replaces the first
    assert view.duty_cm.staff_id == desk.cm2.staff_id
    assert [x.staff_id for x in view.lines if x.duty_cm] == [desk.cm2.staff_id]
    with pytest.raises(FieldError) as bad:
        roster.set_duty_cm(desk.head, desk.lobby.staff_id)
    assert bad.value.key == "error.roster.not_duty_cm"
    with pytest.raises(FieldError) as bad:
        roster.set_duty_lobby(desk.head, desk.cm1.staff_id)
    assert bad.value.key == "error.roster.not_duty_lobby"
    assert roster.set_duty_lobby(desk.lobby, desk.lobby.staff_id).duty_lobby.name == "郑大堂"
    roster.set_state(desk.head, desk.mcm.staff_id, "leave")
    with pytest.raises(Conflict) as refused:
        roster.set_duty_cm(desk.head, desk.mcm.staff_id)
    assert refused.value.key == "error.roster.duty_not_in"
    # the duty CM goes to lunch: nobody is on duty until the head names a cover
    view = roster.set_state(desk.head, desk.cm2.staff_id, "lunch")
    assert view.duty_cm is None
    assert audit(desk.services, "roster.state")[-1][1]["duty_ended"] == ["duty_cm"]
    assert roster.set_duty_cm(desk.head, desk.cm1.staff_id).duty_cm.staff_id == desk.cm1.staff_id
    assert [a for a, _ in audit(desk.services, "roster.duty")] == [
        "roster.duty_cm", "roster.duty_cm", "roster.duty_lobby", "roster.duty_cm"]
    with Session(desk.engine) as s:
        assert roster_query.duty_cm(s, TODAY) == desk.cm1.staff_id
        assert roster_query.duty_lobby(s, TODAY) == desk.lobby.staff_id


def test_lunch_cover_and_sick_leave_reach_the_lobbys_routing_at_once(desk: Desk) -> None:
    roster, lobby = desk.services.roster, desk.services.lobby
    first = desk.client("钱多多", cm=desk.cm1)
    second = desk.client("周富贵", cm=desk.cm1)
    third = desk.client("吴有余", cm=desk.cm1)
    roster.all_in(desk.lobby)
    roster.set_duty_cm(desk.lobby, desk.cm2.staff_id)
    lobby.arrive(desk.lobby, client_id=first)
    roster.set_state(desk.head, desk.cm1.staff_id, "lunch")   # cm1 at lunch, cm2 covers
    lobby.arrive(desk.lobby, client_id=second)
    roster.set_state(desk.head, desk.cm1.staff_id, "in")      # back
    roster.set_state(desk.head, desk.cm1.staff_id, "leave")   # then sent home sick
    roster.set_state(desk.head, desk.cm2.staff_id, "leave")   # and the cover too: the role
    lobby.arrive(desk.lobby, client_id=third)
    to = {a.client_id: (a.to_staff_id, a.to_role) for a in lobby.arrivals(desk.lobby)}
    assert to == {first: (desk.cm1.staff_id, None), second: (desk.cm2.staff_id, None),
                  third: (None, "wealth_cm")}


def test_the_checklists_expected_follow_the_roster(desk: Desk) -> None:
    before = {(i.procedure.id, i.subject_staff_id) for i in
              desk.services.checklists.day_overview(desk.head)}
    desk.services.roster.all_in(desk.head)
    desk.services.roster.set_state(desk.head, desk.cm1.staff_id, "leave")
    after = {(i.procedure.id, i.subject_staff_id) for i in
             desk.services.checklists.day_overview(desk.head)}
    expected = {p for p, who in before if who == desk.cm1.staff_id}
    assert expected == {"cm_start_of_day", "cm_end_of_day"}
    assert not {p for p, who in after if who == desk.cm1.staff_id}  # on leave: none expected
    assert {p for p, who in after if who == desk.cm2.staff_id} == expected


def test_an_earlier_days_roster_cannot_change(desk: Desk) -> None:
    desk.services.roster.all_in(desk.head)
    desk.services.ctx.clock.advance(days=1)  # type: ignore[attr-defined]
    with pytest.raises(FieldError):
        desk.services.roster.set_state(desk.head, desk.cm1.staff_id, "out", day=TODAY)


# --- item 2: the duty-CM fallback in a center made like `wealthtui init` -----------------------------
def test_a_center_from_init_routes_a_premium_arrival_to_the_duty_cm(
        services: Services, tmp_path: Path) -> None:
    """What `wealthtui init` does (services.staff.bootstrap_head, center.mark_created), then
    everything through the services: staff, clients imported from a file, the exclusive CM,
    the roster, the arrival. No row is written by the test itself."""
    services.staff.bootstrap_head("H001", "王主任", TEST_PIN)
    services.center.mark_created()
    head = services.auth.login("H001", TEST_PIN)
    for no, name, role in (("C01", "李理财", "wealth_cm"), ("C02", "周理财", "wealth_cm"),
                           ("L01", "郑大堂", "lobby_manager")):
        add_staff(services, head, no, name, [role])
    cm1, cm2, lobby = (services.auth.login(no, TEST_PIN) for no in ("C01", "C02", "L01"))
    data = tmp_path / "clients.csv"
    data.write_text("name,id_type,id_number,tier,aum\n"
                    f"钱多多,resident,{resident_id(901)},premium,600000\n", "utf-8")
    assert services.client_import.import_file(head, data).imported == 1
    (card,) = services.lookup.search(lobby, "钱多多")
    services.assignments.assign(head, card.id, cm1.staff_id, "开户分配")
    # opening: the lobby manager records the roster, cm1 is on leave, cm2 is the duty CM
    services.roster.all_in(lobby)
    services.roster.set_state(lobby, cm1.staff_id, "leave", note="年假")
    services.roster.set_duty_cm(lobby, cm2.staff_id)
    visit = services.lobby.arrive(lobby, client_id=card.id)
    assert visit.arrival is not None and visit.arrival.to_staff_id == cm2.staff_id
    (item,) = services.handoffs.inbox(cm2)
    assert (item.kind, item.client_id) == ("premium_arrival", card.id)
    assert services.handoffs.inbox(cm1) == []
