"""The anti-fraud questions at the counter (反诈提醒, issue 17).

Before a transfer or withdrawal from the amount `[[antifraud.rules]]` gives its business type, or a
transfer to a payee the client has not paid before, the teller asks the client the questions of
data/compliance/antifraud.toml (or `[antifraud] questions_file`) and records each answer (yes / no
/ unclear). The rule lives here, not in the screen:

- `CounterService.record` calls `check_in` inside its transaction once the business has passed its
  other checks. A business that must be asked about and comes without answers is refused with
  `QuestionsNeeded` (a FieldError naming why, carrying the questions); incomplete answers are
  refused naming the first question unanswered.
- Answers with nothing suspicious are kept as an `AntifraudCheck` row linked to the service record
  (and audited, `antifraud.answers`).
- A suspicious answer (as the data file marks it) raises `AntifraudStopped`: the business is not
  recorded (its transaction rolls back) and `records_stops`, wrapped around the service method,
  writes the answers (`stopped`), a hand-off to the supervisors carrying the answers, and the
  audit event `antifraud.stop` in a transaction of its own.

A payee is "known" when the client's earlier business to it was asked about and went on (a live
service record): our own records are the payee history.

Regulatory practice, not our manual's text: 银发〔2016〕261号, 银发〔2019〕85号 and the 2022
Anti-Telecom and Online Fraud Law (see the data file).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.model import AntifraudCheck, ServiceRecord, Ticket
from wealthtui.resources import data_file
from wealthtui.rules import antifraud as rules
from wealthtui.rules import permissions, stop_note
from wealthtui.rules.fields import FieldError
from wealthtui.services import masking
from wealthtui.services.base import Actor, Service, UnitOfWork, requires
from wealthtui.services.context import Context
from wealthtui.services.data_files import ParsedFile
from wealthtui.services.errors import Conflict, NotFound
from wealthtui.services.handoffs import HandoffService
from wealthtui.services.uow import run_in_uow

SECTION = service_section("antifraud.SECTION")  # regulatory practice (module docstring)
#: business still going on (a payee paid by one of these is known)
LIVE = ("done", "pending_auth")

R = TypeVar("R")


class QuestionsNeeded(FieldError):
    """The business must be asked about first. `reasons` (amount, new_payee), `checklist`."""

    def __init__(self, reasons: tuple[str, ...], checklist: rules.Checklist) -> None:
        super().__init__(rules.FIELD, "antifraud.error.needed_" + reasons[0])
        self.reasons = reasons
        self.checklist = checklist


class AntifraudStopped(Conflict):
    """A suspicious answer stopped the business. After `records_stops` wrote it: `check_id`,
    `handoff_id`."""

    def __init__(self, row: AntifraudCheck, verdict: rules.Verdict, ticket_no: str,
                 counter_no: str) -> None:
        super().__init__("antifraud.stopped", ticket=ticket_no)
        self.row = row
        self.verdict = verdict
        self.ticket_no = ticket_no
        self.counter_no = counter_no
        self.check_id: int | None = None
        self.handoff_id: int | None = None


@dataclass(frozen=True)
class CheckView:
    id: int
    at: datetime
    staff_id: int
    ticket_id: int | None
    client_id: int | None
    business_type: str
    amount_fen: int
    payee: str
    reasons: tuple[str, ...]
    answers: dict[str, str]
    suspicious: tuple[str, ...]
    stopped: bool
    service_record_id: int | None
    handoff_id: int | None


def _view(row: AntifraudCheck) -> CheckView:
    assert row.id is not None
    return CheckView(row.id, row.at, row.staff_id, row.ticket_id, row.client_id,
                     row.business_type, row.amount_fen, row.payee,
                     tuple(r for r in row.reasons.split(",") if r), json.loads(row.answers),
                     tuple(q for q in row.suspicious.split(",") if q), row.stopped,
                     row.service_record_id, row.handoff_id)


class AntifraudService(Service):
    def __init__(self, ctx: Context, *, handoffs: HandoffService) -> None:
        super().__init__(ctx)
        self._handoffs = handoffs
        self._file = ParsedFile(rules.Checklist.parse, "antifraud.error.questions_file")

    # --- the questions ----------------------------------------------------------------------
    def _path(self) -> Path:
        configured = self.settings.antifraud.questions_file
        return (Path(configured).expanduser() if configured
                else data_file("compliance", "antifraud.toml"))

    def checklist(self) -> rules.Checklist:
        """The questions as configured now (re-read when the file changes)."""
        return self._file.get(self._path())

    @requires("service.record", write=False)
    def questions(self, uow: UnitOfWork) -> rules.Checklist:
        return self.checklist()

    # --- the check, inside the counter's transaction -----------------------------------------
    def known_payees(self, uow: UnitOfWork, client_id: int | None) -> frozenset[str]:
        """Payees the client paid before in business that was asked about and went on."""
        if client_id is None:
            return frozenset()
        rows = uow.session.exec(
            select(AntifraudCheck.payee)
            .join(ServiceRecord, ServiceRecord.id == AntifraudCheck.service_record_id)
            .where(AntifraudCheck.client_id == client_id, AntifraudCheck.payee != "",
                   AntifraudCheck.stopped == False,  # noqa: E712
                   col(ServiceRecord.outcome).in_(LIVE))).all()
        return frozenset(rows)

    def reasons_in(self, uow: UnitOfWork, *, client_id: int | None, business_type: str,
                   amount_fen: int, payee: str) -> tuple[str, ...]:
        """Why this business must be asked about (empty: it need not)."""
        cfg = self.settings.antifraud
        rule = cfg.rule_for(business_type) if cfg.enabled else None
        if rule is None:
            return ()
        known = self.known_payees(uow, client_id) if rule.new_payee and payee else frozenset()
        return rules.reasons(min_amount_fen=rule.min_amount_fen, new_payee_rule=rule.new_payee,
                             amount_fen=amount_fen, payee=payee, known_payees=known)

    def check_in(self, uow: UnitOfWork, *, ticket: Ticket, business_type: str, amount_fen: int,
                 payee: str, answers: Mapping[str, str] | None) -> AntifraudCheck | None:
        """Inside the counter's transaction, after the business passed its other checks: None
        when it need not be asked about; the kept answers (flushed, to be linked to the record)
        when nothing is suspicious; QuestionsNeeded / FieldError / AntifraudStopped otherwise."""
        reasons = self.reasons_in(uow, client_id=ticket.client_id, business_type=business_type,
                                  amount_fen=amount_fen, payee=payee)
        if not reasons:
            return None
        checklist = self.checklist()
        if not answers:
            raise QuestionsNeeded(reasons, checklist)
        verdict = checklist.judge(answers)
        assert uow.actor_id is not None
        row = AntifraudCheck(
            business_date=uow.today, at=uow.now, staff_id=uow.actor_id, ticket_id=ticket.id,
            client_id=ticket.client_id, business_type=business_type, amount_fen=amount_fen,
            payee=payee, reasons=",".join(reasons), questions_version=checklist.version[:20],
            answers=json.dumps(verdict.answers, sort_keys=True),
            suspicious=",".join(verdict.suspicious)[:500], stopped=verdict.stopped)
        if verdict.stopped:
            raise AntifraudStopped(row, verdict, ticket.display_no, ticket.counter_no or "")
        uow.session.add(row)
        uow.session.flush()
        uow.audit("antifraud.answers", "antifraud_check", row.id, manual_section=SECTION,
                  ticket=ticket.display_no, business_type=business_type, amount_fen=amount_fen,
                  reasons=list(reasons), answers=verdict.answers, version=checklist.version)
        return row


    @requires("service.record", write=False)
    def get(self, uow: UnitOfWork, check_id: int) -> CheckView:
        row = uow.session.get(AntifraudCheck, check_id)
        if row is None:
            raise NotFound("antifraud.error.not_found", id=check_id)
        return _view(row)

    @requires("compliance.view", write=False)
    def stops_today(self, uow: UnitOfWork) -> list[CheckView]:
        """Today's stopped business, newest first."""
        rows = uow.session.exec(
            select(AntifraudCheck).where(AntifraudCheck.business_date == uow.today,
                                         AntifraudCheck.stopped == True)  # noqa: E712
            .order_by(col(AntifraudCheck.id).desc())).all()
        return [_view(r) for r in rows]


