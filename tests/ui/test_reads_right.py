"""What the 80×24 walk in tmux found (issue 19, stop 18), each checked without an app: the header
keeps a role when the roles do not fit; a Chinese hint does not break at a space before a long
run of characters (a half-empty line); Escape reads "Esc" wherever a key is shown."""

from __future__ import annotations

from rich.cells import cell_len
from textual.binding import Binding

from tests.ui.host_app import HostApp, HostScreen
from wealthtui import i18n
from wealthtui.i18n import t
from wealthtui.ui.app import WealthApp
from wealthtui.ui.bindings import key_display
from wealthtui.ui.text import plain
from wealthtui.ui.widgets.header import ShellHeader, left_line

CENTER, DAY, STAFF = "工银理财中心（演示）", "2026-12-07 周一", "杨帆（8021）"


def test_the_header_names_the_role_in_the_mode_tag_when_the_roles_do_not_fit() -> None:
    parts = [CENTER, DAY, STAFF, "[柜台]", "非现金柜员", "[非现金柜员]"]
    assert left_line(parts, 80) == "  ".join(parts[:5])  # room: mode and role
    narrow = left_line(parts, 66)  # the 80-column header beside its clock
    assert narrow == "  ".join([CENTER, DAY, STAFF, "[非现金柜员]"]) and cell_len(narrow) <= 66
    # a tag too long for the width: the center's name is cut with …, the roles stay
    many = [CENTER, DAY, STAFF, "[柜台]", "业务主办、非现金柜员", "[业务主办、非现金柜员]"]
    assert left_line(many, 62) == "  ".join(["工银理…", DAY, STAFF, "[业务主办、非现金柜员]"])


async def test_a_long_english_center_name_is_cut_and_the_role_stays(services, head) -> None:
    name = "Industrial and Commercial Bank of China Wealth Management Center, Haidian Branch"
    settings = services.settings
    settings = settings.model_copy(update={"center": settings.center.model_copy(
        update={"name_en": name})})
    app = HostApp(services, head)
    app.settings = settings
    i18n.set_language("en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            header = ShellHeader(mode="head")
            await app.push_screen(HostScreen(header))
            await pilot.pause()
            line = header.render().plain
    finally:
        i18n.set_language("zh_CN")
    assert cell_len(line) <= 80
    assert line.startswith(" Industrial and") and "…" in line
    assert "  [Head] " in line  # the head's role stays
    assert "王主任 (H001)" in line


def test_the_counter_sign_on_hint_fills_its_lines() -> None:
    # the form's info at 80 columns: lines of 72 cells; only the last may be short
    lines = [line.plain.rstrip() for line in plain(t("counter.sign_on.info")).wrap(72)]
    assert all(cell_len(line) >= 70 for line in lines[:-1]), lines


def test_one_key_display_everywhere_esc_not_escape() -> None:
    shown = {key: key_display(Binding(key, "x")) for key in
             ("escape", "escape,f1", "ctrl+l", "f10", "enter", "ctrl+shift+up")}
    assert shown == {"escape": "Esc", "escape,f1": "Esc/F1", "ctrl+l": "Ctrl+L", "f10": "F10",
                     "enter": "Enter", "ctrl+shift+up": f"Ctrl+Shift+{t('s18keys.up')}"}
    # arrows in the reader's words (F1 listed the lobby's "Left"/"Right" in Chinese)
    assert key_display(Binding("left,right", "x")) == \
        f"{t('s18keys.left')}/{t('s18keys.right')}"
    # what the app's footer, F1 and dialogs show (Textual's own would say "esc")
    assert WealthApp.get_key_display(None, Binding("escape", "x")) == "Esc"  # type: ignore[arg-type]
    assert key_display(Binding("escape", "x", key_display="Esc/F1")) == "Esc/F1"


async def test_the_heads_header_names_the_role_once_and_keeps_two_cells_before_the_clock(
        services, head) -> None:
    """Stop 20's walk: at 120 columns the head's header read "[负责人]  理财中心负责人" (the role
    twice), and a full header left one space before the clock."""
    name = "Industrial and Commercial Bank of China Wealth Management Center, Haidian Branch"
    app = HostApp(services, head)
    async with app.run_test(size=(120, 24)) as pilot:
        header = ShellHeader(mode="head")
        await app.push_screen(HostScreen(header))
        await pilot.pause()
        wide = header.render().plain
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        narrow = header.render().plain
        app.settings = app.settings.model_copy(update={"center": app.settings.center.model_copy(
            update={"name": name})})
        full = header.render().plain
    role, mode = t("role.head"), t("mode.head")
    assert f"[{role}]" in wide and wide.count(role) == 1 and f"[{mode}]" not in wide
    assert f"[{mode}]" in narrow or f"[{role}]" in narrow
    for line in (wide, narrow, full):
        clock = line.rstrip()[-8:]
        assert line.endswith(f"  {clock} ") or line.endswith(f"  {clock}"), line
    assert cell_len(full) <= 80 and "…" in full and f"  {full.rstrip()[-8:]}" in full


def test_a_done_agenda_item_and_the_outlet_line_read_as_english() -> None:
    """Stop 20's walk: "done Maturity" and "1 of 1 tellers" in English."""
    i18n.set_language("en")
    try:
        kind = t("cm.kind.maturity")
        done = t("cm.agenda.done_kind", kind=kind)
        outlet = t("counter.outlet.pending", waiting=1, total=1, difference="0.00")
    finally:
        i18n.set_language("zh_CN")
    assert done == f"{kind} (done)"
    assert "1 tellers" not in outlet
    assert t("cm.agenda.done_kind", kind="到期") == "到期（已办）"
