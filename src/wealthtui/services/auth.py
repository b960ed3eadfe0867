"""Sign-in with staff number and PIN (argon2id); the sign-in throttle of each terminal and the
account lock; one-time PINs after a reset; the end of a session (sign-out, lock) recorded.

What a person at a terminal learns from a refused sign-in is the same whatever the staff number
(issue 15): an unknown number, a wrong PIN, a locked account and an inactive one all get
`error.auth.bad_credentials`, after the same work (a PIN hash is verified in every case — a
dummy hash for an unknown number). Only a person who typed the right PIN of an account learns
more: that its one-time PIN must be replaced (`PinChangeRequired`), or that a one-time PIN
cannot be used on the terminal where it was issued.

Two counters, both kept in the database so that every process of a terminal shares them:
- the terminal's (`LoginThrottle`): after `insiders.free_failures` refused sign-ins at one
  terminal, whoever they were for, the terminal takes the next try only after a wait
  (`first_wait_seconds`, doubled at each further refusal, at most `max_wait_seconds`); a try
  during the wait is refused at once with `insiders.error.wait` (no PIN is checked, nothing is
  counted). Nothing sleeps: the wait is a time stored with the terminal. A sign-in that succeeds
  clears it; so does a quiet spell of `security.lockout_minutes`.
- the account's (`Staff.failed_pins`): `security.max_failed_pins` wrong PINs in a row, from any
  terminals, lock the account for `security.lockout_minutes`, or until a supervisor or the head
  unlocks it (`StaffService.unlock`). With the throttle, reaching that count from one kiosk
  takes minutes of waiting, and each wait is in the audit.

Browsers behind one `wealthtui serve` (ui/serve.py): each browser session is its own terminal
(`insiders.terminal`, set per session by serve), so one browser's wrong PINs do not make the
others wait; and since a reconnect is a new session, the throttle also holds per remote address
(`insiders.remote`, set by serve): a second counter, keyed `@<address>`, counted and checked with
the session's. Both must be quiet for a PIN to be checked.
"""

from __future__ import annotations

import math
import socket
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import select

from wealthtui.config import Settings
from wealthtui.i18n import StaffRef
from wealthtui.model import Staff
from wealthtui.model.staff import LoginThrottle
from wealthtui.rules.fields import FieldError
from wealthtui.rules.pins import weak_pin_reason
from wealthtui.services.base import Actor, Service, UnitOfWork
from wealthtui.services.errors import AuthFailed, Conflict, PermissionDenied, PinChangeRequired

#: how a signed-in session ends (AuthService.session_ended); each is an audit action "auth.<how>"
SESSION_ENDINGS = ("signed_out", "locked", "idle_locked")

#: the one answer to every refused sign-in (unknown, wrong PIN, locked, inactive, expired)
REFUSED = "error.auth.bad_credentials"


@cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher(settings: Settings) -> PasswordHasher:
    """The argon2id hasher with the configured cost."""
    sec = settings.security
    return _hasher(sec.pin_hash_time_cost, sec.pin_hash_memory_kib, sec.pin_hash_parallelism)


@cache
def _dummy_hash(ph: PasswordHasher) -> str:
    # verified against when the staff number is unknown, so both answers take the same time
    return ph.hash("000000")


def hash_pin(settings: Settings, pin: str) -> str:
    return hasher(settings).hash(pin)


def pin_matches(settings: Settings, pin_hash: str, pin: str) -> bool:
    try:
        return hasher(settings).verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def this_terminal(settings: Settings) -> str:
    """The name of the terminal this process runs on: `insiders.terminal` (WEALTHTUI_TERMINAL;
    `wealthtui serve` gives each browser session its own), else the host name."""
    return (settings.insiders.terminal or socket.gethostname() or "terminal")[:100]


def this_remote(settings: Settings) -> str:
    """The address of the browser this process serves (`insiders.remote`, WEALTHTUI_REMOTE, set
    by `wealthtui serve`); empty for a terminal of its own."""
    return settings.insiders.remote.strip()[:90]


def remote_key(remote: str) -> str:
    """The throttle counter of a remote address (no terminal name starts with "@")."""
    return f"@{remote}"[:100]


def validate_pin(pin: str, min_len: int, max_len: int, field_key: str = "field.pin", *,
                 staff_no: str = "", birthday: date | None = None) -> str:
    """`pin` when it is min_len..max_len digits and not easy to guess (rules.pins); otherwise a
    FieldError naming the field and the rule."""
    reason = weak_pin_reason(pin, staff_no=staff_no, birthday=birthday, min_len=min_len,
                             max_len=max_len)
    if reason == "format":
        raise FieldError(field_key, "error.field.pin", min=min_len, max=max_len)
    if reason is not None:
        raise FieldError(field_key, f"insiders.pin_weak.{reason}")
    return pin


def check_new_pin(settings: Settings, staff: Staff, pin: str, field_key: str = "field.pin") -> str:
    """A PIN for `staff` (their number and birthday are not in it), by the configured lengths."""
    sec = settings.security
    return validate_pin(pin, sec.pin_min_length, sec.pin_max_length, field_key,
                        staff_no=staff.staff_no, birthday=staff.birthday)


