"""Target lists from the screens at 80x24 (issue 16 item 5): the head opens the lists (ctrl+t),
builds one from criteria with the count shown as the criteria are typed, a bad field is named and
what was typed stays, the list is dealt and its progress per CM shown; the CM finds the targets
on their 营销名单 tab and builds a list from their own book (ctrl+b)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Static

from tests.lobby_data import add_client
from tests.ui.helpers import make_app, screen_text, settle, sign_in, type_into
from wealthtui.rules.target_criteria import TargetFilters
from wealthtui.services import Actor, Services
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.targets import TargetsDialog

HOSTILE = "[bold red]Q4[/] $(x)"


@pytest.fixture
def book(services: Services, head: Actor, make_staff: Any) -> dict[str, Any]:
    cm1 = make_staff("wealth_cm", staff_no="C1", name="李理财")
    cm2 = make_staff("wealth_cm", staff_no="C2", name="周理财")
    engine = services.ctx.engine
    clients = [add_client(engine, f"客户{i}", seq=i, tier="premium", aum_fen=(600_000 + i * 1000) * 100,
                          cm_id=(cm1 if i % 3 else cm2).staff_id) for i in range(1, 7)]
    add_client(engine, "普通客", seq=20, tier="ordinary", aum_fen=10_000)
    return {"cm1": cm1, "cm2": cm2, "clients": clients}


def info(app: Any) -> str:
    return str(app.screen.query_one("#form-info-0", Static).render())


async def test_the_head_builds_previews_and_follows_a_list(
        services: Services, head: Actor, book: dict[str, Any]) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "H001")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TargetsDialog)
        assert "还没有营销名单" in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await type_into(pilot, "#f-tiers", "premium")
        await settle(pilot)
        expected = services.targets.count(head, TargetFilters(tiers=("premium",)))
        assert expected.total == 6
        assert info(app) == "符合条件：6 人（有专属客户经理 6，无 0）"
        await type_into(pilot, "#f-aum_min", "603000")
        await settle(pilot)
        assert info(app).startswith("符合条件：4 人")
        await type_into(pilot, "#f-birthday_month", "13")
        await settle(pilot)
        assert "生日月份" in info(app)          # the preview names the bad field
        await type_into(pilot, "#f-birthday_month", "")
        app.screen.query_one("#f-name").input.value = HOSTILE
        await type_into(pilot, "#f-deadline", "2026-13-45")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)       # refused: the field is named, text kept
        assert "截止日期" in screen_text(app)
        assert app.screen.query_one("#f-tiers").input.value == "premium"
        await type_into(pilot, "#f-deadline", "2026-12-20")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, TargetsDialog)
        [made] = services.targets.lists(head)
        assert (made.name, made.total) == (HOSTILE, 4)
        assert HOSTILE in screen_text(app)              # shown as typed, never as markup
        progress = app.screen.query_one("#target-progress", DataTable)
        shown = {str(progress.get_row_at(i)[0]): int(str(progress.get_row_at(i)[1]))
                 for i in range(progress.row_count)}
        assert shown == {p.cm_name: p.total for p in services.targets.progress(head, made.id)}
        assert sum(shown.values()) == 4
        # F3: deal the open targets again, evenly over the CMs ticked
        await pilot.press("f3")
        await settle(pilot)
        ticks = app.screen.query_one("#f-cms")
        ticks.select(book["cm1"].staff_id)
        ticks.select(book["cm2"].staff_id)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, TargetsDialog)
        totals = sorted(p.total for p in services.targets.progress(head, made.id))
        assert totals == [2, 2]


async def test_the_cm_sees_their_targets_and_builds_from_their_own_book(
        services: Services, head: Actor, book: dict[str, Any]) -> None:
    from datetime import date

    services.targets.create(head, "年末回访", TargetFilters(tiers=("premium",)),
                            date(2026, 12, 20))
    mine = services.targets.mine(book["cm1"])
    assert len(mine) == 4
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "C1")
        await pilot.press("f5")
        await settle(pilot)
        text = screen_text(app)
        assert "年末回访" in text and "客户1" in text
        assert any(b.binding.action == "build_targets"     # listed in the footer and F1
                   for b in app.screen.active_bindings.values())
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert not app.screen.query("#f-cms")   # no dealing: every target is mine
        await type_into(pilot, "#f-tiers", "premium")
        await settle(pilot)
        assert info(app).startswith("符合条件：4 人")          # my book only, not all 6
        await type_into(pilot, "#f-name", "mylist")
        await type_into(pilot, "#f-deadline", "2026-12-31")
        await pilot.press("f2")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
    own = next(x for x in services.targets.lists(head) if x.name == "mylist")
    assert [(p.cm_name, p.total) for p in services.targets.progress(head, own.id)] == [
        ("李理财", 4)]
