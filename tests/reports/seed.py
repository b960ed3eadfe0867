"""A hand-built center for the report tests, written straight into the real database with the model.

Business day D = Monday 2026-11-30; P = Friday 2026-11-27 (same month); X = 2026-10-30 (October,
noise that no November figure may count). Every expected figure in the tests is worked out by hand
from the rows below; the comments say which rows make it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from wealthtui.model import (
    AuthorizationRequest,
    ChecklistRun,
    Client,
    CMAssignment,
    Complaint,
    ComplaintEvent,
    ContactLog,
    CounterSession,
    Handoff,
    Lead,
    ManualFigure,
    ProductHolding,
    ServiceRecord,
    Staff,
    StaffRole,
    StepRecord,
    TellerBalance,
    Ticket,
    TicketEvent,
    TierChange,
    Visit,
)

TZ = ZoneInfo("Asia/Shanghai")
D = date(2026, 11, 30)
P = date(2026, 11, 27)
X = date(2026, 10, 30)
#: "now" for the end-of-day figures: the evening of D
EVENING = datetime(2026, 11, 30, 18, 0, tzinfo=TZ)


def at(day: date, hhmm: str) -> datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(h, m), TZ)


@dataclass
class Seed:
    staff: dict[str, int] = field(default_factory=dict)
    clients: dict[str, int] = field(default_factory=dict)


def _add(session: Session, row):  # type: ignore[no-untyped-def]
    session.add(row)
    session.flush()
    return row


def _staff(session: Session, seed: Seed, key: str, no: str, name: str, roles: str) -> int:
    s = _add(session, Staff(staff_no=no, name=name, pin_hash="x",
                            created_at=at(date(2026, 1, 5), "09:00")))
    session.add_all([StaffRole(staff_id=s.id, role=r) for r in roles.split(",") if r])
    seed.staff[key] = s.id
    return s.id


def _client(session: Session, seed: Seed, key: str, name: str, tier: str) -> int:
    c = _add(session, Client(name=name, name_pinyin=key.lower(), name_initials=key.lower(),
                             id_type="resident", id_number=f"1101051980010{len(seed.clients):04d}",
                             tier=tier, created_at=at(date(2026, 1, 5), "09:00")))
    seed.clients[key] = c.id
    return c.id


def _ticket(session: Session, day: date, series: str, number: int, issued: str, *,
            events: list[tuple[str, str]], status: str, category: str | None = None,
            served_by: int | None = None) -> Ticket:
    tk = _add(session, Ticket(
        business_date=day, category=category or series, series=series, number=number,
        display_no=f"{series}{number:03d}", status=status, issued_at=at(day, issued),
        queued_at=at(day, issued), served_by=served_by))
    _add(session, TicketEvent(ticket_id=tk.id, kind="issued", at=at(day, issued)))
    for kind, hhmm in events:
        _add(session, TicketEvent(ticket_id=tk.id, kind=kind, at=at(day, hhmm)))
    return tk


def build(session: Session) -> Seed:
    seed = Seed()
    head = _staff(session, seed, "head", "H900", "负责人", "head")
    cm1 = _staff(session, seed, "cm1", "C001", "李经理", "wealth_cm")
    cm2 = _staff(session, seed, "cm2", "C002", "赵经理", "wealth_cm")
    lobby = _staff(session, seed, "lobby", "L001", "钱大堂", "lobby_manager")
    teller1 = _staff(session, seed, "teller1", "T001", "孙柜员", "cash_teller")
    teller2 = _staff(session, seed, "teller2", "T002", "周柜员", "non_cash_teller")
    sup = _staff(session, seed, "sup", "U001", "吴主管", "supervisor")

    p1 = _client(session, seed, "P1", "张一", "premium")
    p2 = _client(session, seed, "P2", "张二", "premium")
    k1 = _client(session, seed, "K1", "王重", "key")
    o1 = _client(session, seed, "O1", "刘普", "ordinary")
    q1 = _client(session, seed, "Q1", "陈潜", "premium")   # became premium on D
    _client(session, seed, "P3", "黄无", "premium")         # premium, no CM

    # --- visits: D has 6 (P1 twice), 2 diverted; identified premium clients P1, P2, K1 ---------
    for client, hhmm, tier, who, diverted in (
        (p1, "09:05", "premium", lobby, False),
        (p1, "14:00", "premium", lobby, False),
        (p2, "10:10", "premium", lobby, False),
        (o1, "10:20", "ordinary", lobby, True),
        (None, "11:00", "", None, True),
        (k1, "15:00", "key", lobby, False),
    ):
        _add(session, Visit(business_date=D, client_id=client, arrived_at=at(D, hhmm),
                            identified_by=who, tier_at_arrival=tier, diverted=diverted))
    _add(session, Visit(business_date=P, client_id=p2, arrived_at=at(P, "10:00"),
                        identified_by=lobby, tier_at_arrival="premium"))
    _add(session, Visit(business_date=X, client_id=p1, arrived_at=at(X, "10:00"),
                        identified_by=lobby, tier_at_arrival="premium"))

    # --- premium arrivals: D cm1 ×2 (a1 accepted, a2 done), cm2 ×1 (a3); a4 open, a5 declined --
    def arrival(day: date, to: int, client: int, created: str, status: str,
                accepted: str | None = None, due: str | None = None) -> Handoff:
        return _add(session, Handoff(
            kind="premium_arrival", business_date=day, from_staff_id=lobby, to_staff_id=to,
            client_id=client, source="lobby", status=status, created_at=at(day, created),
            accepted_at=at(day, accepted) if accepted else None,
            due_at=at(day, due) if due else None))

    arrival(D, cm1, p1, "09:06", "accepted", "09:08")         # response 120 s
    arrival(D, cm1, p2, "10:11", "done", "10:16")             # response 300 s
    arrival(D, cm2, k1, "15:01", "accepted", "15:02")         # response 60 s
    arrival(D, cm2, p1, "14:01", "open", due="14:31")         # open, overdue in the evening
    arrival(D, cm1, k1, "15:00", "declined")
    arrival(P, cm1, p2, "10:01", "accepted", "10:04")         # response 180 s
    arrival(X, cm2, p1, "10:01", "accepted", "10:02")

    # --- leads: D lobby 1, cash 2, non-cash 1, cm 1; accepted 3, converted 1 --------------------
    def handoff(kind: str, to: int, status: str, created: str, due: str | None = None) -> Handoff:
        return _add(session, Handoff(kind=kind, business_date=D, from_staff_id=lobby,
                                     to_staff_id=to, status=status, created_at=at(D, created),
                                     due_at=at(D, due) if due else None))

    h1 = handoff("lead", cm1, "accepted", "09:40")
    h2 = handoff("referral", cm1, "done", "10:40")
    h3 = handoff("referral", cm2, "open", "11:00", due="11:30")  # overdue in the evening
    for source, spotted, hid, status, client in (
        ("lobby", lobby, h1.id, "new", o1),
        ("cash_counter", teller1, h2.id, "converted", o1),
        ("cash_counter", teller1, h3.id, "new", None),
        ("non_cash_counter", teller2, None, "new", None),
        ("cm", cm2, None, "contacted", None),
    ):
        _add(session, Lead(business_date=D, client_id=client, spotted_by=spotted, source=source,
                           handoff_id=hid, status=status, created_at=at(D, "12:00")))
    _add(session, Lead(business_date=P, spotted_by=teller2, source="non_cash_counter",
                       status="converted", created_at=at(P, "12:00")))
    _add(session, Lead(business_date=X, spotted_by=teller1, source="cash_counter",
                       status="converted", created_at=at(X, "12:00")))

    # --- complaints ----------------------------------------------------------------------------
    def complaint(ref: str, day: date, received: str, status: str, due: date, *,
                  on_spot: bool = False, closed_at: datetime | None = None,
                  ended: date | None = None, paused: date | None = None) -> None:
        c = _add(session, Complaint(
            ref_no=ref, business_date=day, received_at=at(day, received), channel="counter",
            category="service", description="…", first_receiver_id=lobby, status=status,
            resolved_on_spot=on_spot, due_date=due, closed_at=closed_at, ended_on=ended,
            paused_since=paused))
        # the clock as the complaint service keeps it: one event per change
        for kind, on in (("received", day), ("pause", paused), ("stop", ended)):
            if on is not None:
                _add(session, ComplaintEvent(
                    complaint_id=c.id, kind=kind, at=at(on, "12:00"), by_staff_id=lobby,
                    note="记录", data_json=json.dumps({"clock": kind, "on": on.isoformat(),
                                                     "client_told": kind == "pause"})))

    complaint("C1", D, "10:00", "closed", date(2026, 12, 15), on_spot=True,
              closed_at=at(D, "10:30"), ended=D)
    complaint("C2", D, "11:00", "open", date(2026, 12, 15))
    complaint("C3", P, "11:00", "closed", date(2026, 12, 12), closed_at=at(D, "15:00"), ended=D)
    complaint("C4", date(2026, 11, 10), "09:00", "open", date(2026, 11, 25))
    complaint("C5", date(2026, 11, 10), "09:00", "open", date(2026, 11, 25),
              paused=date(2026, 11, 20))
    complaint("C6", date(2026, 11, 10), "09:00", "withdrawn", date(2026, 11, 25),
              ended=date(2026, 11, 12))
    complaint("C7", date(2026, 11, 5), "09:00", "closed", date(2026, 11, 20),
              closed_at=at(D, "09:00"), ended=date(2026, 11, 28))
    complaint("C8", X, "09:00", "closed", date(2026, 11, 14), closed_at=at(X, "16:00"), ended=X)

    # --- tickets ---------------------------------------------------------------------------------
    _ticket(session, D, "A", 1, "09:00", status="done", served_by=teller1,
            events=[("called", "09:05"), ("started", "09:06"), ("finished", "09:10")])
    _ticket(session, D, "A", 2, "09:02", status="no_show",
            events=[("called", "09:12"), ("recalled", "09:13"), ("no_show", "09:15")])
    _ticket(session, D, "A", 3, "09:30", status="waiting", events=[])
    _ticket(session, D, "B", 1, "09:00", status="done", served_by=teller2,
            events=[("called", "09:01"), ("started", "09:01"), ("finished", "09:21")])
    _ticket(session, D, "B", 2, "10:00", status="done", category="V", served_by=teller2,
            events=[("transferred", "10:05"), ("called", "10:20"), ("started", "10:21"),
                    ("finished", "10:31")])
    _ticket(session, D, "V", 1, "11:00", status="cancelled", events=[("cancelled", "11:10")])
    _ticket(session, P, "A", 1, "09:00", status="done", served_by=teller1,
            events=[("called", "09:20"), ("started", "09:21"), ("finished", "09:31")])
    _ticket(session, X, "A", 1, "09:00", status="done", served_by=teller1,
            events=[("called", "09:50"), ("started", "09:51"), ("finished", "10:31")])

    # --- tellers -----------------------------------------------------------------------------------
    _add(session, CounterSession(business_date=D, counter_no="01", staff_id=teller1,
                                 started_at=at(D, "08:50"), state="closed"))
    _add(session, ServiceRecord(business_date=D, staff_id=teller2, business_type="transfer",
                                at=at(D, "09:10")))
    _add(session, TellerBalance(
        business_date=D, teller_id=teller1, expected_cash_fen=1_000_000, counted_cash_fen=1_000_000,
        difference_fen=0, match_accounts=True, match_physical=True, match_vouchers=True,
        match_cash=True, match_receipts=True, status="signed_off", signed_off_by=sup,
        signed_off_at=at(D, "17:40")))
    _add(session, TellerBalance(
        business_date=D, teller_id=teller2, expected_cash_fen=50_000, counted_cash_fen=49_500,
        difference_fen=-500, match_accounts=True, match_physical=True, match_vouchers=True,
        match_cash=False, match_receipts=True, status="submitted"))
    _add(session, CounterSession(business_date=P, counter_no="01", staff_id=teller1,
                                 started_at=at(P, "08:50"), state="closed"))
    _add(session, TellerBalance(
        business_date=P, teller_id=teller1, expected_cash_fen=800_000, counted_cash_fen=800_200,
        difference_fen=200, match_accounts=True, match_physical=True, match_vouchers=True,
        match_cash=True, match_receipts=True, status="signed_off", signed_off_by=sup,
        signed_off_at=at(P, "17:40")))

    # --- authorisations: D 3 (approved, pending, rejected), P 1 approved -----------------------------
    for day, status in ((D, "approved"), (D, "pending"), (D, "rejected"), (P, "approved")):
        _add(session, AuthorizationRequest(business_date=day, maker_id=teller1,
                                           business_type="cash_withdrawal", status=status,
                                           requested_at=at(day, "11:00")))

    # --- checklists ----------------------------------------------------------------------------------
    def run(day: date, procedure: str, status: str, values: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
        r = _add(session, ChecklistRun(procedure_id=procedure, procedure_version="v",
                                       procedure_json="{}", business_date=day, started_by=head,
                                       started_at=at(day, "08:40"), status=status))
        for step, value in values:
            _add(session, StepRecord(run_id=r.id, step_id=step, value=value, done_by=head,
                                     done_at=at(day, "08:45")))

    run(D, "lobby_opening", "done")
    run(D, "head_appearance_check", "done", [("checked", "5"), ("compliant", "4")])
    run(D, "counter_sign_on", "open")                  # a teller's sign-on left unfinished
    run(D, "cm_change", "open")                        # not a daily procedure: not missed
    run(P, "head_appearance_check", "done",
        [("checked", "5"), ("compliant", "3"), ("compliant", "5")])  # corrected: 5 counts
    run(X, "head_appearance_check", "done", [("checked", "4"), ("compliant", "0")])

    # --- exclusive CMs, tiers, products, contacts ----------------------------------------------------
    for client, cm, start, end in (
        (p1, cm1, at(date(2026, 3, 1), "09:00"), None),
        (p2, cm1, at(date(2026, 3, 1), "09:00"), None),
        (k1, cm1, at(date(2026, 9, 1), "09:00"), at(date(2026, 10, 1), "09:00")),
        (k1, cm2, at(date(2026, 10, 1), "09:00"), None),   # a CM change, no first contact since
        (q1, cm2, at(D, "09:00"), None),
    ):
        _add(session, CMAssignment(client_id=client, cm_id=cm, start_at=start, end_at=end))
    for client, when, old, new in (
        (q1, at(D, "09:00"), "potential", "premium"),
        (p2, at(date(2026, 11, 3), "10:00"), "ordinary", "premium"),
        (k1, at(date(2026, 11, 4), "10:00"), "premium", "key"),
        (o1, at(X, "10:00"), "ordinary", "premium"),
    ):
        _add(session, TierChange(client_id=client, at=when, from_tier=old, to_tier=new))
    for client, codes in ((p1, ["TD3M", "MMF", "WM90", "GOLD"]), (p2, ["TD3M", "TD3M", "MMF", "EQF"]),
                          (k1, ["TD3M", "MMF", "WM90", "GOLD", "EQF"])):
        for code in codes:
            _add(session, ProductHolding(client_id=client, product_code=code, product_name=code))
    _add(session, ProductHolding(client_id=p2, product_code="CD1Y", product_name="CD1Y",
                                 maturity_date=date(2026, 11, 15)))   # matured: not held
    for when in (at(date(2026, 11, 12), "10:00"), at(D, "16:00"), at(X, "10:00")):
        _add(session, ContactLog(client_id=p1, staff_id=cm1, at=when, channel="phone"))

    # --- figures the head entered -----------------------------------------------------------------
    _add(session, ManualFigure(month="2026-11", indicator="agency_income", value=12345.6,
                               entered_by=head, entered_at=at(D, "17:00")))
    _add(session, ManualFigure(month="2026-11", indicator="product_test_score", staff_id=teller1,
                               value=88, entered_by=head, entered_at=at(D, "17:00")))
    session.commit()
    return seed
