"""Issue 17 on screen at 80×24, on the real database, in both languages: at the counter, a
walk-in's sale refused, the served client's risk line (level and expiry); a sale refused for want
of an assessment, the questionnaire taken from the counter (Ctrl+K), a sale refused for want of a
dual recording — each refusal naming the levels — the recording entered from the business form
(F3, shown only when the product needs one; a bad entry keeps what was typed), and back in the
business form with what was typed, the same sale then recorded. The CM's contact form enters a
recording with F3 and keeps what was typed in it; the client file opens the questionnaire (F5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from textual.widgets import Select, Static

from tests.conftest import T0
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.ui.helpers import make_app, quiet_settings, screen_text, settle, sign_in, type_into
from tests.ui.loop_watch import LoopWatch
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


def refused(form: FormDialog, language: str, *levels: str) -> str:
    """The refusal under the form, in the form's language, naming the levels given."""
    shown = form_error(form)
    assert ("拒绝销售" if language == "zh_CN" else "Sale refused") in shown, shown
    for level in levels:
        assert level in shown, (level, shown)
    return shown


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_counter_takes_the_questionnaire_and_the_recording_then_sells(
        center: Center, language: str) -> None:
    s = center.services
    client = center.client("孙新客")
    center.sign_on(center.n1, "04")
    s.queue.issue(center.lobby, "B")  # a walk-in first
    s.queue.issue(center.lobby, "B", client_id=client)
    app = make_app(s, quiet_settings(s.settings, language=language))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "N1")
        assert isinstance(screen, CounterScreen)
        # a walk-in buys no wealth product: refused, naming the product's level
        await press(pilot, "f2")
        form = await sell(pilot, app, "MIXF", "80,000")
        assert app.screen is form
        assert t("compliance.refused.walk_in", product="MIXF",
                 product_level=3) in refused(form, language, "R3")
        assert "f3" not in form.active_bindings  # no recording for a walk-in
        await press(pilot, "escape")
        await press(pilot, "f8")  # park the walk-in (no note)
        await press(pilot, "enter")
        await press(pilot, "f2")  # call the client's ticket: the client is identified
        assert t("risk_keys.line_none") in screen_text(app)

        # not assessed: the R3 product is refused, the form keeps the amount
        form = await sell(pilot, app, "MIXF", "80,000")
        assert app.screen is form
        assert t("compliance.refused.no_assessment", product="MIXF", product_level=3,
                 client_level="-", max_level=1) in refused(form, language, "R3", "R1")
        await press(pilot, "escape")

        # Ctrl+K: the questionnaire, every answer the highest scoring one
        questionnaire = s.risk.questionnaire(center.n1)
        best = {q.id: max(q.options, key=lambda o: o.score).id for q in questionnaire.questions}
        if language == "zh_CN":
            await press(pilot, "ctrl+k")
            risk = app.screen
            assert isinstance(risk, FormDialog) and t("risk.title") in screen_text(app)
            for q in questionnaire.questions:
                risk.query_one(f"#f-q_{q.id}", Select).value = best[q.id]
            await press(pilot, "f2")
            assert app.screen is screen
            until = (TODAY + timedelta(days=s.settings.contact.risk_assessment_valid_days))
            assert t("risk_keys.line", level=5, until=until.isoformat()) in screen_text(app)
        else:  # the form in English: tests/ui/test_risk_form.py; here the refusals that follow
            s.risk.assess(center.n1, client, best)
        with Session(s.ctx.engine) as db:
            assert db.get(Client, client).risk_level == 5  # type: ignore[union-attr]

        # assessed now, but a first purchase of a fund needs its dual recording
        form = await sell(pilot, app, "MIXF", "80,000")
        assert app.screen is form
        assert t("dual_recording.refused", product="MIXF",
                 product_level=3) in refused(form, language, "R3")
        assert form.query_one("#f-amount", FormField).value == "80,000"
        # F3 in the business form (shown: the product needs a recording) opens the recording
        # form for it; a bad time is refused under its field, the id typed stays
        key = t("dual_recording.form.key")
        assert form.active_bindings["f3"].binding.description == key
        assert key in screen_text(app)  # in the footer
        await press(pilot, "f3")
        rec_form = app.screen
        assert isinstance(rec_form, FormDialog) and rec_form.id == "recording-form"
        assert rec_form.widget("product").value == "MIXF"
        await type_into(pilot, "#f-ref", "SR-20261130-0007")
        await type_into(pilot, "#f-started", "9点" if language == "zh_CN" else "09:05")
        await type_into(pilot, "#f-ended", "09:25")
        if language == "zh_CN":  # a bad time once (the message is the catalog's in both)
            await press(pilot, "f2")
            assert app.screen is rec_form
            started = rec_form.query_one("#f-started", FormField)
            assert started.has_class("-invalid")
            assert t("dual_recording.error.clock") in str(
                started.query_one(".form-error").render())
            assert rec_form.query_one("#f-ref", FormField).value == "SR-20261130-0007"
            rec_form.query_one("#f-started", FormField).input.value = "09:05"
        await press(pilot, "f2")
        # back in the business form with what was typed; the same sale now goes through
        assert app.screen is form
        assert form.query_one("#f-amount", FormField).value == "80,000"
        assert form.widget("product").value == "MIXF"
        await press(pilot, "f2")
        assert app.screen is screen
    [sale] = rows(center, ServiceRecord)
    assert (sale.business_type, sale.amount_fen) == ("wealth_product", 8_000_000)
    checks = rows(center, SaleCheck)
    assert [(c.refused, c.outcome) for c in checks] == [
        (True, "walk_in"), (True, "no_assessment"), (True, "no_recording"), (False, "suitable")]
    [recording] = rows(center, DualRecording)
    assert (recording.recording_ref, recording.sale_check_id, recording.recorded_by) == (
        "SR-20261130-0007", checks[-1].id, center.n1.staff_id)


