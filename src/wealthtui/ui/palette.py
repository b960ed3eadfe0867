"""The command palette (Ctrl+P) in the language of the screen.

Textual's palette writes "No matches found" itself; this one takes the text from the catalogs.
Its key descriptions are translated like every screen's (ui/bindings.py `TEXTUAL_TEXTS`).
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from wealthtui.i18n import t
from wealthtui.ui.bindings import TranslatedBindings


class Palette(TranslatedBindings, CommandPalette):
    def _start_no_matches_countdown(self, search_value: str) -> None:
        """As Textual's, with the "no matches" line from the catalogs."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(t("shell.palette_no_matches"), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
