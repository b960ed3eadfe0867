"""Visible focus on every panel (issue 19): on each role screen at 80×24, for every widget the
Tab key reaches (in every tab of the tabbed screens), the body drawn with that widget focused
differs, within that widget's panel, from the body drawn with the focus elsewhere — its title,
border, background or cursor changes. The header (its clock ticks) and the footer (its keys
follow the focus) are left out of the comparison."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import TabbedContent

from tests.lobby_data import sign_on
from tests.ui.helpers import make_app, settle, sign_in

ROLE_STAFF = {"lobby": ("lobby_manager",), "counter": ("cash_teller",),
              "cm": ("wealth_cm",), "head": ("head",)}


def _frame(app: Any, widget: Widget) -> list[str]:
    """The screen's rows that `widget`'s panel (its parent: the title and border around it)
    covers, each as text with its styles."""
    strips = app.screen._compositor.render_strips()
    panel = widget.parent if isinstance(widget.parent, Widget) else widget
    region = panel.region.union(widget.region)
    rows: list[str] = []
    for y, strip in enumerate(strips):
        if not region.y <= y < region.bottom or y == 0 or y >= app.size.height - 1:
            continue
        line = strip.crop(region.x, region.right)
        rows.append("".join(f"{s.text}\x00{s.style!r}" for s in line))
    return rows


async def _tab_walk(pilot: Any, seen: dict[str, bool], where: str) -> None:
    app = pilot.app
    screen = app.screen
    if screen.focused is None:  # a screen that focuses nothing on its own: Tab starts the walk
        await pilot.press("tab")
        await settle(pilot)
    start = screen.focused
    assert start is not None, f"{where}: Tab reaches nothing on {type(screen).__name__}"
    for _ in range(12):
        widget = screen.focused
        if widget is None:
            break
        focused = _frame(app, widget)
        screen.set_focus(None)
        await settle(pilot)
        blurred = _frame(app, widget)
        screen.set_focus(widget)
        await settle(pilot)
        name = f"{where}:{type(widget).__name__}#{widget.id}"
        seen[name] = seen.get(name, False) or focused != blurred
        await pilot.press("tab")
        await settle(pilot)
        if screen.focused is start:
            break


@pytest.mark.parametrize("role", list(ROLE_STAFF))
async def test_the_focused_panel_shows_it_on_every_role_screen(services, head, make_staff,
                                                              role: str) -> None:
    who = head if role == "head" else make_staff(*ROLE_STAFF[role], staff_no="V01")
    if role == "counter":  # at the counter, signed on (the sign-on form is a dialog)
        sign_on(services.ctx.engine, who.staff_id, "01")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, who.staff_no)
        await settle(pilot)
        seen: dict[str, bool] = {}
        tabs = list(app.screen.query(TabbedContent))
        if tabs:
            for i, _pane in enumerate(tabs[0].query("TabPane")):
                await pilot.press(f"f{i + 2}")
                await settle(pilot)
                await _tab_walk(pilot, seen, tabs[0].active)
        else:
            await _tab_walk(pilot, seen, role)
    assert seen, "no focusable widget"
    assert [name for name, shown in seen.items() if not shown] == [], sorted(seen)