def records_stops(fn: Callable[..., R]) -> Callable[..., R]:
    """Wrap a `@requires` counter method: an AntifraudStopped it raises (its transaction rolled
    back) is written by the service's `antifraud` collaborator in a transaction of its own, then
    raised on. Called with a UnitOfWork (inside another service's transaction), the outermost
    wrapped method writes it."""

    @functools.wraps(fn)
    def wrapper(self: Any, actor: Actor | UnitOfWork, /, *args: Any, **kwargs: Any) -> R:
        try:
            return fn(self, actor, *args, **kwargs)
        except AntifraudStopped as exc:
            if not isinstance(actor, UnitOfWork):
                _record_stop(self.antifraud, actor, exc)
            raise

    return wrapper


# --- a stop, in its own transaction (the wrapper above; not a service method anyone can call) --
def _record_stop(service: AntifraudService, actor: Actor, exc: AntifraudStopped) -> None:
    """Write a stopped business's answers, its hand-off to the supervisors and the audit
    event (the business itself was rolled back)."""
    def body(uow: UnitOfWork) -> None:
        src = exc.row
        row = AntifraudCheck(**{k: getattr(src, k) for k in AntifraudCheck.model_fields
                                if k != "id"})
        uow.session.add(row)
        uow.session.flush()
        cfg = service.settings.counter_cfg(exc.counter_no)
        source = ("cash_counter" if cfg is not None and cfg.kind == "cash"
                  else "non_cash_counter")
        h = service._handoffs.create_in(  # this module's service
            uow, kind="escalation", to_role=permissions.SUPERVISOR, client_id=row.client_id,
            ticket_id=row.ticket_id, note=_note(service, row, exc.verdict), source=source,
            manual_section=SECTION)
        row.handoff_id = h.id
        uow.session.add(row)
        uow.audit("antifraud.stop", "antifraud_check", row.id, manual_section=SECTION,
                  ticket=exc.ticket_no, business_type=row.business_type,
                  amount_fen=row.amount_fen, reasons=row.reasons.split(","),
                  answers=exc.verdict.answers, suspicious=list(exc.verdict.suspicious),
                  handoff_id=h.id)
        exc.check_id, exc.handoff_id = row.id, h.id

    run_in_uow(service.ctx, actor.staff_id, True, body)


def _note(service: AntifraudService, row: AntifraudCheck, verdict: rules.Verdict) -> str:
    """The hand-off's note: the business and every answer, the suspicious ones marked, as codes
    (rules.stop_note), worded in the inbox in the reader's language. The payee is masked as a
    card number is: the inbox is read by more than the teller."""
    payee = masking.card(service.settings, row.payee.replace(" ", "")) if row.payee else ""
    answers = tuple(stop_note.Answered(q.id, verdict.answers[q.id], q.id in verdict.suspicious)
                    for q in service.checklist().questions if q.id in verdict.answers)
    return stop_note.record(stop_note.StopNote(row.business_type, row.amount_fen, payee,
                                               answers))

# --- reads ------------------------------------------------------------------------------
