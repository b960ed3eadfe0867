"""Written notices (issue 18): templates rendered as plain data with the masked contact, the CM
change letter ticking its checklist step, the PDF and receipt text, and the outbox sent through
a REAL local SMTP server (aiosmtpd) and a REAL local HTTP server, failures retried, never lost."""

from __future__ import annotations

import io
import json
import socket
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader
from sqlmodel import Session, select

from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from wealthtui.config import NoticesCfg
from wealthtui.model import AuditEvent, Notice
from wealthtui.notices.senders import LogSender, SmtpSender, WebhookSender, make_sender
from wealthtui.rules import step_facts
from wealthtui.services import Services
from wealthtui.services.errors import Conflict
from wealthtui.services.notices import flush_outbox


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a real SMTP server ----------------------------------------------------------------------
class Mailbox:
    """aiosmtpd handler: keeps each message; answers 451 to the first `refuse` messages."""

    def __init__(self, refuse: int = 0) -> None:
        self.messages: list[bytes] = []
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 mailbox busy, try later"
        self.messages.append(envelope.original_content or envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


# --- a real HTTP server (the messaging robot) ---------------------------------------------------
class Robot:
    def __init__(self) -> None:
        self.bodies: list[dict] = []
        #: (status, JSON reply) for the next requests; then 200 {"errcode": 0}
        self.replies: list[tuple[int, dict]] = []


@pytest.fixture
def robot() -> Iterator[tuple[Robot, str]]:
    state = Robot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers["Content-Length"])
            state.bodies.append(json.loads(self.rfile.read(length).decode("utf-8")))
            status, reply = state.replies.pop(0) if state.replies else (
                200, {"errcode": 0, "errmsg": "ok"})
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=test"
    server.shutdown()
    server.server_close()


def cfg(**values: object) -> NoticesCfg:
    return NoticesCfg(**values)  # type: ignore[arg-type]


def cm_changed(desk: Desk, name: str = "钱多多", phone: str = "13912345678") -> int:
    client = desk.client(name, cm=desk.cm1, phone=phone)
    desk.services.assignments.assign(desk.head, client, desk.cm2.staff_id, "李理财调岗")
    return client


