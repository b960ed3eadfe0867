"""The sign-in throttle behind one `wealthtui serve` (issue 15): each browser session is its own
terminal, and the throttle also holds per remote address, so a hostile browser cannot make the
others wait, nor escape its own wait by reconnecting (a new session). Real SQLite and
PostgreSQL; the session names are those serve gives (ui/serve.session_environment)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, col, select

from tests.conftest import FAST_PIN_HASH, TEST_PIN
from wealthtui.config import load_settings
from wealthtui.model import AuditEvent
from wealthtui.services import Services
from wealthtui.services.errors import AuthFailed
from wealthtui.ui.serve import session_environment

HOSTILE, FRIENDLY = "203.0.113.9", "198.51.100.7"


def session(services: Services, remote: str) -> Services:
    """A new browser session from `remote`, configured as serve configures its process."""
    env = session_environment("kiosk-server", remote)
    settings = load_settings(environ=env, overrides={"security": FAST_PIN_HASH})
    return Services(services.ctx.engine, settings, services.clock)


def wrong(services: Services, staff_no: str = "H001") -> AuthFailed:
    with pytest.raises(AuthFailed) as exc:
        services.auth.login(staff_no, "000000")
    return exc.value


def test_each_session_gets_its_own_terminal_name_and_the_remote_address() -> None:
    one, two = session_environment("kiosk-server", HOSTILE), session_environment("kiosk-server", HOSTILE)
    assert one["WEALTHTUI_TERMINAL"] != two["WEALTHTUI_TERMINAL"]
    assert one["WEALTHTUI_REMOTE"] == two["WEALTHTUI_REMOTE"] == HOSTILE
    assert one["WEALTHTUI_TERMINAL"].startswith("kiosk-server/web ") and HOSTILE in one["WEALTHTUI_TERMINAL"]
    settings = load_settings(environ=one)
    assert (settings.insiders.terminal, settings.insiders.remote) == (
        one["WEALTHTUI_TERMINAL"], HOSTILE)
    assert len(session_environment("x" * 200, "y" * 200)["WEALTHTUI_TERMINAL"]) <= 100


def test_a_hostile_browser_waits_alone_and_reconnecting_does_not_help(
        services: Services, head, clock) -> None:
    ins = services.settings.insiders
    hostile = session(services, HOSTILE)
    for _ in range(ins.free_failures):
        assert wrong(hostile).key == "error.auth.bad_credentials"
    assert wrong(hostile).key == "insiders.error.wait"  # this session waits
    # a reconnect is a new session from the same address: it waits as well
    again = session(services, HOSTILE)
    refused = wrong(again)
    assert refused.key == "insiders.error.wait" and refused.params["seconds"] > 0
    # a browser from another address signs in at once, the head included
    friendly = session(services, FRIENDLY)
    assert friendly.auth.login("H001", TEST_PIN).staff_no == "H001"
    # after the wait, the hostile address gets one try, then a longer wait
    clock.advance(seconds=ins.first_wait_seconds)
    assert wrong(session(services, HOSTILE)).key == "error.auth.bad_credentials"
    assert wrong(session(services, HOSTILE)).params["seconds"] == min(
        ins.first_wait_seconds * 2, ins.max_wait_seconds)


def test_the_audit_names_the_session_and_the_address(services: Services, head, engine) -> None:
    hostile = session(services, HOSTILE)
    wrong(hostile)
    with Session(engine) as s:
        last = s.exec(select(AuditEvent).where(AuditEvent.action == "auth.failed")
                      .order_by(col(AuditEvent.id).desc())).first()
    detail = json.loads(last.detail)
    assert detail["remote"] == HOSTILE and detail["terminal"] == hostile.auth.terminal


def test_a_terminal_of_its_own_has_no_address_counter(services: Services, head) -> None:
    """Outside serve nothing changes: one counter per terminal."""
    ins = services.settings.insiders
    for i in range(ins.free_failures + 1):
        with pytest.raises(AuthFailed):
            services.auth.login("NOBODY", "000000", terminal=f"desk-{i}")
    assert services.auth.login("H001", TEST_PIN, terminal="desk-0").staff_no == "H001"
