"""Written notices (书面通知): queued from templates into the outbox, sent by the configured
sender, retried until sent, never lost.

    view = services.notices.cm_change_letter(actor, client_id, channel="sms")
    view = services.notices.appointment_confirmation(actor, client_id, purpose="大额取现 20万元",
               time="2026-12-01 10:00", staff="吴昊", reference="AP-20261201-0007")
    report = flush_outbox(services, actor)          # what `wealthtui notices send` and the app do

- A notice is rendered when it is queued (data/notices/<template>.toml, the client's language is
  the center's: `ui.language`), with the client's MASKED contact as recipient; its text is plain
  data (templates.plain). Each queuing is one audit event.
- The CM change letter records the CM-change checklist's "written notice" step of that client in
  the same transaction (the step cannot be ticked by hand: `by_notice` in cm_change.toml), and the
  notice names the run and step it satisfies.
- Sending: `claim_due` takes the notices due (pending, or failed and due for a retry) and leases
  them for a while so that two senders do not send one notice twice; the sender runs outside any
  transaction; `record_attempt` writes the outcome (sent, or failed with the reason and the next
  attempt after `retry_seconds`, doubled each time up to `retry_max_seconds`). After
  `max_attempts` a failed notice waits for the head (`retry`), shown by `outbox(status="failed")`.
- Print notices (channel "print") are not sent by the sender: the desk prints the PDF
  (`document`) or the receipt text (`receipt`) and marks it handed over (`mark_printed`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.model import ChecklistRun, Client, CMAssignment, Complaint, Notice, Staff
from wealthtui.model.status import ChecklistStatus, NoticeStatus
from wealthtui.notices.senders import Outgoing, Sender, SendError, make_sender
from wealthtui.notices.templates import (
    NoticeTemplate,
    Rendered,
    TemplateError,
    load_dir,
    receipt_text,
)
from wealthtui.rules import step_facts
from wealthtui.rules.clock import business_date
from wealthtui.rules.fields import FieldError
from wealthtui.services import masking
from wealthtui.services.base import Actor, Context, Service, UnitOfWork, requires
from wealthtui.services.checklists import ChecklistService
from wealthtui.services.errors import Conflict, NotFound

if TYPE_CHECKING:
    from wealthtui.services import Services

CHANNELS = ("sms", "email", "webhook", "print")
PENDING, SENT, FAILED = NoticeStatus.PENDING, NoticeStatus.SENT, NoticeStatus.FAILED
CM_CHANGE_PROCEDURE, CM_CHANGE_STEP = "cm_change", "written_notice"
SECTION = service_section("notices.SECTION")
#: how long a claimed notice is kept from other senders (a sender that died lets it go after)
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class NoticeView:
    id: int
    template: str
    channel: str
    language: str
    client_id: int | None
    client_name: str
    recipient: str  # masked
    title: str
    body: str
    status: str  # pending | sent | failed
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    created_at: datetime
    created_by: str
    sent_at: datetime | None
    sent_via: str
    run_id: int | None
    step_id: str
    record_kind: str
    record_ref: str

    @property
    def given_up(self) -> bool:
        """Failed `max_attempts` times: waits for the head to retry it."""
        return self.status == FAILED and self.next_attempt_at is None


@dataclass(frozen=True)
class FlushReport:
    sent: tuple[int, ...]
    failed: tuple[tuple[int, str], ...]  # notice id, reason


def date_text(day: date, language: str) -> str:
    return f"{day.day} {day:%B} {day.year}" if language == "en" else \
        f"{day.year}年{day.month}月{day.day}日"


class NoticeService(Service):
    def __init__(self, ctx: Context, *, checklists: ChecklistService) -> None:
        super().__init__(ctx)
        self._checklists = checklists
        self._lock = threading.Lock()
        self._cache: tuple[Path | None, dict[str, NoticeTemplate]] | None = None

    # --- templates ------------------------------------------------------------------------------
    def _templates(self) -> dict[str, NoticeTemplate]:
        configured = self.settings.notices.dir
        folder = Path(configured).expanduser() if configured else None
        with self._lock:
            if self._cache is None or self._cache[0] != folder:
                try:
                    self._cache = (folder, load_dir(folder))
                except TemplateError as exc:
                    raise Conflict("error.notice.template_file", detail=str(exc)) from exc
            return self._cache[1]

    def _template(self, template_id: str) -> NoticeTemplate:
        tpl = self._templates().get(template_id)
        if tpl is None:
            raise NotFound("error.notice.no_template", id=template_id)
        return tpl

    def _language(self) -> str:
        return self.settings.ui.language

    def _builtins(self, uow: UnitOfWork, language: str) -> dict[str, str]:
        center = self.settings.center
        return {"center": center.name_en if language == "en" else center.name,
                "center_phone": self.settings.notices.center_phone,
                "today": date_text(uow.today, language)}

    # --- queuing --------------------------------------------------------------------------------
    def queue_in(
        self, uow: UnitOfWork, template_id: str, values: dict[str, object], *,
        client_id: int | None = None, channel: str = "sms", run_id: int | None = None,
        step_id: str = "", record_kind: str = "", record_ref: str = "", phone: str = "",
    ) -> Notice:
        """Render and queue a notice inside the caller's unit of work (the caller has checked
        its own action). The recipient is the client's mobile (or `phone`, for a person the
        bank does not hold), masked."""
        if channel not in CHANNELS:
            raise FieldError("notice.field.channel", "error.notice.channel")
        tpl = self._template(template_id)
        language = self._language()
        client = uow.session.get(Client, client_id) if client_id is not None else None
        if client_id is not None and client is None:
            raise NotFound("error.client.not_found", id=client_id)
        contact = client.phone if client else phone
        recipient = masking.phone(self.settings, contact) if contact.strip() else ""
        if channel != "print" and not recipient:
            raise FieldError("notice.field.channel", "error.notice.no_contact")
        try:
            rendered: Rendered = tpl.render({**values, **self._builtins(uow, language)}, language)
        except TemplateError as exc:
            raise Conflict("error.notice.template_file", detail=str(exc)) from exc
        assert uow.actor_id is not None
        notice = Notice(
            template=tpl.id, channel=channel, language=rendered.language, client_id=client_id,
            recipient=recipient, title=rendered.title[:200], body=rendered.body[:8000],
            status=PENDING, created_at=uow.now, created_by=uow.actor_id,
            next_attempt_at=None if channel == "print" else uow.now, run_id=run_id,
            step_id=step_id, record_kind=record_kind, record_ref=str(record_ref)[:40],
        )
        uow.session.add(notice)
        uow.session.flush()
        uow.audit("notice.queue", "notice", notice.id, manual_section=tpl.manual,
                  template=tpl.id, channel=channel, client_id=client_id, recipient=recipient,
                  run_id=run_id, step_id=step_id, record_kind=record_kind,
                  record_ref=notice.record_ref)
        return notice

    @requires("notice.queue")
    def queue(
        self, uow: UnitOfWork, template_id: str, values: dict[str, object], *,
        client_id: int | None = None, channel: str = "sms", record_kind: str = "",
        record_ref: str = "",
    ) -> NoticeView:
        """Queue a notice of any template with its fields' values."""
        notice = self.queue_in(uow, template_id, values, client_id=client_id, channel=channel,
                               record_kind=record_kind, record_ref=record_ref)
        return self._view(uow, notice)

    @requires("notice.queue")
    def appointment_confirmation(
        self, uow: UnitOfWork, client_id: int, *, purpose: str, time: str, staff: str,
        reference: str, channel: str = "sms", appointment_id: int | None = None,
    ) -> NoticeView:
        """The confirmation of an appointment: `purpose`, `time` and `staff` as they should read
        (already in the center's language), `reference` the appointment's reference and the
        payload of its QR code. Recorded against the appointment (`record_kind` "appointment")."""
        notice = self.queue_in(
            uow, "appointment_confirmation",
            {"client": self._client(uow, client_id).name, "purpose": purpose, "time": time,
             "staff": staff, "reference": reference},
            client_id=client_id, channel=channel, record_kind="appointment",
            record_ref=str(appointment_id if appointment_id is not None else reference))
        return self._view(uow, notice)

    @requires("client.cm_change.step")
    def cm_change_letter(
        self, uow: UnitOfWork, client_id: int, *, channel: str = "sms",
        successor_contact: str = "",
    ) -> NoticeView:
        """The CM change letter to a client whose CM-change checklist is open: the successor's
        name and contact (the center's telephone unless given) and the date of the change. Records
        the checklist's written-notice step in the same transaction."""
        client = self._client(uow, client_id)
        run = uow.session.exec(
            select(ChecklistRun).where(ChecklistRun.procedure_id == CM_CHANGE_PROCEDURE,
                                       ChecklistRun.client_id == client_id,
                                       ChecklistRun.status == ChecklistStatus.OPEN)
            .order_by(col(ChecklistRun.id).desc())
        ).first()
        if run is None or run.id is None:
            raise Conflict("error.notice.no_cm_change")
        assignment = uow.session.exec(
            select(CMAssignment).where(CMAssignment.client_id == client_id,
                                       col(CMAssignment.end_at).is_(None))
        ).first()
        successor = uow.session.get(Staff, assignment.cm_id) if assignment else None
        if assignment is None or successor is None:
            raise Conflict("error.notice.no_cm_change")
        language = self._language()
        since = business_date(assignment.start_at, self.ctx.tz)
        contact = successor_contact.strip()[:40] or self.settings.notices.center_phone
        notice = self.queue_in(
            uow, "cm_change",
            {"client": client.name, "successor": successor.name, "successor_contact": contact,
             "date": date_text(since, language)},
            client_id=client_id, channel=channel, run_id=run.id, step_id=CM_CHANGE_STEP,
            record_kind="cm_assignment", record_ref=str(assignment.id))
        assert notice.id is not None
        self._checklists.record_in(uow, run.id, CM_CHANGE_STEP, step_facts.record(
            step_facts.NOTICE, notice.id, uow.today, channel))  # worded when shown
        return self._view(uow, notice)

    @requires("notice.queue")
    def complaint_notice(
        self, uow: UnitOfWork, complaint_id: int, kind: str = "ack", *, channel: str = "sms",
    ) -> NoticeView:
        """The acknowledgement (`kind` "ack") or the reply ("reply", once replied) of a
        complaint, to the client or the complainant the bank does not hold."""
        complaint = uow.session.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFound("error.notice.no_complaint", id=complaint_id)
        language = self._language()
        client = uow.session.get(Client, complaint.client_id) if complaint.client_id else None
        name = client.name if client else complaint.complainant_name
        values: dict[str, object] = {"client": name, "ref_no": complaint.ref_no}
        if kind == "ack":
            template = "complaint_ack"
            values |= {"received": date_text(complaint.business_date, language),
                       "due_date": date_text(complaint.due_date, language)}
        elif kind == "reply":
            if not complaint.reply_content.strip():
                raise Conflict("error.notice.no_reply")
            template = "complaint_reply"
            values["reply"] = complaint.reply_content
        else:
            raise FieldError("notice.field.kind", "error.notice.kind")
        notice = self.queue_in(uow, template, values, client_id=client.id if client else None,
                               channel=channel, record_kind="complaint",
                               record_ref=complaint.ref_no,
                               phone="" if client else complaint.complainant_phone)
        return self._view(uow, notice)

    # --- reading --------------------------------------------------------------------------------
    @requires("notice.view", write=False)
    def outbox(
        self, uow: UnitOfWork, *, status: str | None = None, client_id: int | None = None,
        limit: int = 100,
    ) -> list[NoticeView]:
        """Notices, newest first; `status="failed"` is what the head must see."""
        query = select(Notice)
        if status is not None:
            query = query.where(Notice.status == status)
        if client_id is not None:
            query = query.where(Notice.client_id == client_id)
        rows = uow.session.exec(query.order_by(col(Notice.id).desc()).limit(limit)).all()
        return [self._view(uow, n) for n in rows]

    @requires("notice.view", write=False)
    def get(self, uow: UnitOfWork, notice_id: int) -> NoticeView:
        return self._view(uow, self._load(uow, notice_id))

    @requires("notice.view", write=False)
    def document(self, uow: UnitOfWork, notice_id: int) -> bytes:
        """The notice as an A4 PDF; an appointment's confirmation carries the QR code of its
        reference (rules.scans), which the lobby's scanner checks the client in with."""
        from wealthtui.notices.pdf import to_pdf

        n = self._load(uow, notice_id)
        qr = ""
        if n.record_kind == "appointment" and n.record_ref.isdigit():
            from wealthtui.rules.scans import reference  # issue 18: the lobby scans it back

            qr = reference(int(n.record_ref))
        return to_pdf(Rendered(n.template, n.language, n.title, n.body),
                      author=self.settings.center.name, qr=qr)

    @requires("notice.view", write=False)
    def receipt(self, uow: UnitOfWork, notice_id: int) -> str:
        """The notice as text for the receipt printer (`printer.width` cells a line)."""
        n = self._load(uow, notice_id)
        return receipt_text(Rendered(n.template, n.language, n.title, n.body),
                            self.settings.printer.width)

    # --- sending --------------------------------------------------------------------------------
    @requires("notice.send")
    def claim_due(self, uow: UnitOfWork, limit: int = 20) -> list[Outgoing]:
        """The notices due now (oldest first), leased to this sender for a while."""
        rows = uow.session.exec(
            select(Notice).where(col(Notice.status).in_((PENDING, FAILED)),
                                 Notice.channel != "print",
                                 col(Notice.next_attempt_at).is_not(None),
                                 col(Notice.next_attempt_at) <= uow.now)
            .order_by(col(Notice.next_attempt_at), col(Notice.id)).limit(limit)
        ).all()
        for n in rows:
            n.next_attempt_at = uow.now + LEASE
            uow.session.add(n)
        if rows:
            uow.audit("notice.claim", "notice", rows[0].id, ids=[n.id for n in rows])
        return [Outgoing(n.id or 0, n.channel, n.recipient, n.title, n.body) for n in rows]

    @requires("notice.send")
    def record_attempt(self, uow: UnitOfWork, notice_id: int, sender: str,
                       error: str = "") -> NoticeView:
        """The outcome of one attempt: sent, or failed with its reason (retried later)."""
        n = self._load(uow, notice_id)
        if n.status == SENT:
            raise Conflict("error.notice.already_sent")
        cfg = self.settings.notices
        n.attempts += 1
        if not error:
            n.status, n.sent_at, n.sent_via, n.last_error = SENT, uow.now, sender, ""
            n.next_attempt_at = None
        else:
            n.status, n.last_error = FAILED, " ".join(error.split())[:500]
            delay = min(cfg.retry_seconds * 2 ** (n.attempts - 1), cfg.retry_max_seconds)
            n.next_attempt_at = (uow.now + timedelta(seconds=delay)
                                 if n.attempts < cfg.max_attempts else None)
        uow.session.add(n)
        uow.audit("notice.sent" if not error else "notice.failed", "notice", n.id,
                  sender=sender, attempts=n.attempts, error=n.last_error,
                  next_attempt_at=n.next_attempt_at)
        return self._view(uow, n)

    @requires("notice.send")
    def retry(self, uow: UnitOfWork, notice_id: int) -> NoticeView:
        """Send a failed notice again at the next flush (also one given up on)."""
        n = self._load(uow, notice_id)
        if n.status != FAILED:
            raise Conflict("error.notice.not_failed")
        n.next_attempt_at = uow.now
        uow.session.add(n)
        uow.audit("notice.retry", "notice", n.id, attempts=n.attempts)
        return self._view(uow, n)

    @requires("notice.queue")
    def mark_printed(self, uow: UnitOfWork, notice_id: int) -> NoticeView:
        """A print notice was printed and handed to the client (or posted)."""
        n = self._load(uow, notice_id)
        if n.channel != "print":
            raise Conflict("error.notice.not_print")
        if n.status == SENT:
            raise Conflict("error.notice.already_sent")
        n.status, n.sent_at, n.sent_via, n.attempts = SENT, uow.now, "print", n.attempts + 1
        uow.session.add(n)
        uow.audit("notice.printed", "notice", n.id)
        return self._view(uow, n)

    # --- helpers --------------------------------------------------------------------------------
    def _client(self, uow: UnitOfWork, client_id: int) -> Client:
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFound("error.client.not_found", id=client_id)
        return client

    def _load(self, uow: UnitOfWork, notice_id: int) -> Notice:
        n = uow.session.get(Notice, notice_id)
        if n is None:
            raise NotFound("error.notice.not_found", id=notice_id)
        return n

    def _view(self, uow: UnitOfWork, n: Notice) -> NoticeView:
        creator = uow.session.get(Staff, n.created_by)
        client = uow.session.get(Client, n.client_id) if n.client_id is not None else None
        assert n.id is not None
        return NoticeView(
            n.id, n.template, n.channel, n.language, n.client_id, client.name if client else "",
            n.recipient, n.title, n.body, n.status, n.attempts, n.last_error, n.next_attempt_at,
            n.created_at, creator.name if creator else "", n.sent_at, n.sent_via, n.run_id,
            n.step_id, n.record_kind, n.record_ref)


def flush_outbox(services: Services, actor: Actor, sender: Sender | None = None,
                 limit: int = 20) -> FlushReport:
    """Send the notices due now with `sender` (default: the configured one), each attempt
    recorded in its own transaction; the network is never used inside a transaction."""
    sender = sender or make_sender(services.settings.notices)
    sent: list[int] = []
    failed: list[tuple[int, str]] = []
    for out in services.notices.claim_due(actor, limit):
        try:
            sender.send(out)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded on the notice, kept
            reason = (str(exc) if isinstance(exc, SendError)
                      else f"{type(exc).__name__}: {exc}")[:500] or type(exc).__name__
            services.notices.record_attempt(actor, out.id, sender.name, reason)
            failed.append((out.id, reason))
            continue
        services.notices.record_attempt(actor, out.id, sender.name)
        sent.append(out.id)
    return FlushReport(tuple(sent), tuple(failed))
