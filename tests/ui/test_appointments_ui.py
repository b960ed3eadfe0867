"""Appointments on the screens (issue 18), with Pilot on the real database:

- the lobby at 80x24: an ID card reader's burst (18 digits and Enter in one press) selects the
  client at once and shows today's appointment; Ctrl+G checks them in on the visit the look-up
  recorded (a ticket called first); the confirmation's QR reference typed by the reader checks
  the next client in; Ctrl+B the calendar (F3 the week); the lobby's no-show marking — all with
  no statement on the event loop (LoopWatch);
- the CM: the appointment on the agenda; Ctrl+N books for the row's client, a bad time and a
  taken slot are refused under the time field with what was typed kept; Ctrl+D the calendar;
- the supervisor: F10 the large cash to prepare for the next open day;
- snapshots of the calendar at 80x24 and 120x40 in both languages.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, select
from textual.widgets import Input, Static

from tests.lobby_data import add_client, card_no, id_no
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.ui.helpers import make_app, quiet_settings, screen_text, settle, sign_in, type_into
from tests.ui.loop_watch import LoopWatch, SlowStore
from tests.ui.test_lobby import lobby_screen
from wealthtui.i18n import t
from wealthtui.model import Notice, Visit
from wealthtui.services import Actor, Services
from wealthtui.ui.dialogs.appointment import CashPlanDialog
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.screens.calendar import CalendarScreen
from wealthtui.ui.screens.cm import CMScreen
from wealthtui.ui.widgets.calendar import AppointmentCalendar
from wealthtui.ui.widgets.inbox import InboxPanel
from wealthtui.ui.widgets.lobby_bigtext import BigText

BIRTH = date(1970, 5, 5)


def at(services: Services, hour: int, minute: int = 0, days: int = 0) -> datetime:
    today = services.ctx.today()
    return datetime(today.year, today.month, today.day, hour, minute,
                    tzinfo=services.ctx.tz) + timedelta(days=days)


@pytest.fixture
def desk(make_staff) -> dict[str, Actor]:  # type: ignore[no-untyped-def]
    return {
        "lobby": make_staff("lobby_manager", staff_no="L1", name="赵大堂"),
        "cm1": make_staff("wealth_cm", staff_no="C1", name="李理财"),
    }


async def test_the_lobby_checks_in_by_scan_and_key_and_marks_no_shows(
        services: Services, desk, engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(InboxPanel, "reload", lambda self: None)  # its own walk elsewhere
    s, lobby = services, desk["lobby"]
    li = add_client(engine, "李四", seq=2, phone="13900139000", card=card_no(2))
    wang = add_client(engine, "王五", seq=3)
    first = s.appointments.book(lobby, client_id=li, purpose="account_open", start=at(s, 10))
    second = s.appointments.book(lobby, client_id=wang, purpose="wealth", start=at(s, 10, 30),
                                 source="phone_95588")
    missed = s.appointments.book(lobby, contact_name="陈未到", contact_phone="13700137000",
                                 purpose="wealth", start=at(s, 9, 40), minutes=10)
    app = make_app(s)
    watch = LoopWatch(engine)
    try:
        await lobby_walk(app, s, watch, second.reference)
    finally:
        watch.close()
    assert watch.on_loop == [], watch.on_loop[:3]
    assert watch.elsewhere > 0
    assert s.appointments.get(lobby, first.id).status == "checked_in"
    assert s.appointments.get(lobby, first.id).ticket_no.startswith("B")
    assert s.appointments.get(lobby, second.id).status == "checked_in"
    assert s.appointments.get(lobby, missed.id).status == "no_show"
    with Session(engine) as db:  # the look-up's visit was the arrival: one visit for 李四
        assert len(db.exec(select(Visit).where(Visit.client_id == li)).all()) == 1


async def lobby_walk(app, s: Services, watch: LoopWatch,  # type: ignore[no-untyped-def]
                     reference: str) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lobby_screen(pilot)
        with watch.watching():
            # an ID card reader: the whole number and Enter in one burst, no extra key to
            # select the client; Ctrl+G at once checks them in (even before the appointment
            # line has been read)
            await pilot.press(*id_no(BIRTH, 2), "enter", "ctrl+g")
            await settle(pilot)
            assert screen.card is not None and screen.card.name == "李四"
            assert screen.visit is not None and screen.visit.ticket_no
            line = str(screen.query_one("#appointment-line", Static).render())
            assert "10:00" in line and t("appointments.status_checked_in") in line
            ticket = screen.query_one("#ticket-no", BigText).value
            assert ticket.startswith("B")

            # the confirmation's QR code: the reader types the reference and Enter
            await pilot.press("f2")
            await pilot.press(*reference, "enter")
            await settle(pilot)
            assert screen.card is not None and screen.card.name == "王五"
            assert screen.query_one("#lookup", Input).value == ""

            await pilot.press("ctrl+b")                      # the day's calendar
            await settle(pilot)
            assert isinstance(app.screen, CalendarScreen)
            text = screen_text(app)
            assert "李四" in text and "王五" in text and "陈未到" in text
            await pilot.press("f3")                          # the week
            await settle(pilot)
            assert app.screen.query_one(AppointmentCalendar).days == 7
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen

            s.clock.set(at(s, 10, 25))  # type: ignore[attr-defined]  (9:50 + 30 min grace)
            # the clock's jump is no idleness: else the idle lock's timer, when it ticks now,
            # locks the screen (flaky under load)
            app.last_activity = s.clock.now()
            screen.mark_no_shows()                           # what the lobby's timer calls
            await settle(pilot)


async def test_the_cm_books_from_the_agenda_and_sees_the_calendar(
        services: Services, desk, engine) -> None:  # type: ignore[no-untyped-def]
    s, cm = services, desk["cm1"]
    zhang = add_client(engine, "张三", seq=1, tier="premium", phone="13800138000",
                       cm_id=cm.staff_id)
    s.appointments.book(cm, client_id=zhang, purpose="wealth", start=at(s, 15),
                        staff_id=cm.staff_id, source="cm")
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "C1")
        assert isinstance(screen, CMScreen)
        await settle(pilot)
        assert t("appt.kind") in screen_text(app) and "15:00" in screen_text(app)

        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog) and form.id == "appointment-form"
        await type_into(pilot, "#f-time", "25:00")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form and t("appt.error.time") in screen_text(app)
        await type_into(pilot, "#f-time", "15:10")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form                           # the CM's 15:00–15:30 is taken
        assert t("appointments.error.conflict", time="")[:4] in screen_text(app)
        assert form.query_one("#f-time").input.value == "15:10"  # what was typed stays
        await type_into(pilot, "#f-time", "16:00")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is screen

        await pilot.press("ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, CalendarScreen)
        assert screen_text(app).count("张三") == 2
        await pilot.press("escape")
        await settle(pilot)
    booked = s.appointments.calendar(cm, cm.staff_id)
    assert [v.start_at for v in booked] == [at(s, 15), at(s, 16)]
    with Session(engine) as db:
        refs = {n.record_ref for n in db.exec(select(Notice)).all()}
    assert {str(v.id) for v in booked} <= refs              # each booking's confirmation


async def test_the_supervisor_sees_tomorrows_large_cash(center: Center) -> None:
    s = center.services
    client = center.client("钱大额", seq=51)
    s.appointments.book(center.lobby, client_id=client, purpose="large_cash",
                        start=at(s, 10, 0, 1), amount="200000",
                        denominations="100元×2000张 <b>新券</b>")
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "S1")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, CashPlanDialog)
        text = screen_text(app)
        assert "钱大额" in text and "200,000.00" in text and "<b>新券</b>" in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CashPlanDialog)


# --- the calendar on a slow store ------------------------------------------------------------------
@pytest.mark.raw_pilot
async def test_the_calendar_opens_and_moves_on_a_slow_store_and_the_last_days_asked_win(
        services: Services, desk, engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Opening the calendar and moving days while the store is slow (every statement 20 ms
    later, and the reads held until released): the screen answers each key at once with the
    days asked for and the loading line, no earlier day's rows; one read runs at a time, then
    one of the days asked for last; nothing runs on the event loop."""
    from tests.ui.test_lobby_calls import Gate

    s, lobby = services, desk["lobby"]
    names = ("郑今天", "周一天", "吴两天")
    ids = [add_client(engine, name, seq=80 + i) for i, name in enumerate(names)]
    for days, client in enumerate(ids):
        s.appointments.book(lobby, client_id=client, purpose="wealth", start=at(s, 15, 0, days))
    today = s.ctx.today()
    app = make_app(s)
    slow, watch = SlowStore(engine, 0.02), LoopWatch(engine)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await lobby_screen(pilot)
            await settle(pilot)
            reads: list[date] = []
            calendar = s.appointments.calendar
            monkeypatch.setattr(s.appointments, "calendar", lambda actor, staff, first, **kw: (
                reads.append(first), calendar(actor, staff, first, **kw))[1])
            with watch.watching():
                await pilot.press("ctrl+b")                 # opens at once, loading meanwhile
                assert isinstance(app.screen, CalendarScreen)
                cal = app.screen.query_one(AppointmentCalendar)
                loading = cal.query_one("#calendar-empty", Static)
                await settle(pilot)
                assert [v.client_name for v in cal.table.views] == ["郑今天"]
                gate = Gate(monkeypatch, s.appointments, "calendar")  # the next reads held
                await pilot.press("f5", "f5")               # two days on, before any answer
                head = str(cal.query_one("#calendar-head", Static).render())
                assert (today + timedelta(days=2)).isoformat() in head  # the keys answered
                assert loading.display and t("cm2.loading") in str(loading.render())
                assert cal.table.views == []                # not today's rows under it
                assert await gate.reached(1) == 1           # one read runs
                gate.open()
                await settle(pilot)
            assert cal.first == today + timedelta(days=2) and cal.loaded
            assert [v.client_name for v in cal.table.views] == ["吴两天"]
            assert reads == [today + timedelta(days=d) for d in range(3)]  # not a pile
            assert not loading.display
    finally:
        slow.close()
        watch.close()
    assert watch.on_loop == [], watch.on_loop[:3]


# --- snapshots of the calendar -------------------------------------------------------------------
@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_calendar_snapshot(snap_compare, services, settings, desk, engine, language,
                           size) -> None:  # type: ignore[no-untyped-def]
    s, lobby, cm = services, desk["lobby"], desk["cm1"]
    names = ("欧阳娜娜", "买买提·艾力", "李四")
    ids = [add_client(engine, name, seq=60 + i) for i, name in enumerate(names)]
    s.appointments.book(lobby, client_id=ids[0], purpose="wealth", start=at(s, 10),
                        staff_id=cm.staff_id, source="phone_95588")
    s.appointments.book(lobby, client_id=ids[1], purpose="large_cash", start=at(s, 11),
                        amount="80000", denominations="100元")
    s.appointments.book(lobby, client_id=ids[2], purpose="account_open", start=at(s, 14, 30),
                        source="online")
    s.appointments.book(lobby, contact_name="王新客", contact_phone="13800138000",
                        purpose="wealth", start=at(s, 15, 0, 1), source="online")
    app = make_app(s, quiet_settings(settings, language=language))

    async def open_week(pilot) -> None:  # type: ignore[no-untyped-def]
        await sign_in(pilot, "L1")
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_week)
