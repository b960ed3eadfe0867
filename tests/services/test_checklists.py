"""The checklist engine against the real database: starting and resuming runs, recording steps by
kind, required steps, sign-off by a second person (never the maker), hand-offs created by steps,
overdue by the clock, and runs that keep reading the same after their procedure file changes."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from tests.conftest import SHANGHAI, T0, TEST_PIN
from wealthtui.config import Settings, load_settings
from wealthtui.model import AuditEvent, ChecklistRun, Client, CMAssignment, Ticket
from wealthtui.procedures import default_dir
from wealthtui.rules.fields import FieldError
from wealthtui.services import Actor, Services
from wealthtui.services.checklists import parse_number
from wealthtui.services.errors import AuthFailed, Conflict, PermissionDenied

FAST = {"pin_hash_time_cost": 1, "pin_hash_memory_kib": 64, "pin_hash_parallelism": 1}


def add_client(services: Services, name: str = "李秀英", cm: Actor | None = None) -> int:
    with Session(services.ctx.engine) as s:
        client = Client(name=name, name_pinyin="lixiuying", name_initials="lxy", id_type="passport",
                        id_number="E12345678", tier="premium", created_at=T0)
        s.add(client)
        s.flush()
        if cm is not None:
            s.add(CMAssignment(client_id=client.id, cm_id=cm.staff_id, start_at=T0 - timedelta(days=9)))
        s.commit()
        assert client.id is not None
        return client.id


def add_ticket(services: Services, client_id: int | None = None) -> int:
    with Session(services.ctx.engine) as s:
        ticket = Ticket(business_date=T0.date(), category="A", series="A", number=7,
                        display_no="A007", client_id=client_id, issued_at=T0, queued_at=T0)
        s.add(ticket)
        s.commit()
        assert ticket.id is not None
        return ticket.id


def audit_rows(services: Services, action: str) -> list[AuditEvent]:
    with Session(services.ctx.engine) as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)
                           .order_by(AuditEvent.id)).all())


def sign_on_fully(services: Services, teller: Actor, run_id: int) -> None:
    for step, value in (("box_drawn", ""), ("cash_counted", "20,000.00"),
                        ("vouchers_counted", "35"), ("box_matches", "match"), ("equipment", ""),
                        ("appearance", "")):
        services.checklists.record(teller, run_id, step, value)


# --- starting and resuming -----------------------------------------------------------------
def test_a_scheduled_run_is_started_once_per_day_and_per_teller(services, make_staff):
    t1, t2 = make_staff("cash_teller"), make_staff("non_cash_teller")
    run = services.checklists.start(t1, "counter_sign_on")
    assert run.subject_staff_id == t1.staff_id and run.status == "open"
    assert services.checklists.start(t1, "counter_sign_on").id == run.id
    other = services.checklists.start(t2, "counter_sign_on")
    assert other.id != run.id
    assert run.procedure.id == "counter_sign_on" and len(run.version) == 64
    assert not run.outdated


def test_a_day_procedure_is_shared_by_everyone_holding_the_role(services, make_staff):
    lm, la = make_staff("lobby_manager"), make_staff("lobby_assistant")
    run = services.checklists.start(lm, "lobby_opening")
    assert services.checklists.start(la, "lobby_opening").id == run.id


def test_starting_needs_one_of_the_procedures_roles_and_its_subject(services, make_staff):
    teller = make_staff("cash_teller")
    with pytest.raises(PermissionDenied):
        services.checklists.start(teller, "lobby_opening")
    cm = make_staff("wealth_cm")
    with pytest.raises(FieldError) as exc:
        services.checklists.start(cm, "cm_contact_marketing")
    assert exc.value.key == "error.checklist.needs_client"
    client = add_client(services, cm=cm)
    run = services.checklists.start(cm, "cm_contact_marketing", client_id=client)
    assert run.client_name == "李秀英"
    # the open run for the same client is resumed, not duplicated
    assert services.checklists.start(cm, "cm_contact_marketing", client_id=client).id == run.id


def test_a_ticket_run_takes_the_tickets_client(services, make_staff):
    teller = make_staff("cash_teller")
    client = add_client(services)
    ticket = add_ticket(services, client)
    run = services.checklists.start(teller, "counter_wealth_needs", ticket_id=ticket)
    assert (run.ticket_no, run.client_id) == ("A007", client)


def test_procedures_lists_what_my_roles_run(services, make_staff):
    lm = make_staff("lobby_manager")
    ids = {p.id for p in services.checklists.procedures(lm)}
    assert {"lobby_opening", "lobby_identification", "lobby_closing", "complaint_on_site"} <= ids
    assert "counter_sign_on" not in ids
    assert {p.id for p in services.checklists.procedures(lm, subject="staff")} == {
        "lobby_identification", "complaint_on_site"}


# --- recording steps -----------------------------------------------------------------------
def test_values_are_checked_and_stored_by_kind(services, make_staff):
    teller = make_staff("cash_teller")
    run = services.checklists.start(teller, "counter_sign_on")
    run = services.checklists.record(teller, run.id, "cash_counted", "￥20,000.5")
    assert run.state("cash_counted").value == "2000050"
    run = services.checklists.record(teller, run.id, "vouchers_counted", "３５")
    assert run.state("vouchers_counted").value == "35"
    for step, bad, key in (("vouchers_counted", "-1", "error.checklist.number_min"),
                           ("vouchers_counted", "十", "error.checklist.number"),
                           ("cash_counted", "12.345", "error.field.amount_decimals"),
                           ("box_matches", "maybe", "error.field.choice")):
        with pytest.raises(FieldError) as exc:
            services.checklists.record(teller, run.id, step, bad)
        assert exc.value.key == key
        assert exc.value.field == f"checklist.value.{run.state(step).step.kind}"
    run = services.checklists.record(teller, run.id, "box_drawn")
    state = run.state("box_drawn")
    assert state.done and state.value == "1" and state.done_by == "测试员工"
    assert state.done_at == T0


@given(st.integers(min_value=-10**11, max_value=10**11), st.booleans())
def test_a_typed_whole_number_reads_back(number: int, full_width: bool):
    text = f"{number:,}"
    if full_width:
        text = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert parse_number(f" {text} ", "f") == number


@given(st.text(max_size=20))
def test_anything_else_typed_for_a_number_is_refused_by_name(text: str):
    try:
        number = parse_number(text, "checklist.value.number", minimum=0, maximum=500)
    except FieldError as exc:
        assert exc.field == "checklist.value.number"
        assert exc.key.startswith(("error.checklist.number", "error.field.required"))
    else:
        assert 0 <= number <= 500


def test_a_text_step_needs_text_and_a_number_can_be_capped_by_an_earlier_step(services, head):
    run = services.checklists.start(head, "head_appearance_check")
    with pytest.raises(FieldError) as exc:
        services.checklists.record(head, run.id, "issues", "   ")
    assert exc.value.key == "error.field.required"
    services.checklists.record(head, run.id, "checked", "9")
    with pytest.raises(FieldError) as exc:
        services.checklists.record(head, run.id, "compliant", "10")
    assert exc.value.key == "error.checklist.number_max_from"
    assert exc.value.params == {"max": 9, "position": 4}
    run = services.checklists.record(head, run.id, "compliant", "8")
    assert run.state("compliant").value == "8"


def test_a_step_is_recorded_only_by_its_roles(services, make_staff):
    sup, officer = make_staff("supervisor"), make_staff("officer")
    run = services.checklists.start(sup, "supervisor_outlet_balancing")
    # the area sheet is also the officer's; the rest of the procedure is the supervisor's
    services.checklists.record(officer, run.id, "area_sheet")
    with pytest.raises(PermissionDenied) as exc:
        services.checklists.record(officer, run.id, "outlet_sheet")
    assert exc.value.key == "error.checklist.step_role"


def test_recording_again_keeps_the_history_and_the_newest_counts(services, make_staff):
    teller = make_staff("cash_teller")
    run = services.checklists.start(teller, "counter_sign_on")
    services.checklists.record(teller, run.id, "vouchers_counted", "35")
    run = services.checklists.record(teller, run.id, "vouchers_counted", "34")
    assert run.state("vouchers_counted").value == "34"
    assert run.state("vouchers_counted").times_recorded == 2


def test_every_step_recorded_is_audited_with_its_manual_section(services, make_staff):
    teller = make_staff("cash_teller")
    run = services.checklists.start(teller, "counter_sign_on")
    services.checklists.record(teller, run.id, "box_drawn")
    services.checklists.record(teller, run.id, "cash_counted", "100")
    services.checklists.record(teller, run.id, "difference_note", "少一张存单")
    events = audit_rows(services, "checklist.step")
    assert [e.manual_section for e in events] == [
        "ch.2 §2.3, p.18", "ch.2 §2.5 item 3, p.20", "practice counter_ops"]
    details = [json.loads(e.detail) for e in events]
    assert [d["step"] for d in details] == ["box_drawn", "cash_counted", "difference_note"]
    assert [d["basis"] for d in details] == ["manual", "manual", "practice"]
    assert details[1]["value"] == "10000"
    assert details[2]["value"] == "" and details[2]["chars"] == 5  # free text is not copied
    assert all(e.entity_id == str(run.id) and e.actor_id == teller.staff_id for e in events)
    start = audit_rows(services, "checklist.start")
    assert start[0].manual_section == "ch.2 §2.5, p.20"


# --- required steps ------------------------------------------------------------------------
def test_required_steps_block_completion(services, make_staff):
    teller = make_staff("cash_teller")
    run = services.checklists.start(teller, "counter_sign_on")
    services.checklists.record(teller, run.id, "box_drawn")
    with pytest.raises(Conflict) as exc:
        services.checklists.complete(teller, run.id)
    assert exc.value.key == "error.checklist.required_open"
    assert exc.value.params == {"count": 5, "steps": "2, 3, 4, 7, 8"}
    sign_on_fully(services, teller, run.id)
    run = services.checklists.complete(teller, run.id)
    assert run.status == "done" and run.completed_by == "测试员工"
    with pytest.raises(Conflict) as exc:
        services.checklists.record(teller, run.id, "box_drawn")
    assert exc.value.key == "error.checklist.not_open"


def test_a_choice_can_make_a_later_step_required(services, make_staff):
    teller = make_staff("cash_teller")
    run = services.checklists.start(teller, "counter_sign_on")
    assert not run.state("difference_note").required
    sign_on_fully(services, teller, run.id)
    run = services.checklists.record(teller, run.id, "box_matches", "differ")
    assert run.state("difference_note").required
    with pytest.raises(Conflict) as exc:
        services.checklists.complete(teller, run.id)
    assert exc.value.params["steps"] == "5, 6"  # the note, and the supervisor's confirmation
    services.checklists.record(teller, run.id, "difference_note", "少一张存单，已报告主管")
    sup = make_staff("supervisor")
    services.checklists.sign_off(teller, run.id, "difference_confirmed", sup.staff_no, TEST_PIN)
    assert services.checklists.complete(teller, run.id).status == "done"


def test_abandoning_needs_a_reason(services, make_staff):
    lm = make_staff("lobby_manager")
    run = services.checklists.start(lm, "lobby_identification")
    with pytest.raises(FieldError):
        services.checklists.abandon(lm, run.id, " ")
    run = services.checklists.abandon(lm, run.id, "客户已离开")
    assert run.status == "abandoned" and run.abandon_reason == "客户已离开"
    with pytest.raises(Conflict):
        services.checklists.complete(lm, run.id)


# --- sign-off by a second person -------------------------------------------------------------
# (the teller's end-of-day sign-off is recorded by the supervisor's balance sign-off,
# tests/services/test_day_steps.py; the supervisor's witness of a hand-over is signed here)
def handed_over_run(services: Services, teller: Actor) -> int:
    """A hand-over for leave, declared and counted: the supervisor's witness is due."""
    run = services.checklists.start(teller, "counter_shift_handover")
    for step, value in (("reason", "leave"), ("balanced", ""), ("cash_declared", "18,250.00"),
                        ("vouchers_declared", "20"), ("count_result", "match")):
        services.checklists.record(teller, run.id, step, value)
    return run.id


