"""The anti-fraud questions at the counter with Pilot at 80×24, on the real database (issue 17): a
large withdrawal opens the questions after the business form, saying why in the screen's
language (both languages), an unanswered question is named
and every answer kept, a suspicious answer stops the business (nothing recorded) and the
supervisor's inbox has it with the answers, worded in the supervisor's language whatever the
center's (issue 19); the hand-off dialog works on it. No statement runs
on the event loop while the teller walks through."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select
from textual.widgets import Static

from tests.conftest import ANTIFRAUD_ON
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.ui.helpers import make_app, quiet_settings, screen_text, settle, sign_in, type_into
from tests.ui.loop_watch import LoopWatch
from wealthtui.config import Settings, load_settings
from wealthtui.i18n import t
from wealthtui.model import AntifraudCheck, ServiceRecord
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.handoff import HandoffDialog
from wealthtui.ui.labels import business_name
from wealthtui.ui.screens.counter import CounterScreen

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture
def settings() -> Settings:
    return load_settings(overrides=ANTIFRAUD_ON)


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def form(app) -> FormDialog:
    assert isinstance(app.screen, FormDialog), type(app.screen).__name__
    return app.screen


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_a_suspicious_answer_stops_the_withdrawal_and_reaches_the_supervisor(
        center: Center, language: str) -> None:
    s = center.services
    client = center.client("郑受骗")
    center.sign_on(center.t1, "02", "200,000")
    s.queue.issue(center.lobby, "A", client_id=client)
    checklist = s.antifraud.checklist()
    app = make_app(s, quiet_settings(s.settings, language=language))
    watch = LoopWatch(s.ctx.engine)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sign_in(pilot, "T1")
        with watch.watching():
            await press(pilot, "f2")  # call the client's ticket
            await press(pilot, "f5")
            form(app).widget("type").value = "cash_withdrawal"
            await type_into(pilot, "#f-amount", "60,000")
            await press(pilot, "f2")
            # the service wants the questions: they open with the business
            assert form(app).id == "antifraud-form"
            text = screen_text(app)
            assert t("antifraud.dialog.title", ticket="A001") in text
            first_text = checklist.questions[0].text if language == "zh_CN" else \
                checklist.questions[0].text_en
            assert "60,000.00" in text and first_text[:10] in text
            # why it is asked, in the screen's language: the configured amount
            assert t("antifraud.reason.amount", amount="50,000.00") in text
            assert ("金额达到" if language == "zh_CN" else "amount from") in text
            first, second = checklist.questions[0], checklist.questions[1]
            form(app).widget(f"q_{first.id}").value = "no"
            await press(pilot, "f2")  # the second question unanswered: named, answers kept
            error = str(form(app).query_one("#form-error", Static).render())
            assert t("antifraud.error.unanswered", number=2) in error
            assert form(app).values()[f"q_{first.id}"] == "no"
            for q in checklist.questions[1:]:
                form(app).widget(f"q_{q.id}").value = "no" if "no" not in q.suspicious else "yes"
            form(app).widget(f"q_{second.id}").value = "yes"  # "safe account": suspicious
            await press(pilot, "f2")
            assert isinstance(app.screen, CounterScreen)
            assert t("antifraud.stopped", ticket="A001") in [
                str(n.message) for n in app._notifications]
            assert ("中止" if language == "zh_CN" else "stopped") in t(
                "antifraud.stopped", ticket="A001")
        assert watch.on_loop == []
        await press(pilot, "ctrl+o")
        await sign_in(pilot, "S1")
        await press(pilot, "f9")
        panel = app.screen.inbox
        assert panel is not None and panel.table.row_count == 1
        await press(pilot, "enter")
        assert isinstance(app.screen, HandoffDialog)
        shown = screen_text(app)
        # the note (codes) worded in the reader's language, whatever the center's (Chinese)
        assert "60,000.00" in shown and "⚠" in shown
        [h] = panel.received
        words = panel.note_text(h)
        head = t("s18screens.stop_head", business=business_name(s.settings, "cash_withdrawal"),
                 amount="60,000.00")
        asked = second.text if language == "zh_CN" else second.text_en
        assert words.splitlines()[0] == head and head in shown.replace("\n", "")
        assert f"{asked} {t('antifraud.answer.yes')} ⚠" in words
        assert (CJK.findall(words) == []) == (language == "en")
        await press(pilot, "f2")  # accept
        assert not isinstance(app.screen, HandoffDialog)
    watch.close()
    with Session(s.ctx.engine) as db:
        assert db.exec(select(ServiceRecord)).all() == []
        [row] = db.exec(select(AntifraudCheck)).all()
    assert (row.stopped, row.suspicious) == (True, second.id)
    assert s.handoffs.get(center.sup, row.handoff_id).status == "accepted"
