"""The footer at 80 columns: the keys that matter most for the role, each whole; the rest in F1
(ui/bindings.py FOOTER_ORDER)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.binding import ActiveBinding, Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tests.ui.helpers import make_app, screen_text, settle, sign_in
from wealthtui.ui.bindings import PALETTE_CELLS, fit_footer, footer_order


def _bindings(*specs: tuple[str, str, str]) -> dict[str, ActiveBinding]:
    return {key: ActiveBinding(None, Binding(key, "a", text, id=bid), True, "")  # type: ignore[arg-type]
            for key, text, bid in specs}


def _display(binding: Binding) -> str:
    return binding.key.upper()


def test_the_least_important_keys_go_to_f1_first():
    b = _bindings(("f2", "叫号", "c.next"), ("f3", "重呼", "c.recall"), ("f4", "开始办理", "c.start"),
                  ("f1", "帮助", "app.help"))
    order = footer_order([type("Panel", (), {"FOOTER_ORDER": ("c.start", "c.next")})()])
    assert order[:3] == ["app.help", "c.start", "c.next"]  # F1 first: it leads to the rest
    # room for exactly start, next and help: recall (in no order) is left to F1
    room = sum(cell_len(_display(x.binding)) + cell_len(x.binding.description) + 3
               for k, x in b.items() if k != "f3") + PALETTE_CELLS
    shown = fit_footer(b, order, room, _display)
    assert [k for k, x in shown.items() if x.binding.show] == ["f2", "f4", "f1"]
    wide = fit_footer(b, order, room + 40, _display)
    assert all(x.binding.show for x in wide.values())
    # a key that does not fit hides everything less important after it, never a gap
    narrow = fit_footer(b, order, PALETTE_CELLS + 13, _display)
    assert [k for k, x in narrow.items() if x.binding.show] == ["f1"]
    # a footer without the palette key (a dialog's) has its cells for keys
    roomy = fit_footer(b, order, room - PALETTE_CELLS + 14, _display, palette=False)
    assert all(x.binding.show for x in roomy.values())


#: footer rebuilds in a start and sign-in (each a recompose of every key, each key restyled):
#: the sign-in screen's first keys, its Ctrl+L once a session exists, the role screen's keys,
#: Textual's own first (empty) compose of each footer, and one more when the role screen's first
#: load lands after its keys were shown and changes one (a lobby key enabled: 5 or 6 by the
#: thread's timing). It was 12-16 rebuilds and 49-79 keys when every focus change, push and
#: refresh_bindings rebuilt it.
MAX_REBUILDS, MAX_KEYS = 6, 32


class FooterWork:
    """Counts footer rebuilds and the FooterKeys they build (structure, not time)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rebuilds = self.keys = 0
        recompose, key_init = Footer.recompose, FooterKey.__init__

        async def counted_recompose(footer: Footer) -> None:
            self.rebuilds += 1
            await recompose(footer)

        def counted_key(key: FooterKey, *args: object, **kw: object) -> None:
            self.keys += 1
            key_init(key, *args, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(Footer, "recompose", counted_recompose)
        monkeypatch.setattr(FooterKey, "__init__", counted_key)


@pytest.mark.parametrize("roles,size", [
    (("lobby_manager",), (80, 24)), (("cash_teller",), (80, 24)),
    (("wealth_cm",), (80, 24)), (("head",), (80, 24)), (("head",), (120, 40)),
])
async def test_every_key_in_the_footer_is_whole_and_f1_is_there(services, head, make_staff,
                                                                roles, size, monkeypatch):
    who = head if roles == ("head",) else make_staff(*roles, staff_no="F01")
    app = make_app(services)
    work = FooterWork(monkeypatch)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, who.staff_no)
        assert work.rebuilds <= MAX_REBUILDS and work.keys <= MAX_KEYS, vars(work)
        # asks that change nothing shown rebuild nothing: several in one frame, and a focus
        # move that keeps the keys (the screen's own focus again). Counted from a footer that
        # is up to date: a key enabled by a load that landed after the last ask (the CM's
        # client keys once the agenda has rows) shows at the next ask, as in Textual.
        await settle(pilot)
        app.screen.refresh_bindings()
        await pilot.pause()
        done = (work.rebuilds, work.keys)
        for _ in range(3):
            app.screen.refresh_bindings()
        app.screen.set_focus(app.screen.focused)
        await pilot.pause()
        assert (work.rebuilds, work.keys) == done
        footer = screen_text(app).splitlines()[-1]
        shown = [b for b in app.screen.active_bindings.values() if b.binding.show]
        assert shown
        for active in shown:
            text = f"{app.get_key_display(active.binding)} {active.binding.description}"
            assert text in footer, (text, footer)
        assert "F1" in footer