def test_a_sign_off_by_the_maker_is_refused(services, make_staff):
    teller = make_staff("cash_teller", "supervisor", name="既是柜员又是主管")
    run_id = handed_over_run(services, teller)
    with pytest.raises(PermissionDenied) as exc:
        services.checklists.record(teller, run_id, "witness", signer=teller)
    assert exc.value.key == "error.four_eyes.same_person"
    # with the PIN: refused by the second-person check before anything is written
    with pytest.raises(Conflict) as conflict:
        services.checklists.sign_off(teller, run_id, "witness", teller.staff_no, TEST_PIN)
    assert conflict.value.key == "error.four_eyes.same_person"
    run = services.checklists.get(teller, run_id)
    assert not run.state("witness").done
    refused = audit_rows(services, "security.refused")
    assert json.loads(refused[-1].detail)["reason"] == "error.four_eyes.same_person"


def test_whoever_had_a_hand_in_the_run_cannot_sign_it_off(services, make_staff):
    teller = make_staff("cash_teller")
    helper = make_staff("officer", "supervisor", name="赵主管")
    run_id = handed_over_run(services, teller)
    services.checklists.record(helper, run_id, "book")  # filled in the hand-over book
    with pytest.raises(PermissionDenied) as exc:
        services.checklists.record(teller, run_id, "witness", signer=helper)
    assert exc.value.key == "error.four_eyes.same_person"
    other_sup = make_staff("supervisor", name="钱主管")
    run = services.checklists.sign_off(teller, run_id, "witness", other_sup.staff_no, TEST_PIN)
    state = run.state("witness")
    assert state.done and state.signed_off_by == "钱主管" and state.done_by_id == teller.staff_id
    taking = make_staff("cash_teller", name="孙柜员")
    services.checklists.sign_off(teller, run_id, "receiver_signoff", taking.staff_no, TEST_PIN)
    assert services.checklists.complete(teller, run_id).status == "done"


