"""Issue 17's screens on a slow store (SlowStore: 20 ms a statement; a gate holds the worker
threads' statements for as long as the test wants, so "still loading" needs no timing), at 80×24,
in one walk: the risk questionnaire (Ctrl+K: a loading dialog at once, Escape gives up, only the
last request opens a form), the dual-recording form and the anti-fraud questions (saving: the
form says so, a second F2 is ignored, typing still echoes) and the head's compliance view
(Ctrl+F: the loading line at once, Escape leaves while it loads)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, select
from textual.widgets import Static

from tests.conftest import ANTIFRAUD_ON
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.ui.helpers import make_app, screen_text, settle, sign_in, type_into
from tests.ui.loop_watch import SlowStore
from wealthtui.config import Settings, load_settings
from wealthtui.i18n import t
from wealthtui.model import AntifraudCheck, DualRecording, ServiceRecord
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.pending import PendingDialog
from wealthtui.ui.screens.compliance_view import ComplianceScreen
from wealthtui.ui.screens.counter import CounterScreen

pytestmark = pytest.mark.raw_pilot


@pytest.fixture
def settings() -> Settings:
    return load_settings(overrides=ANTIFRAUD_ON)


class Gate:
    """While closed, every statement a worker thread sends waits (the event loop's own pass,
    or the loop would wait on itself)."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.opened = engine, threading.Event()
        self.opened.set()
        self.slow = SlowStore(engine, 0.0)  # SLOW while the test holds the store
        event.listen(engine, "before_cursor_execute", self._wait)

    def _wait(self, *_args: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            self.opened.wait(30)

    def close(self) -> None:
        self.opened.clear()

    def open(self) -> None:
        self.opened.set()

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._wait)
        self.slow.close()


def saving(form: FormDialog) -> bool:
    return str(form.query_one("#form-error", Static).content) == t("compliance_wait.saving")


#: the store's delay while the test looks at a screen waiting for it (none in between, so the
#: walk's other steps — sign-in, calling the ticket — cost what they cost elsewhere)
SLOW = 0.02


async def held(pilot: Any, gate: Gate, *keys: str) -> None:
    """Press the keys with the store slow and held; look at the screen before it answers."""
    gate.slow.seconds = SLOW
    gate.close()
    await pilot.press(*keys)
    await pilot.pause()


async def released(pilot: Any, gate: Gate) -> None:
    gate.open()
    await settle(pilot)
    gate.slow.seconds = 0.0


async def form_opened(pilot: Any, key: str, form_id: str) -> FormDialog:
    """The form `key` opens (the store not held)."""
    await pilot.press(key)
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, FormDialog) and form.id == form_id
    return form


async def saving_held(pilot: Any, gate: Gate, form: FormDialog) -> None:
    """F2 with the store held: the form says it is saving and stays until the answer."""
    await held(pilot, gate, "f2")
    assert pilot.app.screen is form and saving(form)


async def test_the_compliance_screens_stay_responsive_on_a_slow_store(
        center: Center, head: Any) -> None:
    s = center.services
    client = center.client("钱慢慢")
    center.sign_on(center.n1, "04")
    s.queue.issue(center.lobby, "B", client_id=client)
    app = make_app(s)
    gate = Gate(s.ctx.engine)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await sign_in(pilot, "N1")
            assert isinstance(screen, CounterScreen)
            await pilot.press("f2")
            await settle(pilot)

            # the questionnaire: loading at once; Escape gives up while the read is held
            await held(pilot, gate, "ctrl+k")
            assert isinstance(app.screen, PendingDialog)
            assert t("compliance_wait.loading") in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen
            await pilot.press("ctrl+k")  # asked again: only this answer opens the form
            await pilot.pause()
            assert isinstance(app.screen, PendingDialog)
            await released(pilot, gate)
            assert isinstance(app.screen, FormDialog) and app.screen.id == "risk-form"
            assert [type(x).__name__ for x in app.screen_stack] == [
                "CounterScreen", "FormDialog"]
            await pilot.press("escape")
            await settle(pilot)

            # the recording form: saving says so, a second F2 is ignored, typing echoes
            rec_form = await form_opened(pilot, "ctrl+s", "recording-form")
            rec_form.widget("product").value = "WM90"
            await type_into(pilot, "#f-started", "09:00")
            await type_into(pilot, "#f-ended", "09:20")
            await type_into(pilot, "#f-ref", "SR-SLOW-1")
            await saving_held(pilot, gate, rec_form)
            await pilot.press("f2", "2")
            await pilot.pause()
            assert rec_form.widget("ref").value == "SR-SLOW-12"
            await released(pilot, gate)
            assert app.screen is screen

            # the anti-fraud questions: a transfer to a new payee; both saves held
            business = await form_opened(pilot, "f5", "business-form")
            business.widget("type").value = "transfer"
            await type_into(pilot, "#f-amount", "1,000")
            await type_into(pilot, "#f-payee", "6222020200112233")
            await saving_held(pilot, gate, business)
            await released(pilot, gate)
            questions = app.screen
            assert isinstance(questions, FormDialog) and questions.id == "antifraud-form"
            for q in s.antifraud.checklist().questions:
                questions.widget(f"q_{q.id}").value = next(
                    a for a in ("no", "yes", "unclear") if a not in q.suspicious)
            await saving_held(pilot, gate, questions)
            await released(pilot, gate)
            assert app.screen is screen

            # the head's compliance view: the loading line at once, Escape while it loads
            await pilot.press("ctrl+o")
            await settle(pilot)
            head_screen = await sign_in(pilot, "H001")
            await held(pilot, gate, "ctrl+f")
            view = app.screen
            assert isinstance(view, ComplianceScreen)
            assert t("compliance_view.loading") in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is head_screen
            await pilot.press("ctrl+f")
            await pilot.pause()
            await released(pilot, gate)
            view = app.screen
            assert isinstance(view, ComplianceScreen)
            text = screen_text(app)
            assert t("compliance_view.loading") not in text
            assert "WM90" not in text  # no sale today: the recording is not a sale
            assert t("compliance.report.sales") in text
    finally:
        gate.open()
        gate.remove()
    with Session(s.ctx.engine) as db:
        [rec] = db.exec(select(DualRecording)).all()
        [sale] = db.exec(select(ServiceRecord)).all()
        [check] = db.exec(select(AntifraudCheck)).all()
    assert rec.recording_ref == "SR-SLOW-1"
    assert (sale.business_type, check.service_record_id, check.reasons) == (
        "transfer", sale.id, "new_payee")
