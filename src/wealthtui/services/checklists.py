"""Checklists: runs of the manual's procedures (data/procedures/*.toml), step by step.

    run = services.checklists.start(actor, "counter_sign_on")            # or resume today's
    run = services.checklists.record(actor, run.id, "cash_counted", "20,000.00")
    run = services.checklists.sign_off(actor, run.id, "supervisor_signoff", "S101", "123456")
    run = services.checklists.complete(actor, run.id)    # refused while a required step is open

What the engine guarantees:
- a run keeps the procedure as it was when it started (JSON and content-hash version), so it
  reads the same after the procedure file changes;
- a step is recorded by a staff member holding one of the step's roles, with a value checked by
  its kind (tick, number, amount in yuan → fen, text, choice, sign-off); recording it again keeps
  the history and the newest record counts;
- a sign-off needs a second staff member (their staff number and PIN, see
  AuthService.second_person) who has had no hand in the run so far: not the one who started it,
  not its subject, not the one recording, not anyone who recorded or signed another of its steps;
- a step naming a hand-off creates it once per run (to the client's exclusive CM when the step
  says so and the run has a client, else to the named role), in the same transaction;
- every step recorded is an audit event carrying the step's basis (manual section, table of
  contents section or named practice; see wealthtui.citations);
- completing a run is refused while a required step (or a step made required by an earlier
  choice) is open;
- scheduled procedures (start of day, end of day, monthly) are due at their local due time;
  `today(actor)` lists them as not started / in progress / done / overdue by the clock.

Other services start runs inside their own transaction with `start_in(uow, ...)`.

A step that `confirms` what a service does (procedures.CONFIRMS) is never ticked by hand: the
service records it when it does it (`confirm_in`: the supervisor's outlet sign-off records
"every teller signed off" of the outlet routine, the teller's balance the five matches, the
counter sign-off "box handed in", the supervisor's balance sign-off the routine's sign-off, the
close "close the day"), and a run started after that is born with the step recorded (the facts
are read from the records: services/checklist_facts.py), so no routine asks to tick what the
system already did.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, event, func
from sqlalchemy.orm import object_session
from sqlmodel import col, select

from wealthtui.model import (
    ChecklistRun,
    Client,
    CMAssignment,
    Staff,
    StepRecord,
    Ticket,
)
from wealthtui.model.status import ChecklistStatus
from wealthtui.procedures import (
    CONFIRMS,
    Catalog,
    Procedure,
    ProcedureError,
    Step,
    directory_of,
    fingerprint,
    load_dir,
)
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError, parse_text
from wealthtui.rules.money import parse_yuan
from wealthtui.services import checklist_facts, roster
from wealthtui.services.auth import AuthService
from wealthtui.services.base import Actor, Context, Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied
from wealthtui.services.handoffs import KINDS as HANDOFF_KINDS
from wealthtui.services.handoffs import SOURCES as HANDOFF_SOURCES
from wealthtui.services.handoffs import HandoffService

OPEN, DONE, ABANDONED = ChecklistStatus.OPEN, ChecklistStatus.DONE, ChecklistStatus.ABANDONED
#: statuses of a scheduled procedure in a "today" list
NOT_STARTED, IN_PROGRESS, OVERDUE = "not_started", "in_progress", "overdue"


# --- views ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class StepState:
    """One step of a run as it stands: its definition and its newest record."""

    step: Step
    position: int  # 1-based, as shown to staff
    required: bool  # after required_when is applied
    done: bool
    value: str  # raw: "1" tick, digits for number, fen for amount, text, choice id, "" sign-off
    done_by_id: int | None
    done_by: str
    done_at: datetime | None
    signed_off_by_id: int | None
    signed_off_by: str
    handoff_id: int | None  # the hand-off this step created (on any of its records)
    times_recorded: int


@dataclass(frozen=True)
class RunView:
    id: int
    procedure: Procedure  # as stored with the run, not as the file reads now
    version: str
    outdated: bool  # the procedure file has changed (or gone) since the run started
    business_date: date
    status: str  # open | done | abandoned
    started_by_id: int
    started_by: str
    started_at: datetime
    client_id: int | None
    client_name: str
    ticket_id: int | None
    ticket_no: str
    subject_staff_id: int | None
    subject_name: str
    completed_at: datetime | None
    completed_by: str
    abandon_reason: str
    due_at: datetime | None  # scheduled procedures: when it is due
    steps: tuple[StepState, ...]

    def state(self, step_id: str) -> StepState:
        return next(s for s in self.steps if s.step.id == step_id)

    @property
    def open_required(self) -> tuple[StepState, ...]:
        return tuple(s for s in self.steps if s.required and not s.done)

    @property
    def required_total(self) -> int:
        return sum(1 for s in self.steps if s.required)

    @property
    def required_done(self) -> int:
        return sum(1 for s in self.steps if s.required and s.done)

    def overdue(self, now: datetime) -> bool:
        return self.status == OPEN and self.due_at is not None and now > self.due_at


@dataclass(frozen=True)
class TodayItem:
    """A scheduled procedure in someone's "today" list (or the day's overview)."""

    procedure: Procedure  # as the file reads now
    status: str  # not_started | in_progress | done | overdue
    due_at: datetime
    run_id: int | None
    required_done: int
    required_total: int
    subject_staff_id: int | None  # staff / teller procedures: whose it is
    subject_name: str


@dataclass(frozen=True)
class OpenSummary:
    """A staff member's open runs as the resume line names them (ChecklistService.open_summary):
    how many of today and of earlier days, and the newest of today's."""

    today: int
    earlier: int
    newest_today: RunView | None


