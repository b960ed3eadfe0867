"""A whole honest day of a center made by `wealthtui init` (issue 16, "Done when"), worked
through the services only, counting as it goes what `wealthtui eod` must then report.

Shared by tests/services/test_whole_day.py (both backends) and the screens' walk of the same
day (tests/ui/day_walk.py, tests/ui/test_day_*.py), which replays parts here on its own copy of
the morning. `tick_open_steps` is the one helper that records the open steps of a run. Nothing
here writes SQL or uses the demo: the center is made by the real `init` command, every later
change is a service call by the person who does it."""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from typer.testing import CliRunner

from tests.conftest import FAST_PIN_HASH, TEST_PIN
from tests.lobby_data import card_no, id_no
from tests.staffing import add_staff
from wealthtui.cli import app
from wealthtui.config import Settings
from wealthtui.rules import routing
from wealthtui.rules.clock import FixedClock
from wealthtui.rules.money import format_fen
from wealthtui.rules.target_criteria import TargetFilters
from wealthtui.services import Actor, Services
from wealthtui.services.balancing import MATCHES
from wealthtui.services.checklists import RunView
from wealthtui.services.client_import import ClientRow
from wealthtui.store.engine import make_engine

HEAD_NO, HEAD_NAME = "H001", "王主任"
# (staff no, name, roles) the head adds; their PIN is TEST_PIN
STAFF = (
    ("L101", "李大堂", ("lobby_manager",)),
    ("T201", "赵现金", ("cash_teller",)),
    ("T202", "钱非现", ("non_cash_teller",)),
    ("S301", "孙主管", ("supervisor",)),
    ("C401", "周理财", ("wealth_cm",)),
    ("C402", "吴理财", ("wealth_cm",)),
)
CASH_COUNTER, NON_CASH_COUNTER = "01", "03"
OPENING_CASH = "100000"
# the preferred answer of a choice step when a routine is done with nothing wrong
GOOD_CHOICES = ("match", "agree", "yes", "done", "none", "ok", "normal", "all", "in_order",
                "no", "balanced", "complete")


def init_center(db: str) -> None:
    """`wealthtui init --db DB` exactly as an operator runs it (the head's PIN from the
    environment, as the CLI allows)."""
    config = os.environ["WEALTHTUI_CONFIG"]
    with open(config, "w", encoding="utf-8") as fh:
        fh.write("[security]\n" + "".join(f"{k} = {v}\n" for k, v in FAST_PIN_HASH.items()))
    result = CliRunner().invoke(app, ["init", "--db", db, "--staff-no", HEAD_NO,
                                      "--name", HEAD_NAME],
                                env={"WEALTHTUI_NEW_PIN": TEST_PIN})
    assert result.exit_code == 0, result.output


