"""F1 help for the screen below: its active key bindings and the manual sections it implements.

The bindings are read from the screen's `active_bindings` at the moment F1 is pressed (so a
remapped key shows its new key, and a hidden or disabled action is marked), never from a
hand-written list. Only our own bindings (whose description is a catalog key) are listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from wealthtui.i18n import t
from wealthtui.ui.bindings import CATALOG_KEY, TranslatedBindings, translate
from wealthtui.ui.text import PlainRichTable


@dataclass(frozen=True)
class HelpKey:
    key: str
    text: str
    enabled: bool
    binding_id: str


def help_keys(screen: Screen) -> list[HelpKey]:
    """The bindings active on `screen` (focused widget, then screen, then app), ours only."""
    app = screen.app
    rows: list[HelpKey] = []
    raw = Screen.active_bindings.fget(screen)  # type: ignore[attr-defined]  # untranslated
    for _node, binding, enabled, _tooltip in raw.values():
        if not binding.description or not CATALOG_KEY.match(binding.description):
            continue
        rows.append(HelpKey(app.get_key_display(binding), translate(binding.description),
                            enabled, binding.id or ""))
    return rows


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-title {
        text-style: bold;
        height: 1;
    }
    HelpScreen VerticalScroll {
        height: 1fr;
    }
    HelpScreen #help-hint {
        color: $text-muted;
        height: 1;
    }
    """

    BINDINGS = [
        Binding("escape,f1", "close", "help.bind.close", id="help.close"),
    ]

    def __init__(self, *, title: str, keys: list[HelpKey],
                 sections: tuple[tuple[str, str], ...],
                 basis: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.keys = keys
        self.sections = sections
        self.basis = basis  # (step, its basis) of a checklist on the screen

    @classmethod
    def for_screen(cls, screen: Screen) -> HelpScreen:
        mode = getattr(screen, "MODE", "")
        title = t("help.title_mode", mode=t(f"mode.{mode}")) if mode else t("help.title")
        from wealthtui.ui.widgets.checklist import ChecklistPanel  # no import circle at load

        basis = tuple(row for panel in screen.query(ChecklistPanel) for row in panel.help_basis())
        return cls(title=title, keys=help_keys(screen),
                   sections=tuple(getattr(screen, "HELP_SECTIONS", ())), basis=basis)

    def keys_table(self) -> Table:
        table = PlainRichTable(title=t("help.keys"), title_justify="left", box=None, show_edge=False,
                      header_style="bold", padding=(0, 2, 0, 0))
        table.add_column(t("help.col.key"), no_wrap=True)
        table.add_column(t("help.col.action"))
        for row in self.keys:
            text = Text(row.text)
            if not row.enabled:
                text.append(" " + t("help.disabled"), style="dim")
            table.add_row(Text(row.key, style="bold"), text)
        return table

    def sections_table(self) -> Table:
        table = PlainRichTable(title=t("help.sections"), title_justify="left", box=None, show_edge=False,
                      header_style="bold", padding=(0, 2, 0, 0))
        table.add_column(t("help.col.section"), no_wrap=True)
        table.add_column(t("help.col.what"))
        for section, key in self.sections:
            table.add_row(section, t(key))
        if not self.sections:
            table.add_row("", t("help.no_sections"))
        return table

    def basis_table(self) -> Table:
        """Each step of the checklist on the screen with its basis (steps are data: plain text)."""
        table = Table(title=t("basis.help_title"), title_justify="left", box=None,
                      show_edge=False, header_style="bold", padding=(0, 2, 0, 0))
        table.add_column(t("basis.col_step"))
        table.add_column(t("basis.label"))
        for step, basis in self.basis:
            table.add_row(Text(step), Text(basis))
        return table

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="help-title")
            with VerticalScroll():
                if self.basis:  # a checklist on the screen: where its steps come from, first
                    yield Static(self.basis_table(), id="help-basis")
                    yield Static("")
                yield Static(self.keys_table(), id="help-keys")
                yield Static("")
                yield Static(self.sections_table(), id="help-sections")
            yield Static(t("help.hint"), id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)
