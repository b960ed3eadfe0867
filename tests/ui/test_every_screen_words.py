"""The named words of issue 19, without starting an app: English lists and staff numbers in
ASCII, English client names without Chinese titles, a client's file without "valid until None"
or "至 至今", and the footer's palette key measured in the screen's language."""

from __future__ import annotations

from rich.cells import cell_len

from tests.lobby_data import add_client
from wealthtui import i18n
from wealthtui.services import Actor, Services
from wealthtui.ui.bindings import palette_cells
from wealthtui.ui.labels import addressed, listing, staff_ref
from wealthtui.ui.screens.client_file import file_sections
from wealthtui.ui.widgets.client_card import card_lines


def test_lists_staff_numbers_and_titles_follow_the_language() -> None:
    i18n.set_language("en")
    assert listing(["Cash", "Non-cash"]) == "Cash, Non-cash"
    assert staff_ref("王芳", "8031") == "王芳 (8031)"
    assert addressed("李美霞", "女士") == "李美霞"
    assert cell_len("▏Ctrl+P " + i18n.t("shell.bind.palette")) + 2 == palette_cells()
    i18n.set_language("zh_CN")
    assert listing(["现金", "非现金"]) == "现金、非现金"
    assert staff_ref("王芳", "8031") == "王芳（8031）"
    assert addressed("李美霞", "女士") == "李美霞女士"
    assert addressed("李美霞", "") == "李美霞"
    assert cell_len("▏Ctrl+P " + i18n.t("shell.bind.palette")) + 2 == palette_cells()


def test_a_clients_file_and_card_read_right_in_both_languages(
        services: Services, head: Actor, make_staff) -> None:  # type: ignore[no-untyped-def]
    cm = make_staff("wealth_cm", name="周婷", staff_no="C001")
    client_id = add_client(services.ctx.engine, "李美霞", seq=1, tier="premium", title="女士",
                           cm_id=cm.staff_id)  # no ID expiry known, the CM period still runs
    view = services.client_file.open(cm, client_id)
    card = services.lookup.get(cm, client_id)
    today = services.ctx.today()
    i18n.set_language("en")
    text = "\n".join(line for _title, lines in file_sections(view, services.settings, today)
                     for line in lines)
    assert "女士" not in text and "valid until" not in text
    assert "周婷: since 2026-11-30" in text
    assert "女士" not in card_lines(card, services.settings)[0].plain
    i18n.set_language("zh_CN")
    text = "\n".join(line for _title, lines in file_sections(view, services.settings, today)
                     for line in lines)
    assert "李美霞女士" in text and "至 至今" not in text and "周婷：2026-11-30 起至今" in text
    assert "有效期至" not in text
    assert card_lines(card, services.settings)[0].plain.startswith("李美霞女士")
