"""Hostile values pasted into the forms of each role (issue 9 item 3, with Pilot): the form stays
open, the message sits under the field it is about and names it, what was typed is still there
character for character, and nothing was written.

Each role's own tests already cover an ordinary typing mistake in their forms
(tests/ui/test_counter.py bad amount, test_lobby.py registration, test_cm.py refused product,
test_complaints.py bad phone, test_head.py bad date and staff form, test_inbox.py reason,
test_checklist_panel.py); these add the nasty values: full-width signs, emoji, control characters,
impossible dates.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.ui.helpers import make_app, settle, sign_in
from wealthtui.i18n import t
from wealthtui.model import Client, ServiceRecord
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.dialogs.form_dialog import FormDialog


async def paste_into(pilot, field: FormField, text: str) -> None:  # type: ignore[no-untyped-def]
    """What a paste does: the whole text lands in the input at once."""
    field.input.focus()
    field.input.value = text
    await pilot.pause()


def count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as db:
        return db.exec(select(func.count()).select_from(model)).one()


async def test_counter_amount_with_a_full_width_minus_is_refused_and_kept(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02")
    s.queue.issue(center.lobby, "A")
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "T1")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.widget("type").value = "cash_deposit"
        amount = form.query_one("#f-amount", FormField)
        await paste_into(pilot, amount, "－￥１，０００．００")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert amount.error_text == f"{t('field.amount')}：{t('error.field.amount_negative')}"
        assert amount.value == "－￥１，０００．００"
    assert count(s.ctx.engine, ServiceRecord) == 0


async def test_registration_with_an_emoji_and_a_control_character_keeps_both(
        services, make_staff) -> None:
    make_staff("lobby_manager", staff_no="L1")
    before = count(services.ctx.engine, Client)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "L1")
        await pilot.press("f4")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        name = form.widget("name")
        await paste_into(pilot, name, "张😀三\x07")
        await paste_into(pilot, form.widget("id_number"), "１１０１０５１９９００６１５１２３５")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert name.value == "张😀三\x07"
        assert name.error_text == f"{t('field.name')}：{t('error.field.name_chars')}"
        assert form.widget("id_number").value == "１１０１０５１９９００６１５１２３５"
    assert count(services.ctx.engine, Client) == before


async def test_client_file_with_an_impossible_birthday_is_refused_and_kept(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    app = make_app(desk.services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "C01")
        screen.open_client(client)
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        birthday = form.query_one("#f-birthday", FormField)
        occupation = form.query_one("#f-occupation", FormField)
        await paste_into(pilot, occupation, "工程师👷")
        await paste_into(pilot, birthday, "2026-02-30")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert birthday.value == "2026-02-30" and occupation.value == "工程师👷"
        assert t("error.cm_ui.date") in birthday.error_text
    with Session(desk.engine) as db:
        stored = db.get(Client, client)
        assert stored.birthday != date(2026, 2, 28) and stored.occupation == ""
