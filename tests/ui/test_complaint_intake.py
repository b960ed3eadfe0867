"""The complaint form (F8) draws what is typed (issue 19): a focused one-line field shows its
text as it is typed (it used to show only its two border lines until Tab), and a focused check
box keeps its label. Pilot checks of the drawn text, and snapshots with the focus in a field
and on a check box at 80×24 and 120×40 in both languages.

Review snapshot changes in snapshot_report.html; update with `pytest tests/ui --snapshot-update`.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import Checkbox

from tests.ui.helpers import make_app, quiet_settings, screen_text, settle, sign_in, type_into
from tests.ui.test_complaints import open_intake, staff  # noqa: F401
from wealthtui.i18n import t
from wealthtui.ui.dialogs.form import FormField

SIZES = [(80, 24), (120, 40)]


def cells(line: str) -> list[str]:
    """A drawn line as its cells (a wide character, then an empty cell)."""
    out: list[str] = []
    for ch in line:
        out.append(ch)
        if cell_len(ch) == 2:
            out.append("")
    return out


def region_text(app, widget) -> str:  # type: ignore[no-untyped-def]
    """The characters drawn inside `widget`'s region on the screen."""
    lines = screen_text(app).splitlines()
    r = widget.region
    return "\n".join("".join(cells(line)[r.x: r.x + r.width])
                     for line in lines[r.y: r.y + r.height])


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_a_focused_one_line_field_draws_each_character_as_typed(services, head,
                                                                      staff, size):  # noqa: F811
    app = make_app(services)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "L001")
        dialog = await open_intake(pilot, channel="on_site")
        for selector, text in (("#name", "吴先生"), ("#phone", "13700001111"),
                               ("#remedy", "补足差额")):
            field = dialog.query_one(selector, FormField)
            await type_into(pilot, selector, "")
            for i in range(len(text)):
                await pilot.press(text[i])
                assert app.focused is field.input
                assert field.input.region.height == 1
                assert text[: i + 1] in region_text(app, field.input)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_a_focused_checkbox_keeps_its_label(services, head, staff, size):  # noqa: F811
    app = make_app(services)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "L001")
        dialog = await open_intake(pilot, channel="on_site")
        box = dialog.query_one("#on-spot", Checkbox)
        box.focus()
        await settle(pilot)
        assert app.focused is box and box.region.height == 1
        assert t("complaint.intake.on_spot") in region_text(app, box)
        await pilot.press("enter")  # ticked: the reply and the second box appear
        await settle(pilot)
        told = dialog.query_one("#options-told", Checkbox)
        told.focus()
        await settle(pilot)
        assert box.value and t("field.complaint.options_told") in region_text(app, told)


@pytest.mark.parametrize("focus", ["input", "checkbox"])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_intake_with_the_focus_snapshot(snap_compare, services, head, staff, language,  # noqa: F811
                                        size, focus):
    app = make_app(services, quiet_settings(services.settings, language=language))

    async def before(pilot):  # type: ignore[no-untyped-def]
        await sign_in(pilot, "L001")
        dialog = await open_intake(pilot, channel="on_site")
        await type_into(pilot, "#name", "吴先生")
        if focus == "checkbox":
            box = dialog.query_one("#on-spot", Checkbox)
            box.focus()
            box.scroll_visible(animate=False)
        await settle(pilot)
        pilot.app.clear_notifications()  # the welcome toast comes and goes on its own clock
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=before)
