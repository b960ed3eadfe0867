"""The lobby's ticket printer with Pilot (issue 18): issuing a ticket prints it on a network
printer (a real local TCP server here) off the UI thread; a printer that is off gives a
translated message and the ticket is still issued."""

from __future__ import annotations

import socket

from tests.devices.test_printer import Capture
from tests.ui.helpers import make_app, settle
from tests.ui.test_lobby import clients, lobby_screen, look_up, people  # noqa: F401
from wealthtui.devices.printer import decode_text
from wealthtui.services import Services
from wealthtui.ui.widgets.lobby_bigtext import BigText


def with_printer(services: Services, **printer: object) -> Services:
    settings = services.settings.model_copy(update={
        "printer": services.settings.printer.model_copy(update=printer)})
    return Services(services.ctx.engine, settings, services.clock)


async def issue_premium_ticket(app) -> object:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        await look_up(pilot, "zs")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        return screen.query_one("#ticket-no", BigText).value, [
            n.message for n in app._notifications]


async def test_the_ticket_is_printed_on_the_network_printer(services, people, clients) -> None:  # noqa: F811
    printer = Capture()
    mine = with_printer(services, kind="network", host="127.0.0.1", port=printer.port)
    number, _ = await issue_premium_ticket(make_app(mine, mine.settings))
    assert number == "V001"
    lines = decode_text(printer.received())
    assert services.settings.center.name in "".join(lines[:2]) and "V001" in lines
    assert "您前面还有 0 位客户等候" in lines
    category = next(c for c in services.settings.queue.categories if c.prefix == "V")
    assert category.name in lines  # the business, in Chinese
    assert lines[-1] == services.settings.printer.reminder


async def test_a_printer_that_is_off_tells_the_lobby_and_the_ticket_stands(
        services, people, clients) -> None:  # noqa: F811
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mine = with_printer(services, kind="network", host="127.0.0.1", port=port,
                        timeout_seconds=2)
    number, messages = await issue_premium_ticket(make_app(mine, mine.settings))
    assert number == "V001"
    assert any(m.startswith("号票打印失败（127.0.0.1:") and "号票已生成" in m for m in messages)
    assert services.queue.find(people["lobby"], "V001").display_no == "V001"  # issued
