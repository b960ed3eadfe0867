"""The sign-in path (issue 22): what the event loop does between Enter on the PIN and the role
screen shown is bounded by the screen's own widgets, never by the day — every node of the
new screen is styled about once (Textual resumes a new mode's screen twice, and each resume
restyled the whole screen again; the lobby's wide layout was set after its children were
mounted and restyled them all a third time), and the lobby's board is read once.

Structural counts only (nodes restyled, reads made), no timings."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.widgets._footer import FooterKey

from tests.ui.helpers import make_app, settle, sign_in
from tests.ui.test_lobby import clients, people  # noqa: F401
from wealthtui.services import Services
from wealthtui.ui.screens.base import RoleScreen


class Restyles:
    """Counts the nodes Textual restyles (App.update_styles walks the node and its
    descendants) while on — the footer's keys aside, which the footer restyles one by one as
    it lays out the keys of the moment."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.on = False
        self.nodes = 0
        original = App.update_styles

        def counted(app: Any, node: Any, animate: bool = True) -> None:
            if self.on and not isinstance(node, FooterKey):
                self.nodes += sum(1 for _ in node.walk_children(with_self=True))
            original(app, node, animate)

        monkeypatch.setattr(App, "update_styles", counted)


@pytest.mark.parametrize(("staff_no", "size"), [("L1", (120, 40)), ("L1", (80, 24)),
                                                ("T1", (120, 40))])
async def test_a_sign_in_styles_the_role_screen_about_once(
        services: Services, people, clients, monkeypatch, staff_no, size) -> None:  # noqa: F811
    restyles = Restyles(monkeypatch)
    reads: list[int | None] = []
    board = services.lobby.board

    def watched(actor, **kw):  # type: ignore[no-untyped-def]
        reads.append(kw.get("since"))
        return board(actor, **kw)

    monkeypatch.setattr(services.lobby, "board", watched)
    app = make_app(services)
    async with app.run_test(size=size) as pilot:
        restyles.on = True
        screen = await sign_in(pilot, staff_no)
        await settle(pilot)
        restyles.on = False
        assert isinstance(screen, RoleScreen)
        nodes = sum(1 for _ in screen.walk_children(with_self=True))
        # restyled after their mount: the focus, the loading indicators, a table's cursor —
        # never the whole screen again (it was restyled two or three times over)
        assert restyles.nodes < nodes / 2, (restyles.nodes, nodes)
        if staff_no == "L1":
            assert reads == [None]  # the board once, whole
