"""Sign-in with staff number and PIN (argon2id); lockout after repeated wrong PINs; the end of a
session (sign-out, lock) recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import select

from wealthtui.config import Settings
from wealthtui.model import Staff
from wealthtui.rules.fields import FieldError
from wealthtui.services.base import Actor, Service, UnitOfWork
from wealthtui.services.errors import AuthFailed, Conflict, PermissionDenied

#: how a signed-in session ends (AuthService.session_ended); each is an audit action "auth.<how>"
SESSION_ENDINGS = ("signed_out", "locked", "idle_locked")


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


def validate_pin(pin: str, min_len: int, max_len: int, field_key: str = "field.pin") -> str:
    if not pin.isascii() or not pin.isdigit() or not min_len <= len(pin) <= max_len:
        raise FieldError(field_key, "error.field.pin", min=min_len, max=max_len)
    return pin


@dataclass(frozen=True)
class _Outcome:
    actor: Actor | None
    error: str = ""
    params: tuple[tuple[str, object], ...] = ()


class AuthService(Service):
    def login(self, staff_no: str, pin: str) -> Actor:
        """The Actor for a correct staff number and PIN; AuthFailed otherwise.

        An unknown staff number and a wrong PIN get the same answer. Failures are counted and
        committed (they are not rolled back with the refusal); the account locks after
        `security.max_failed_pins` and unlocks by itself after `security.lockout_minutes`.
        """
        outcome: _Outcome = self._write(lambda uow: self._check(uow, staff_no.strip(), pin))
        if outcome.actor is None:
            raise AuthFailed(outcome.error, **dict(outcome.params))
        return outcome.actor

    def _check(self, uow: UnitOfWork, staff_no: str, pin: str) -> _Outcome:
        sec = uow.settings.security
        staff = uow.session.exec(select(Staff).where(Staff.staff_no == staff_no)).first()
        if staff is None:
            ph = hasher(uow.settings)
            pin_matches(uow.settings, _dummy_hash(ph), pin)
            uow.audit("auth.failed", "staff", staff_no, reason="unknown")
            return _Outcome(None, "error.auth.bad_credentials")
        if staff.locked_until is not None and staff.locked_until > uow.now:
            uow.audit("auth.refused_locked", "staff", staff.id)
            until = staff.locked_until.astimezone(uow.ctx.tz).strftime("%H:%M")
            return _Outcome(None, "error.auth.locked", (("until", until),))
        if not pin_matches(uow.settings, staff.pin_hash, pin):
            staff.failed_pins += 1
            detail = {"failed_pins": staff.failed_pins}
            if staff.failed_pins >= sec.max_failed_pins:
                staff.locked_until = uow.now + timedelta(minutes=sec.lockout_minutes)
                staff.failed_pins = 0
                detail["locked"] = True
            uow.session.add(staff)
            uow.audit("auth.failed", "staff", staff.id, **detail)
            if detail.get("locked"):
                return _Outcome(None, "error.auth.now_locked", (("minutes", sec.lockout_minutes),))
            return _Outcome(None, "error.auth.bad_credentials")
        if not staff.active:
            uow.audit("auth.refused_inactive", "staff", staff.id)
            return _Outcome(None, "error.auth.inactive")
        staff.failed_pins = 0
        staff.locked_until = None
        if hasher(uow.settings).check_needs_rehash(staff.pin_hash):
            staff.pin_hash = hash_pin(uow.settings, pin)
        uow.session.add(staff)
        uow.audit("auth.login", "staff", staff.id)
        return _Outcome(Actor.of(staff))

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
