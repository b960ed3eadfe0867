"""The business day (营业日): open, close, and the guard on a closed day's records.

Manual digest §6.1 (the head's end of day: review the flow record, the complaint log, and the
supervisor's balancing) and §6.5 (every teller balances and is signed off), manual ch.2 §2.7
item 8 (the lobby manager hands the daily flow record to the head).

- A day is open from its first record; the head may also open it explicitly (a BusinessDay row).
- Closing needs every teller who worked that day signed off (TellerBalance status `signed_off`) —
  this cannot be explained away — and the day's required checklists done, the flow log confirmed
  by the lobby manager (when `[head] flow_log_confirm_required`); each of those exceptions may
  instead be explained by the head in writing. A refused close lists every problem.
- After the close, a record of that day changes only by the head with a reason: other services
  call `ensure_day_open(uow, day, reason=...)` before writing a record of `day`; it refuses
  everyone else, and audits the head's amendment with the reason. Finishing a hand-off of a
  closed day (accept, decline, done, expire, carry) is not changing that day (services.handoffs).
- The close lists the hand-offs still open or in progress (of the day or earlier, not carried
  past it): their count and the oldest few (`handoffs.SHOWN_AT_CLOSE`), never all of them. The
  head carries them over to the following day (`close(carry_over=True, seen=...)`: every one
  open, provided it is still the set the head was shown — `DayState.handoffs_seen`, the count
  and the newest id — else a Conflict says it changed and nothing is carried), or explains
  each one. The checklists it demands are only those somebody in
  the center can run (a procedure none of whose roles any active staff member holds is not
  "missed": nobody could have done it).
- The lobby manager confirms the flow log from the closing routine's step (`confirm_flow_log`
  with the run): the step shows the figures of reports/flow_log.py and is recorded with it.
- Opening the day (`open`) also returns the expired hand-offs to their senders.
- The close records the "close the day" step of the head's end-of-day routine (the step that
  `confirms = "day_close"`) and completes the routine when nothing else of it is open.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, or_, select

from wealthtui import procedures
from wealthtui.citations import service_section
from wealthtui.model import BusinessDay, ChecklistRun, Staff, StepRecord
from wealthtui.model.status import ChecklistStatus, DayStatus
from wealthtui.procedures import Procedure
from wealthtui.reports import eod
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError, parse_text
from wealthtui.services.base import Context, Service, UnitOfWork, requires
from wealthtui.services.checklists import ChecklistService
from wealthtui.services.errors import Conflict, ServiceError
from wealthtui.services.handoffs import HandoffService, HandoffsSeen, OpenAtClose
from wealthtui.store import anchors, stats

SECTION = service_section("day.SECTION")            # the head's end of day (manual ch.6, digest §6.1)
FLOW_SECTION = service_section("day.FLOW_SECTION")  # the lobby manager's daily flow record

def catalog_or_none(checklists: ChecklistService) -> procedures.Catalog | None:
    """The procedures as the checklist service reads them; None when the files are broken (the
    checklist screens report that; the reports then leave the checklists out)."""
    try:
        return checklists.catalog()
    except ServiceError:
        return None


def ensure_day_open(uow: UnitOfWork, day: date | None = None, *, reason: str = "") -> None:
    """Call before changing a record of business date `day` (default today).

    An open day passes. A closed day passes only for the head (`day.amend`) with a reason, and the
    amendment is audited; anyone else gets Conflict, the head without a reason a FieldError on
    the reason field."""
    day = day or uow.today
    bd = uow.session.get(BusinessDay, day)
    if bd is None or bd.status != "closed":
        return
    if not uow.can("day.amend"):
        raise Conflict("error.day.closed", date=day.isoformat())
    text = (reason or "").strip()
    if not text:
        raise FieldError("field.reason", "error.day.amend_reason")
    text = parse_text(text, "field.reason", max_len=500, required=True)
    uow.audit("day.amend", "business_day", day.isoformat(), manual_section=SECTION, reason=text)
    uow.amended_days.add(day)


@dataclass(frozen=True)
class CloseProblem:
    kind: str            # teller | checklist | flow_log | handoff
    ref: str             # staff number, procedure id, "flow_log", or the hand-off's id
    label: str           # the teller's name, the procedure's title, or "from → to client"
    label_en: str        # the procedure's English title (the name again for a teller; the
                         # hand-off's kind for a hand-off)
    status: str          # the teller's balance status, "missed" / "unconfirmed", or the
                         # hand-off's status (open / accepted)
    explainable: bool    # the head may close with a written explanation instead

    @property
    def key(self) -> str:
        """The key of its explanation in `close(explanations=...)`."""
        return f"{self.kind}:{self.ref}"


class DayCloseRefused(Conflict):
    """Closing refused; `problems` lists what stands in the way (of the hand-offs only the
    first few), `count` how many problems there are in all."""

    def __init__(self, problems: list[CloseProblem], count: int | None = None) -> None:
        total = len(problems) if count is None else count
        super().__init__("error.day.close_refused", count=total)
        self.problems = problems
        self.count = total


@dataclass(frozen=True)
class DayState:
    date: date
    status: str                       # open | closed
    opened_at: datetime | None
    closed_at: datetime | None
    closed_by: str                    # "staff_no name"
    explanations: dict[str, str]
    flow_log_confirmed_by: str
    flow_log_confirmed_at: datetime | None
    problems: tuple[CloseProblem, ...]  # what would refuse a close now (empty when closed);
                                        # of the open hand-offs only the first few
    #: the open hand-offs that would refuse a close: how many in all and the newest of them
    #: (what the head was shown; pass it to `close(carry_over=True, seen=...)`)
    handoffs_seen: HandoffsSeen = HandoffsSeen(0, None)

    @property
    def closed(self) -> bool:
        return self.status == "closed"

    @property
    def problem_count(self) -> int:
        """What would refuse a close now, in all (the hand-offs counted, not only those shown)."""
        return sum(1 for p in self.problems if p.kind != "handoff") + self.handoffs_seen.count


def _name(uow: UnitOfWork, staff_id: int | None) -> str:
    if staff_id is None:
        return ""
    s = uow.session.get(Staff, staff_id)
    return f"{s.staff_no} {s.name}" if s else ""


class DayService(Service):
    def __init__(self, ctx: Context, *, checklists: ChecklistService,
                 handoffs: HandoffService) -> None:
        super().__init__(ctx)
        self._checklists = checklists
        self._handoffs = handoffs

    def _problems(self, uow: UnitOfWork, day: date, bd: BusinessDay | None, *,
                  skip: Collection[int] = ()) -> tuple[list[CloseProblem], OpenAtClose]:
        """What would refuse the close of `day`, and the open hand-offs (counted; the first
        few are in the list). `skip`: hand-offs left out (explained)."""
        out = [
            CloseProblem("teller", t.staff_no, t.name, t.name, t.status, False)
            for t in eod.tellers(uow.session, day) if t.status != "signed_off"
        ]
        catalog = catalog_or_none(self._checklists)
        titles = {p.id: (p.title, p.title_en) for p in catalog} if catalog else {}
        held = {r for s in uow.session.exec(select(Staff).where(col(Staff.active).is_(True)))
                for r in s.role_set}
        doable = {p.id for p in catalog if held & set(p.roles)} if catalog else set()
        seen: set[str] = set()
        exempt = tuple(uow.settings.head.close_exempt_procedures)
        for pid in eod.checklists(uow.session, catalog, [day], exempt).missed_ids:
            if pid in seen or (catalog is not None and pid not in doable):
                continue
            seen.add(pid)
            zh, en = titles.get(pid, (pid, pid))
            out.append(CloseProblem("checklist", pid, zh, en, "missed", True))
        confirmed = bd is not None and bd.flow_log_confirmed_by is not None
        confirmers = permissions.MATRIX["flowlog.confirm"]
        if uow.settings.head.flow_log_confirm_required and not confirmed and held & confirmers:
            out.append(CloseProblem("flow_log", "flow_log", "", "", "unconfirmed", True))
        handoffs = self._handoffs.open_until(uow, day, skip=skip)
        for h in handoffs.shown:
            who = h.to_name or h.to_role or ""
            label = f"{h.from_name} → {who} {h.client_name}".strip()
            out.append(CloseProblem("handoff", str(h.id), label, h.kind, h.status, True))
        return out, handoffs

    def _state(self, uow: UnitOfWork, day: date) -> DayState:
        bd = uow.session.get(BusinessDay, day)
        closed = bd is not None and bd.status == "closed"
        problems, handoffs = ([], None) if closed else self._problems(uow, day, bd)
        return DayState(
            date=day,
            status=DayStatus.CLOSED if closed else DayStatus.OPEN,
            opened_at=bd.opened_at if bd else None,
            closed_at=bd.closed_at if bd else None,
            closed_by=_name(uow, bd.closed_by) if bd else "",
            explanations=eod.explanations(bd),
            flow_log_confirmed_by=_name(uow, bd.flow_log_confirmed_by) if bd else "",
            flow_log_confirmed_at=bd.flow_log_confirmed_at if bd else None,
            problems=tuple(problems),
            handoffs_seen=handoffs.seen if handoffs else HandoffsSeen(0, None),
        )

    def _day(self, uow: UnitOfWork, day: date | None) -> date:
        day = day or uow.today
        if day > uow.today:
            raise FieldError("report.field.date", "error.day.future", today=uow.today.isoformat())
        return day

    def _row(self, uow: UnitOfWork, day: date) -> BusinessDay:
        bd = uow.session.get(BusinessDay, day)
        if bd is None:
            bd = BusinessDay(business_date=day, status=DayStatus.OPEN, opened_at=uow.now)
            uow.session.add(bd)
            uow.session.flush()
        return bd

    @requires("report.eod", write=False)
    def state(self, uow: UnitOfWork, day: date | None = None) -> DayState:
        """Open or closed, who closed it and why, and what would refuse a close now."""
        return self._state(uow, self._day(uow, day))

    @requires("day.close")
    def open(self, uow: UnitOfWork, day: date | None = None) -> DayState:
        """Open the business day explicitly (it also opens with its first record)."""
        day = self._day(uow, day)
        bd = uow.session.get(BusinessDay, day)
        if bd is not None and bd.status == "closed":
            raise Conflict("error.day.closed", date=day.isoformat())
        if bd is None:
            self._row(uow, day)
            uow.audit("day.open", "business_day", day.isoformat(), manual_section=SECTION)
        if day == uow.today:
            self._handoffs.expire_in(uow)
        return self._state(uow, day)

    @requires("flowlog.confirm")
    def confirm_flow_log(self, uow: UnitOfWork, day: date | None = None, *,
                         run_id: int | None = None) -> DayState:
        """The lobby manager confirms the day's flow log at closing (it is derived, not typed).

        The closing routine's step that `confirms = "flow_log"` is recorded with it: of the run
        `run_id` (the step the lobby manager pressed Enter on), and of every other open run of
        that day whose such step is not done yet."""
        day = self._day(uow, day)
        ensure_day_open(uow, day)
        runs = self._confirming_runs(uow, day, run_id)
        bd = self._row(uow, day)
        bd.flow_log_confirmed_by, bd.flow_log_confirmed_at = uow.actor_id, uow.now
        uow.session.add(bd)
        flow = eod.flow_log(uow.session, uow.settings, day)
        uow.audit("flowlog.confirm", "business_day", day.isoformat(), manual_section=FLOW_SECTION,
                  visitors=flow.visitors, premium_received=flow.premium_received_total,
                  premium_identified=flow.premium_identified.total,
                  complaints=flow.complaints_received)
        for rid, step_id in runs:
            self._checklists.record_in(uow, rid, step_id, confirmed=True)
        return self._state(uow, day)

    def _confirming_runs(self, uow: UnitOfWork, day: date,
                         run_id: int | None) -> list[tuple[int, str]]:
        """(run, step) pairs whose flow-log step this confirmation records."""
        catalog = catalog_or_none(self._checklists)
        confirming = {p.id for p in catalog or ()
                      if any(st.confirms == "flow_log" for st in p.steps)}
        query = select(ChecklistRun).where(ChecklistRun.status == ChecklistStatus.OPEN,
                                           ChecklistRun.business_date == day)
        if run_id is not None:
            query = query.where(or_(ChecklistRun.id == run_id,
                                    col(ChecklistRun.procedure_id).in_(confirming)))
        else:
            query = query.where(col(ChecklistRun.procedure_id).in_(confirming))
        if run_id is not None:
            run = uow.session.get(ChecklistRun, run_id)
            if run is None or run.business_date != day or run.status != "open":
                raise Conflict("error.checklist.not_open")
        out = []
        for run in uow.session.exec(query.order_by(col(ChecklistRun.id))).all():
            proc = Procedure.from_json(run.procedure_json)
            done = {r.step_id for r in uow.session.exec(
                select(StepRecord).where(StepRecord.run_id == run.id))}
            assert run.id is not None
            # the run pressed on is confirmed again (a second record) when it was done before
            out += [(run.id, st.id) for st in proc.steps
                    if st.confirms == "flow_log" and (st.id not in done or run.id == run_id)]
        if run_id is not None and not any(rid == run_id for rid, _ in out):
            raise Conflict("error.routines.no_confirm_step")
        return out

    @requires("day.close")
    def carry_over(self, uow: UnitOfWork, day: date | None = None,
                   handoff_ids: list[int] | None = None) -> DayState:
        """Carry the open hand-offs of the day (all, or those listed) over to the following day:
        they stay with their addressees and are no longer a problem of this day's close."""
        day = self._day(uow, day)
        self._handoffs.carry_in(uow, day, ids=handoff_ids)
        return self._state(uow, day)

    @requires("day.close")
    def close(self, uow: UnitOfWork, day: date | None = None, *,
              explanations: dict[str, str] | None = None,
              carry_over: bool = False, seen: HandoffsSeen | None = None) -> DayState:
        """Close the day, or raise DayCloseRefused listing what is not done and not explained.

        `explanations` maps a problem's `key` (e.g. "checklist:lobby_closing") to the head's
        written reason. `carry_over`: first carry every open hand-off over to the following
        day (in the same transaction: refused close, nothing carried). `seen`: the count and
        newest id of the open hand-offs the head was shown (`DayState.handoffs_seen`): when
        given, the carry refuses (Conflict "close_handoffs.handoffs_changed") if that is no longer
        the set — a hand-off arrived or ended since. Without it (a script with no view) every
        hand-off open at the close is carried."""
        day = self._day(uow, day)
        bd = uow.session.get(BusinessDay, day)
        if bd is not None and bd.status == "closed":
            raise Conflict("error.day.already_closed", date=day.isoformat())
        if carry_over:
            self._handoffs.carry_in(uow, day, seen=seen)
        given = {k: (v or "").strip() for k, v in (explanations or {}).items()}
        explained = [int(k.split(":", 1)[1]) for k, v in given.items()
                     if v and k.startswith("handoff:") and k.split(":", 1)[1].isdigit()]
        problems, handoffs = self._problems(uow, day, bd, skip=explained)
        blocking = [p for p in problems if not (p.explainable and given.get(p.key))]
        if blocking:
            others = sum(1 for p in blocking if p.kind != "handoff")
            raise DayCloseRefused(blocking, others + handoffs.count)
        # the explanations kept: the problems left, and the hand-offs explained that are open
        keys = [p.key for p in problems] + [
            f"handoff:{hid}" for hid in self._handoffs.open_among(uow, day, explained)]
        kept = {k: parse_text(given[k], "field.reason", max_len=300, required=True)
                for k in keys}
        note = json.dumps(kept, ensure_ascii=False, sort_keys=True)
        if len(note) > 2000:
            raise FieldError("field.reason", "error.field.too_long", max=2000)
        # the head's end-of-day routine ends with the close: its "close the day" step is
        # recorded here, and the routine completed when nothing else of it is open (before the
        # day is marked closed: after that nothing of the day changes)
        for run_id in self._checklists.confirm_in(uow, "day_close", day, doing=True):
            self._checklists.complete_in(uow, run_id)
        bd = self._row(uow, day)
        bd.status, bd.closed_at, bd.closed_by = "closed", uow.now, uow.actor_id
        bd.close_note = note
        uow.session.add(bd)
        uow.audit("day.close", "business_day", day.isoformat(), manual_section=SECTION,
                  explained=kept)
        # the chain's head goes outside the database once the close is committed
        uow.after_commit.append(functools.partial(
            anchors.after_close, self.ctx.engine, self.settings.center.code,
            uow.now.astimezone(self.ctx.tz), day.isoformat()))
        # the day's rows in the planner's statistics (PRAGMA optimize; store.stats)
        uow.after_commit.append(functools.partial(stats.after_commit, self.ctx.engine))
        return self._state(uow, day)


__all__ = ["CloseProblem", "DayCloseRefused", "DayService", "DayState", "catalog_or_none",
           "ensure_day_open"]