async def test_the_cm_assesses_from_the_file_and_records_from_the_contact_form(
        services, head, make_staff) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import SelectionList

    from tests.services.cm_helpers import Desk
    from wealthtui.ui.screens.client_file import ClientFileScreen
    from wealthtui.ui.screens.cm import CMScreen

    cm = make_staff("wealth_cm", staff_no="C07", name="李理财")
    lobby = make_staff("lobby_manager", staff_no="L07")
    desk = Desk(services, head, cm, cm, cm, cm, lobby)
    client = desk.client("周首购", cm=cm, birthday=T0.date().replace(year=1980))
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "C07")
        assert isinstance(screen, CMScreen)
        screen.open_client(client)
        await settle(pilot)
        file = app.screen
        assert isinstance(file, ClientFileScreen)
        assert t("cm.file.risk_none") in screen_text(app)
        await press(pilot, "f5")  # the questionnaire from the client file
        risk = app.screen
        assert isinstance(risk, FormDialog)
        for q in services.risk.questionnaire(cm).questions:
            risk.query_one(f"#f-q_{q.id}", Select).value = max(q.options,
                                                                key=lambda o: o.score).id
        await press(pilot, "f2")
        assert app.screen is file
        assert "C5" in screen_text(app)  # the file shows the new level and its expiry

        await press(pilot, "f8")  # the contact form: a sale of WM90, no recording yet
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-result", Select).value = "sold"
        form.query_one("#f-products", SelectionList).select("WM90")
        await type_into(pilot, "#f-sale_amount", "200000")
        await type_into(pilot, "#f-content", "首次购买稳健理财")
        await press(pilot, "f2")
        assert app.screen is form
        assert t("dual_recording.refused", product="WM90", product_level=2) in form_error(form)
        await press(pilot, "f3")  # the recording from within the contact form
        rec_form = app.screen
        assert isinstance(rec_form, FormDialog) and rec_form.widget("product").value == "WM90"
        await type_into(pilot, "#f-ref", "SR-CM-0001")
        await type_into(pilot, "#f-started", "09:00")
        await type_into(pilot, "#f-ended", "09:20")
        await press(pilot, "f2")
        assert app.screen is form  # back in the contact form, what was typed kept
        assert form.query_one("#f-sale_amount", FormField).value == "200000"
        assert form.query_one("#f-content", FormField).value == "首次购买稳健理财"
        await press(pilot, "f2")
        assert app.screen is file
        await press(pilot, "escape")  # back to the CM's screen, which reloads once
        await settle(pilot)
        assert app.screen is screen
    with Session(services.ctx.engine) as db:
        sale = db.exec(select(SaleCheck).where(SaleCheck.refused == False)).one()  # noqa: E712
        rec = db.exec(select(DualRecording)).one()
    assert (sale.path, sale.product_code, rec.sale_check_id, rec.recording_ref) == (
        "contact", "WM90", sale.id, "SR-CM-0001")


async def test_the_heads_compliance_view_equals_the_end_of_day_report(
        center: Center, head) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import DataTable

    from tests.services.recording_helpers import recorded
    from wealthtui.reports import compliance as report
    from wealthtui.reports import export
    from wealthtui.services.compliance import SaleRefused
    from wealthtui.ui.screens.compliance_view import ComplianceScreen

    s = center.services
    client = center.client("吴合规")
    with Session(s.ctx.engine) as db:
        row = db.get(Client, client)
        row.risk_level, row.risk_assessed_on = 3, TODAY - timedelta(days=3)  # type: ignore[union-attr]
        db.add(row)
        db.commit()
    center.sign_on(center.n1, "04")
    ticket = center.ticket_at(center.n1, "04", "B", client_id=client)
    ref = recorded(s, center.n1, client, "MIXF")
    s.counter.record(center.n1, ticket, "wealth_product", "80000", product="MIXF")
    for code in ("WM90", "EQF"):  # no recording; above the level
        with pytest.raises(SaleRefused):
            s.counter.record(center.n1, ticket, "wealth_product", "1000", product=code)
    doc = export.day_dict(s.settings, s.reports.eod(head))["compliance"]
    app = make_app(s)
    watch = LoopWatch(s.ctx.engine)  # the view reads off the event loop
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot, "H001")
            with watch.watching():
                await press(pilot, "ctrl+f")
                assert isinstance(app.screen, ComplianceScreen)
                await press(pilot, "f5")  # read again
                figures = app.screen.query_one("#compliance-figures", DataTable)
                shown = [[str(c) for c in figures.get_row_at(i)]
                         for i in range(figures.row_count)]
                recs = app.screen.query_one("#compliance-recordings", DataTable)
                rec_rows = [[str(c) for c in recs.get_row_at(i)] for i in range(recs.row_count)]
                await press(pilot, "escape")
                assert not isinstance(app.screen, ComplianceScreen)
            assert watch.on_loop == [], watch.on_loop[:3]
            assert watch.elsewhere > 0
    finally:
        watch.close()
    expected = [(label, str(v)) for _k, label, v in report.rows(doc)]
    assert [(label, today) for label, today, _month in shown] == expected
    assert [r[2] for r in shown] == [today for _label, today, _m in shown]  # first of the month
    values = {k: v for k, _label, v in report.rows(doc)}
    assert (values["recorded_sales"], values["refused_no_recording"],
            values["unrecorded_sales"], values["refused_above_level"]) == (1, 1, 0, 1)
    assert [(r[2], r[3], r[4]) for r in rec_rows] == [
        ("MIXF", t("dual_recording.status.recorded"), ref),
        ("WM90", t("dual_recording.status.refused"), "-")]
