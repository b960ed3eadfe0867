"""The demo center and the synthetic generator: what they promise about the data they make.

The demo is built once per worker (tests/demo_fixture.py) with the real builder at the test
clock (Monday 2026-11-30 09:30, so the previous business day is Friday 2026-11-27)."""

from __future__ import annotations

import random
import shutil
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from stdnum.cn import ric

from tests.conftest import T0
from tests.demo_fixture import demo_template, fast_settings
from wealthtui.config import Settings
from wealthtui.demo import DEMO_STAFF
from wealthtui.demo.bulk import BulkWriter, Ids
from wealthtui.demo.center import DEMO_DAYS
from wealthtui.demo.people import NamePool, ResidentIds
from wealthtui.demo.pools import pools
from wealthtui.demo.population import DEMO_TIER_MIX, Directory, Population
from wealthtui.demo.script import script_day
from wealthtui.demo.synthetic import business_days, generate
from wealthtui.demo.workday import LONG_WAIT
from wealthtui.model import (
    Appointment,
    Attendance,
    AuditEvent,
    AuthorizationRequest,
    BusinessDay,
    Client,
    ClientAccount,
    ClosingRetention,
    CMAssignment,
    Complaint,
    ComplaintEvent,
    ContactLog,
    ContactProposal,
    Handoff,
    Lead,
    Meta,
    Notice,
    ProductHolding,
    SaleCheck,
    ServiceRecord,
    ShiftHandover,
    Staff,
    TellerBalance,
    Ticket,
    TicketEvent,
)
from wealthtui.rules import permissions as p
from wealthtui.rules.clock import FixedClock
from wealthtui.rules.fields import parse_card, parse_id_number, parse_mobile, parse_name
from wealthtui.rules.pinyin import name_keys
from wealthtui.services import Actor, Services
from wealthtui.services.audit import verify_engine
from wealthtui.services.auth import pin_matches
from wealthtui.services.cashbox import figures
from wealthtui.store.engine import make_engine

PREVIOUS = date(2026, 11, 27)
TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path, _ = demo_template(tmp_path_factory.getbasetemp())
    engine = make_engine(str(path))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return fast_settings(tmp_path_factory.getbasetemp())


def all_rows(engine: Engine, model, *where):  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.exec(select(model).where(*where)).all()


# --- staff ------------------------------------------------------------------------------------------
def test_staff_are_the_demo_table_with_hashed_pins(demo: Engine, demo_settings: Settings):
    staff = {s.staff_no: s for s in all_rows(demo, Staff)}
    assert set(staff) == {a.staff_no for a in DEMO_STAFF}
    for acc in DEMO_STAFF:
        row = staff[acc.staff_no]
        assert row.name == acc.name and row.role_set == frozenset(acc.roles)
        assert row.pin_hash.startswith("$argon2id$") and acc.pin not in row.pin_hash
        assert pin_matches(demo_settings, row.pin_hash, acc.pin)
    only = Counter(next(iter(s.role_set)) for s in staff.values() if len(s.role_set) == 1)
    assert only[p.HEAD] == 1 and only[p.SUPERVISOR] == 1
    assert only[p.CASH_TELLER] == 2 and only[p.NON_CASH_TELLER] == 2
    assert only[p.LOBBY_MANAGER] == 1 and only[p.LOBBY_ASSISTANT] == 1
    assert only[p.WEALTH_CM] == 2 and only[p.MARKETING_CM] == 1
    assert sum(p.OFFICER in s.role_set for s in staff.values()) == 1


def test_no_pin_is_written_anywhere_in_the_audit_trail(demo: Engine):
    details = " ".join(e.detail for e in all_rows(demo, AuditEvent))
    for acc in DEMO_STAFF:
        assert acc.pin not in details


def test_it_is_marked_demo_and_built_once(demo: Engine, demo_settings: Settings):
    meta = {m.key: m.value for m in all_rows(demo, Meta)}
    assert meta["demo"] == "1"
    assert Services(demo, demo_settings).center.is_demo()
    assert len(all_rows(demo, AuditEvent, AuditEvent.action == "demo.build")) == 1
    assert verify_engine(demo).ok


