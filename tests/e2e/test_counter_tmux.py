"""End to end: a lobby terminal and a counter terminal on one database, each the INSTALLED
`wealthtui` in its own tmux terminal. The lobby issues walk-in tickets; the non-cash teller signs
on, calls them, records a transfer and finishes; then a large transfer waits for the supervisor's
PIN at the same counter before the ticket can be finished, and the teller refers the client to
a client manager."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from tests.e2e.installed_demo import clean_env
from tests.e2e.tmux import TmuxSession, tmux_available
from tests.staffing import add_staff
from wealthtui import i18n
from wealthtui.model import AuthorizationRequest, Handoff, ServiceRecord, Ticket

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed (apt-get install tmux)"),
]

EXE = Path(sys.executable).parent / "wealthtui"
PIN = "246810"


def build_center(db: Path, env: dict[str, str]) -> None:
    from wealthtui.config import load_settings
    from wealthtui.services import Services
    from wealthtui.store import schema
    from wealthtui.store.engine import make_engine

    engine = make_engine(str(db))
    schema.upgrade(engine)
    services = Services(engine, load_settings(environ=env))
    services.staff.bootstrap_head("H001", "王主任", PIN)
    head = services.auth.login("H001", PIN)
    for staff_no, name, roles in (("L1", "赵大堂", ["lobby_manager"]),
                                  ("N1", "吴柜员", ["non_cash_teller"]),
                                  ("S1", "孙主管", ["supervisor"])):
        add_staff(services, head, staff_no, name, roles, PIN)
    engine.dispose()


def sign_in(tm: TmuxSession, staff_no: str, name: str) -> str:
    zh = i18n.catalog("zh_CN")
    tm.wait_for(zh["login.hint"])
    before = tm.cursor()
    tm.type(staff_no)
    tm.wait_for_cursor_move(before)
    at = tm.cursor()
    tm.press("Enter")
    tm.wait_for_cursor_move(at)
    tm.type(PIN)
    tm.press("Enter")
    return tm.wait_for(f"{name}（{staff_no}）")


def type_field(tm: TmuxSession, text: str) -> None:
    """Type into the focused input and wait until the screen shows it."""
    tm.type(text)
    tm.wait_for(text)


def open_form(tm: TmuxSession, key: str) -> None:
    """Open a form and wait until it shows and the caret has settled in its first text field
    (keys typed before the focus arrives would go elsewhere; the screen under it may also move
    the caret, e.g. when its line of open checklists appears)."""
    tm.press(key)
    tm.wait_for(f"F2 {i18n.catalog('zh_CN')['common.save']}")  # the form's own keys
    tm.wait_for_cursor_still()


def finish_sign_on_checklist(db: Path, env: dict[str, str], staff_no: str, cash: str) -> None:
    """The teller's sign-on checklist done (its required steps, the count agreeing), as the
    teller records it in the checklist (Ctrl+Y); the counter terminal sees it at its next poll."""
    from tests.counter_ready import complete_sign_on
    from wealthtui.config import load_settings
    from wealthtui.services import Services
    from wealthtui.store.engine import make_engine

    engine = make_engine(str(db))
    services = Services(engine, load_settings(environ=env))
    complete_sign_on(services, services.auth.login(staff_no, PIN), None, cash)
    engine.dispose()


def issue_walk_in_ticket(lobby: TmuxSession, number: str) -> None:
    lobby.press("F3")  # a walk-in without a record (non-cash business: lane B)
    lobby.press("F6")  # issue the ticket the rules propose
    lobby.wait_for(number)


def tickets(db: Path) -> dict[str, str]:
    from wealthtui.store.engine import make_engine

    engine = make_engine(str(db))
    with Session(engine) as s:
        rows = {t.display_no: t.status for t in s.exec(select(Ticket))}
    engine.dispose()
    return rows


def test_lobby_and_counter_terminals_on_one_database(tmp_path: Path) -> None:
    assert EXE.is_file(), f"the console script is not installed at {EXE} (pip install -e .)"
    env = clean_env(tmp_path)
    db = tmp_path / "center.db"
    build_center(db, env)
    zh = i18n.catalog("zh_CN")
    command = [str(EXE), "--db", str(db)]
    with TmuxSession(command, env=env, width=120, height=40) as lobby, \
            TmuxSession(command, env=env, width=120, height=40) as counter:
        sign_in(lobby, "L1", "赵大堂")
        sign_in(counter, "N1", "吴柜员")
        counter.wait_for(zh["counter.status.off"])

        # the teller signs on to counter 03 (lanes V and B) with the cash counted in the box
        open_form(counter, "C-g")  # the cash field has the focus; counter 03 is chosen
        type_field(counter, "5000")
        counter.press("F2")
        counter.wait_for(zh["checklist.bind.close"])  # the sign-on checklist opens
        counter.press("Escape")
        counter.wait_for("03 号柜台")

        # the lobby issues a ticket; the counter calls it once the sign-on checklist is done
        # (before that the call is refused: tests/ui/test_counter.py); the lobby board shows it
        issue_walk_in_ticket(lobby, "B001")
        finish_sign_on_checklist(db, env, "N1", "5000")
        counter.press("F2")
        counter.wait_for("B001  非现金业务  已叫号")
        lobby.wait_for("03:B001")

        # a transfer, then finish with the wealth-needs question answered "no need"
        open_form(counter, "F5")  # the amount has the focus; transfer is chosen
        type_field(counter, "1,000")
        counter.press("F2")
        counter.wait_for("1,000.00")
        counter.press("F6")
        counter.wait_for(zh["counter.needs.ask"])
        counter.press("F2")
        counter.wait_for(zh["counter.ticket.idle"])
        assert tickets(db)["B001"] == "done"

        # a transfer of 600,000 yuan waits for the supervisor's PIN at the same counter
        issue_walk_in_ticket(lobby, "B002")
        counter.press("F2")
        counter.wait_for("B002  非现金业务  已叫号")  # called, not only queued: F5 needs it
        open_form(counter, "F5")
        type_field(counter, "600000")
        counter.press("F2")
        # so large a transfer needs the anti-fraud questions first (issue 17): each answered in
        # its list (yes / no / unclear), none suspicious, then F2 records the transfer
        counter.wait_for(zh["antifraud.dialog.title"].format(ticket="B002"))
        counter.wait_for_cursor_still()
        for downs in (2, 2, 1, 2, 2):  # no, no, yes (knows the payee), no, no
            counter.press("Enter")           # the list opens: wait for it before moving in it
            counter.wait_for_cursor_still()
            for _ in range(downs):
                counter.press("Down")
            counter.wait_for_cursor_still()
            counter.press("Enter")
            counter.wait_for_cursor_still()  # the list closed on the choice
            counter.press("Tab")
            counter.wait_for_cursor_still()
        counter.wait_for(zh["antifraud.answer.yes"])
        counter.press("F2")
        counter.wait_for(zh["counter.authz.title"])
        counter.press("Enter")   # the supervisor comes to the counter
        counter.wait_for(zh["counter.authz.pin_title"])
        type_field(counter, "S1")
        at = counter.cursor()
        counter.press("Enter")
        counter.wait_for_cursor_move(at)
        counter.type(PIN)
        counter.press("Enter")
        counter.wait_for("已办理")
        # so large a transfer suggests a referral: the teller notes the need and refers
        open_form(counter, "F6")
        counter.wait_for(zh["counter.needs.refer"])
        type_field(counter, "想了解理财产品")
        counter.press("F2")
        counter.wait_for(zh["counter.ticket.idle"])

    assert tickets(db) == {"B001": "done", "B002": "done"}
    from wealthtui.store.engine import make_engine

    engine = make_engine(str(db))
    with Session(engine) as s:
        kinds = [r.business_type for r in s.exec(select(ServiceRecord)
                                                 .order_by(col(ServiceRecord.id)))]
        request = s.exec(select(AuthorizationRequest)).one()
        referral = s.exec(select(Handoff)).one()
    engine.dispose()
    assert kinds == ["transfer", "transfer"]
    assert (request.status, request.step_up) == ("approved", True)
    assert (referral.kind, referral.source, referral.to_role) == (
        "referral", "non_cash_counter", "wealth_cm")
    assert "理财产品" in referral.note