def test_a_signer_must_hold_the_steps_signer_role_and_the_right_pin(services, make_staff):
    teller = make_staff("cash_teller")
    colleague = make_staff("cash_teller", name="孙柜员")
    run_id = handed_over_run(services, teller)
    with pytest.raises(PermissionDenied) as exc:
        services.checklists.record(teller, run_id, "witness", signer=colleague)
    assert exc.value.key == "error.checklist.signer_role"
    sup = make_staff("supervisor")
    with pytest.raises(AuthFailed):
        services.checklists.sign_off(teller, run_id, "witness", sup.staff_no, "000000")
    with pytest.raises(FieldError) as field:
        services.checklists.record(teller, run_id, "witness")
    assert field.value.key == "error.checklist.signer_required"
    with pytest.raises(Conflict):
        services.checklists.record(teller, run_id, "balanced", signer=sup)


def test_the_shift_witness_is_a_third_person(services, make_staff):
    leaving, taking = make_staff("cash_teller"), make_staff("cash_teller", "supervisor")
    sup = make_staff("supervisor")
    run = services.checklists.start(leaving, "counter_shift_handover")
    for step, value in (("reason", "leave"), ("balanced", ""), ("cash_declared", "5000"),
                        ("vouchers_declared", "20"), ("count_result", "match")):
        run = services.checklists.record(leaving, run.id, step, value)
    assert run.state("witness").required and run.state("book").required
    run = services.checklists.record(leaving, run.id, "receiver_signoff", signer=taking)
    # the teller who took the box over signed already: they cannot also witness
    with pytest.raises(PermissionDenied):
        services.checklists.record(leaving, run.id, "witness", signer=taking)
    services.checklists.record(leaving, run.id, "witness", signer=sup)
    services.checklists.record(leaving, run.id, "book")
    assert services.checklists.complete(leaving, run.id).status == "done"


