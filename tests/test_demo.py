"""The demo center and the synthetic generator: what they promise about the data they make.

The demo is built once per worker (tests/demo_fixture.py) with the real builder at the test
clock (Monday 2026-11-30 09:30, so the previous business day is Friday 2026-11-27)."""

from __future__ import annotations

import random
import shutil
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from stdnum.cn import ric

from tests.conftest import T0
from tests.demo_fixture import demo_template, fast_settings
from wealthtui.config import Settings
from wealthtui.demo import DEMO_STAFF
from wealthtui.demo.bulk import BulkWriter, Ids
from wealthtui.demo.people import NamePool, ResidentIds
from wealthtui.demo.pools import pools
from wealthtui.demo.population import DEMO_TIER_MIX, Population
from wealthtui.demo.synthetic import business_days, generate
from wealthtui.model import (
    Attendance,
    AuditEvent,
    BusinessDay,
    Client,
    ClientAccount,
    CMAssignment,
    Complaint,
    Handoff,
    Lead,
    Meta,
    ServiceRecord,
    Staff,
    TellerBalance,
    Ticket,
    TicketEvent,
)
from wealthtui.rules import permissions as p
from wealthtui.rules.clock import FixedClock
from wealthtui.rules.fields import parse_card, parse_id_number, parse_mobile, parse_name
from wealthtui.rules.pinyin import name_keys
from wealthtui.services import Services
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
    assert {r.outcome for r in records} == {"done"}
    assert any(r.authorization_id for r in records)


def test_balances_are_signed_off_by_someone_else(demo: Engine, demo_settings: Settings):
    balances = all_rows(demo, TellerBalance, TellerBalance.business_date == PREVIOUS)
    assert len(balances) == 5
    with Session(demo) as s:
        for b in balances:
            assert b.status == "signed_off" and b.signed_off_by not in (None, b.teller_id)
            assert b.figures_json == figures(s, demo_settings, PREVIOUS, b.teller_id).to_json()
            assert b.difference_fen == 0


def test_hand_offs_leads_complaints_and_the_days(demo: Engine):
    kinds = Counter(h.kind for h in all_rows(demo, Handoff, Handoff.business_date == PREVIOUS))
    assert kinds["premium_arrival"] >= 5 and kinds["referral"] + kinds["lead"] >= 3
    assert all_rows(demo, Lead, Lead.business_date == PREVIOUS)
    complaints = all_rows(demo, Complaint, Complaint.business_date == PREVIOUS)
    assert len(complaints) == 2
    assert {c.status for c in complaints} == {"closed", "investigating"}
    days = {d.business_date: d for d in all_rows(demo, BusinessDay)}
    assert days[PREVIOUS].status == "closed" and days[PREVIOUS].flow_log_confirmed_by
    assert days[TODAY].status == "open"
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
    assert actions["lead.convert"] == len(converted)


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
        for c in s.exec(select(Client)):
            assert active[c.id] == (1 if c.tier in premium else 0)
            assert (c.name_pinyin, c.name_initials) == name_keys(c.name)
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