# --- clients ----------------------------------------------------------------------------------------
def test_clients_are_plausible_and_valid(demo: Engine):
    clients = all_rows(demo, Client)
    assert len(clients) >= 300
    for c in clients:
        assert parse_name(c.name) == c.name
        assert (c.name_pinyin, c.name_initials) == name_keys(c.name)
        assert parse_id_number(c.id_type, c.id_number) == c.id_number
        if c.id_type == "resident":
            assert ric.is_valid(c.id_number)
            assert ric.get_birth_date(c.id_number) == c.birthday
            assert (int(c.id_number[16]) % 2 == 1) == (c.gender == "M")
        if c.phone:
            assert parse_mobile(c.phone) == c.phone
    assert len({c.id_number for c in clients}) == len(clients)
    names = pools()["names"]
    rare = set(names["rare_male"] + names["rare_female"])
    assert any("·" in c.name for c in clients)
    assert sum(bool(rare & set(c.name)) for c in clients) >= 2
    common = Counter(c.name[0] for c in clients).most_common(3)
    assert {s for s, _ in common} & {"王", "李", "张", "刘", "陈"}
    assert any(c.lunar_birthday for c in clients)


def test_cards_pass_the_luhn_check(demo: Engine):
    cards = all_rows(demo, ClientAccount)
    assert cards
    assert all(parse_card(a.number) == a.number for a in cards)


def test_tiers_follow_aum_and_the_configured_thresholds(demo: Engine, demo_settings: Settings):
    for c in all_rows(demo, Client):
        expected = [t.code for t in demo_settings.tiers if t.min_aum_fen <= c.aum_fen][-1]
        assert c.tier == expected


def test_every_premium_client_has_exactly_one_active_exclusive_cm(demo: Engine,
                                                                  demo_settings: Settings):
    premium = {t.code for t in demo_settings.tiers if t.premium}
    cms = {s.id for s in all_rows(demo, Staff) if s.role_set & p.CMS}
    active = Counter()
    for a in all_rows(demo, CMAssignment, col(CMAssignment.end_at).is_(None)):
        active[a.client_id] += 1
        assert a.cm_id in cms
    clients = all_rows(demo, Client)
    assert sum(c.tier in premium for c in clients) >= 50
    for c in clients:
        assert active[c.id] == (1 if c.tier in premium else 0), c.name


# --- the previous business day and today ---------------------------------------------------------------
def test_every_finished_ticket_has_its_timeline_in_order(demo: Engine):
    tickets = all_rows(demo, Ticket, Ticket.business_date == PREVIOUS)
    assert len(tickets) >= 60
    events = defaultdict(list)
    for e in all_rows(demo, TicketEvent):
        events[e.ticket_id].append(e)
    done = [t for t in tickets if t.status == "done"]
    assert done and {t.status for t in tickets} <= {"done", "no_show"}
    assert any(t.status == "no_show" for t in tickets)
    for t in done:
        timeline = sorted(events[t.id], key=lambda e: (e.at, e.id))
        kinds = [e.kind for e in timeline]
        assert kinds[0] == "issued" and kinds[-1] == "finished", kinds
        for step in ("called", "started"):
            assert step in kinds
        assert kinds.index("called") < kinds.index("started") < kinds.index("finished")
        assert [e.at for e in timeline] == sorted(e.at for e in timeline)
    for t in tickets:
        if t.status == "no_show":
            kinds = [e.kind for e in sorted(events[t.id], key=lambda e: (e.at, e.id))]
            assert kinds[0] == "issued" and kinds[-1] == "no_show" and "called" in kinds
    assert any("transferred" in [e.kind for e in events[t.id]] for t in done)


def test_service_records_belong_to_served_tickets(demo: Engine):
    records = all_rows(demo, ServiceRecord, ServiceRecord.business_date == PREVIOUS)
    served = {t.id for t in all_rows(demo, Ticket, Ticket.status == "done")}
    assert records and {r.ticket_id for r in records} <= served
    # done; an authorisation rejected; a closing cancelled because the client stayed
    assert {r.outcome for r in records} == {"done", "rejected", "cancelled"}
    assert any(r.authorization_id for r in records)