# --- hand-offs -----------------------------------------------------------------------------
def test_a_step_naming_a_hand_off_sends_it_to_the_role(services, make_staff, head):
    teller = make_staff("cash_teller")
    run = services.checklists.start(teller, "complaint_on_site")
    services.checklists.record(teller, run.id, "summary", "客户对排队时间不满")
    services.checklists.record(teller, run.id, "resolution", "escalated")
    assert services.handoffs.inbox(head) == []
    run = services.checklists.record(teller, run.id, "escalate")
    inbox = services.handoffs.inbox(head)
    assert len(inbox) == 1
    h = inbox[0]
    assert (h.kind, h.to_role, h.source, h.from_staff_id) == (
        "escalation", "head", "cash_counter", teller.staff_id)
    assert h.manual_section == "ch.2 §2.2 item 2, p.17"
    assert h.note == "现场投诉处理：上报理财中心负责人\n客户对排队时间不满"
    assert run.state("escalate").handoff_id == h.id
    # recording the step again does not send a second one
    services.checklists.record(teller, run.id, "escalate")
    assert len(services.handoffs.inbox(head)) == 1


def test_a_referral_goes_to_the_clients_own_cm(services, make_staff):
    teller = make_staff("non_cash_teller")
    cm, other_cm = make_staff("wealth_cm", name="周经理"), make_staff("wealth_cm")
    client = add_client(services, cm=cm)
    ticket = add_ticket(services, client)
    run = services.checklists.start(teller, "counter_wealth_needs", ticket_id=ticket)
    services.checklists.record(teller, run.id, "asked")
    services.checklists.record(teller, run.id, "need", "存款到期，想了解基金")
    services.checklists.record(teller, run.id, "outcome", "refer_now")
    [h] = services.handoffs.inbox(cm)
    assert (h.kind, h.to_staff_id, h.client_id, h.ticket_no, h.source) == (
        "referral", cm.staff_id, client, "A007", "non_cash_counter")
    assert h.note.endswith("存款到期，想了解基金")
    assert services.handoffs.inbox(other_cm) == []


