"""The app sends the outbox on a timer (issue 18) as the signed-in staff member, in a thread."""

from __future__ import annotations

from tests.ui.helpers import make_app, settle
from tests.ui.test_lobby import clients, lobby_screen, people  # noqa: F401


async def test_the_app_sends_due_notices_as_the_signed_in_staff_member(
        services, head, people, clients) -> None:  # noqa: F811
    queued = services.notices.queue(
        head, "maturity", {"client": "张三", "product": "稳健型理财（90天）",
                           "maturity_date": "2026年12月15日", "staff": "李理财"},
        client_id=clients["premium"], channel="sms")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.flush_notices() is False  # nobody signed in: nothing is sent
        await lobby_screen(pilot)
        assert app.flush_notices() is True
        await settle(pilot)
    sent = services.notices.get(head, queued.id)
    assert (sent.status, sent.sent_via, sent.attempts) == ("sent", "log", 1)
    assert sent.recipient == "138****8000"