def test_balances_are_signed_off_by_someone_else(demo: Engine, demo_settings: Settings):
    balances = all_rows(demo, TellerBalance, TellerBalance.business_date == PREVIOUS)
    assert len(balances) == 5
    with Session(demo) as s:
        for b in balances:
            assert b.status == "signed_off" and b.signed_off_by not in (None, b.teller_id)
            assert b.figures_json == figures(s, demo_settings, PREVIOUS, b.teller_id).to_json()
    # one box was short: handled by the supervisor before the sign-off
    short = [b for b in balances if b.difference_fen]
    assert len(short) == 1 and short[0].difference_fen < 0
    assert short[0].difference_handled_by == short[0].signed_off_by


def test_hand_offs_leads_complaints_and_the_days(demo: Engine):
    kinds = Counter(h.kind for h in all_rows(demo, Handoff, Handoff.business_date == PREVIOUS))
    assert kinds["premium_arrival"] >= 5 and kinds["referral"] + kinds["lead"] >= 3
    assert all_rows(demo, Lead, Lead.business_date == PREVIOUS)
    complaints = all_rows(demo, Complaint, Complaint.business_date == PREVIOUS)
    assert 1 <= len(complaints) <= 2  # about fees (investigated); about the queue if one was long
    assert {c.status for c in complaints} <= {"closed", "investigating"}
    assert any(c.status == "investigating" for c in complaints)
    days = {d.business_date: d for d in all_rows(demo, BusinessDay)}
    assert days[PREVIOUS].status == "closed" and days[PREVIOUS].flow_log_confirmed_by
    assert days[TODAY].status == "open"
    # a week of history (DEMO_DAYS business days) before today, all closed
    assert len(days) == DEMO_DAYS + 1 and sorted(days)[-1] == TODAY
    assert all(d.status == "closed" for k, d in days.items() if k != TODAY)
    today = all_rows(demo, Attendance, Attendance.business_date == TODAY)
    assert len(today) == len(DEMO_STAFF) and sum(a.duty_cm for a in today) == 1
    duty = next(a for a in today if a.duty_cm)
    with Session(demo) as s:
        assert s.get(Staff, duty.staff_id).role_set & p.CMS
    assert not all_rows(demo, Ticket, Ticket.business_date == TODAY)


def test_the_roster_leads_and_conversions_went_through_the_services(demo: Engine):
    """Issue 16: the demo's roster is written by the roster service (audited), its leads are
    owned by a CM of the day, and some CM sales converted leads through the contact log."""
    actions = Counter(e.action for e in all_rows(demo, AuditEvent))
    assert actions["roster.all_in"] == 2 and actions["roster.duty_cm"] == 2
    leads = all_rows(demo, Lead, Lead.business_date == PREVIOUS)
    assert all(lead.owner_id is not None for lead in leads if lead.handoff_id is not None)
    converted = [lead for lead in leads if lead.status == "converted"]
    refs = {lead.converted_ref.split(":")[0] for lead in converted}
    assert "contact" in refs and refs <= {"contact", "service"}  # CM sales, counter sales
    # every conversion is audited; sales also convert leads of the history's days
    assert actions["lead.convert"] == len(all_rows(demo, Lead, Lead.status == "converted"))


# --- determinism and the shared generators --------------------------------------------------------
def _population(template: Path, folder: Path, settings: Settings,
                seed: int) -> list[tuple[str, str, str]]:
    """50 clients made with `seed` in a copy of the empty template database."""
    folder.mkdir()
    shutil.copyfile(template, folder / "c.db")
    engine = make_engine(str(folder / "c.db"))
    rng = random.Random(seed)
    pop = Population(rng, settings, TODAY, names=NamePool(rng, 200), wealth_cms=[],
                     marketing_cms=[], assigned_by=1, tier_mix=DEMO_TIER_MIX)
    with engine.begin() as conn:
        ids, out = Ids(conn), BulkWriter(conn)
        for _ in range(50):
            pop.client(out, ids)
        out.flush()
    with Session(engine) as s:
        rows = s.exec(select(Client)).all()
    engine.dispose()
    return [(c.name, c.id_number, c.phone) for c in rows]