def test_a_choice_sends_the_hand_off_only_for_the_choices_named(services, make_staff):
    teller = make_staff("cash_teller")
    cm = make_staff("wealth_cm")
    ticket = add_ticket(services)
    run = services.checklists.start(teller, "counter_wealth_needs", ticket_id=ticket)
    services.checklists.record(teller, run.id, "asked")
    run = services.checklists.record(teller, run.id, "outcome", "no_need")
    assert run.state("outcome").handoff_id is None
    assert services.handoffs.inbox(cm) == []
    # a walk-in without a record: the lead goes to the CMs' role
    run = services.checklists.record(teller, run.id, "outcome", "lead_later")
    run = services.checklists.record(teller, run.id, "lead_logged")
    [h] = services.handoffs.inbox(cm)
    assert (h.kind, h.to_role, h.to_staff_id) == ("lead", "wealth_cm", None)


# --- scheduled procedures and the clock --------------------------------------------------------
def by_id(items):  # type: ignore[no-untyped-def]
    return {i.procedure.id: i for i in items}


def test_scheduled_procedures_become_overdue_by_the_clock(services, make_staff, clock):
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=SHANGHAI))
    lm = make_staff("lobby_manager")
    today = by_id(services.checklists.today(lm))
    assert set(today) == {"lobby_opening", "lobby_closing"}
    assert today["lobby_opening"].status == "not_started"
    assert today["lobby_opening"].due_at == datetime(2026, 11, 30, 8, 55, tzinfo=SHANGHAI)
    run = services.checklists.start(lm, "lobby_opening")
    assert by_id(services.checklists.today(lm))["lobby_opening"].status == "in_progress"
    clock.set(datetime(2026, 11, 30, 8, 56, tzinfo=SHANGHAI))
    today = by_id(services.checklists.today(lm))
    assert today["lobby_opening"].status == "overdue"
    assert today["lobby_closing"].status == "not_started"
    assert services.checklists.get(lm, run.id).overdue(clock.now())
    for state in run.steps:
        if state.required:
            services.checklists.record(lm, run.id, state.step.id)
    services.checklists.complete(lm, run.id)
    today = by_id(services.checklists.today(lm))
    assert today["lobby_opening"].status == "done"
    assert (today["lobby_opening"].required_done, today["lobby_opening"].required_total) == (6, 6)
    clock.set(datetime(2026, 11, 30, 17, 31, tzinfo=SHANGHAI))
    assert by_id(services.checklists.today(lm))["lobby_closing"].status == "overdue"
    # the next day starts afresh
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI))
    assert by_id(services.checklists.today(lm))["lobby_opening"].status == "not_started"


def test_a_monthly_procedure_is_due_on_its_day_of_the_month(services, head, clock):
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    item = by_id(services.checklists.today(head))["head_monthly_review"]
    assert item.status == "not_started"
    assert item.due_at == datetime(2026, 12, 5, 17, 0, tzinfo=SHANGHAI)
    run = services.checklists.start(head, "head_monthly_review")
    clock.set(datetime(2026, 12, 6, 9, 0, tzinfo=SHANGHAI))
    assert by_id(services.checklists.today(head))["head_monthly_review"].status == "overdue"
    # the same run all month long
    assert services.checklists.start(head, "head_monthly_review").id == run.id


