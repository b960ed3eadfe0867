"""The cm role screen (being built; see its issue)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from wealthtui.i18n import t
from wealthtui.ui.screens.base import RoleScreen


class CMScreen(RoleScreen):
    MODE = "cm"

    def compose_body(self) -> ComposeResult:
        yield Static(t("mode.cm"))
