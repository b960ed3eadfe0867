"""The CM change's written-notice step in the checklist panel (issue 18): Enter offers the
channels, and choosing one queues the CM change letter, which records the step (not by hand)."""

from __future__ import annotations

from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from tests.ui.test_checklist_panel import Host
from wealthtui.rules import step_facts
from wealthtui.ui.dialogs.choice import ChoiceDialog
from wealthtui.ui.widgets.checklist import ChecklistPanel


async def test_the_written_notice_step_sends_the_cm_change_letter(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    desk.services.assignments.assign(desk.head, client, desk.cm2.staff_id, "李理财调岗")
    (run,) = desk.services.checklists.open_runs(desk.cm2, client_id=client)
    app = Host(desk.services, desk.cm2, ChecklistPanel(run.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the run is read off the event loop: let it show first
        panel = app.screen.query_one(ChecklistPanel)
        # successor named, files, signed, told orally, written notice
        await pilot.press("down", "down", "down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "down", "enter")  # SMS, e-mail, print → print
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceDialog)
        assert panel.run is not None
        step = panel.run.state("written_notice")
        assert step.done and step.done_by_id == desk.cm2.staff_id
        await pilot.press("enter")  # again: it says so, sends nothing more
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceDialog)
    (notice,) = desk.services.notices.outbox(desk.head)
    assert (notice.template, notice.channel, notice.client_id) == ("cm_change", "print", client)
    fact = step_facts.parse(step.value)
    assert fact is not None and (fact.kind, fact.id, fact.channel) == (
        step_facts.NOTICE, notice.id, "print")