def eod_json(db: str, day: date) -> dict:  # type: ignore[type-arg]
    """`wealthtui eod --date DAY --format json` on the center's database."""
    result = CliRunner().invoke(app, ["eod", "--db", db, "--date", day.isoformat(),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@dataclass
class Tally:
    """What the day did, counted as it was done."""

    tickets: int = 0
    served: int = 0
    visitors: int = 0
    premium_arrivals: Counter[str] = field(default_factory=Counter)  # CM name → completed
    premium_identified: Counter[str] = field(default_factory=Counter)  # source → clients
    leads: Counter[str] = field(default_factory=Counter)  # source → leads
    converted: Counter[str] = field(default_factory=Counter)  # source → converted
    complaints_received: int = 0
    complaints_closed: int = 0
    cash_in_fen: int = 0
    records: int = 0
    contacts: int = 0
    target_list_targets: int = 0


@dataclass
class Day:
    services: Services
    clock: FixedClock
    day: date
    people: dict[str, Actor]
    clients: dict[str, int]
    tally: Tally
    checklists_done: int = 0

    def at(self, hh: int, mm: int) -> None:
        tz = ZoneInfo(self.services.settings.center.timezone)
        self.clock.set(datetime.combine(self.day, time(hh, mm), tz))

    def routine(self, who: str, procedure_id: str) -> int:
        """Start `procedure_id` and record every step it requires, then complete it (a step the
        system records later, e.g. the close of the day, is left to it)."""
        run = self.services.checklists.start(self.people[who], procedure_id)
        tick_open_steps(self, who, run)
        self.checklists_done += 1
        return run.id

    def value(self, step, run) -> str:  # type: ignore[no-untyped-def]
        if step.kind == "choice":
            ids = [c.id for c in step.choices]
            return next((c for c in GOOD_CHOICES if c in ids), ids[0])
        if step.kind in ("number", "amount"):
            return str(step.min or 0)
        if step.kind == "text":
            return "按规定完成"
        return ""


def tick_open_steps(d: Day, who: str, run: RunView, values: dict[str, str] | None = None,
                    *, complete: bool = True) -> RunView:
    """Record every open required step of `run` as `who` (the value from `values` by step id,
    else the one a routine done with nothing wrong has: Day.value; a flow-log step confirmed,
    a sign-off signed by a colleague holding the signer's role), then complete it. A step
    the system records (`confirms`, but the flow log) is left to the system: the run is then
    completed only when none is open."""
    s, actor = d.services, d.people[who]
    while True:
        todo = [x.step for x in run.open_required
                if x.step.confirms is None or x.step.confirms == "flow_log"]
        if not todo:
            break
        step = todo[0]
        if step.confirms == "flow_log":
            s.day.confirm_flow_log(actor, run_id=run.id)
            run = s.checklists.get(actor, run.id)
        elif step.kind == "signoff":
            signer = next(n for n, a in d.people.items()
                          if a.roles & set(step.signer_role) and n != who)
            run = s.checklists.sign_off(actor, run.id, step.id, d.people[signer].staff_no,
                                        TEST_PIN)
        else:
            value = (values or {}).get(step.id)
            run = s.checklists.record(actor, run.id, step.id,
                                      d.value(step, run) if value is None else value)
    if complete and run.status == "open" and not run.open_required:
        run = s.checklists.complete(actor, run.id)
    return run


def sign_on_tellers(d: Day) -> None:
    """The tellers sign on (opening cash = counted cash) and do the sign-on checklist."""
    s, p = d.services, d.people
    for who, counter, cash in (("T201", CASH_COUNTER, OPENING_CASH),
                               ("T202", NON_CASH_COUNTER, "")):
        session = s.counter.sign_on(p[who], counter, cash)
        assert session.checklist_run_id is not None
        run = s.checklists.get(p[who], session.checklist_run_id)
        run = tick_open_steps(d, who, run, {"cash_counted": cash or "0",
                                            "vouchers_counted": "50", "box_matches": "match"})
        assert run.status == "done"
        d.checklists_done += 1


def client_rows(day: date) -> list[ClientRow]:
    """Four clients of the center's book (two premium, two ordinary), as an import file has
    them (valid resident ID numbers and card numbers: `book_file` writes them for the command
    line, which checks them)."""
    def row(n: int, name: str, tier: str, aum: int) -> ClientRow:
        number = id_no(date(1980, 1, 1), n)
        return ClientRow(row=n + 1, name=name, id_type="resident", id_number=number,
                         phone=f"1380000{n:04d}", card_no=card_no(n), tier=tier, aum_fen=aum,
                         birthday=date(1980, 1, 1), gender="M" if int(number[16]) % 2 else "F")
    return [row(1, "陈贵宾", "premium", 800_000_00), row(2, "林贵宾", "premium", 1_200_000_00),
            row(3, "黄普通", "ordinary", 30_000_00), row(4, "杨潜力", "ordinary", 400_000_00)]


def book_file(day: date, path: Path) -> Path:
    """`client_rows` as the CSV file a center imports (the import's column codes as header)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(("name", "id_type", "id_number", "phone", "card_no", "tier", "aum",
                      "birthday"))
        for r in client_rows(day):
            out.writerow((r.name, r.id_type, r.id_number, r.phone, r.card_no, r.tier,
                          format_fen(r.aum_fen).replace(",", ""),
                          r.birthday.isoformat() if r.birthday else ""))
    return path


def cli(db: str, *args: str, as_: str, pin: str = TEST_PIN) -> str:
    """`wealthtui ARGS --as AS_ --db DB` as an operator runs it (the PIN from the environment,
    as the CLI allows); returns what it printed."""
    result = CliRunner().invoke(app, [*args, "--as", as_, "--db", db],
                                env={"WEALTHTUI_PIN": pin})
    assert result.exit_code == 0, result.output
    return result.output


def open_services(db: str, settings: Settings, clock: FixedClock) -> Services:
    return Services(make_engine(db), settings, clock)


def run_whole_day(services: Services, clock: FixedClock, *, close: bool = True) -> Day:
    """From the head's first sign-in to the closed day (`close=False`: up to the moment the
    head closes it, with nothing left that would refuse the close); returns what was done."""
    s = services
    day = s.ctx.today()
    head = s.auth.login(HEAD_NO, TEST_PIN)
    d = Day(s, clock, day, {"head": head}, {}, Tally())
    d.at(8, 20)
    # --- the head: staff, the day's roster ---------------------------------------------------
    for no, name, roles in STAFF:
        add_staff(s, head, no, name, roles)
        d.people[no] = s.auth.login(no, TEST_PIN)
    p = d.people
    s.roster.all_in(head)
    s.roster.set_duty_cm(head, p["C401"].staff_id)
    s.roster.set_duty_lobby(head, p["L101"].staff_id)
    s.day.open(head)
    # --- the book: imported by the head through the service ----------------------------------
    outcome = s.client_import.import_batch(head, client_rows(day), source="whole-day.csv")
    assert not outcome.rejected and len(outcome.imported) == 4
    for r in client_rows(day):  # found as the lobby finds them: by name
        (card,) = s.lookup.search(head, r.name)
        d.clients[r.name] = card.id
    # --- morning routines ----------------------------------------------------------------------
    d.at(8, 30)
    d.routine("head", "head_morning_meeting")
    d.routine("head", "head_appearance_check")
    d.routine("L101", "lobby_opening")
    d.routine("S301", "supervisor_sign_on")
    for cm in ("C401", "C402"):
        d.routine(cm, "cm_start_of_day")
    # --- tellers sign on: opening cash = counted cash, checklist done ------------------------
    d.at(8, 45)
    sign_on_tellers(d)
    lobby(d)
    counters(d)
    cms(d)
    complaint(d)
    closing(d, close)
    return d


def visit(d: Day, client: str | None, business: str, amount_fen: int | None = None) -> int | None:
    """The lobby manager receives a client, guides them and finishes the visit's checklist;
    returns the ticket."""
    s, lm = d.services, d.people["L101"]
    v = s.lobby.arrive(lm, client_id=d.clients[client] if client else None)
    d.tally.visitors += 1
    guided = s.lobby.guide(lm, v.id, business=business, amount_fen=amount_fen)
    if v.checklist_run_id is not None:
        tick_open_steps(d, "L101", s.checklists.get(lm, v.checklist_run_id),
                        {"judge": "ordinary"})
        d.checklists_done += 1
    if guided.ticket_id is not None:
        d.tally.tickets += 1
    return guided.ticket_id


def lobby(d: Day) -> None:
    s, lm = d.services, d.people["L101"]
    d.at(9, 0)
    visit(d, "陈贵宾", routing.CASH, 50_000_00)      # premium: an arrival for the duty CM
    d.tally.premium_identified["lobby"] += 1
    d.at(9, 5)
    visit(d, "黄普通", routing.NON_CASH)
    d.at(9, 10)
    visit(d, "杨潜力", routing.CASH, 200_000_00)
    s.lobby.spot_potential(lm, client_id=d.clients["杨潜力"], signal="存入大额现金",
                           observed_business="现金存款 20 万")
    d.tally.leads["lobby"] += 1


def serve(d: Day, who: str, counter: str, business: str, amount: str, needs: str = "none",
          note: str = "") -> None:
    s, teller = d.services, d.people[who]
    ticket = s.queue.call_next(teller, counter)
    assert ticket is not None
    s.queue.start(teller, ticket.id)
    s.counter.record(teller, ticket.id, business, amount)
    d.tally.records += 1
    result = s.counter.finish(teller, ticket.id, needs, need_note=note)
    d.tally.served += 1
    if needs in ("refer", "lead"):
        assert result.lead_id is not None


def counters(d: Day) -> None:
    d.at(9, 20)
    # the cash counter: the premium client's deposit, then the potential client's deposit
    serve(d, "T201", CASH_COUNTER, "cash_deposit", "50000")
    serve(d, "T201", CASH_COUNTER, "cash_deposit", "200000")
    d.tally.cash_in_fen += 250_000_00
    # the non-cash counter: a card service, and the client is referred to a CM
    d.at(9, 40)
    serve(d, "T202", NON_CASH_COUNTER, "card_service", "", "refer", "客户想了解稳健理财")
    d.tally.leads["non_cash_counter"] += 1
    # the counters' identifications are their referrals (reports.figures: distinct people)
    d.tally.premium_identified["non_cash_counter"] += 1
    assert d.services.queue.call_next(d.people["T201"], CASH_COUNTER) is None


def inbox_of(d: Day, who: str, kind: str) -> list:  # type: ignore[type-arg]
    return [h for h in d.services.handoffs.inbox(d.people[who], include_closed_today=False)
            if h.kind == kind and h.status in ("open", "accepted")]


def cms(d: Day) -> None:
    s = d.services
    d.at(9, 2)
    # the premium arrival: the duty CM takes it and finishes it once the client is seen
    arrivals = inbox_of(d, "C401", "premium_arrival")
    assert len(arrivals) == 1
    s.handoffs.accept(d.people["C401"], arrivals[0].id)
    d.at(9, 30)
    s.handoffs.complete(d.people["C401"], arrivals[0].id, "客户了解了理财产品")
    d.tally.premium_arrivals["周理财"] += 1
    cm_leads(d)


def cm_leads(d: Day) -> None:
    """The leads (lobby and counter referral): each owner accepts, sells to the referred one."""
    s = d.services
    # the leads (lobby and counter referral): each owner accepts, sells to the referred one
    d.at(10, 30)
    for cm in ("C401", "C402"):
        for h in inbox_of(d, cm, "lead") + inbox_of(d, cm, "referral"):
            s.handoffs.accept(d.people[cm], h.id)
            if h.client_id == d.clients["黄普通"]:
                product = min(s.settings.contact.products, key=lambda x: x.risk_level)
                s.dual_recording.enter(d.people[cm], h.client_id, product.code,  # 双录 first
                                       f"SR-WD-{h.id}", "10:00", "10:20")
                s.contacts.log(d.people[cm], h.client_id, channel="visit", purpose="product",
                               content=product.name, result="sold", products=[product.code],
                               sale_amount="500000")
                d.tally.contacts += 1
                d.tally.converted["non_cash_counter"] += 1
            else:
                s.contacts.log(d.people[cm], h.client_id, channel="phone", purpose="care",
                               content="约下周面谈", result="interested",
                               next_action="面谈", next_date=d.day + timedelta(days=7))
                d.tally.contacts += 1
            s.handoffs.complete(d.people[cm], h.id, "已联系客户")


def complaint(d: Day) -> None:
    s = d.services
    cfg = s.settings.complaints
    category = cfg.categories[0]
    sub = category.subcategories[0].code if category.subcategories else ""
    d.at(11, 0)
    c = s.complaints.intake(d.people["T202"], channel=cfg.channels[0].code,
                            category=category.code, subcategory=sub,
                            description="办卡等候时间过长", client_id=d.clients["黄普通"],
                            requested_remedy="道歉")
    d.tally.complaints_received += 1
    d.at(11, 30)
    sup = d.people["S301"]
    s.complaints.assign(sup, c.id, sup.staff_id, "由主管核实")
    d.at(14, 0)
    s.complaints.reply(sup, c.id, channel="phone", content="已致歉并说明原因",
                       options_told=True)
    s.complaints.close(sup, c.id, "高峰时段窗口不足", "高峰时段增开窗口")
    d.tally.complaints_closed += 1


def closing(d: Day, close: bool) -> None:
    s, p = d.services, d.people
    d.at(17, 10)
    for who in ("T201", "T202"):
        s.counter.sign_off(p[who])
        mine = s.balancing.mine(p[who])
        s.balancing.submit(p[who], format_fen(mine.figures.expected_cash_fen).replace(",", ""),
                           {m: True for m in MATCHES})
    d.at(17, 20)
    for b in s.balancing.today(p["S301"]):
        if b.status == "submitted":
            s.balancing.sign_off(p["S301"], b.id)
    s.balancing.sign_off_outlet(p["S301"])
    d.routine("S301", "supervisor_outlet_balancing")
    d.at(17, 30)
    d.routine("L101", "lobby_closing")
    for cm in ("C401", "C402"):
        d.routine(cm, "cm_end_of_day")
    # the head's target list: the premium clients, dealt evenly over the two CMs
    d.at(17, 40)
    head = p["head"]
    filters = TargetFilters(tiers=("premium",))
    assert s.targets.count(head, filters).total == 2
    tl = s.targets.create(head, "贵宾客户回访", filters, d.day + timedelta(days=14),
                          cm_ids=[p["C401"].staff_id, p["C402"].staff_id], mode="even")
    s.targets.assign(head, tl.id, "even", [p["C401"].staff_id, p["C402"].staff_id])
    d.tally.target_list_targets = 2
    d.at(18, 0)
    d.routine("head", "head_end_of_day")
    d.routine("head", "head_monthly_review")
    d.at(18, 10)
    problems = s.day.state(head).problems
    assert problems == (), [(x.kind, x.key, x.status, x.label) for x in problems]
    if close:
        s.day.close(head)
