"""The risk questionnaire form at 80×24 in both languages: every question a choice, an error
keeps the choices, a senior client's form asks for the second staff member (issue 17)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session
from textual.widgets import Select

from tests.conftest import T0, TEST_PIN
from tests.ui.helpers import make_app, screen_text, settle, sign_in
from wealthtui.i18n import t
from wealthtui.model import Client
from wealthtui.services import Actor, Services
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.risk import risk_form


def _client(services: Services, lobby: Actor, name: str, birthday: date) -> int:
    card = services.lookup.register(lobby, name=name, id_type="resident",
                                    id_number="110101196001011233" if birthday.year < 1970
                                    else "110101199001011237", phone="13800138000")
    with Session(services.ctx.engine) as db:
        row = db.get(Client, card.id)
        assert row is not None
        row.birthday = birthday
        db.add(row)
        db.commit()
    return card.id


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_questionnaire_is_answered_and_kept(services, make_staff, language, settings):
    cm = make_staff("wealth_cm", staff_no="C9", name="李理财")
    sup = make_staff("supervisor", staff_no="S9", name="周主管")
    lobby = make_staff("lobby_manager", staff_no="L9")
    senior_birthday = date(T0.year - services.settings.compliance.senior_age - 1, 3, 1)
    client = _client(services, lobby, "钱长者", senior_birthday)
    from tests.ui.helpers import quiet_settings

    app = make_app(services, quiet_settings(settings, language=language))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, cm.staff_no)
        q = services.risk.questionnaire(cm)
        results: list[object] = []

        def submit(answers: dict[str, str], staff_no: str, pin: str) -> object:
            return services.risk.assess(cm, client, answers, staff_no=staff_no, pin=pin)

        app.push_screen(risk_form(q, client_name="钱长者", senior=True, submit=submit),
                        results.append)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        text = screen_text(app)
        assert "钱长者" in text and t("risk.title") in text
        # half answered: the sentence names the first question left, the choices stay
        first = q.questions[0]
        form.query_one(f"#f-q_{first.id}", Select).value = first.options[-1].id
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert t("error.risk.unanswered", number=2) in str(
            form.query_one("#form-error").render())
        assert form.query_one(f"#f-q_{first.id}", Select).value == first.options[-1].id
        for question in q.questions:
            form.query_one(f"#f-q_{question.id}", Select).value = question.options[-1].id
        # a senior client: without the second staff member the form says so under the field
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        staff_field = form.query_one("#f-staff_no")
        assert staff_field.has_class("-invalid")  # the sentence under the field it names
        assert t("error.risk.senior_needs_second", age=services.settings.compliance.senior_age) \
            in str(staff_field.query_one(".form-error").render())
        form.query_one("#f-staff_no").input.value = sup.staff_no
        form.query_one("#f-pin").input.value = TEST_PIN
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is screen
        [view] = results
        assert view.level == 5 and view.confirmed_by_name == "周主管"  # type: ignore[attr-defined]
        with Session(services.ctx.engine) as db:
            assert db.get(Client, client).risk_level == 5  # type: ignore[union-attr]