# --- pure helpers ----------------------------------------------------------------------------
def _involved(run: ChecklistRun, step: Step, records: list[StepRecord],
              actor_id: int | None) -> set[int | None]:
    """Who had a hand in `run` and so may not sign `step` off (four eyes): who started it, its
    subject, the one recording, anyone who recorded or signed another step."""
    involved = {run.started_by, run.subject_staff_id, actor_id}
    for r in records:
        if r.step_id != step.id:
            involved |= {r.done_by, r.signed_off_by}
    return involved


def due_at(proc: Procedure, business_date: date, tz: ZoneInfo) -> datetime | None:
    """When a scheduled procedure of `business_date` (its month, for monthly ones) is due."""
    if proc.due is None:
        return None
    day = business_date
    if proc.schedule == "monthly" and proc.due_day is not None:
        day = business_date.replace(day=proc.due_day)
    return datetime.combine(day, proc.due, tz)


def period(proc: Procedure, business_date: date) -> tuple[date, date]:
    """The business dates one run of a scheduled procedure covers: the day, or the month."""
    if proc.schedule != "monthly":
        return business_date, business_date
    first = business_date.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def effective_required(step: Step, values: dict[str, str]) -> bool:
    if not step.required:
        return False
    cond = step.required_when
    return cond is None or values.get(cond.step) in cond.values


def check_catalog(catalog: Catalog) -> Catalog:
    """What the loader cannot check without the services: hand-off kinds and sources."""
    for proc in catalog:
        path = catalog.directory / f"{proc.id}.toml"
        for step in proc.steps:
            spec = step.handoff
            if spec is None:
                continue
            if spec.kind not in HANDOFF_KINDS:
                raise ProcedureError(path, f"handoff.kind: unknown kind {spec.kind!r}; accepted: "
                                     f"{', '.join(HANDOFF_KINDS)}", step.id)
            if spec.source != "auto" and spec.source not in HANDOFF_SOURCES:
                raise ProcedureError(path, f"handoff.source: unknown source {spec.source!r}; "
                                     f"accepted: auto, {', '.join(s for s in HANDOFF_SOURCES if s)}",
                                     step.id)
    return catalog


def load_checked(directory: Path | None = None) -> Catalog:
    """Load and fully check a folder of procedures (ProcedureError: one line)."""
    return check_catalog(load_dir(directory))


def _auto_source(roles: frozenset[str]) -> str:
    if roles & permissions.LOBBY:
        return "lobby"
    if permissions.CASH_TELLER in roles:
        return "cash_counter"
    if roles & {permissions.NON_CASH_TELLER, permissions.OFFICER, permissions.SUPERVISOR}:
        return "non_cash_counter"
    if roles & permissions.CM_DESK:
        return "cm"
    if permissions.HEAD in roles:
        return "head"
    return ""


def parse_number(
    text: str, field_key: str, *, minimum: int | None = None, maximum: int | None = None,
) -> int:
    """A whole number as staff type it (full-width digits and thousands commas allowed)."""
    raw = unicodedata.normalize("NFKC", text or "").strip().replace(",", "")
    if not raw:
        raise FieldError(field_key, "error.field.required")
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
        raise FieldError(field_key, "error.checklist.number")
    number = int(raw)
    if minimum is not None and number < minimum:
        raise FieldError(field_key, "error.checklist.number_min", min=minimum)
    if maximum is not None and number > maximum:
        raise FieldError(field_key, "error.checklist.number_max", max=maximum)
    return number


def _field(step: Step) -> str:
    return f"checklist.value.{step.kind}"


#: a run's step records in order, and staff names by id (built once: every view reads them)
_RECORDS = (select(StepRecord).where(StepRecord.run_id == bindparam("run_id"))
            .order_by(col(StepRecord.id)))
_NAMES = select(Staff.id, Staff.name).where(col(Staff.id).in_(bindparam("ids", expanding=True)))
#: what a unit of work remembers (UnitOfWork.memo): the runs it loaded, their step records
_RUNS, _RECORDS_MEMO, _NAMES_MEMO = "checklists.runs", "checklists.records", "checklists.names"


def _records_written(mapper: Any, connection: Any, target: StepRecord) -> None:
    """After a step record is inserted: add it to its run's records the unit of work has read
    (ChecklistService.records_in), so they stay what the store holds."""
    memo = _memo_of(target)
    if memo is not None and (got := memo.get(target.run_id)) is not None:
        got.append(target)


def _records_changed(mapper: Any, connection: Any, target: StepRecord) -> None:
    """A step record changed or deleted: its run's records are read again at the next look-up."""
    memo = _memo_of(target)
    if memo is not None:
        memo.pop(target.run_id, None)


def _memo_of(target: StepRecord) -> dict[int, list[StepRecord]] | None:
    session = object_session(target)
    uow = session.info.get("uow") if session is not None else None
    return uow.memo.get(_RECORDS_MEMO) if uow is not None else None


event.listen(StepRecord, "after_insert", _records_written)
event.listen(StepRecord, "after_update", _records_changed)
event.listen(StepRecord, "after_delete", _records_changed)