def test_generators_are_deterministic_for_a_seed(db_template: Path, tmp_path: Path,
                                                 settings: Settings):
    first = _population(db_template, tmp_path / "a", settings, 5)
    assert len(first) == 50
    assert first == _population(db_template, tmp_path / "b", settings, 5)
    assert first != _population(db_template, tmp_path / "c", settings, 6)
    a, b = ResidentIds(random.Random(1)), ResidentIds(random.Random(2))
    assert a.make(date(1980, 1, 2), "M") != b.make(date(1980, 1, 2), "M")


def test_resident_ids_are_unique_and_carry_sex_and_birth_date():
    ids = ResidentIds(random.Random(3))
    made = [ids.make(date(1975, 5, 5), "F") for _ in range(2000)]
    assert len(set(made)) == 2000
    assert all(ric.is_valid(x) and int(x[16]) % 2 == 0 for x in made)


# --- wealthtui gen --------------------------------------------------------------------------------
def test_generated_center_is_consistent(engine: Engine, settings: Settings):
    summary = generate(engine, settings, clients=1500, days=3, arrivals_per_day=90,
                       clock=FixedClock(T0))
    assert summary.clients == 1500 and summary.days == 3
    days = business_days(TODAY, 3)
    assert days == [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 1500
        premium = {t.code for t in settings.tiers if t.premium}
        active = Counter(a.client_id for a in s.exec(
            select(CMAssignment).where(col(CMAssignment.end_at).is_(None))))
        card = set(s.exec(select(ClientAccount.client_id).where(
            ClientAccount.product == "理财金账户卡")))
        served_holders = 0
        for c in s.exec(select(Client)):
            served_holders += c.tier not in premium and active[c.id]
            # premium clients have their CM; below the premium tiers only holders of the
            # wealth-account card (most of them) do
            assert active[c.id] == (1 if c.tier in premium else active[c.id])
            assert active[c.id] <= (1 if c.tier in premium or c.id in card else 0)
            assert (c.name_pinyin, c.name_initials) == name_keys(c.name)
        assert served_holders > 0
        books = Counter(a.cm_id for a in s.exec(
            select(CMAssignment).where(col(CMAssignment.end_at).is_(None))))
        assert max(books.values()) <= settings.contact.portfolio_max
        tickets = s.exec(select(Ticket)).all()
        assert {t.business_date for t in tickets} == set(days)
        assert len(tickets) == summary.tickets
        numbers = Counter((t.business_date, t.series, t.number) for t in tickets)
        assert max(numbers.values()) == 1
        events = defaultdict(list)
        for e in s.exec(select(TicketEvent).order_by(TicketEvent.at, TicketEvent.id)):
            events[e.ticket_id].append(e.kind)
        for t in tickets:
            kinds = events[t.id]
            assert kinds[0] == "issued" and kinds[-1] == ("finished" if t.status == "done"
                                                          else "no_show")
        for b in s.exec(select(TellerBalance)):
            assert b.figures_json == figures(s, settings, b.business_date, b.teller_id).to_json()
        closed = s.exec(select(BusinessDay).where(BusinessDay.status == "closed")).all()
        assert {d.business_date for d in closed} == set(days)
    assert verify_engine(engine).ok
    # the services keep working on top of the bulk rows (ids continue after the generated ones)
    services = Services(engine, settings, FixedClock(T0))
    head = services.auth.login("8001", next(a.pin for a in DEMO_STAFF if a.staff_no == "8001"))
    services.staff.add(head, "7001", "新同事", [p.CASH_TELLER])


def test_the_demo_accounts_file_lists_every_role_in_use():
    roles = {r for a in DEMO_STAFF for r in a.roles}
    assert roles == set(p.ROLES)
    assert len({a.pin for a in DEMO_STAFF}) == len(DEMO_STAFF)


def test_a_demo_cannot_be_built_on_a_center_with_staff(engine: Engine, settings: Settings,
                                                       tmp_path: Path):
    from wealthtui.demo.center import build_demo
    from wealthtui.services.errors import Conflict

    Services(engine, settings).staff.bootstrap_head("H001", "王主任", "246810")
    with pytest.raises(Conflict):
        build_demo(engine, settings, clock=FixedClock(T0))


# --- issue 21: a day a head would believe --------------------------------------------------------------
def _minutes(a, b) -> float:  # type: ignore[no-untyped-def]
    return (b - a).total_seconds() / 60


def _waits(engine: Engine, day: date) -> dict[int, float]:
    """Ticket id → minutes from issue to the first call (tickets that were called)."""
    tickets = {t.id: t for t in all_rows(engine, Ticket, Ticket.business_date == day)}
    first: dict[int, object] = {}
    for e in sorted(all_rows(engine, TicketEvent, col(TicketEvent.ticket_id).in_(list(tickets)),
                             TicketEvent.kind == "called"), key=lambda e: e.at):
        first.setdefault(e.ticket_id, e.at)
    return {tid: _minutes(tickets[tid].issued_at, at) for tid, at in first.items()}


def test_the_volume_and_the_rhythm_of_the_day(demo: Engine, demo_settings: Settings):
    tickets = all_rows(demo, Ticket, Ticket.business_date == PREVIOUS)
    assert 250 <= len(tickets) <= 350
    tz = ZoneInfo(demo_settings.center.timezone)
    by_hour = Counter(t.issued_at.astimezone(tz).hour for t in tickets)
    # the morning and afternoon peaks, the lunch dip
    assert by_hour[12] < by_hour[10] and by_hour[12] < by_hour[15]
    assert by_hour[10] > by_hour[9] and by_hour[15] > by_hour[16]
    # times drawn, not on a grid: starts spread over the minutes of the hour
    starts = [t.started_at.astimezone(tz) for t in tickets if t.started_at]
    assert len({s.minute for s in starts}) >= 50
    assert len({s.second for s in starts}) >= 50


def test_waits_follow_staffing_and_agree_with_the_complaints(demo: Engine):
    waits = _waits(demo, PREVIOUS)
    values = sorted(waits.values())
    average = sum(values) / len(values)
    assert 1 <= average <= 20  # a queue at the peaks, not a quiet day nor a jam
    assert values[len(values) // 2] < values[-1] / 3  # most wait far less than the longest
    complaints = all_rows(demo, Complaint, Complaint.business_date == PREVIOUS)
    about_queue = [c for c in complaints if c.category == "waiting"]
    longest_by_client: dict[int, float] = {}
    for t in all_rows(demo, Ticket, Ticket.business_date == PREVIOUS):
        if t.id in waits and t.client_id is not None:
            longest_by_client[t.client_id] = max(longest_by_client.get(t.client_id, 0),
                                                 waits[t.id])
    if values[-1] < LONG_WAIT:
        assert not about_queue  # nobody waited long: nobody complains about the queue
    for c in about_queue:  # whoever complains about the queue did wait long
        assert longest_by_client.get(c.client_id, 0) >= LONG_WAIT


#: what a mid-size center's queue looks like on every day of the demo, per lane and for the day
#: (issue 21: the waits follow from the staffing — no lane left to one counter that serves other
#: lanes first, as the large/premium cash lane was, 45 min on average and 116 at the longest)
LANE_AVERAGE, LANE_P95 = 12.0, 36.0
#: (the day's 95th percentile: a busy day of the week reaches 29 min once the history's counters
#: boost a starving ticket of any lane, as rules.queue does)
DAY_AVERAGE, DAY_P95, LONGEST = 9.0, 30.0, 45.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(len(ordered) * 0.95)]


def test_every_lane_of_every_day_waits_as_its_staffing_allows(demo: Engine):
    tickets = {t.id: t for t in all_rows(demo, Ticket, Ticket.business_date < TODAY)}
    first: dict[int, object] = {}
    for e in sorted(all_rows(demo, TicketEvent, TicketEvent.kind == "called"),
                    key=lambda e: e.at):
        if e.ticket_id in tickets:
            first.setdefault(e.ticket_id, e.at)
    by_day: dict[date, list[float]] = defaultdict(list)
    by_lane: dict[tuple[date, str], list[float]] = defaultdict(list)
    for tid, at in first.items():
        t = tickets[tid]
        waited = _minutes(t.issued_at, at)
        by_day[t.business_date].append(waited)
        by_lane[(t.business_date, t.series)].append(waited)  # the lane it was issued in
    assert len(by_day) == DEMO_DAYS
    for day, waits in by_day.items():
        assert sum(waits) / len(waits) <= DAY_AVERAGE, (day, sum(waits) / len(waits))
        assert _p95(waits) <= DAY_P95, (day, _p95(waits))
        assert max(waits) <= LONGEST, (day, max(waits))
    lanes = {lane for _day, lane in by_lane}
    assert {"A", "B", "C", "V"} <= lanes
    for (day, lane), waits in by_lane.items():
        assert sum(waits) / len(waits) <= LANE_AVERAGE, (day, lane, sum(waits) / len(waits))
        assert _p95(waits) <= LANE_P95, (day, lane, _p95(waits))


def test_premium_arrivals_meet_their_cm_soon_with_one_late(demo: Engine,
                                                           demo_settings: Settings):
    arrivals = all_rows(demo, Handoff, Handoff.business_date == PREVIOUS,
                        Handoff.kind == "premium_arrival", col(Handoff.accepted_at).is_not(None))
    took = sorted(_minutes(h.created_at, h.accepted_at) for h in arrivals)
    assert len(took) >= 10
    assert took[len(took) // 2] <= demo_settings.kpi.target_cm_response_minutes
    assert took[-1] > demo_settings.handoffs.arrival_late_minutes  # the late CM
    assert len({round(x, 1) for x in took}) > len(took) // 2  # drawn, not on a grid


def test_a_few_of_each_exception(demo: Engine):
    tickets = all_rows(demo, Ticket, Ticket.business_date == PREVIOUS)
    assert 1 <= sum(t.status == "no_show" for t in tickets) <= 10
    transfers = all_rows(demo, TicketEvent, TicketEvent.kind == "transferred",
                         col(TicketEvent.ticket_id).in_([t.id for t in tickets]))
    assert 1 <= len(transfers) <= 6
    rejected = all_rows(demo, AuthorizationRequest, AuthorizationRequest.business_date == PREVIOUS,
                        AuthorizationRequest.status == "rejected")
    assert 1 <= len(rejected) <= 3 and all(r.reason for r in rejected)
    handovers = all_rows(demo, ShiftHandover, ShiftHandover.business_date == PREVIOUS)
    assert len(handovers) == 1 and handovers[0].status == "confirmed"
    assert handovers[0].to_staff_id not in (None, handovers[0].from_staff_id)
    kept = all_rows(demo, ClosingRetention, ClosingRetention.business_date == PREVIOUS)
    assert len(kept) == 1 and kept[0].outcome == "retained" and kept[0].attempt_note
    differences = [b for b in all_rows(demo, TellerBalance, TellerBalance.business_date == PREVIOUS)
                   if b.difference_fen]
    assert len(differences) == 1 and differences[0].difference_handling


def test_referrals_are_spread_over_the_cms(demo: Engine):
    handed = [h.to_staff_id for h in all_rows(demo, Handoff, Handoff.business_date == PREVIOUS,
                                               col(Handoff.kind).in_(["referral", "lead"]))
              if h.to_staff_id is not None]
    counts = Counter(handed)
    assert len(handed) >= 6 and len(counts) >= 2
    assert max(counts.values()) <= 0.7 * len(handed)


def test_each_cm_agenda_holds_a_days_work_with_a_handful_overdue(demo: Engine,
                                                                  demo_settings: Settings):
    services = Services(demo, demo_settings, FixedClock(T0))
    cms = [s for s in all_rows(demo, Staff) if s.role_set & {p.WEALTH_CM}]
    assert cms
    for cm in cms:
        actor = Actor(cm.id, cm.staff_no, cm.name, frozenset(cm.role_set))
        items = [i for i in services.agenda.today(actor) if not i.done]
        overdue = [i for i in items if i.overdue(TODAY)]
        assert 10 <= len(items) <= 25, (cm.staff_no, len(items))
        assert 1 <= len(overdue) <= 8, (cm.staff_no, len(overdue))


def test_product_codes_are_the_shelfs_everywhere(demo: Engine, demo_settings: Settings):
    shelf = {x.code for x in demo_settings.contact.products}
    held = {h.product_code for h in all_rows(demo, ProductHolding)}
    sold = {c.product_code for c in all_rows(demo, SaleCheck)}
    proposed = {c.product_code for c in all_rows(demo, ContactProposal)}
    assert held and sold
    assert held <= shelf and sold <= shelf and proposed <= shelf


def test_namesakes_are_few(demo: Engine):
    names = Counter(c.name for c in all_rows(demo, Client))
    shared = sum(n for n in names.values() if n > 1)
    assert shared / sum(names.values()) <= 0.05


def test_the_history_days_have_complaints_and_sales_in_the_reports(demo: Engine,
                                                                   demo_settings: Settings):
    """Issue 21: the days before the previous one (rows, demo.day) receive a few complaints,
    settled on the spot, and sell wealth products at the counter with their suitability check
    and recording; their CMs sell through the contact service (demo.history_work), and one
    complaint is investigated and closed on a later day. The month's figures read through the
    reports are not the previous day's alone."""
    from wealthtui.reports import compliance, kpi

    history = sorted(d.business_date for d in all_rows(demo, BusinessDay)
                     if d.business_date < PREVIOUS)
    assert len(history) == DEMO_DAYS - 1
    with Session(demo) as s:
        for day in history:
            on_spot, received, _, _ = kpi.complaint_figures(s, demo_settings, day, day, TODAY)
            assert 1 <= on_spot <= received <= on_spot + 1, day
            sold = compliance.figures_in(s, demo_settings, day, day)
            assert sold.unrecorded_sales == sold.sales_without_valid_assessment == 0, day
            assert 1 <= sold.sales_total <= 50 and sold.refused_total == 0, day
            assert sold.by_path.get("contact", 0) >= 1, day  # the CMs sold that day
        first, last = history[0], history[-1]
        month = compliance.figures_in(s, demo_settings, first, last)
        assert month.sales_total >= len(history) and month.sales_amount_fen > 0
        assert month.recorded_sales > 0  # every product of the shelf is named for recording
        assert set(month.by_path) == {"counter", "contact"}
        assert month.by_path["contact"] >= len(history)
        on_spot, received, in_time, counted = kpi.complaint_figures(s, demo_settings, first,
                                                                    last, TODAY)
        assert received >= len(history) and counted == in_time == received - on_spot >= 1
    # each counter sale is a counter record of the sale type, of a client, with its product
    sales = all_rows(demo, SaleCheck, col(SaleCheck.business_date).in_(history))
    records = {r.id: r for r in all_rows(demo, ServiceRecord,
                                         col(ServiceRecord.business_date).in_(history))}
    shelf = {p.code for p in demo_settings.contact.products}
    for sale in sales:
        assert sale.product_code in shelf and not sale.refused
        if sale.path == "counter":
            record = records[sale.service_record_id]
            assert record.business_type in demo_settings.compliance.sale_business_types
            assert record.client_id == sale.client_id is not None
            assert record.amount_fen == sale.amount_fen > 0
    # the CMs' sales: contacts of their own book, result sold, on the history's days
    tz = ZoneInfo(demo_settings.center.timezone)
    sold = [c for c in all_rows(demo, ContactLog, ContactLog.result == "sold")
            if c.at.astimezone(tz).date() in history]
    assert {c.staff_id for c in sold} >= {s.id for s in all_rows(demo, Staff)
                                         if s.role_set & {p.WEALTH_CM, p.MARKETING_CM}}
    # a complaint investigated by the supervisor, replied and closed on a later day
    later = [c for c in all_rows(demo, Complaint, col(Complaint.business_date).in_(history),
                                 Complaint.resolved_on_spot == False)]  # noqa: E712
    assert later and all(c.status == "closed" and c.handler_id and c.reply_at for c in later)
    assert all(c.closed_at.astimezone(tz).date() > c.business_date for c in later)
    kinds = {e.kind for e in all_rows(demo, ComplaintEvent,
                                      col(ComplaintEvent.complaint_id).in_([c.id for c in later]))}
    assert {"received", "assign", "reply", "close"} <= kinds, kinds


def test_the_week_before_has_the_same_weekday(demo: Engine):
    week_ago = PREVIOUS - timedelta(days=7)
    earlier = all_rows(demo, Ticket, Ticket.business_date == week_ago)
    assert 200 <= len(earlier) <= 400  # the dashboard's same-weekday comparison has a day


def test_the_day_script_is_reproducible_and_keeps_the_calendar_hours(engine: Engine,
                                                                      settings: Settings):
    """`--seed N` gives the same day; a center open 10:00–16:00 (a Saturday too) gets its
    arrivals within its hours; every kind of exception is in the script."""
    saturday = date(2026, 11, 28)
    shifted = settings.model_copy(update={"calendar": settings.calendar.model_copy(
        update={"opens": "10:00", "closes": "16:00"})})
    directory = Directory()
    for cid in range(1, 90):
        directory.add(cid, ("ordinary", "premium", "potential")[cid % 3], None)
    table = Services(engine, shifted).lobby.table()
    one = script_day(random.Random(5), shifted, table, directory, saturday, 200)
    two = script_day(random.Random(5), shifted, table, directory, saturday, 200)
    assert one == two
    assert all(10 * 60 <= a.minute <= 16 * 60 for a in one.arrivals)
    for flag in ("no_show", "transfer", "auth_rejected", "retention"):
        assert one.count(flag) >= 1, flag


def test_appointments_and_their_notices(demo: Engine):
    """A CM's appointments of the previous day (checked in, one no-show) with confirmations in
    the outbox; a large cash withdrawal booked for today."""
    day = Counter(a.status for a in all_rows(demo, Appointment,
                                             Appointment.business_date == PREVIOUS))
    assert day["checked_in"] + day["done"] >= 2 and day["no_show"] == 1
    cash = all_rows(demo, Appointment, Appointment.business_date == TODAY)
    assert len(cash) == 1 and cash[0].amount_fen == 20_000_000 and cash[0].status == "booked"
    notices = all_rows(demo, Notice, Notice.template == "appointment_confirmation")
    assert len(notices) == sum(day.values()) + len(cash)  # each booking queued its confirmation


def test_a_lead_of_a_closed_day_is_still_converted_by_a_later_sale(demo: Engine):
    """Leads spotted on the history's days (closed since) are sold to on the previous day:
    converting moves a lead along its life, it does not change its closed day (model.Lead)."""
    leads = all_rows(demo, Lead, Lead.business_date < PREVIOUS, Lead.status == "converted")
    assert leads and all(lead.converted_at is not None for lead in leads)


def test_every_recording_was_needed_by_its_sale(demo: Engine, demo_settings: Settings):
    """Issue 21: a sale is recorded (双录) only when `[compliance.dual_recording]` names it —
    a first purchase counts the client's sales before it, the CMs' contact sales of the
    history (demo.history_work) among them, so the history's counter sales (demo.day) add no
    recording for a client who has bought already."""
    from wealthtui.model import DualRecording
    from wealthtui.reports.compliance import first_purchase_in
    from wealthtui.rules import dual_recording

    rules = dual_recording.from_settings(demo_settings)
    recorded = {r.sale_check_id for r in all_rows(demo, DualRecording)
                if r.sale_check_id is not None}
    sales = {s.id: s for s in all_rows(demo, SaleCheck, col(SaleCheck.id).in_(recorded))}
    assert len(sales) == len(recorded) > 0
    with Session(demo) as s:
        unneeded = [(sale.id, sale.client_id, sale.path) for sale in sales.values()
                    if not dual_recording.reasons(
                        rules, product_code=sale.product_code, product_level=sale.product_level,
                        client_age=sale.client_age,
                        first_purchase=first_purchase_in(s, sale.client_id, before=sale.at))]
    assert unneeded == []
