"""The lobby screen with Pilot, driven by keys as the lobby manager would (F-keys, Enter, arrows;
typed text only into inputs): find a premium client by pinyin initials, issue a ticket and see the
CM's inbox receive the arrival; divert an ordinary client to self-service; serve and register a
walk-in; re-route an arrival; log a lead; open the complaint intake. Snapshots of the lobby screen
and of the calling board.

Review snapshot changes in snapshot_report.html; update with `pytest tests/ui --snapshot-update`.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable, Input, OptionList

from tests.lobby_data import add_client, attend, card_no, id_no, sign_on
from tests.staffing import lobby_people
from tests.ui.helpers import make_app, quiet_settings, screen_text, settle, sign_in, type_into
from wealthtui.services import Actor, Services
from wealthtui.ui.dialogs.complaint_intake import ComplaintIntakeDialog
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.display import DisplayApp
from wealthtui.ui.screens.lobby import LobbyScreen
from wealthtui.ui.widgets.client_card import ClientCardView
from wealthtui.ui.widgets.lobby_bigtext import BigText, letters_block, split
from wealthtui.ui.widgets.lobby_business import BusinessChoice


@pytest.fixture
def people(make_staff) -> dict[str, Actor]:  # type: ignore[no-untyped-def]
    return lobby_people(make_staff)


@pytest.fixture
def clients(engine, people) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        "premium": add_client(engine, "张三", seq=1, tier="premium", title="先生",
                              card=card_no(1), phone="13800138000",
                              cm_id=people["cm1"].staff_id),
        "ordinary": add_client(engine, "李四", seq=2, phone="13900139000"),
        "potential": add_client(engine, "王五", seq=3, tier="potential"),
    }


async def lobby_screen(pilot) -> LobbyScreen:  # type: ignore[no-untyped-def]
    screen = await sign_in(pilot, "L1")
    assert isinstance(screen, LobbyScreen)
    assert pilot.app.focused is screen.query_one("#lookup", Input)
    return screen


async def look_up(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*text)
    await settle(pilot)


# --- the lobby manager's flow --------------------------------------------------------------
async def test_premium_client_by_initials_gets_a_ticket_and_the_cm_is_told(
        services: Services, people, clients) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await look_up(pilot, "zs")
        assert "张三" in screen_text(app)
        await pilot.press("enter")  # one match: identified at once
        await settle(pilot)
        assert screen.card is not None and screen.card.name == "张三"
        assert "李理财" in screen_text(app)  # the CM on the card
        # the arrival is in the CM's inbox before any ticket
        [arrival] = services.handoffs.inbox(people["cm1"])
        assert (arrival.kind, arrival.client_name) == ("premium_arrival", "张三")
        assert app.focused is screen.query_one(BusinessChoice)
        await pilot.press("f6")
        await settle(pilot)
        assert screen.query_one("#ticket-no", BigText).value == "V001"
        assert services.handoffs.inbox(people["cm1"])[0].ticket_no == "V001"
        assert "V001" in screen_text(app)  # on the arrivals table
        # the identification checklist ran beside it, ticked by these actions
        assert "必做 5/5" in screen_text(app)
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert "来访客户识别引导" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_several_matches_are_picked_with_the_arrows(services, people, clients,
                                                         engine) -> None:
    add_client(engine, "张思", seq=9)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await look_up(pilot, "张s")
        await pilot.press("enter")  # two matches: the list takes the focus
        await settle(pilot)
        assert app.focused is screen.query_one("#results", OptionList)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.card.name == "张思"


async def test_ordinary_client_diverted_to_self_service(services, people, clients) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await look_up(pilot, "13900139000")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.card.name == "李四"
        await pilot.press("f7")
        await settle(pilot)
        assert screen.visit.diverted and screen.visit.zone == "self_service"
        assert services.lobby.flow_counts(people["lobby"]).diversions == 1
        assert services.queue.tickets(people["lobby"]) == []
        assert "分流 1" in screen_text(app)


async def test_business_and_amount_drive_the_proposal(services, people, clients) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await lobby_screen(pilot)
        await look_up(pilot, "lisi")
        await pilot.press("enter")
        await settle(pilot)
        # choose "cash" with one key: the business line has the focus, 1 is cash
        assert app.focused is screen.query_one(BusinessChoice)
        await pilot.press("1")
        await settle(pilot)
        assert screen.query_one(BusinessChoice).value == "cash"
        assert screen.query_one("#lookup", Input).value == "lisi"  # the 1 went to the line
        await type_into(pilot, "#amount", "80000")
        await settle(pilot)
        assert "大额现金" in screen_text(app)
        await pilot.press("f6")
        await settle(pilot)
        assert screen.last.ticket_no == "C500"


async def test_a_bad_amount_names_the_field_and_issues_nothing(services, people, clients) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await look_up(pilot, "lisi")
        await pilot.press("enter")
        await settle(pilot)
        await type_into(pilot, "#amount", "12.345")
        await pilot.press("f6")
        await settle(pilot)
        assert services.queue.tickets(people["lobby"]) == []
        assert screen.query_one("#amount", Input).value == "12.345"
        assert app.focused is screen.query_one("#amount", Input)
        assert "金额（元）" in screen_text(app)


async def test_walk_in_gets_a_ticket_then_is_registered(services, people) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert screen.walk_in and "散客" in screen_text(app)
        await pilot.press("f6")
        await settle(pilot)
        assert screen.last.ticket_no == "B001"
        await pilot.press("f4")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        await pilot.press(*"Wang Xiaoming")
        await pilot.press("enter")  # to the ID type list, keep the resident ID card
        form.widget("id_number").focus()
        await pilot.press(*id_no(date(1990, 6, 15), 11))
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is screen
        assert screen.card is not None and screen.card.name == "Wang Xiaoming"
        ticket = services.queue.find(people["lobby"], "B001")
        assert ticket.client_name == "Wang Xiaoming"


async def test_registration_errors_keep_what_was_typed(services, people) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await lobby_screen(pilot)
        await pilot.press("f4")
        await settle(pilot)
        form = app.screen
        await pilot.press(*"Li Lei")
        form.widget("id_number").focus()
        await pilot.press(*"110105199006151235")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        field = form.widget("id_number")
        assert isinstance(field, FormField) and field.value == "110105199006151235"
        assert "校验位" in field.error_text
        assert form.widget("name").value == "Li Lei"


async def test_reroute_an_arrival_from_the_table(services, people, clients, engine) -> None:
    attend(engine, people["cm2"].staff_id, duty=True)
    services.lobby.arrive(people["lobby"], client_id=clients["premium"])
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await lobby_screen(pilot)
        screen.query_one("#arrivals-table", DataTable).focus()
        await pilot.press("ctrl+r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.widget("to").value == people["cm2"].staff_id  # the duty CM first
        form.widget("note").focus()
        await pilot.press(*"meeting")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is screen
        assert [h.client_name for h in services.handoffs.inbox(people["cm2"])] == ["张三"]
        assert "周理财" in screen_text(app)


async def test_potential_premium_lead_from_the_lobby(services, people, clients) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await lobby_screen(pilot)
        await look_up(pilot, "wangwu")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        await pilot.press("f2")  # the signal is required
        await settle(pilot)
        assert app.screen is form and form.widget("signal").error_text
        await pilot.press(*"big CD")
        await pilot.press("f2")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
        inbox = services.handoffs.inbox(people["cm1"]) + services.handoffs.inbox(people["cm2"])
        assert [(h.kind, h.client_name) for h in inbox] == [("lead", "王五")] * len(inbox)
        assert len(inbox) >= 1


async def test_complaint_key_opens_the_intake_with_the_client(services, people, clients) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await lobby_screen(pilot)
        await look_up(pilot, "lisi")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintIntakeDialog)
        assert app.screen.client_id == clients["ordinary"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LobbyScreen)


async def test_next_visitor_clears_the_card(services, people, clients) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await look_up(pilot, "lisi")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert screen.card is None and screen.query_one("#lookup", Input).value == ""
        assert screen.query_one(ClientCardView).card is None
        assert app.focused is screen.query_one("#lookup", Input)


async def test_the_board_follows_the_counters(services, people, clients, engine) -> None:
    sign_on(engine, people["teller"].staff_id, "02")
    services.lobby.guide(people["lobby"], services.lobby.arrive(people["lobby"]).id,
                         business="cash")
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await lobby_screen(pilot)
        assert "02:-" in screen_text(app)
        services.queue.call_next(people["teller"], "02")
        screen.data_changed(None)
        await settle(pilot)
        assert "02:A001" in screen_text(app)


# --- big text ---------------------------------------------------------------------------------
def test_big_text_splits_letters_digits_cannot_draw() -> None:
    assert split("V001") == ("V", "001")
    assert split("A012") == ("", "A012")
    assert split("VIP1") == ("VIP", "1")
    assert letters_block("V").splitlines() == ["╻ ╻", "┃ ┃", "┗┳┛"]


# --- snapshots ----------------------------------------------------------------------------------
def _snapshot_day(services: Services, people, clients, engine) -> None:  # type: ignore[no-untyped-def]
    attend(engine, people["cm1"].staff_id)
    attend(engine, people["cm2"].staff_id, duty=True)
    sign_on(engine, people["teller"].staff_id, "01")
    lobby = people["lobby"]
    services.lobby.guide(lobby, services.lobby.arrive(lobby, client_id=clients["ordinary"]).id,
                         business="cash")
    services.lobby.guide(lobby, services.lobby.arrive(lobby).id, business="self_service")
    services.ctx.clock.advance(minutes=4)  # type: ignore[attr-defined]
    services.queue.call_next(people["teller"], "01")


async def _identify_premium(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*"zs")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    pilot.app.clear_notifications()
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_lobby_screen_snapshot(snap_compare, services, people, clients, engine, size) -> None:
    _snapshot_day(services, people, clients, engine)
    app = make_app(services)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await sign_in(pilot, "L1")
        await _identify_premium(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_lobby_screen_snapshot_en(snap_compare, services, settings, people, clients,
                                  engine) -> None:
    _snapshot_day(services, people, clients, engine)
    app = make_app(services, quiet_settings(settings, language="en"))

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await sign_in(pilot, "L1")
        await _identify_premium(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_calling_board_snapshot(snap_compare, services, settings, people, clients, engine,
                                size) -> None:
    _snapshot_day(services, people, clients, engine)
    lobby, teller = people["lobby"], people["teller"]
    services.queue.finish(teller, services.queue.at_counter(teller, "01").id)
    for business in ("non_cash", "wealth", "cash"):
        services.lobby.guide(lobby, services.lobby.arrive(lobby).id, business=business)
    services.ctx.clock.advance(seconds=30)  # type: ignore[attr-defined]
    services.queue.call_next(teller, "01")
    app = DisplayApp(services=services, settings=quiet_settings(settings))
    assert snap_compare(app, terminal_size=size, run_before=settle)  # the first board: a worker


async def test_calling_board_shows_no_names_and_reaches_nothing_else(services, settings, people,
                                                                    clients, engine) -> None:
    _snapshot_day(services, people, clients, engine)
    app = DisplayApp(services=services, settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert app.query_one("#now-ticket", BigText).value == "A001"
        assert "李四" not in text and "陈柜员" not in text and "赵大堂" not in text
        await pilot.press("f1", "f12", "ctrl+p", "ctrl+l")
        await settle(pilot)
        assert app.screen_stack == [app.screen] and len(app.screen_stack) == 1
        before = app.query_one("#now-ticket", BigText).value
        services.lobby.guide(people["lobby"], services.lobby.arrive(people["lobby"]).id,
                             business="cash")
        services.queue.finish(people["teller"],
                              services.queue.at_counter(people["teller"], "01").id)
        services.queue.call_next(people["teller"], "01")
        app.refresh_board()
        await settle(pilot)
        assert (before, app.query_one("#now-ticket", BigText).value) == ("A001", "A002")