def test_the_day_overview_lists_every_expected_run(services, head, make_staff, clock):
    t1 = make_staff("cash_teller", name="甲")
    make_staff("non_cash_teller", name="乙")
    run = services.checklists.start(t1, "counter_sign_on")
    sign_on_fully(services, t1, run.id)
    services.checklists.complete(t1, run.id)
    overview = [i for i in services.checklists.day_overview(head)
                if i.procedure.id == "counter_sign_on"]
    assert {(i.subject_name, i.status) for i in overview} == {("甲", "done"), ("乙", "overdue")}
    with pytest.raises(PermissionDenied):
        services.checklists.day_overview(t1)
    # a past day: whatever is not done is overdue, even before the due time of today
    clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=SHANGHAI))
    past = by_id(services.checklists.day_overview(head, T0.date()))
    assert past["lobby_closing"].status == "overdue"


def test_open_runs_for_a_client(services, make_staff):
    cm = make_staff("wealth_cm")
    client = add_client(services, cm=cm)
    run = services.checklists.start(cm, "cm_contact_marketing", client_id=client)
    assert [r.id for r in services.checklists.open_runs(cm, client_id=client)] == [run.id]
    lm = make_staff("lobby_manager")
    visit = services.checklists.start(lm, "lobby_identification")
    services.checklists.attach(lm, visit.id, client_id=client)
    assert {r.id for r in services.checklists.open_runs(cm, client_id=client)} == {
        run.id, visit.id}


# --- a procedure that changes ------------------------------------------------------------------
@pytest.fixture
def procedure_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "procedures"
    shutil.copytree(default_dir(), folder)
    return folder


@pytest.fixture
def settings(procedure_dir: Path) -> Settings:  # noqa: F811 - this module's own procedures
    return load_settings(overrides={"security": FAST, "procedures": {"dir": str(procedure_dir)}})


def test_a_changed_procedure_does_not_change_an_old_run(services, make_staff, procedure_dir,
                                                        clock):
    lm = make_staff("lobby_manager")
    old = services.checklists.start(lm, "lobby_opening")
    services.checklists.record(lm, old.id, "faults", "2 号取款机吞卡，已报修")
    path = procedure_dir / "lobby_opening.toml"
    text = path.read_text("utf-8")
    text = text.replace("开启排队叫号机，试取一张号票", "开启叫号系统")
    text = text.replace('id = "faults"', 'id = "fault_log"')
    path.write_text(text, "utf-8")

    run = services.checklists.get(lm, old.id)
    assert run.outdated and run.version == old.version
    assert run.procedure == old.procedure
    assert run.state("queue_machine").step.text.startswith("开启排队叫号机")
    assert run.state("faults").value == "2 号取款机吞卡，已报修"
    # the old run goes on with its own version of the procedure
    services.checklists.record(lm, old.id, "queue_machine")
    assert services.checklists.get(lm, old.id).state("queue_machine").done

    clock.advance(days=1)
    new = services.checklists.start(lm, "lobby_opening")
    assert new.id != old.id and new.version != old.version and not new.outdated
    assert new.state("queue_machine").step.text == "开启叫号系统，确认叫号屏显示正常"
    assert [s.step.id for s in new.steps][3] == "fault_log"
    with Session(services.ctx.engine) as s:
        stored = {r.id: r.procedure_version for r in s.exec(select(ChecklistRun))}
    assert stored == {old.id: old.version, new.id: new.version}


def test_a_broken_procedure_file_is_named_when_checklists_are_used(services, make_staff,
                                                                    procedure_dir):
    lm = make_staff("lobby_manager")
    path = procedure_dir / "lobby_closing.toml"
    path.write_text(path.read_text("utf-8").replace('kind = "tick"', 'kind = "tik"', 1), "utf-8")
    with pytest.raises(Conflict) as exc:
        services.checklists.today(lm)
    detail = exc.value.params["detail"]
    assert "lobby_closing.toml" in detail and 'step "last_clients"' in detail
    assert "\n" not in detail


# --- every role's routines (issue 16 item 1) ---------------------------------------------------