@dataclass(frozen=True)
class _Where:
    """Where a sign-in is typed: the terminal, and the browser's address under serve."""

    terminal: str
    remote: str = ""

    def detail(self) -> dict[str, str]:
        return {"terminal": self.terminal, **({"remote": self.remote} if self.remote else {})}


@dataclass(frozen=True)
class _Outcome:
    actor: Actor | None
    error: str = ""
    params: tuple[tuple[str, object], ...] = ()
    change_required: bool = False


class AuthService(Service):
    @property
    def terminal(self) -> str:
        return this_terminal(self.settings)

    @property
    def remote(self) -> str:
        return this_remote(self.settings)

    def login(self, staff_no: str, pin: str, *, terminal: str | None = None,
              remote: str | None = None) -> Actor:
        """The Actor for a correct staff number and PIN at `terminal` (this one by default),
        from `remote` (the browser's address under `wealthtui serve`; this process's by
        default); AuthFailed otherwise (PinChangeRequired for a one-time PIN). Refusals are
        counted and committed (they are not rolled back with the refusal): see the module
        docstring."""
        where = self._where(terminal, remote)
        outcome: _Outcome = self._write(lambda uow: self._check(uow, staff_no.strip(), pin, where))
        return self._answer(outcome)

    def _where(self, terminal: str | None, remote: str | None) -> _Where:
        return _Where((terminal or self.terminal)[:100],
                      (self.remote if remote is None else remote.strip())[:90])

    def complete_reset(self, staff_no: str, one_time_pin: str, new_pin: str, *,
                       terminal: str | None = None, remote: str | None = None) -> Actor:
        """Sign in with a one-time PIN and replace it with `new_pin` in one step (the only thing
        a one-time PIN allows). The one-time PIN is checked as at sign-in (throttle, lock,
        expiry, not on the terminal that issued it); `new_pin` must pass the PIN rules and
        differ from the one-time PIN. Returns the signed-in Actor."""
        where = self._where(terminal, remote)

        def body(uow: UnitOfWork) -> _Outcome:
            outcome = self._check(uow, staff_no.strip(), one_time_pin, where, completing=True)
            if not outcome.change_required:
                return outcome
            staff = uow.session.exec(select(Staff).where(Staff.staff_no == staff_no.strip())).one()
            pin = check_new_pin(uow.settings, staff, new_pin, "insiders.field.new_pin")
            if pin == one_time_pin:
                raise FieldError("insiders.field.new_pin", "insiders.pin_weak.one_time")
            staff.pin_hash = hash_pin(uow.settings, pin)
            reset_by, reset_at = staff.pin_reset_by, staff.pin_reset_at
            staff.pin_must_change = False
            staff.pin_expires_at = None
            uow.session.add(staff)
            uow.audit("auth.pin_chosen", "staff", staff.id, **where.detail(),
                      reset_by=reset_by, reset_at=reset_at)
            uow.audit("auth.login", "staff", staff.id, **where.detail())
            return _Outcome(Actor.of(staff))

        return self._answer(self._write(body))

    @staticmethod
    def _answer(outcome: _Outcome) -> Actor:
        if outcome.change_required:
            raise PinChangeRequired(outcome.error, **dict(outcome.params))
        if outcome.actor is None:
            raise AuthFailed(outcome.error, **dict(outcome.params))
        return outcome.actor

    # --- the checks --------------------------------------------------------------------------
    def _throttle(self, uow: UnitOfWork, key: str) -> LoginThrottle:
        row = uow.session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(terminal=key, failures=0)
        quiet = timedelta(minutes=uow.settings.security.lockout_minutes)
        if row.last_failed_at is not None and uow.now - row.last_failed_at >= quiet:
            row.failures, row.wait_until = 0, None
        return row

    def _throttles(self, uow: UnitOfWork, where: _Where) -> list[LoginThrottle]:
        """The counters a sign-in at `where` is counted on: the terminal's, and the remote
        address's when there is one."""
        rows = [self._throttle(uow, where.terminal)]
        if where.remote:
            rows.append(self._throttle(uow, remote_key(where.remote)))
        return rows

    def _refuse(self, uow: UnitOfWork, rows: list[LoginThrottle], where: _Where, action: str,
                entity_id: object, **detail: object) -> _Outcome:
        """Count a refused sign-in on each counter (and set its wait), audit it, answer REFUSED."""
        ins = uow.settings.insiders
        waits = []
        for row in rows:
            row.failures += 1
            row.last_failed_at = uow.now
            if row.failures >= ins.free_failures:
                steps = min(row.failures - ins.free_failures, 30)
                wait = min(ins.first_wait_seconds * 2 ** steps, ins.max_wait_seconds)
                row.wait_until = uow.now + timedelta(seconds=wait)
                waits.append(wait)
            uow.session.add(row)
        if waits:
            detail["terminal_wait_seconds"] = max(waits)
        uow.audit(action, "staff", entity_id, **where.detail(), **detail)
        return _Outcome(None, REFUSED)

    @staticmethod
    def _clear(uow: UnitOfWork, rows: list[LoginThrottle]) -> None:
        for row in rows:
            row.failures, row.wait_until = 0, None
            uow.session.add(row)

    def _check(self, uow: UnitOfWork, staff_no: str, pin: str, where: _Where, *,
               completing: bool = False) -> _Outcome:
        sec = uow.settings.security
        rows = self._throttles(uow, where)
        waiting = [r.wait_until for r in rows if r.wait_until is not None and r.wait_until > uow.now]
        if waiting:
            seconds = math.ceil((max(waiting) - uow.now).total_seconds())
            uow.audit("auth.throttled", "terminal", where.terminal, staff_no=staff_no[:20],
                      **({"remote": where.remote} if where.remote else {}))
            return _Outcome(None, "insiders.error.wait", (("seconds", seconds),))
        staff = uow.session.exec(select(Staff).where(Staff.staff_no == staff_no)).first()
        if staff is None:
            pin_matches(uow.settings, _dummy_hash(hasher(uow.settings)), pin)
            return self._refuse(uow, rows, where, "auth.failed", staff_no[:20], reason="unknown")
        right = pin_matches(uow.settings, staff.pin_hash, pin)  # the same work in every state
        if staff.locked_until is not None and staff.locked_until > uow.now:
            return self._refuse(uow, rows, where, "auth.refused_locked", staff.id)
        if not right:
            staff.failed_pins += 1
            detail: dict[str, object] = {"failed_pins": staff.failed_pins}
            if staff.failed_pins >= sec.max_failed_pins:
                staff.locked_until = uow.now + timedelta(minutes=sec.lockout_minutes)
                staff.failed_pins = 0
                detail["locked"] = True
            uow.session.add(staff)
            return self._refuse(uow, rows, where, "auth.failed", staff.id, **detail)
        if not staff.active:
            return self._refuse(uow, rows, where, "auth.refused_inactive", staff.id)
        if staff.pin_must_change:
            if staff.pin_expires_at is not None and staff.pin_expires_at <= uow.now:
                return self._refuse(uow, rows, where, "auth.failed", staff.id,
                                    reason="one_time_expired")
            if staff.pin_reset_terminal and staff.pin_reset_terminal == where.terminal:
                self._refuse(uow, rows, where, "auth.failed", staff.id,
                             reason="one_time_same_terminal")
                return _Outcome(None, "insiders.error.one_time_here")
            staff.failed_pins = 0
            uow.session.add(staff)
            self._clear(uow, rows)
            if not completing:
                uow.audit("auth.pin_change_required", "staff", staff.id, **where.detail())
            return _Outcome(None, "insiders.error.must_change", self._reset_params(uow, staff),
                            change_required=True)
        staff.failed_pins = 0
        staff.locked_until = None
        if hasher(uow.settings).check_needs_rehash(staff.pin_hash):
            staff.pin_hash = hash_pin(uow.settings, pin)
        uow.session.add(staff)
        self._clear(uow, rows)
        if completing:  # a PIN that is not a one-time PIN: there is nothing to complete
            return _Outcome(None, "insiders.error.not_one_time")
        uow.audit("auth.login", "staff", staff.id, **where.detail())
        return _Outcome(Actor.of(staff))

    @staticmethod
    def _reset_params(uow: UnitOfWork, staff: Staff) -> tuple[tuple[str, object], ...]:
        """Who reset the PIN and when, for the person choosing their new PIN."""
        by = uow.session.get(Staff, staff.pin_reset_by) if staff.pin_reset_by else None
        at: datetime | None = staff.pin_reset_at
        return (("by", StaffRef(by.name, by.staff_no) if by else "?"),  # worded when shown
                ("at", at.astimezone(uow.ctx.tz).strftime("%Y-%m-%d %H:%M") if at else "?"))

    def session_ended(self, actor: Actor, how: str) -> None:
        """Record that `actor`'s session on this terminal ended: "signed_out" (they signed out),
        "locked" (they locked the screen) or "idle_locked" (nobody touched it for the idle
        time). The audit then shows who was signed in at a terminal, and when, from sign-in
        to the end. Only the staff member's own session can be ended this way."""
        if how not in SESSION_ENDINGS:
            raise ValueError(f"unknown way for a session to end: {how!r}")

        def body(uow: UnitOfWork) -> None:
            if uow.staff is None:
                raise PermissionDenied("error.permission.inactive")
            uow.audit(f"auth.{how}", "staff", uow.staff.id)

        self._write(body, staff_id=actor.staff_id)

    def second_person(self, actor: Actor, staff_no: str, pin: str, action: str) -> Actor:
        """Verify a second staff member (sign-off, step-up authorisation, witness).

        Refused when it is the same person as `actor`, or when their roles lack `action`.
        """
        other = self.login(staff_no, pin)
        if other.staff_id == actor.staff_id:
            raise Conflict("error.four_eyes.same_person")
        if not other.can(action):
            raise PermissionDenied("error.permission.second_person", action=action)
        return other