# --- the service -------------------------------------------------------------------------------
class ChecklistService(Service):
    def __init__(self, ctx: Context, *, handoffs: HandoffService, auth: AuthService) -> None:
        super().__init__(ctx)
        self._handoffs = handoffs
        self._auth = auth
        self._lock = threading.Lock()
        self._cache: tuple[Path, tuple[Any, ...], Catalog] | None = None

    # --- the procedures -----------------------------------------------------------------------
    @property
    def directory(self) -> Path:
        return directory_of(self.settings.procedures.dir)

    def catalog(self, uow: UnitOfWork | None = None) -> Catalog:
        """The procedures as the files read now (re-read when a file changes); within a unit of
        work `uow`, the files are looked at once per call."""
        if uow is not None:
            got = uow.memo.get("checklists.catalog")
            if got is None:
                got = uow.memo["checklists.catalog"] = self.catalog()
            return got  # type: ignore[no-any-return]
        folder = self.directory
        try:
            stamp = fingerprint(folder)
            with self._lock:
                if self._cache is None or self._cache[:2] != (folder, stamp):
                    self._cache = (folder, stamp, load_checked(folder))
                return self._cache[2]
        except ProcedureError as exc:
            raise Conflict("error.checklist.procedure_file", detail=str(exc)) from exc
        except OSError as exc:
            raise Conflict("error.checklist.procedure_file", detail=f"{folder}: {exc}") from exc

    def _procedure(self, uow: UnitOfWork, procedure_id: str) -> Procedure:
        proc = self.catalog(uow).get(procedure_id)
        if proc is None:
            raise NotFound("error.checklist.no_procedure", id=procedure_id)
        return proc

    @requires("checklist.run", write=False)
    def procedures(self, uow: UnitOfWork, *, subject: str | None = None) -> list[Procedure]:
        """The procedures I may start (one of my roles runs them), optionally of one subject."""
        return [p for p in self.catalog(uow)
                if uow.roles & set(p.roles) and (subject is None or p.subject == subject)]

    # --- starting ------------------------------------------------------------------------------
    @requires("checklist.run")
    def start(
        self, uow: UnitOfWork, procedure_id: str, *, client_id: int | None = None,
        ticket_id: int | None = None, subject_staff_id: int | None = None,
        business_date: date | None = None,
    ) -> RunView:
        """Start a run, or return the one already there: today's (this month's) run of a
        scheduled procedure, or the open run of the same procedure for the same client, ticket
        or teller. Refused when none of my roles runs the procedure."""
        proc = self._procedure(uow, procedure_id)
        if not uow.roles & set(proc.roles):
            raise PermissionDenied("error.checklist.not_your_procedure")
        run = self.start_in(uow, procedure_id, client_id=client_id, ticket_id=ticket_id,
                            subject_staff_id=subject_staff_id, business_date=business_date)
        return self._view(uow, run)

    def start_in(
        self, uow: UnitOfWork, procedure_id: str, *, client_id: int | None = None,
        ticket_id: int | None = None, subject_staff_id: int | None = None,
        business_date: date | None = None,
    ) -> ChecklistRun:
        """Start (or find) a run inside another service's unit of work. No role check: the
        calling service has checked its own action."""
        proc = self._procedure(uow, procedure_id)
        day = business_date or uow.today
        if day > uow.today:
            raise FieldError("checklist.field.business_date", "error.checklist.future_date")
        assert uow.actor_id is not None
        if proc.subject == "staff":
            subject_staff_id = subject_staff_id or uow.actor_id
        elif proc.subject == "teller":
            subject_staff_id = subject_staff_id or uow.actor_id
            teller = uow.session.get(Staff, subject_staff_id)
            if teller is None or not teller.active:
                raise NotFound("error.checklist.no_teller")
        elif proc.subject == "client" and client_id is None:
            raise FieldError("checklist.field.client", "error.checklist.needs_client")
        elif proc.subject == "ticket" and ticket_id is None:
            raise FieldError("checklist.field.ticket", "error.checklist.needs_ticket")
        if client_id is not None and uow.session.get(Client, client_id) is None:
            raise NotFound("error.client.not_found", id=client_id)
        if ticket_id is not None:
            ticket = uow.session.get(Ticket, ticket_id)
            if ticket is None:
                raise NotFound("error.checklist.no_ticket", id=ticket_id)
            client_id = client_id or ticket.client_id
        existing = self._existing(uow, proc, day, client_id, ticket_id, subject_staff_id)
        if existing is not None:
            return existing
        run = ChecklistRun(
            procedure_id=proc.id, procedure_version=proc.version,
            procedure_json=proc.canonical_json(), business_date=day, started_by=uow.actor_id,
            started_at=uow.now, client_id=client_id, ticket_id=ticket_id,
            subject_staff_id=subject_staff_id,
        )
        uow.session.add(run)
        uow.session.flush()
        assert run.id is not None
        # held for the rest of the call, with its records (none yet: it was just inserted)
        uow.memo.setdefault(_RUNS, {})[run.id] = run
        uow.memo.setdefault(_RECORDS_MEMO, {})[run.id] = []
        uow.audit("checklist.start", "checklist_run", run.id, manual_section=proc.basis_code,
                  procedure=proc.id, version=proc.version[:12], business_date=day.isoformat(),
                  client_id=client_id, ticket_id=ticket_id, subject_staff_id=subject_staff_id)
        assert run.id is not None
        self._record_facts(uow, run, proc, None)
        return run

    def _record_facts(self, uow: UnitOfWork, run: ChecklistRun, proc: Procedure,
                      confirms: str | None, *, doing: bool = False) -> bool:
        """Record each step of `run` not recorded yet that confirms what the system did (of
        `confirms` only, when given) and whose fact the records show (`doing`: the calling
        service is doing it in this transaction, its records not written yet). True when one
        was."""
        assert run.id is not None
        records = self.records_in(uow, run.id)
        latest = {r.step_id: r.value for r in records}
        recorded = False
        for step in proc.steps:
            if step.confirms is None or (confirms and step.confirms != confirms):
                continue
            done = step.id in latest and not checklist_facts.withdrawn(step, latest[step.id])
            if done and (not confirms or doing or step.kind != "tick"):
                continue
            found = checklist_facts.Fact() if doing and step.kind == "tick" else \
                checklist_facts.fact(uow.session, run, step)
            if done:  # confirmed again: a tick whose fact no longer holds is withdrawn
                if found is None:
                    self._withdraw(uow, run, proc, step)
                    recorded = True
                continue
            if found is None:
                continue
            signer = None
            if step.kind == "signoff":
                staff = uow.session.get(Staff, found.signer_id) if found.signer_id else None
                if staff is None or staff.id in _involved(run, step, records, None):
                    continue  # four eyes: the step stays open (the head explains it at close)
                signer = Actor(staff.id, staff.staff_no, staff.name, frozenset(staff.role_set))
            self.record_in(uow, run.id, step.id, signer=signer, confirmed=True)
            recorded = True
        return recorded

    def _withdraw(self, uow: UnitOfWork, run: ChecklistRun, proc: Procedure, step: Step) -> None:
        """The system had recorded tick `step` of `run` and its fact no longer holds (a balance
        submitted again with fewer matches): a withdrawing record, audited, so the step is
        open again (checklist_facts.WITHDRAWN)."""
        assert run.id is not None
        uow.session.add(StepRecord(run_id=run.id, step_id=step.id,
                                   value=checklist_facts.WITHDRAWN, done_by=uow.actor_id,
                                   done_at=uow.now))
        uow.session.flush()
        uow.audit("checklist.step_withdrawn", "checklist_run", run.id,
                  manual_section=step.basis_code, procedure=proc.id, step=step.id,
                  basis=step.basis, confirms=step.confirms)

    def confirm_in(self, uow: UnitOfWork, confirms: str, day: date, *,
                   subject_staff_id: int | None = None, doing: bool = False) -> list[int]:
        """A service did what the steps that `confirms` it stand for (inside its unit of work,
        its records flushed): record that step on every open run of `day` (about
        `subject_staff_id`, when given) that has it not recorded yet and whose fact the records
        now show (services/checklist_facts.py), and withdraw a tick recorded earlier whose fact
        no longer holds (a balance submitted again with fewer matches). The calling service's
        permission is the check,
        not the step's roles (the supervisor's sign-off records the teller's routine).
        `doing=True`: the service is doing it in this transaction and records its own rows
        after (the close of the day, which changes nothing of the day once it is closed).
        Returns the runs recorded. A run started later records it at its start."""
        try:
            catalog = self.catalog(uow)
        except Conflict:
            return []  # a broken procedures folder: the checklist screens report it
        having = {p.id for p in catalog if any(st.confirms == confirms for st in p.steps)}
        if not having:
            return []
        query = select(ChecklistRun).where(ChecklistRun.business_date == day,
                                           ChecklistRun.status == OPEN,
                                           col(ChecklistRun.procedure_id).in_(having))
        if subject_staff_id is not None:
            query = query.where(ChecklistRun.subject_staff_id == subject_staff_id)
        recorded: list[int] = []
        for run in uow.session.exec(query.order_by(col(ChecklistRun.id))).all():
            assert run.id is not None
            if self._record_facts(uow, run, Procedure.from_json(run.procedure_json), confirms,
                                  doing=doing):
                recorded.append(run.id)
        return recorded

    def complete_in(self, uow: UnitOfWork, run_id: int) -> bool:
        """Complete `run_id` inside another service's unit of work when no required step is
        open (the close of the day ends the head's end-of-day routine). True when completed."""
        run = self._load(uow, run_id)
        if run.status != OPEN or self._view(uow, run).open_required:
            return False
        self._finish(uow, run, Procedure.from_json(run.procedure_json))
        return True

    def _existing(
        self, uow: UnitOfWork, proc: Procedure, day: date, client_id: int | None,
        ticket_id: int | None, subject_staff_id: int | None,
    ) -> ChecklistRun | None:
        query = select(ChecklistRun).where(ChecklistRun.procedure_id == proc.id)
        if proc.scheduled:
            first, last = period(proc, day)
            query = query.where(col(ChecklistRun.business_date).between(first, last),
                                col(ChecklistRun.status).in_((OPEN, DONE)))
            if proc.subject in ("staff", "teller"):
                query = query.where(ChecklistRun.subject_staff_id == subject_staff_id)
        elif proc.subject == "client":
            query = query.where(ChecklistRun.client_id == client_id, ChecklistRun.status == OPEN)
        elif proc.subject == "ticket":
            query = query.where(ChecklistRun.ticket_id == ticket_id, ChecklistRun.status == OPEN)
        elif proc.subject == "teller":
            query = query.where(ChecklistRun.subject_staff_id == subject_staff_id,
                                ChecklistRun.status == OPEN)
        else:
            return None  # staff or day, unscheduled: every start is a new run
        runs = uow.session.exec(query.order_by(col(ChecklistRun.id))).all()
        done = [r for r in runs if r.status == DONE]
        return (done or runs or [None])[-1]

    # --- reading -------------------------------------------------------------------------------
    @requires("checklist.run", write=False)
    def get(self, uow: UnitOfWork, run_id: int) -> RunView:
        return self._view(uow, self._load(uow, run_id))

    @requires("checklist.run", write=False)
    def runs(
        self, uow: UnitOfWork, *, procedure_id: str | None = None, client_id: int | None = None,
        ticket_id: int | None = None, subject_staff_id: int | None = None,
        status: str | None = None, since: date | None = None, until: date | None = None,
        limit: int = 100,
    ) -> list[RunView]:
        """Runs matching every filter given, newest first."""
        return self._runs(uow, procedure_id=procedure_id, client_id=client_id,
                          ticket_id=ticket_id, subject_staff_id=subject_staff_id, status=status,
                          since=since, until=until, limit=limit)

    @requires("checklist.run", write=False)
    def open_runs(
        self, uow: UnitOfWork, *, client_id: int | None = None, ticket_id: int | None = None,
        subject_staff_id: int | None = None,
    ) -> list[RunView]:
        """Open runs for a client, a ticket or a staff member (e.g. to resume after a restart)."""
        return self._runs(uow, client_id=client_id, ticket_id=ticket_id,
                          subject_staff_id=subject_staff_id, status=OPEN, limit=100)

    @requires("checklist.run", write=False)
    def open_summary(self, uow: UnitOfWork, *, subject_staff_id: int, today: date | None = None,
                     exclude: frozenset[int] = frozenset()) -> OpenSummary:
        """The open runs whose subject is `subject_staff_id` (leaving out the runs in `exclude`,
        e.g. those the "today" list names already), counted in SQL by today and earlier days,
        and the newest of today's as a view: what the resume line shows, without reading every
        open run (a busy lobby leaves hundreds open). `today`: the business date (default the
        center's today)."""
        mine = (col(ChecklistRun.subject_staff_id) == subject_staff_id,
                col(ChecklistRun.status) == OPEN, col(ChecklistRun.id).not_in(sorted(exclude)))
        of_today = col(ChecklistRun.business_date) >= (today or uow.today)
        total, todays = uow.session.exec(
            select(func.count(), func.coalesce(func.sum(case((of_today, 1), else_=0)), 0))
            .select_from(ChecklistRun).where(*mine)).one()
        newest = None
        if todays:
            newest = uow.session.exec(
                select(ChecklistRun).where(*mine, of_today)
                .order_by(col(ChecklistRun.started_at).desc(), col(ChecklistRun.id).desc())
                .limit(1)).first()
        return OpenSummary(today=int(todays), earlier=int(total) - int(todays),
                           newest_today=self._view(uow, newest) if newest is not None else None)

    def _runs(self, uow: UnitOfWork, *, limit: int, **filters: Any) -> list[RunView]:
        query = select(ChecklistRun)
        for name in ("procedure_id", "client_id", "ticket_id", "subject_staff_id", "status"):
            if filters.get(name) is not None:
                query = query.where(getattr(ChecklistRun, name) == filters[name])
        if filters.get("since") is not None:
            query = query.where(ChecklistRun.business_date >= filters["since"])
        if filters.get("until") is not None:
            query = query.where(ChecklistRun.business_date <= filters["until"])
        query = query.order_by(col(ChecklistRun.started_at).desc(),
                               col(ChecklistRun.id).desc()).limit(limit)
        return [self._view(uow, run) for run in uow.session.exec(query).all()]

    def _load(self, uow: UnitOfWork, run_id: int) -> ChecklistRun:
        run = self.run_in(uow, run_id)
        if run is None:
            raise NotFound("error.checklist.no_run", id=run_id)
        return run

    def run_in(self, uow: UnitOfWork, run_id: int) -> ChecklistRun | None:
        """The run `run_id` (None when there is none), held for the rest of the unit of work:
        the session keeps loaded rows only while someone holds them, so each step of a call
        would read the run (and its procedure's JSON) again."""
        runs: dict[int, ChecklistRun] = uow.memo.setdefault(_RUNS, {})
        run = runs.get(run_id)
        if run is None:
            run = uow.session.get(ChecklistRun, run_id)
            if run is not None:
                runs[run_id] = run
        return run

    def records_in(self, uow: UnitOfWork, run_id: int) -> list[StepRecord]:
        """The run's step records in order, read once per unit of work: the records this call
        inserts are added as they are flushed, and a record changed or deleted makes the next
        look-up read them again (`_records_written`)."""
        memo: dict[int, list[StepRecord]] = uow.memo.setdefault(_RECORDS_MEMO, {})
        got = memo.get(run_id)
        if got is not None and any(isinstance(o, StepRecord) for o in uow.session.new):
            uow.session.flush()  # a record added but not flushed yet: as a query would see it
            got = memo.get(run_id)
        if got is None:
            got = memo[run_id] = list(uow.session.exec(_RECORDS, params={"run_id": run_id}).all())
        return list(got)

    def _view(self, uow: UnitOfWork, run: ChecklistRun,
              records: list[StepRecord] | None = None) -> RunView:
        """The run as it stands (`records`: its step records in order, when the caller has
        just read them)."""
        assert run.id is not None
        proc = Procedure.from_json(run.procedure_json)
        if records is None:
            records = self.records_in(uow, run.id)
        latest: dict[str, StepRecord] = {}
        counts: dict[str, int] = {}
        handoffs: dict[str, int] = {}
        for rec in records:
            latest[rec.step_id] = rec
            counts[rec.step_id] = counts.get(rec.step_id, 0) + 1
            if rec.handoff_id is not None:
                handoffs.setdefault(rec.step_id, rec.handoff_id)
        ids = {run.started_by, run.completed_by, run.subject_staff_id}
        ids |= {r.done_by for r in latest.values()} | {r.signed_off_by for r in latest.values()}
        names = self._names(uow, {i for i in ids if i is not None})
        values = {sid: r.value for sid, r in latest.items()}
        steps = []
        for position, step in enumerate(proc.steps, start=1):
            rec = latest.get(step.id)
            if rec is not None and checklist_facts.withdrawn(step, rec.value):
                rec = None  # the system withdrew it: open again (its history kept)
            steps.append(StepState(
                step=step, position=position, required=effective_required(step, values),
                done=rec is not None, value=rec.value if rec else "",
                done_by_id=rec.done_by if rec else None,
                done_by=names.get(rec.done_by, "") if rec else "",
                done_at=rec.done_at if rec else None,
                signed_off_by_id=rec.signed_off_by if rec else None,
                signed_off_by=names.get(rec.signed_off_by, "") if rec and rec.signed_off_by else "",
                handoff_id=handoffs.get(step.id), times_recorded=counts.get(step.id, 0),
            ))
        client_name = ""
        if run.client_id is not None:
            client = uow.session.get(Client, run.client_id)
            client_name = client.name if client else ""
        ticket_no = ""
        if run.ticket_id is not None:
            ticket = uow.session.get(Ticket, run.ticket_id)
            ticket_no = ticket.display_no if ticket else ""
        try:
            current = self.catalog(uow).get(proc.id)
        except Conflict:
            current = None
        assert run.id is not None
        return RunView(
            id=run.id, procedure=proc, version=run.procedure_version,
            outdated=current is None or current.version != run.procedure_version,
            business_date=run.business_date, status=run.status,
            started_by_id=run.started_by, started_by=names.get(run.started_by, ""),
            started_at=run.started_at, client_id=run.client_id, client_name=client_name,
            ticket_id=run.ticket_id, ticket_no=ticket_no, subject_staff_id=run.subject_staff_id,
            subject_name=names.get(run.subject_staff_id, "") if run.subject_staff_id else "",
            completed_at=run.completed_at,
            completed_by=names.get(run.completed_by, "") if run.completed_by else "",
            abandon_reason=run.abandon_reason,
            due_at=due_at(proc, run.business_date, uow.ctx.tz), steps=tuple(steps),
        )

    def _names(self, uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
        """Staff names by id, each read once per unit of work (a run's view before and after
        a change names the same people)."""
        known: dict[int, str] = uow.memo.setdefault(_NAMES_MEMO, {})
        if missing := ids - known.keys():
            known.update(uow.session.exec(_NAMES, params={"ids": sorted(missing)}).all())
        return {i: known[i] for i in ids if i in known}

    # --- recording -----------------------------------------------------------------------------
    @requires("checklist.run")
    def record(
        self, uow: UnitOfWork, run_id: int, step_id: str, value: str = "", *,
        signer: Actor | None = None,
    ) -> RunView:
        """Record one step: `value` is what was typed (ignored for a tick); a sign-off step
        needs `signer`, the second person verified by AuthService.second_person (or use
        `sign_off`, which verifies the PIN itself). A step recorded by a written notice
        (`by_notice`) is refused here: services.notices records it when it queues the notice."""
        run = self._load(uow, run_id)
        step = Procedure.from_json(run.procedure_json).step(step_id)
        if step is not None and step.by_notice:
            raise Conflict("error.notice.by_hand")
        rec, before = self._record(uow, run_id, step_id, value, signer=signer)
        return self._view(uow, self._load(uow, run_id), records=[*before, rec])

    def record_in(
        self, uow: UnitOfWork, run_id: int, step_id: str, value: str = "", *,
        signer: Actor | None = None, confirmed: bool = False,
    ) -> StepRecord:
        """`record` inside another service's unit of work (same checks: the step's roles, the
        value, the signer, the hand-off, the audit). Returns the new step record.

        A step that `confirms` something (the flow log) is recorded only by the service that
        confirms it (`confirmed=True`: services.day.confirm_flow_log), never by a bare tick."""
        return self._record(uow, run_id, step_id, value, signer=signer, confirmed=confirmed)[0]

    def _record(
        self, uow: UnitOfWork, run_id: int, step_id: str, value: str = "", *,
        signer: Actor | None = None, confirmed: bool = False,
    ) -> tuple[StepRecord, list[StepRecord]]:
        """record_in: the new record and the run's records before it (in order)."""
        run = self._load(uow, run_id)
        proc = Procedure.from_json(run.procedure_json)
        step = proc.step(step_id)
        if step is None:
            raise NotFound("error.checklist.no_step", step=step_id)
        if run.status != OPEN:
            raise Conflict("error.checklist.not_open")
        if not confirmed and not uow.roles & set(proc.doers(step)):
            raise PermissionDenied("error.checklist.step_role")
        if step.confirms is not None and not confirmed:
            raise Conflict(CONFIRMS[step.confirms])
        records = self.records_in(uow, run_id)
        values = {r.step_id: r.value for r in records}
        stored = self._parse(proc, step, value, values)
        signed_off_by = None
        if step.kind == "signoff":
            signed_off_by = self._check_signer(uow, run, step, records, signer,
                                               by_system=confirmed)
        elif signer is not None:
            raise Conflict("error.checklist.not_signoff")
        rec = StepRecord(run_id=run_id, step_id=step.id, value=stored, done_by=uow.actor_id,
                         done_at=uow.now, signed_off_by=signed_off_by)
        uow.session.add(rec)
        uow.session.flush()
        values[step.id] = stored
        if step.handoff is not None and not any(
            r.handoff_id is not None for r in records if r.step_id == step.id
        ) and self._triggers(step, stored):
            rec.handoff_id = self._create_handoff(uow, run, proc, step, values)
            uow.session.add(rec)
        shown = stored if step.kind in ("tick", "number", "amount", "choice") else ""
        uow.audit("checklist.step", "checklist_run", run.id, manual_section=step.basis_code,
                  procedure=proc.id, step=step.id, basis=step.basis, kind=step.kind, value=shown,
                  chars=len(stored) if step.kind == "text" else None,
                  signed_off_by=signed_off_by, handoff_id=rec.handoff_id)
        return rec, records

    def sign_off(
        self, actor: Actor, run_id: int, step_id: str, staff_no: str, pin: str,
    ) -> RunView:
        """Record a sign-off step for the second person whose staff number and PIN are given.
        The PIN is checked first (failures count towards their lockout), then `record`."""
        other = self._auth.second_person(actor, staff_no, pin, "checklist.signoff")
        return self.record(actor, run_id, step_id, signer=other)

    def _parse(self, proc: Procedure, step: Step, text: str, values: dict[str, str]) -> str:
        field = _field(step)
        if step.kind in ("tick", "signoff"):
            return "1" if step.kind == "tick" else ""
        if step.kind == "amount":
            return str(parse_yuan(text, field, allow_zero=True))
        if step.kind == "text":
            return parse_text(text, field, max_len=2000, required=True)
        if step.kind == "choice":
            choice = (text or "").strip()
            if step.choice(choice) is None:
                raise FieldError(field, "error.field.choice",
                                 accepted=", ".join(c.id for c in step.choices))
            return choice
        number = parse_number(text, field, minimum=step.min, maximum=step.max)
        if step.max_from is not None and values.get(step.max_from, "").lstrip("-").isdigit():
            limit = int(values[step.max_from])
            if number > limit:
                ref = next(i for i, s in enumerate(proc.steps, 1) if s.id == step.max_from)
                raise FieldError(field, "error.checklist.number_max_from", max=limit,
                                 position=ref)
        return str(number)

    def _check_signer(
        self, uow: UnitOfWork, run: ChecklistRun, step: Step, records: list[StepRecord],
        signer: Actor | None, *, by_system: bool = False,
    ) -> int:
        if signer is None:
            raise FieldError("checklist.field.signer", "error.checklist.signer_required")
        staff = uow.session.get(Staff, signer.staff_id)
        if staff is None or not staff.active:
            raise PermissionDenied("error.checklist.signer_inactive")
        if not permissions.allowed(staff.role_set, "checklist.signoff"):
            raise PermissionDenied("error.permission.second_person", action="checklist.signoff")
        if step.signer_role and not staff.role_set & set(step.signer_role):
            raise PermissionDenied("error.checklist.signer_role")
        # a step the system records for the signer's own action (the supervisor's balance
        # sign-off) has the signer as the actor: they had no other hand in the run
        actor = None if by_system and uow.actor_id == staff.id else uow.actor_id
        if staff.id in _involved(run, step, records, actor):
            raise PermissionDenied("error.four_eyes.same_person")
        assert staff.id is not None
        return staff.id

    # --- hand-offs -----------------------------------------------------------------------------
    @staticmethod
    def _triggers(step: Step, stored: str) -> bool:
        spec = step.handoff
        assert spec is not None
        if step.kind == "choice" and spec.when:
            return stored in spec.when
        return step.kind != "text" or bool(stored)

    def _create_handoff(
        self, uow: UnitOfWork, run: ChecklistRun, proc: Procedure, step: Step,
        values: dict[str, str],
    ) -> int:
        spec = step.handoff
        assert spec is not None
        to_staff_id: int | None = None
        if spec.to_client_cm and run.client_id is not None:
            cm_id = uow.session.exec(
                select(CMAssignment.cm_id).where(CMAssignment.client_id == run.client_id,
                                                 col(CMAssignment.end_at).is_(None))
            ).first()
            cm = uow.session.get(Staff, cm_id) if cm_id is not None else None
            if cm is not None and cm.active and cm.id != uow.actor_id:
                to_staff_id = cm.id
        english = uow.settings.ui.language == "en"
        title = proc.title_en if english else proc.title
        text = step.text_en if english else step.text
        note = f"{title}：{text}"
        if spec.note_from and values.get(spec.note_from):
            note = f"{note}\n{values[spec.note_from]}"
        source = spec.source
        if source == "auto":
            doing = uow.roles & set(proc.doers(step))
            source = _auto_source(doing or uow.roles)
        h = self._handoffs.create_in(
            uow, kind=spec.kind, to_staff_id=to_staff_id,
            to_role=None if to_staff_id is not None else spec.to_role,
            client_id=run.client_id, ticket_id=run.ticket_id, note=note[:1000], source=source,
            manual_section=step.basis_code, subject_type="checklist_run", subject_id=run.id,
        )
        assert h.id is not None
        return h.id

    # --- closing a run -------------------------------------------------------------------------
    @requires("checklist.run")
    def complete(self, uow: UnitOfWork, run_id: int) -> RunView:
        """Mark a run done. Refused while a required step is open (the positions are named)."""
        run = self._load(uow, run_id)
        proc = Procedure.from_json(run.procedure_json)
        if run.status != OPEN:
            raise Conflict("error.checklist.not_open")
        runners = set(proc.roles).union(*(proc.doers(s) for s in proc.steps))
        if not uow.roles & runners:
            raise PermissionDenied("error.checklist.not_your_procedure")
        view = self._view(uow, run)
        missing = view.open_required
        if missing:
            raise Conflict("error.checklist.required_open", count=len(missing),
                           steps=", ".join(str(s.position) for s in missing))
        self._finish(uow, run, proc)
        return self._view(uow, run)

    def _finish(self, uow: UnitOfWork, run: ChecklistRun, proc: Procedure) -> None:
        run.status, run.completed_at, run.completed_by = DONE, uow.now, uow.actor_id
        uow.session.add(run)
        assert run.id is not None
        self._handoffs.end_for(uow, "checklist_run", run.id, f"{proc.id} done")
        uow.audit("checklist.complete", "checklist_run", run.id, manual_section=proc.basis_code,
                  procedure=proc.id, version=run.procedure_version[:12])

    @requires("checklist.run")
    def abandon(self, uow: UnitOfWork, run_id: int, reason: str) -> RunView:
        """Give up an open run (started by mistake, visitor left…), with a reason."""
        run = self._load(uow, run_id)
        proc = Procedure.from_json(run.procedure_json)
        if run.status != OPEN:
            raise Conflict("error.checklist.not_open")
        if not uow.roles & set(proc.roles) and run.started_by != uow.actor_id:
            raise PermissionDenied("error.checklist.not_your_procedure")
        run.abandon_reason = parse_text(reason, "field.reason", max_len=500, required=True)
        run.status, run.completed_at, run.completed_by = ABANDONED, uow.now, uow.actor_id
        uow.session.add(run)
        assert run.id is not None
        self._handoffs.end_for(uow, "checklist_run", run.id, f"{proc.id} abandoned")
        uow.audit("checklist.abandon", "checklist_run", run.id, manual_section=proc.basis_code,
                  procedure=proc.id, reason=run.abandon_reason)
        return self._view(uow, run)

    @requires("checklist.run")
    def attach(
        self, uow: UnitOfWork, run_id: int, *, client_id: int | None = None,
        ticket_id: int | None = None,
    ) -> RunView:
        """Attach the client or ticket to an open run once known (a visitor identified, a
        ticket issued). A link already set is not replaced."""
        run = self._load(uow, run_id)
        proc = Procedure.from_json(run.procedure_json)
        if run.status != OPEN:
            raise Conflict("error.checklist.not_open")
        if client_id is not None and run.client_id not in (None, client_id):
            raise Conflict("error.checklist.already_linked")
        if ticket_id is not None and run.ticket_id not in (None, ticket_id):
            raise Conflict("error.checklist.already_linked")
        if client_id is not None:
            if uow.session.get(Client, client_id) is None:
                raise NotFound("error.client.not_found", id=client_id)
            run.client_id = client_id
        if ticket_id is not None:
            if uow.session.get(Ticket, ticket_id) is None:
                raise NotFound("error.checklist.no_ticket", id=ticket_id)
            run.ticket_id = ticket_id
        uow.session.add(run)
        uow.audit("checklist.attach", "checklist_run", run.id, manual_section=proc.basis_code,
                  client_id=client_id, ticket_id=ticket_id)
        return self._view(uow, run)

    # --- scheduled procedures --------------------------------------------------------------------
    @requires("checklist.run", write=False)
    def today(self, uow: UnitOfWork) -> list[TodayItem]:
        """My scheduled procedures for today: those of my roles; day-wide ones shared with
        colleagues, staff and teller ones my own. Ordered by due time."""
        procs = [p for p in self.catalog(uow) if p.scheduled and uow.roles & set(p.roles)]
        assert uow.actor_id is not None
        wanted = [(p, uow.actor_id if p.subject in ("staff", "teller") else None) for p in procs]
        return self._scheduled(uow, wanted, uow.today)

    @requires("report.eod", write=False)
    def day_overview(self, uow: UnitOfWork, business_date: date | None = None) -> list[TodayItem]:
        """Every scheduled procedure of a business date (for the head's dashboard and end of
        day): day-wide ones once, staff and teller ones once per staff member expected (active,
        holding a role that runs it, and present when attendance was recorded that day).
        Monthly ones from their due day on. Past days: anything not done is overdue."""
        day = business_date or uow.today
        staff = uow.session.exec(select(Staff).where(col(Staff.active).is_(True))).all()
        staff = roster.expected(uow.session, day, staff)
        wanted: list[tuple[Procedure, int | None]] = []
        for proc in self.catalog(uow):
            if not proc.scheduled:
                continue
            if proc.schedule == "monthly" and proc.due_day is not None and day.day < proc.due_day:
                continue
            if proc.subject in ("staff", "teller"):
                wanted += [(proc, s.id) for s in staff if s.role_set & set(proc.roles)]
            else:
                wanted.append((proc, None))
        return self._scheduled(uow, wanted, day)

    def _scheduled(
        self, uow: UnitOfWork, wanted: list[tuple[Procedure, int | None]], day: date,
    ) -> list[TodayItem]:
        if not wanted:
            return []
        ids = {p.id for p, _ in wanted}
        first = min(period(p, day)[0] for p, _ in wanted)
        runs = uow.session.exec(
            select(ChecklistRun).where(
                col(ChecklistRun.procedure_id).in_(ids),
                col(ChecklistRun.business_date).between(first, day),
                col(ChecklistRun.status).in_((OPEN, DONE)),
            ).order_by(col(ChecklistRun.id))
        ).all()
        names = self._names(uow, {s for _, s in wanted if s is not None})
        end_of_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), uow.ctx.tz)
        now = min(uow.now, end_of_day)
        items = []
        for proc, subject in wanted:
            start, last = period(proc, day)
            mine = [r for r in runs if r.procedure_id == proc.id and start <= r.business_date <= last
                    and (subject is None or r.subject_staff_id == subject)]
            done = [r for r in mine if r.status == DONE]
            run = (done or mine or [None])[-1]
            due = due_at(proc, day, uow.ctx.tz)
            assert due is not None
            required_done = required_total = 0
            if run is not None:
                view = self._view(uow, run)
                required_done, required_total = view.required_done, view.required_total
            else:
                required_total = sum(1 for s in proc.steps if effective_required(s, {}))
            if run is not None and run.status == DONE:
                status = DONE
            elif now > due:
                status = OVERDUE
            else:
                status = IN_PROGRESS if run is not None else NOT_STARTED
            items.append(TodayItem(
                procedure=proc, status=status, due_at=due, run_id=run.id if run else None,
                required_done=required_done, required_total=required_total,
                subject_staff_id=subject, subject_name=names.get(subject, "") if subject else "",
            ))
        items.sort(key=lambda i: (i.due_at, i.procedure.id, i.subject_name))
        return items
