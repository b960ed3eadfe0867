"""A step's basis in the checklist panel and in F1, at 80×24, in Chinese and in English; the
audit row of a recorded step keeps the same basis."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import Session, select
from textual.app import App
from textual.binding import Binding

from tests.ui.host_app import HostApp, HostScreen
from wealthtui import i18n
from wealthtui.model.audit import AuditEvent
from wealthtui.services import Actor, Services
from wealthtui.ui.basis import basis_text
from wealthtui.ui.screens.help import HelpScreen
from wealthtui.ui.widgets.checklist import ChecklistPanel


class Host(HostApp):
    BINDINGS = [Binding("f1", "help", "shell.bind.help")]

    def __init__(self, services: Services, actor: Actor, widget: Any) -> None:
        super().__init__(services, actor)
        self.widget = widget

    def on_mount(self) -> None:
        self.push_screen(HostScreen(self.widget))

    def action_help(self) -> None:
        self.push_screen(HelpScreen.for_screen(self.screen))


def shown(app: App[Any]) -> str:
    """The terminal's text, lines joined (a long line may wrap)."""
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "".join(strip.text.strip() for strip in strips)


@pytest.fixture
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("zh_CN")


def audit_rows(services: Services) -> list[AuditEvent]:
    with Session(services.ctx.engine) as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == "checklist.step")
                           .order_by(AuditEvent.id)).all())


def _sign_on(services, make_staff):
    teller = make_staff("cash_teller", name="王柜员")
    return teller, services.checklists.start(teller, "counter_sign_on")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_the_panel_and_f1_show_each_steps_basis(services, make_staff, lang):
    i18n.set_language(lang)
    try:
        teller, run = _sign_on(services, make_staff)
        app = Host(services, teller, ChecklistPanel(run.id))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            text = shown(app)
            # the first step cites the held text: chapter, section and page
            first = {"zh_CN": "依据：手册 ch.2 §2.3 第18页", "en": "Basis: manual ch.2 §2.3 p.18"}
            assert first[lang] in text
            # the last step: a section known from the table of contents only
            for _ in range(len(run.procedure.steps)):
                await pilot.press("down")
            await pilot.pause()
            toc = {"zh_CN": "手册 ch.5 §5.3（目录）", "en": "manual ch.5 §5.3 (contents only)"}
            assert toc[lang] in shown(app)
            assert "p.151" not in shown(app) and "第151页" not in shown(app)
            # F1 lists every step with its basis, practice named by its source
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            help_text = shown(app)
            practice = {"zh_CN": "行业惯例（柜面操作）", "en": "industry practice (counter"}
            assert practice[lang] in help_text
            assert {"zh_CN": "本清单各步骤的依据",
                    "en": "Where each step of this checklist comes from"}[lang] in help_text
            steps = app.screen.basis
            assert len(steps) == len(run.procedure.steps)
            assert [b for _s, b in steps] == [basis_text(s) for s in run.procedure.steps]
    finally:
        i18n.set_language("zh_CN")


def test_basis_text_in_both_languages(english):
    from wealthtui.procedures import load_dir

    cat = load_dir()
    step = cat.procedures["lobby_opening"].step("queue_machine")
    assert basis_text(step) == "manual ch.2 §1.3 p.13"
    auth = cat.procedures["supervisor_authorisation"].step("identity")
    assert basis_text(auth) == "regulation: personal deposit account real-name rules"
    i18n.set_language("zh_CN")
    assert basis_text(step) == "手册 ch.2 §1.3 第13页"
    assert basis_text(auth) == "监管要求《个人存款账户实名制规定》"
    item = cat.procedures["counter_sign_on"].step("cash_counted")
    assert basis_text(item) == "手册 ch.2 §2.5 第3项 第20页"


async def test_a_step_recorded_from_the_panel_is_audited_with_its_basis(services, make_staff):
    teller, run = _sign_on(services, make_staff)
    app = Host(services, teller, ChecklistPanel(run.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the run is read off the event loop: let it show first
        await pilot.press("enter")  # box_drawn: a tick
        await pilot.pause()
    rows = audit_rows(services)
    assert [r.manual_section for r in rows] == ["ch.2 §2.3, p.18"]
    assert json.loads(rows[0].detail)["basis"] == "manual"
    started = services.checklists.record(teller, run.id, "appearance")
    assert started is not None
    rows = audit_rows(services)
    assert rows[-1].manual_section == "manual-toc ch.5 §5.3"
    assert json.loads(rows[-1].detail)["basis"] == "manual-toc"
