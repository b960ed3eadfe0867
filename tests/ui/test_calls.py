"""The one call path from a screen to a service (ui/calls.py): off the event loop, the last
request wins, failures shown as a sentence or under their field."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from tests.ui.helpers import make_app, settle, sign_in
from tests.ui.loop_watch import LoopWatch
from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.services import Actor, Services
from wealthtui.services.errors import Conflict, StoreFault
from wealthtui.ui.calls import Failed, Ok, invoke


def test_invoke_turns_service_errors_and_store_faults_into_failures():
    assert invoke(lambda x: x * 2, 21) == Ok(42)
    failed = invoke(lambda: (_ for _ in ()).throw(Conflict("error.staff.bootstrap_done")))
    assert isinstance(failed, Failed) and failed.message == t("error.staff.bootstrap_done")

    def full() -> None:
        raise sqlite3.OperationalError("database or disk is full")

    fault = invoke(full)
    assert isinstance(fault, Failed) and isinstance(fault.error, StoreFault)

    def bug() -> None:
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):  # a bug is not a failure to show: it goes to Textual
        invoke(bug)


async def test_calls_run_off_the_event_loop_and_the_last_request_wins(services: Services,
                                                                     head: Actor):
    app = make_app(services)
    watch = LoopWatch(services.ctx.engine)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await sign_in(pilot, head.staff_no)
            first_may_finish = threading.Event()
            shown: list[str] = []

            def slow(actor: Actor) -> str:
                first_may_finish.wait(10)
                return "first"

            def fast(actor: Actor) -> str:
                services.staff.roster(actor)  # a real round trip, in the worker's thread
                first_may_finish.set()
                return "second"

            with watch.watching():
                screen.call(slow, then=shown.append, key="look-up")
                screen.call(fast, then=shown.append, key="look-up")
                await settle(pilot)
            assert shown == ["second"]            # the superseded answer was dropped
            assert watch.on_loop == [] and watch.elsewhere > 0

            # without a key every answer is delivered, in any order
            both: list[str] = []
            screen.call(lambda a: "a", then=both.append)
            screen.call(lambda a: "b", then=both.append)
            await settle(pilot)
            assert sorted(both) == ["a", "b"]
    finally:
        watch.close()


async def test_a_failed_call_is_one_sentence_and_calls_back(services: Services, head: Actor):
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, head.staff_no)
        failures: list[Failed] = []

        def refused(actor: Actor) -> None:
            raise FieldError("field.phone", "error.field.phone", value="[/]x")

        screen.call(refused, then=lambda _v: pytest.fail("no value"), failed=failures.append)
        await settle(pilot)
        assert len(failures) == 1
        toasts = [n.message for n in app._notifications]
        assert failures[0].message in toasts  # a toast naming the field
        assert t("field.phone") in failures[0].message