def test_the_heads_routines_are_the_heads_to_run_and_feed_the_appearance_kpi(
        services: Services, head: Actor) -> None:
    today = {i.procedure.id for i in services.checklists.today(head)}
    assert {"head_morning_meeting", "head_appearance_check", "head_end_of_day"} <= today
    assert services.day.state(head).problems  # the morning meeting etc. are missed so far
    run = services.checklists.start(head, "head_appearance_check")
    for step in ("dress", "grooming", "desks"):
        services.checklists.record(head, run.id, step)
    services.checklists.record(head, run.id, "checked", "12")
    services.checklists.record(head, run.id, "compliant", "9")
    services.checklists.complete(head, run.id)
    report = services.reports.kpi(head, T0.strftime("%Y-%m"))
    appearance = next(i for i in report.center if i.code == "appearance")
    assert (appearance.value, appearance.detail) == (75.0, "9/12")
    keys = {p.key for p in services.day.state(head).problems}
    assert "checklist:head_appearance_check" not in keys
    assert "checklist:head_morning_meeting" in keys


def test_the_close_does_not_demand_routines_nobody_in_the_center_can_do(
        services: Services, head: Actor, make_staff) -> None:
    # a center from `wealthtui init`: only the head; the lobby's closing routine cannot be done
    keys = {p.key for p in services.day.state(head).problems}
    assert "checklist:lobby_closing" not in keys and "checklist:lobby_opening" not in keys
    assert "checklist:head_morning_meeting" in keys
    make_staff("lobby_manager", name="钱大堂")  # now somebody can: it is demanded
    keys = {p.key for p in services.day.state(head).problems}
    assert {"checklist:lobby_closing", "checklist:lobby_opening"} <= keys


def test_the_flow_log_step_is_recorded_by_confirming_the_flow_log(
        services: Services, head: Actor, make_staff) -> None:
    lobby = make_staff("lobby_manager", name="钱大堂")
    run = services.checklists.start(lobby, "lobby_closing")
    assert run.state("flow_log").step.confirms == "flow_log"
    with pytest.raises(Conflict) as refused:  # not by a bare tick
        services.checklists.record(lobby, run.id, "flow_log")
    assert refused.value.key == "error.routines.confirm_flow_log"
    assert "flow_log:flow_log" in {p.key for p in services.day.state(head).problems}
    state = services.day.confirm_flow_log(lobby, run_id=run.id)
    assert state.flow_log_confirmed_by.endswith("钱大堂")
    assert "flow_log:flow_log" not in {p.key for p in state.problems}
    view = services.checklists.get(lobby, run.id)
    assert view.state("flow_log").done and view.state("flow_log").done_by == "钱大堂"
    confirm = audit_rows(services, "flowlog.confirm")
    assert len(confirm) == 1 and json.loads(confirm[0].detail)["visitors"] == 0
    # confirmed again from the same step (the figures moved): a second record of the step
    again = services.day.confirm_flow_log(lobby, run_id=run.id)
    assert again.flow_log_confirmed_at is not None
    assert services.checklists.get(lobby, run.id).state("flow_log").times_recorded == 2
    # the run of another day, or a run without such a step, is refused
    other = services.checklists.start(lobby, "lobby_opening")
    with pytest.raises(Conflict):
        services.day.confirm_flow_log(lobby, run_id=other.id)
    with pytest.raises(PermissionDenied):
        services.day.confirm_flow_log(head, run_id=run.id)


def test_confirming_without_the_run_ticks_the_open_closing_runs_step(
        services: Services, make_staff) -> None:
    lobby = make_staff("lobby_manager", name="钱大堂")
    run = services.checklists.start(lobby, "lobby_closing")
    services.day.confirm_flow_log(lobby)
    assert services.checklists.get(lobby, run.id).state("flow_log").done


def test_the_marketing_cm_has_a_routine_of_their_own(services: Services, make_staff) -> None:
    marketing = make_staff("marketing_cm", name="孙营销")
    wealth = make_staff("wealth_cm", name="吴理财")
    mine = {i.procedure.id for i in services.checklists.today(marketing)}
    assert "marketing_cm_day" in mine
    assert not mine & {"cm_start_of_day", "cm_end_of_day"}
    assert "marketing_cm_day" not in {i.procedure.id for i in services.checklists.today(wealth)}
    proc = services.checklists.catalog().get("marketing_cm_day")
    assert proc is not None and proc.manual == "ch.6 §6.4"
    assert all("按实践重建" in s.text for s in proc.steps)
    run = services.checklists.start(marketing, "marketing_cm_day")
    run = services.checklists.record(marketing, run.id, "handed_to_cm", "张先生交吴理财")
    h = services.handoffs.get(marketing, run.state("handed_to_cm").handoff_id)
    assert h.to_role == "wealth_cm" and "张先生交吴理财" in h.note
