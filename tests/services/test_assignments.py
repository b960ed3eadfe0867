"""Exclusive CMs: assignment and CM change (one client or a departing CM's book), the database's
single-active-CM constraint, the first-contact clock, the head's exceptions, portfolios, and the
CM's side of hand-offs (arrivals accepted or declined, late arrivals, cash business to tellers)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tests.conftest import T0
from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.services.recording_helpers import recorded
from wealthtui.model import ClientAccount, CMAssignment, ContactLog, Handoff, Lead
from wealthtui.reports import eod
from wealthtui.rules import step_facts
from wealthtui.rules.fields import FieldError
from wealthtui.services import Services
from wealthtui.services.assignments import arrival_late
from wealthtui.services.errors import Conflict, PermissionDenied


def test_a_client_never_has_two_active_cms_even_when_forced(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    with Session(desk.engine) as s:
        s.add(CMAssignment(client_id=client, cm_id=desk.cm2.staff_id, start_at=T0))
        with pytest.raises(IntegrityError):
            s.commit()
    assert desk.active_cm(client) == desk.cm1.staff_id


def test_a_cm_change_keeps_the_history_and_starts_the_clock(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    view = desk.services.assignments.assign(desk.head, client, desk.cm2.staff_id, "李理财调岗")
    assert (view.cm_name, view.assigned_by_name) == ("周理财", "王主任")
    history = desk.services.assignments.history(desk.head, client)
    assert [(h.cm_name, h.end_at is None) for h in history] == [("周理财", True), ("李理财", False)]
    assert history[1].end_at == history[0].start_at
    for who in (desk.cm1, desk.cm2, desk.head):  # both CMs' screens and the head's
        (clock,) = desk.services.assignments.change_clocks(who)
        assert (clock.client_id, clock.from_cm_name, clock.to_cm_name) == (client, "李理财", "周理财")
        assert clock.due_on == T0.date() + timedelta(days=30) and not clock.overdue(T0.date())
    assert desk.services.assignments.change_clocks(desk.mcm) == []
    inbox = desk.services.handoffs.inbox(desk.cm2)
    assert [(h.kind, h.client_id) for h in inbox] == [("cm_change", client)]
    # the client now carries the CM-change checklist, the successor already named
    (run,) = desk.services.checklists.open_runs(desk.head, client_id=client)
    assert (run.procedure.id, run.subject_staff_id) == ("cm_change", desk.cm1.staff_id)
    assert [s.step.id for s in run.steps if s.done] == ["successor_named"]
    with pytest.raises(Conflict):
        desk.services.assignments.assign(desk.head, client, desk.cm2.staff_id)


def test_the_clock_is_overdue_after_a_month_without_direct_contact(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    desk.services.assignments.assign(desk.head, client, desk.cm2.staff_id, "离职")
    desk.services.ctx.clock.advance(days=31)  # type: ignore[attr-defined]
    today = desk.services.ctx.today()
    (clock,) = desk.services.assignments.change_clocks(desk.head)
    assert clock.overdue(today) and clock.days_left(today) == -1
    assert [c.client_id for c in desk.services.assignments.exceptions(desk.head).overdue_changes
            ] == [client]
    desk.services.contacts.log(desk.cm2, client, channel="visit", purpose="cm_change")
    assert desk.services.assignments.change_clocks(desk.head) == []
    (done,) = desk.services.assignments.change_clocks(desk.head, include_done=True)
    assert done.first_contact_on == today


def test_a_departing_cms_book_is_dealt_out_to_the_successors(desk: Desk) -> None:
    clients = [desk.client(f"客户{i}", cm=desk.cm1, aum_fen=(10 - i) * 10_000_000)
               for i in range(5)]
    made = desk.services.assignments.reassign_book(
        desk.head, desk.cm1.staff_id, [desk.cm2.staff_id, desk.mcm.staff_id], "李理财离职")
    assert len(made) == 5
    owners = [desk.active_cm(c) for c in clients]  # largest AUM first, in turn
    assert owners == [desk.cm2.staff_id, desk.mcm.staff_id] * 2 + [desk.cm2.staff_id]
    assert desk.services.assignments.portfolio(desk.head, desk.cm1.staff_id).size == 0
    assert len(desk.services.assignments.change_clocks(desk.cm1)) == 5
    told = sorted(h.client_id for h in desk.services.handoffs.inbox(desk.cm2)
                  if h.kind == "cm_change")
    assert told == sorted(clients[0:5:2])  # one hand-off per client taken over
    with pytest.raises(FieldError):
        desk.services.assignments.reassign_book(desk.head, desk.cm2.staff_id,
                                                [desk.cm2.staff_id], "x")
    with pytest.raises(PermissionDenied):
        desk.services.assignments.reassign_book(desk.cm1, desk.cm2.staff_id,
                                                [desk.cm1.staff_id], "x")


def test_only_cms_are_named_and_only_the_head_names_them(desk: Desk) -> None:
    client = desk.client("钱多多")
    with pytest.raises(FieldError) as bad:
        desk.services.assignments.assign(desk.head, client, desk.lobby.staff_id)
    assert bad.value.key == "error.cm.not_a_cm"
    with pytest.raises(PermissionDenied):
        desk.services.assignments.assign(desk.cm1, client, desk.cm1.staff_id)


def test_the_heads_exceptions(desk: Desk, settings) -> None:  # type: ignore[no-untyped-def]
    orphan = desk.client("孤单单", tier="key", aum_fen=700_000_000)
    desk.client("平常心", tier="ordinary", aum_fen=100)
    desk.client("钱多多", cm=desk.cm1)
    found = desk.services.assignments.exceptions(desk.head)
    assert [c.client_id for c in found.premium_without_cm] == [orphan]
    loads = {(x.name, x.size, x.state) for x in found.portfolio_out_of_range}
    assert loads == {("李理财", 1, "below"), ("周理财", 0, "below")}  # marketing CMs unchecked
    with pytest.raises(PermissionDenied):
        desk.services.assignments.exceptions(desk.cm1)


def test_my_portfolio_by_tier_with_last_contact_and_next_due(desk: Desk) -> None:
    key = desk.client("钱多多", tier="key", cm=desk.cm1, aum_fen=700_000_000)
    desk.past_contact(key, desk.cm1, T0 - timedelta(days=10))
    premium = desk.client("周新鲜", cm=desk.cm1)
    desk.past_contact(premium, desk.cm1, T0 - timedelta(days=40),
                      next_date=T0.date() + timedelta(days=3))
    mine = desk.services.assignments.portfolio(desk.cm1)
    assert [(r.client_id, r.last_contact, r.next_due) for r in mine.rows] == [
        (key, T0.date() - timedelta(days=10), T0.date() + timedelta(days=20)),
        (premium, T0.date() - timedelta(days=40), T0.date() - timedelta(days=10)),
    ]
    assert dict(mine.by_tier)["key"] == 1 and mine.state == "below"
    with pytest.raises(PermissionDenied):
        desk.services.assignments.portfolio(desk.cm2, desk.cm1.staff_id)


def test_the_sender_sees_the_cm_accept_an_arrival_at_once(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    sent = desk.services.handoffs.create(desk.lobby, kind="premium_arrival",
                                         to_staff_id=desk.cm1.staff_id, client_id=client,
                                         source="lobby", note="V001 在理财室等候")
    desk.services.handoffs.accept(desk.cm1, sent.id)
    (seen,) = desk.services.handoffs.sent(desk.lobby)
    assert (seen.status, seen.accepted_at) == ("accepted", T0)
    desk.services.handoffs.complete(desk.cm1, sent.id, "已接待，办理定期")
    (seen,) = desk.services.handoffs.sent(desk.lobby)
    assert (seen.status, seen.outcome) == ("done", "已接待，办理定期")


def test_a_declined_arrival_goes_to_the_duty_cm_or_back_to_the_lobby(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    first = desk.services.handoffs.create(desk.lobby, kind="premium_arrival",
                                          to_staff_id=desk.cm1.staff_id, client_id=client,
                                          source="lobby")
    desk.duty(desk.cm2, T0.date())
    onward = desk.services.assignments.decline_arrival(desk.cm1, first.id, "正在面谈")
    assert (onward.to_staff_id, onward.client_id, onward.status) == (desk.cm2.staff_id, client,
                                                                     "open")
    (original,) = desk.services.handoffs.sent(desk.lobby)
    assert (original.status, original.decline_reason) == ("declined", "正在面谈")
    # the duty CM can open the file while the arrival is theirs
    assert desk.services.client_file.open(desk.cm2, client).access == "work"
    back = desk.services.assignments.decline_arrival(desk.cm2, onward.id, "外出")
    assert (back.to_staff_id, back.to_role) == (None, "lobby_manager")
    assert any(h.id == back.id for h in desk.services.handoffs.inbox(desk.lobby))
    with pytest.raises(PermissionDenied):
        desk.services.assignments.decline_arrival(desk.cm1, back.id, "x")


def test_an_arrival_waiting_past_the_limit_is_late(desk: Desk, settings) -> None:  # type: ignore[no-untyped-def]
    sent = desk.services.handoffs.create(desk.lobby, kind="premium_arrival",
                                         to_staff_id=desk.cm1.staff_id, source="lobby")
    limit = settings.handoffs.arrival_late_minutes
    assert not arrival_late(sent, T0 + timedelta(minutes=limit), limit)
    assert arrival_late(sent, T0 + timedelta(minutes=limit, seconds=1), limit)


def test_the_cash_part_of_the_business_goes_to_the_cash_tellers(desk: Desk, make_staff) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    teller = make_staff("cash_teller")
    view = desk.services.assignments.hand_to_teller(desk.cm1, client, "取现 5 万元，已预约")
    assert (view.kind, view.to_role, view.source) == ("cash_business", "cash_teller", "cm")
    assert [h.id for h in desk.services.handoffs.inbox(teller)] == [view.id]
    with pytest.raises(PermissionDenied):
        desk.services.assignments.hand_to_teller(desk.cm2, client, "取现")
    with Session(desk.engine) as s:
        assert len(s.exec(select(Handoff)).all()) == 1


def test_the_cm_change_checklist_runs_to_the_end_with_both_cms(desk: Desk) -> None:
    from tests.conftest import TEST_PIN

    client = desk.client("钱多多", cm=desk.cm1)
    desk.services.assignments.assign(desk.head, client, desk.cm2.staff_id, "李理财调岗")
    checklists = desk.services.checklists
    (run,) = checklists.open_runs(desk.head, client_id=client)
    checklists.record(desk.cm1, run.id, "files_handed_over")
    with pytest.raises(Conflict):  # the departing CM cannot sign for the new one
        checklists.sign_off(desk.cm1, run.id, "both_signed", "C01", TEST_PIN)
    checklists.sign_off(desk.cm1, run.id, "both_signed", "C02", TEST_PIN)
    checklists.record(desk.cm1, run.id, "told_orally", "2026-11-30 李理财电话告知")
    with pytest.raises(Conflict):  # the written notice is recorded by the notice itself
        checklists.record(desk.head, run.id, "written_notice", "2026-11-30 挂号信")
    desk.services.notices.cm_change_letter(desk.head, client, channel="print")
    desk.services.contacts.log(desk.cm2, client, channel="phone", purpose="cm_change",
                               content="自我介绍，约下周面谈")
    run = checklists.get(desk.head, run.id)
    first = run.state("first_contact")
    assert first.done and first.done_by_id == desk.cm2.staff_id
    fact = step_facts.parse(first.value)  # the contact, as codes (worded when shown)
    assert fact is not None and (fact.kind, fact.day, fact.channel) == (
        step_facts.CONTACT, date(2026, 11, 30), "phone")
    assert checklists.complete(desk.head, run.id).status == "done"


# --- issue 16, item 8: ownership holes -------------------------------------------------------------
def _card(desk: Desk, client_id: int, number: str, product: str = "理财金账户卡",
          closed: bool = False) -> None:
    """A card on file (as the bank's import or the demo hold them; no service issues cards)."""
    with Session(desk.engine) as s:
        s.add(ClientAccount(client_id=client_id, number=number, product=product,
                            closed_on=T0.date() if closed else None))
        s.commit()


def test_the_exceptions_cover_every_client_entitled_to_an_exclusive_cm(desk: Desk,
                                                                      settings) -> None:  # type: ignore[no-untyped-def]
    by_tier = desk.client("孤单单", tier="key", aum_fen=700_000_000)
    by_card = desk.client("卡多多", tier="ordinary", aum_fen=1_000)
    _card(desk, by_card, "6222000000000001")
    closed_card = desk.client("销卡了", tier="ordinary")
    _card(desk, closed_card, "6222000000000002", closed=True)
    other_card = desk.client("灵通卡", tier="ordinary")
    _card(desk, other_card, "6222000000000003", product="灵通卡")
    served = desk.client("有经理", tier="ordinary", cm=desk.cm1)
    _card(desk, served, "6222000000000004")
    potential = desk.client("潜力股", tier="potential", aum_fen=30_000_000)
    found = desk.services.assignments.exceptions(desk.head).premium_without_cm
    assert [(c.client_id, c.entitled_by) for c in found] == [(by_tier, "tier"),
                                                             (by_card, "card")]
    # what config names: another tier, another card product
    ownership = replace(settings.ownership, exclusive_cm_tiers=["potential"],
                        exclusive_cm_products=["理财金账户卡", "灵通卡"])
    wider = Services(desk.engine, replace(settings, ownership=ownership), desk.services.clock)
    found = wider.assignments.exceptions(desk.head).premium_without_cm
    assert {c.client_id for c in found} == {by_tier, by_card, other_card, potential}



def test_the_staff_tab_and_the_end_of_day_count_the_same_clients_without_a_cm(
        desk: Desk, settings) -> None:  # type: ignore[no-untyped-def]
    """One truth (issue 22 review): the staff tab's clients entitled to a CM without one and
    its CMs outside their range are the end-of-day report's — through the services' session
    and through the lean `eod`'s Core connection alike; before, eod counted the premium tiers
    only and missed the card holders the tab lists."""
    desk.client("孤单单", tier="key", aum_fen=700_000_000)
    desk.client("缺经理", aum_fen=90_000_000)
    for i in range(3):  # card holders of an ordinary tier: entitled by the card (ch.2 §5)
        holder = desk.client(f"持卡{i}", tier="ordinary", aum_fen=1_000 + i)
        _card(desk, holder, f"622200000000010{i}")
    desk.client("有经理", cm=desk.cm1)
    moved = desk.client("换经理", cm=desk.cm1)
    desk.services.assignments.assign(desk.head, moved, desk.cm2.staff_id, "调岗")
    desk.services.ctx.clock.advance(days=31)  # type: ignore[attr-defined]
    shown = desk.services.assignments.exceptions_shown(desk.head, limit=2)
    assert len(shown.premium_without_cm) == 2 and shown.without_cm_total == 5
    by_state = Counter(x.state for x in shown.portfolio_out_of_range)
    now = desk.services.ctx.clock.now()
    with desk.engine.connect() as conn:  # as `wealthtui eod` reads, no ORM
        lean = eod.exceptions(conn, settings, now, {})
    with Session(desk.engine) as s:  # as the services' reports read
        served = eod.exceptions(s, settings, now, {})
    assert lean == served
    assert lean.entitled_without_cm == shown.without_cm_total
    assert lean.cm_change_overdue == len(shown.overdue_changes) == 1
    assert (lean.cm_over_range, lean.cm_under_range) == (by_state["above"], by_state["below"])
    assert lean.total == shown.count  # the tab's "Exceptions (n)" is the close's
    # the staff list's clients column is the book the ranges were judged on
    assert shown.book_sizes == desk.services.dashboard.book_sizes(desk.head) \
        == {desk.cm1.staff_id: 1, desk.cm2.staff_id: 1}

def _open_lead(desk: Desk, client_id: int | None = None) -> int:
    lead = desk.services.lobby.spot_potential(
        desk.lobby, client_id=client_id, contact_name="" if client_id else "张三",
        signal="询问大额存单")
    with Session(desk.engine) as s:
        owner = s.get(Lead, lead.id).owner_id  # type: ignore[union-attr]
    return owner  # type: ignore[return-value]


def test_leads_without_a_named_cm_are_spread_over_todays_cms_by_load(desk: Desk) -> None:
    roster = desk.services.roster
    roster.all_in(desk.head)
    roster.set_state(desk.head, desk.mcm.staff_id, "leave")
    owners = [_open_lead(desk) for _ in range(4)]  # fewest open leads first, ties by number
    assert owners == [desk.cm1.staff_id, desk.cm2.staff_id] * 2
    roster.set_state(desk.head, desk.mcm.staff_id, "in")  # back: has none, gets the next two
    assert [_open_lead(desk) for _ in range(2)] == [desk.mcm.staff_id] * 2
    # every lead reached its owner's inbox
    assert len([h for h in desk.services.handoffs.inbox(desk.cm1) if h.kind == "lead"]) == 2
    # the client's own CM keeps their client's leads while in, else the spread takes over
    mine = desk.client("钱多多", tier="potential", cm=desk.cm2)
    assert _open_lead(desk, mine) == desk.cm2.staff_id
    roster.set_state(desk.head, desk.cm2.staff_id, "lunch")
    assert _open_lead(desk, mine) in (desk.cm1.staff_id, desk.mcm.staff_id)
    for cm in (desk.cm1, desk.mcm):  # nobody in: the wealth CMs' role, no owner
        roster.set_state(desk.head, cm.staff_id, "out")
    assert _open_lead(desk) is None
    assert [h.to_role for h in desk.services.handoffs.inbox(desk.cm1)
            if h.to_staff_id is None] == ["wealth_cm"]


def test_round_robin_takes_the_cms_in_turn(desk: Desk, settings) -> None:  # type: ignore[no-untyped-def]
    ownership = replace(settings.ownership, lead_distribution="round_robin")
    desk.services = Services(desk.engine, replace(settings, ownership=ownership),
                             desk.services.clock)
    desk.services.roster.all_in(desk.head)
    owners = [_open_lead(desk) for _ in range(4)]
    assert owners == [desk.cm1.staff_id, desk.cm2.staff_id, desk.mcm.staff_id,
                      desk.cm1.staff_id]


def test_a_lead_for_later_has_an_owner_and_a_follow_up_date(center: Center) -> None:
    s = center.services
    s.roster.all_in(center.lobby)
    client = center.client("李四", "potential")
    center.sign_on(center.t1, "02")
    ticket = center.ticket_at(center.t1, "02", client_id=client)
    done = s.counter.finish(center.t1, ticket, "lead", need_note="下月有一笔到期资金")
    with Session(s.ctx.engine) as db:
        lead = db.get(Lead, done.lead_id)
    days = s.settings.ownership.lead_follow_up_days
    assert (lead.owner_id, lead.follow_up_on) == (center.cm.staff_id,
                                                  T0.date() + timedelta(days=days))
    (item,) = s.handoffs.inbox(center.cm)  # it reaches the CM, due on the follow-up day
    assert (item.id, item.kind, item.client_id) == (done.handoff_id, "lead", client)
    assert item.due_at == T0 + timedelta(days=days)


# --- issue 16, item 6: conversion ---------------------------------------------------------------
def test_a_cms_sale_converts_the_lobbys_lead_and_the_reports_count_it(desk: Desk) -> None:
    s = desk.services
    client = desk.client("钱多多", tier="potential", risk=3, assessed=T0.date())
    s.roster.all_in(desk.head)
    lead = s.lobby.spot_potential(desk.lobby, client_id=client, signal="询问理财",
                                  to_staff_id=desk.cm1.staff_id)
    (h,) = s.handoffs.inbox(desk.cm1)
    s.handoffs.accept(desk.cm1, h.id)
    with pytest.raises(FieldError) as bad:  # a sale names its product
        s.contacts.log(desk.cm1, client, channel="visit", result="sold", sale_amount="500000")
    assert bad.value.key == "compliance.error.sold_needs_product"
    recorded(s, desk.cm1, client, "WM90")  # the sale's dual recording (双录)
    with pytest.raises(FieldError) as bad:  # and its amount
        s.contacts.log(desk.cm1, client, channel="visit", result="sold", products=["WM90"])
    assert bad.value.field == "sale.field.amount"
    with pytest.raises(FieldError) as bad:
        s.contacts.log(desk.cm1, client, channel="visit", result="interested", sale_amount="1")
    assert bad.value.key == "error.sale.amount_without_sale"
    s.handoffs.complete(desk.cm1, h.id, "客户已购买 50 万")
    contact = s.contacts.log(desk.cm1, client, channel="visit", purpose="product",
                             result="sold", products=["WM90"], sale_amount="500,000")
    with Session(desk.engine) as db:
        row = db.get(Lead, lead.id)
        sale = db.get(ContactLog, contact.id)
    assert (row.status, row.source, row.spotted_by) == ("converted", "lobby",
                                                        desk.lobby.staff_id)
    assert (row.converted_ref, row.converted_by, row.converted_product,
            row.converted_amount_fen, row.converted_at) == (
        f"contact:{contact.id}", desk.cm1.staff_id, "WM90", 50_000_000, T0)
    assert sale.sale_amount_fen == 50_000_000
    flow = s.reports.flow_log(desk.head)
    assert (flow.referrals.made, flow.referrals.converted) == (1, 1)


def test_a_sale_at_the_counter_converts_the_referral_of_the_window_only(
        center: Center, clock) -> None:  # type: ignore[no-untyped-def]
    s = center.services
    client = center.client("王五", "potential", seq=7)
    center.sign_on(center.n1, "04")
    old = s.counter.finish(center.n1, center.ticket_at(center.n1, "04", "B", client), "refer",
                           need_note="想了解理财")
    window = s.settings.ownership.conversion_window_days
    clock.advance(days=window + 1)  # type: ignore[attr-defined]
    center.sign_on(center.n1, "04")
    recent = s.counter.finish(center.n1, center.ticket_at(center.n1, "04", "B", client),
                              "refer", need_note="到期资金再投资")
    ticket = center.ticket_at(center.n1, "04", "B", client)
    s.counter.record(center.n1, ticket, "transfer", "1000")  # not a sale: nothing converts
    with Session(s.ctx.engine) as db:
        assert db.get(Lead, recent.lead_id).status == "new"  # type: ignore[union-attr]
    recorded(s, center.n1, client, "MMF")
    record = s.counter.record(center.n1, ticket, "wealth_product", "200,000", product="MMF")
    with Session(s.ctx.engine) as db:
        converted = db.get(Lead, recent.lead_id)
        stale = db.get(Lead, old.lead_id)
    assert (converted.status, converted.source, converted.converted_ref,
            converted.converted_product, converted.converted_amount_fen) == (
        "converted", "non_cash_counter", f"service:{record.id}", "wealth_product", 20_000_000)
    assert stale.status == "new"  # raised before the window
