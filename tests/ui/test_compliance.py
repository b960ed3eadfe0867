"""Compliance at the point of sale on screen (issue 17), with Pilot at 80×24 on the real
database: the counter's business form names the product of a wealth-product sale, a sale above
the client's level is refused with the reason under the product field (both languages, both
levels named), the typed amount kept and nothing recorded; the CM's contact form refuses a
"sold" above the client's level the same way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from textual.widgets import DataTable, Static

from tests.conftest import T0
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.services.recording_helpers import recorded
from tests.ui.helpers import make_app, quiet_settings, screen_text, settle, sign_in, type_into
from wealthtui.i18n import t
from wealthtui.model import Client, SaleCheck, ServiceRecord
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.screens.counter import CounterScreen

TODAY = T0.date()


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def client_at_level(center: Center, level: int) -> int:
    cid = center.client("钱稳健")
    with Session(center.services.ctx.engine) as s:
        row = s.get(Client, cid)
        row.risk_level, row.risk_assessed_on = level, TODAY - timedelta(days=20)
        s.add(row)
        s.commit()
    return cid


def table(center: Center, model) -> list:  # type: ignore[no-untyped-def]
    with Session(center.services.ctx.engine) as s:
        return list(s.exec(select(model)).all())


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_counter_refuses_a_sale_above_the_level_and_keeps_the_form(
        center: Center, language: str) -> None:
    s = center.services
    client = client_at_level(center, 2)
    center.sign_on(center.n1, "04")
    s.queue.issue(center.lobby, "B", client_id=client)
    app = make_app(s, quiet_settings(s.settings, language=language))
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(await sign_in(pilot, "N1"), CounterScreen)
        await press(pilot, "f2")  # call the ticket
        await press(pilot, "f5")
        form = app.screen
        assert isinstance(form, FormDialog)
        form.widget("type").value = "wealth_product"
        form.widget("product").value = "EQF"
        await type_into(pilot, "#f-amount", "100,000")
        await press(pilot, "f2")
        assert app.screen is form  # the form stays open
        shown = str(form.query_one("#form-error", Static).content)
        product = "EQF"
        assert shown == t("common.field_error", field=t("compliance.field.product"),
                          message=t("compliance.refused.above_level", product=product,
                                    product_level=4, client_level=2))
        assert "R4" in shown and "C2" in shown
        assert ("拒绝销售" if language == "zh_CN" else "Sale refused") in shown
        assert form.widget("product").has_focus
        assert form.query_one("#f-amount", FormField).value == "100,000"
        assert table(center, ServiceRecord) == []
        assert [(c.refused, c.outcome) for c in table(center, SaleCheck)] == [
            (True, "above_level")]
        # a suitable product goes through from the same form (its dual recording entered)
        recorded(s, center.n1, client, "WM90")
        form.widget("product").value = "WM90"
        await press(pilot, "f2")
        assert isinstance(app.screen, CounterScreen)
        assert [(r.business_type, r.amount_fen) for r in table(center, ServiceRecord)] == [
            ("wealth_product", 10_000_000)]
        assert "100,000.00" in screen_text(app)


async def test_the_head_sees_the_compliance_figures_in_the_end_of_day_tab(
        center: Center, head) -> None:
    s = center.services
    client = client_at_level(center, 3)
    center.sign_on(center.n1, "04")
    ticket = center.ticket_at(center.n1, "04", "B", client_id=client)
    recorded(s, center.n1, client, "MIXF")
    s.counter.record(center.n1, ticket, "wealth_product", "80000", product="MIXF")
    for code in ("EQF", "QDII"):
        with pytest.raises(Exception):  # noqa: B017 - SaleRefused, shown above
            s.counter.record(center.n1, ticket, "wealth_product", "80000", product=code)
    figures = s.compliance.figures(head)
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "H001")
        await press(pilot, "f7")
        table = app.screen.query_one("#eod-tables #section-compliance", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
    shown = {label: value for label, value in rows}
    assert shown[t("compliance.report.sales")] == str(figures.sales_total) == "1"
    assert shown[t("compliance.report.refused")] == str(figures.refused_total) == "2"
    assert shown[t("compliance.report.sales_level", level="R3")] == "1"
    assert shown[t("compliance.report.unassessed")] == "0"
