"""How the outbox leaves the center: one sender, chosen by `[notices] sender`.

- `log`: writes the notice to the program's log (logger `wealthtui.notices`) and counts it as
  sent: the default, for a center with no gateway (the outbox and the audit keep every notice).
- `smtp`: one e-mail per notice through `smtp_host:smtp_port` (stdlib smtplib; STARTTLS when
  `smtp_starttls`; a login when `smtp_user` is set, the password read from the environment
  variable `smtp_password_env`) from `smtp_from` to `smtp_to`: the center's notice mailbox or an
  e-mail-to-SMS gateway. The masked recipient is in the subject and the header
  `X-Wealthtui-Recipient`; the bank's gateway resolves it, the outbox never holds a full number.
- `webhook`: an HTTP POST of `{"msgtype": "text", "text": {"content": …}}` (the shape of an
  enterprise messaging robot) to `webhook_url` (stdlib urllib). A reply other than 2xx, or a JSON
  reply whose `errcode` is not 0, is a failure.

A sender raises SendError with a one-line reason; the service records it and retries later.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from wealthtui.config import NoticesCfg

log = logging.getLogger("wealthtui.notices")


class SendError(Exception):
    """Sending one notice failed; str() is the reason, one line."""


@dataclass(frozen=True)
class Outgoing:
    """One notice as a sender gets it."""

    id: int
    channel: str
    recipient: str  # masked
    title: str
    body: str


class Sender(Protocol):
    name: str

    def send(self, notice: Outgoing) -> None:
        """Deliver `notice` or raise SendError."""


class LogSender:
    name = "log"

    def send(self, notice: Outgoing) -> None:
        log.info("notice %s via %s to %s: %s", notice.id, notice.channel, notice.recipient,
                 notice.title)


class SmtpSender:
    name = "smtp"

    def __init__(self, cfg: NoticesCfg, environ: dict[str, str] | None = None) -> None:
        self.cfg = cfg
        env = os.environ if environ is None else environ
        self.password = env.get(cfg.smtp_password_env, "") if cfg.smtp_password_env else ""

    def message(self, notice: Outgoing) -> EmailMessage:
        cfg = self.cfg
        msg = EmailMessage()
        msg["Subject"] = f"{notice.title} [{notice.recipient}]" if notice.recipient else notice.title
        msg["From"] = cfg.smtp_from
        msg["To"] = cfg.smtp_to
        msg["Message-ID"] = make_msgid(f"notice{notice.id}")
        msg["X-Wealthtui-Notice"] = str(notice.id)
        msg["X-Wealthtui-Channel"] = notice.channel
        msg["X-Wealthtui-Recipient"] = notice.recipient
        msg.set_content(notice.body)
        return msg

    def send(self, notice: Outgoing) -> None:
        cfg = self.cfg
        try:
            with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.timeout_seconds) as smtp:
                if cfg.smtp_starttls:
                    smtp.starttls()
                if cfg.smtp_user:
                    smtp.login(cfg.smtp_user, self.password)
                refused = smtp.send_message(self.message(notice))
        except smtplib.SMTPResponseException as exc:
            raise SendError(f"SMTP {exc.smtp_code}: {_line(exc.smtp_error)}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"SMTP {cfg.smtp_host}:{cfg.smtp_port}: {_reason(exc)}") from exc
        if refused:
            raise SendError(f"SMTP refused {', '.join(refused)}")


class WebhookSender:
    name = "webhook"

    def __init__(self, cfg: NoticesCfg) -> None:
        self.cfg = cfg

    @staticmethod
    def payload(notice: Outgoing) -> bytes:
        content = f"{notice.title}\n{notice.body}".rstrip("\n")
        if notice.recipient:
            content += f"\n[{notice.recipient}]"
        return json.dumps({"msgtype": "text", "text": {"content": content}},
                          ensure_ascii=False).encode("utf-8")

    def send(self, notice: Outgoing) -> None:
        request = urllib.request.Request(
            self.cfg.webhook_url, data=self.payload(notice), method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.cfg.timeout_seconds) as reply:  # noqa: S310 - the configured URL
                body = reply.read(65536)
        except urllib.error.HTTPError as exc:
            raise SendError(f"HTTP {exc.code} {_line(exc.reason)}") from exc
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            raise SendError(f"webhook: {_reason(getattr(exc, 'reason', exc))}") from exc
        try:
            answer = json.loads(body) if body.strip() else {}
        except ValueError:
            return  # a 2xx with a body that is not JSON: delivered
        if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
            raise SendError(f"webhook errcode {answer.get('errcode')}: "
                            f"{_line(answer.get('errmsg', ''))}")


def _line(value: object) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return " ".join(text.split())[:300]


def _reason(exc: object) -> str:
    return _line(f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else exc)


def make_sender(cfg: NoticesCfg) -> Sender:
    if cfg.sender == "smtp":
        return SmtpSender(cfg)
    if cfg.sender == "webhook":
        return WebhookSender(cfg)
    return LogSender()