def audit_actions(desk: Desk) -> list[str]:
    with Session(desk.engine) as s:
        return [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


# --- queuing and the CM change letter ----------------------------------------------------------
def test_the_cm_change_letter_ticks_the_written_notice_step_and_not_by_hand(desk: Desk) -> None:
    client = cm_changed(desk)
    notices, checklists = desk.services.notices, desk.services.checklists
    (run,) = checklists.open_runs(desk.head, client_id=client)
    with pytest.raises(Conflict) as refused:  # the step is not ticked by hand
        checklists.record(desk.head, run.id, "written_notice", "2026-11-30 挂号信")
    assert refused.value.key == "error.notice.by_hand"
    assert not checklists.get(desk.head, run.id).state("written_notice").done

    view = notices.cm_change_letter(desk.cm2, client, channel="sms",
                                    successor_contact="010-8888 1234")
    assert (view.template, view.channel, view.status, view.client_name) == (
        "cm_change", "sms", "pending", "钱多多")
    assert view.recipient == "139****5678"  # masked, never the full number
    assert "13912345678" not in view.body and "13912345678" not in view.recipient
    assert view.title == "专属客户经理变更通知"
    assert "尊敬的钱多多" in view.body and "周理财" in view.body and "010-8888 1234" in view.body
    assert "2026年11月30日" in view.body  # the date of the change
    assert (view.run_id, view.step_id) == (run.id, "written_notice")
    step = checklists.get(desk.head, run.id).state("written_notice")
    assert step.done and step.done_by_id == desk.cm2.staff_id
    # stored as codes, worded when shown (tests/rules/test_step_facts.py)
    assert step_facts.parse(step.value) == step_facts.Fact(
        step_facts.NOTICE, id=view.id, day=date(2026, 11, 30), channel="sms")
    assert audit_actions(desk)[-2:] == ["notice.queue", "checklist.step"]


def test_no_cm_change_letter_without_a_cm_change_in_progress(desk: Desk) -> None:
    client = desk.client("安静", cm=desk.cm1)
    with pytest.raises(Conflict) as exc:
        desk.services.notices.cm_change_letter(desk.cm1, client)
    assert exc.value.key == "error.notice.no_cm_change"
    assert desk.services.notices.outbox(desk.head) == []


def test_values_are_plain_data_never_markup_or_printer_commands(desk: Desk) -> None:
    name = "[red]钱${x}\x1b[31m"
    client = desk.client(name, cm=desk.cm1)
    view = desk.services.notices.appointment_confirmation(
        desk.cm1, client, purpose="[bold]大额取现 20万元[/]", time="2026-12-01 10:00",
        staff="吴昊", reference="AP-20261201-0007", appointment_id=7)
    assert "尊敬的[red]钱${x}[31m：" in view.body  # literal; the ESC byte is gone
    assert "\x1b" not in view.body
    assert "[bold]大额取现 20万元[/]" in view.body and "AP-20261201-0007" in view.body
    assert (view.record_kind, view.record_ref) == ("appointment", "7")


def test_a_client_without_a_mobile_gets_a_printed_notice_only(desk: Desk) -> None:
    client = cm_changed(desk, phone="")
    with pytest.raises(Exception) as exc:
        desk.services.notices.cm_change_letter(desk.cm2, client, channel="sms")
    assert getattr(exc.value, "key", "") == "error.notice.no_contact"
    view = desk.services.notices.cm_change_letter(desk.cm2, client, channel="print")
    assert (view.channel, view.recipient, view.next_attempt_at) == ("print", "", None)
    assert flush_outbox(desk.services, desk.head, LogSender()).sent == ()  # not for the sender
    done = desk.services.notices.mark_printed(desk.cm2, view.id)
    assert (done.status, done.sent_via) == ("sent", "print")
    with pytest.raises(Conflict):
        desk.services.notices.mark_printed(desk.cm2, view.id)


def test_the_notice_as_a_pdf_and_as_receipt_text(desk: Desk) -> None:
    client = cm_changed(desk)
    view = desk.services.notices.cm_change_letter(desk.cm2, client, channel="print")
    pdf = desk.services.notices.document(desk.head, view.id)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1 and reader.metadata.title == "专属客户经理变更通知"
    text = reader.pages[0].extract_text()
    assert "专属客户经理变更通知" in text and "尊敬的钱多多" in text and "周理财" in text
    receipt = desk.services.notices.receipt(desk.head, view.id)
    lines = receipt.splitlines()
    assert lines[0].strip() == "专属客户经理变更通知" and lines[1] == "-" * 32
    from wealthtui.notices.templates import cells

    assert all(cells(line) <= 32 for line in lines)
    assert "周理财" in receipt.replace("\n", "")


# --- sending -----------------------------------------------------------------------------------
def test_the_smtp_sender_delivers_to_a_real_smtp_server(desk: Desk, smtp_server) -> None:
    box, port = smtp_server
    client = cm_changed(desk)
    view = desk.services.notices.cm_change_letter(desk.cm2, client, channel="email")
    sender = SmtpSender(cfg(sender="smtp", smtp_host="127.0.0.1", smtp_port=port,
                            smtp_from="notices@center.example", smtp_to="sms-gw@bank.example"))
    report = flush_outbox(desk.services, desk.lobby, sender)
    assert report.sent == (view.id,) and report.failed == ()
    (raw,) = box.messages
    msg = message_from_bytes(raw)
    assert str(make_header(decode_header(msg["Subject"]))) == "专属客户经理变更通知 [139****5678]"
    assert (msg["To"], msg["X-Wealthtui-Recipient"]) == ("sms-gw@bank.example", "139****5678")
    body = msg.get_payload(decode=True).decode(msg.get_content_charset())
    assert "尊敬的钱多多" in body and "周理财" in body and "13912345678" not in raw.decode(
        "utf-8", "replace")
    sent = desk.services.notices.get(desk.head, view.id)
    assert (sent.status, sent.attempts, sent.sent_via, sent.last_error) == ("sent", 1, "smtp", "")
    assert "notice.sent" in audit_actions(desk)
    assert flush_outbox(desk.services, desk.lobby, sender).sent == ()  # sent once only


def test_a_refusing_smtp_server_fails_the_notice_and_it_is_retried_later(
        desk: Desk, smtp_server) -> None:
    box, port = smtp_server
    box.refuse = 1
    client = cm_changed(desk)
    view = desk.services.notices.cm_change_letter(desk.cm2, client, channel="email")
    sender = SmtpSender(cfg(sender="smtp", smtp_host="127.0.0.1", smtp_port=port,
                            smtp_from="a@b.example", smtp_to="c@d.example"))
    report = flush_outbox(desk.services, desk.head, sender)
    assert report.sent == () and report.failed[0][0] == view.id
    failed = desk.services.notices.get(desk.head, view.id)
    assert failed.status == "failed" and failed.attempts == 1
    assert failed.last_error.startswith("SMTP 451")
    assert failed.next_attempt_at == desk.services.ctx.now() + timedelta(seconds=60)
    assert [n.id for n in desk.services.notices.outbox(desk.head, status="failed")] == [view.id]
    assert flush_outbox(desk.services, desk.head, sender).failed == ()  # not due yet
    desk.services.ctx.clock.advance(seconds=61)  # type: ignore[attr-defined]
    assert flush_outbox(desk.services, desk.head, sender).sent == (view.id,)
    assert len(box.messages) == 1
    done = desk.services.notices.get(desk.head, view.id)
    assert (done.status, done.attempts, done.last_error) == ("sent", 2, "")


def test_the_webhook_sender_posts_the_robot_message_and_retries_failures(
        desk: Desk, robot) -> None:
    state, url = robot
    state.replies = [(500, {"error": "down"}), (200, {"errcode": 93000, "errmsg": "invalid key"})]
    client = cm_changed(desk)
    view = desk.services.notices.cm_change_letter(desk.cm2, client, channel="webhook")
    sender = WebhookSender(cfg(sender="webhook", webhook_url=url))
    assert flush_outbox(desk.services, desk.cm2, sender).failed[0][1] == "HTTP 500 Internal Server Error"
    first = desk.services.notices.get(desk.head, view.id)
    assert (first.status, first.attempts) == ("failed", 1)
    desk.services.ctx.clock.advance(seconds=61)  # type: ignore[attr-defined]
    report = flush_outbox(desk.services, desk.cm2, sender)
    assert report.failed == ((view.id, "webhook errcode 93000: invalid key"),)
    second = desk.services.notices.get(desk.head, view.id)
    assert second.next_attempt_at == desk.services.ctx.now() + timedelta(seconds=120)  # doubled
    desk.services.ctx.clock.advance(seconds=121)  # type: ignore[attr-defined]
    assert flush_outbox(desk.services, desk.cm2, sender).sent == (view.id,)
    assert len(state.bodies) == 3
    body = state.bodies[-1]
    assert body["msgtype"] == "text" and set(body) == {"msgtype", "text"}
    content = body["text"]["content"]
    assert content.startswith("专属客户经理变更通知\n尊敬的钱多多") and "[139****5678]" in content
    assert "13912345678" not in content
    assert desk.services.notices.get(desk.head, view.id).status == "sent"


def test_after_max_attempts_a_notice_waits_for_the_head_and_is_never_lost(
        engine, settings, clock, desk: Desk) -> None:
    few = settings.model_copy(update={"notices": settings.notices.model_copy(
        update={"max_attempts": 2, "retry_seconds": 10})})
    services = Services(engine, few, clock)
    client = cm_changed(desk)
    view = services.notices.cm_change_letter(desk.cm2, client, channel="sms")
    dead = SmtpSender(cfg(sender="smtp", smtp_host="127.0.0.1", smtp_port=free_port(),
                          smtp_from="a@b.example", smtp_to="c@d.example", timeout_seconds=2))
    assert flush_outbox(services, desk.head, dead).failed[0][1].startswith(
        "SMTP 127.0.0.1:")  # connection refused: a sentence, not a traceback
    clock.advance(seconds=11)
    flush_outbox(services, desk.head, dead)
    given_up = services.notices.get(desk.head, view.id)
    assert (given_up.status, given_up.attempts, given_up.given_up) == ("failed", 2, True)
    clock.advance(days=1)
    assert flush_outbox(services, desk.head, dead).failed == ()  # no more automatic attempts
    assert [n.id for n in services.notices.outbox(desk.head, status="failed")] == [view.id]
    with pytest.raises(Conflict):
        services.notices.mark_printed(desk.head, view.id)  # not a print notice
    services.notices.retry(desk.head, view.id)
    assert flush_outbox(services, desk.head, LogSender()).sent == (view.id,)
    with Session(engine) as s:
        row = s.get(Notice, view.id)
        assert row is not None and (row.status, row.attempts, row.sent_via) == ("sent", 3, "log")


def test_the_configured_sender_is_chosen_by_settings() -> None:
    assert isinstance(make_sender(cfg()), LogSender)
    assert isinstance(make_sender(cfg(sender="smtp", smtp_host="h", smtp_from="a@b",
                                      smtp_to="c@d")), SmtpSender)
    assert isinstance(make_sender(cfg(sender="webhook", webhook_url="https://x/y")),
                      WebhookSender)
    with pytest.raises(ValueError):
        cfg(sender="webhook", webhook_url="ftp://x")
    with pytest.raises(ValueError):
        cfg(sender="smtp")


def test_the_smtp_password_comes_from_the_environment() -> None:
    sender = SmtpSender(cfg(sender="smtp", smtp_host="h", smtp_from="a@b", smtp_to="c@d",
                            smtp_user="u", smtp_password_env="MY_PW"), environ={"MY_PW": "s3"})
    assert sender.password == "s3"



def test_complaint_acknowledgement_and_reply_to_a_walk_in_complainant(desk: Desk) -> None:
    complaint = desk.services.complaints.intake(
        desk.lobby, channel="on_site", category="attitude", subcategory="rude",
        description="柜员办理取款时态度生硬", name="王女士", phone="13912345678")
    notices = desk.services.notices
    ack = notices.complaint_notice(desk.lobby, complaint.id, "ack")
    assert (ack.template, ack.recipient, ack.client_id) == ("complaint_ack", "139****5678", None)
    assert "尊敬的王女士" in ack.body and complaint.ref_no in ack.body
    assert (ack.record_kind, ack.record_ref) == ("complaint", complaint.ref_no)
    with pytest.raises(Conflict) as exc:
        notices.complaint_notice(desk.lobby, complaint.id, "reply")
    assert exc.value.key == "error.notice.no_reply"
    desk.services.complaints.reply(
        desk.head, complaint.id, channel="phone", options_told=True,
        content="经核实，柜员服务用语不规范，已批评教育并向您致歉。")
    answer = notices.complaint_notice(desk.head, complaint.id, "reply", channel="print")
    assert "已批评教育并向您致歉" in answer.body and answer.title == "投诉处理答复"
