"""Issue 16: a teller or a CM who receives a complaint records it from "my complaints" (Ctrl+J,
every role) with F2 — the lobby's intake form, one key model for every role. Keys are pressed by
binding id (tests/ui/keys.py)."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.ui.helpers import make_app, screen_text, settle, sign_in
from tests.ui.keys import press_action
from tests.ui.test_complaints import fill_walk_in
from wealthtui.services import Actor, Services
from wealthtui.ui.dialogs.complaint_intake import ComplaintIntakeDialog
from wealthtui.ui.screens.my_complaints import MyComplaintsScreen


async def test_a_teller_and_a_cm_record_a_complaint_from_my_complaints(
        services: Services, head: Actor, make_staff) -> None:  # type: ignore[no-untyped-def]
    people = {"T001": make_staff("cash_teller", name="赵柜员", staff_no="T001"),
              "C001": make_staff("wealth_cm", name="周经理", staff_no="C001")}
    for staff_no, my_complaints, phone in (("T001", "shell.my_complaints", "137 0000 1111"),
                                           ("C001", "shell.my_complaints", "137 0000 2222")):
        app = make_app(services)
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot, staff_no)
            await press_action(pilot, my_complaints)
            await settle(pilot)
            assert isinstance(app.screen, MyComplaintsScreen), staff_no
            assert "登记新投诉" in screen_text(app)  # in the footer at 80 columns
            await press_action(pilot, "my_complaints.intake")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ComplaintIntakeDialog), staff_no
            await fill_walk_in(pilot, dialog, phone)
            await press_action(pilot, "complaint.intake.save")
            await settle(pilot)
            # back on the list, which shows the new complaint as mine (first receiver)
            assert isinstance(app.screen, MyComplaintsScreen), screen_text(app)
            (mine,) = services.complaints.my_complaints(people[staff_no])
            assert mine.as_ == "receiver"
            assert app.screen.query_one(DataTable).row_count == 1
            text = screen_text(app)
            assert mine.ref_no in text and "首问登记" in text, text
            await press_action(pilot, "my_complaints.close")
            await settle(pilot)
            assert not isinstance(app.screen, MyComplaintsScreen)
        view = services.complaints.get(head, mine.id)
        assert view.first_receiver.id == people[staff_no].staff_id
        assert "柜员少付一百元" in view.description
