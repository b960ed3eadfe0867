"""F1 help for the screen below: its active key bindings and the manual sections it implements.

The bindings are read from the screen's `active_bindings` at the moment F1 is pressed (so a
remapped key shows its new key, and a hidden or disabled action is marked), never from a
hand-written list. Only our own bindings (whose description is a catalog key) are listed, grouped
by where they live: the focused panel (its `HELP_GROUP` catalog key names it), the screen, the
shell; then the keys of the screen's other panels, which work once that panel has the focus. Each
manual section is the text on one line and the section's reference on the next, never cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from wealthtui.i18n import t
from wealthtui.rules.linebreak import folding
from wealthtui.ui.bindings import CATALOG_KEY, TranslatedBindings, translate
from wealthtui.ui.text import PlainRichTable


@dataclass(frozen=True)
class HelpKey:
    key: str
    text: str
    enabled: bool
    binding_id: str
    group: str = ""
    #: False: a key of another panel, which works once that panel has the focus
    active: bool = True


def _ours(binding: Binding) -> bool:
    return bool(binding.description) and bool(CATALOG_KEY.match(binding.description))


def group_name(node: object) -> str:
    """What F1 calls the place a binding lives: the shell, the screen, or the panel by name."""
    if isinstance(node, App):
        return t("help.group_shell")
    if isinstance(node, Screen):
        return t("help.group_screen")
    named = getattr(node, "HELP_GROUP", "")
    return t(named) if named else t("help.group_panel")


def help_keys(screen: Screen) -> list[HelpKey]:
    """The bindings active on `screen` (focused panel, then screen, then app), ours only; then the
    keys of the screen's other panels (not active until that panel has the focus)."""
    app = screen.app
    rows: list[HelpKey] = []
    raw = Screen.active_bindings.fget(screen)  # type: ignore[attr-defined]  # untranslated
    seen: set[int] = set()
    for node, binding, enabled, _tooltip in raw.values():
        if not _ours(binding):
            continue
        seen.add(id(node))
        rows.append(HelpKey(app.get_key_display(binding), translate(binding.description),
                            enabled, binding.id or "", group_name(node)))
    rows.sort(key=lambda r: 2 if r.group == t("help.group_shell") else
              1 if r.group == t("help.group_screen") else 0)
    for widget in screen.query("*"):
        if id(widget) in seen or not widget.display or not widget.is_on_screen:
            continue
        own = [b for bs in widget._bindings.key_to_bindings.values() for b in bs if _ours(b)]
        if not own or not getattr(widget, "HELP_GROUP", ""):
            continue
        seen.add(id(widget))
        rows.extend(HelpKey(app.get_key_display(b), translate(b.description), False, b.id or "",
                            group_name(widget), active=False) for b in own)
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
        table.add_column(t("help.col.action"), overflow="fold")
        group = None
        for row in self.keys:
            if row.group != group:
                group = row.group
                title = group if row.active else t("help.group_other", panel=group)
                table.add_row(Text(title, style="bold underline"), Text(""))
            text = folding(row.text)  # broken by the one rule (rules/linebreak.py)
            if row.active and not row.enabled:
                text.append(" " + t("help.disabled"), style="dim")
            table.add_row(Text(row.key, style="bold"), text)
        return table

    def sections_table(self) -> Table:
        table = PlainRichTable(title=t("help.sections"), title_justify="left", box=None, show_edge=False,
                      header_style="bold", padding=(0, 2, 0, 0))
        # folded, never cut with …: a Chinese sentence has no spaces to wrap at
        table.add_column(t("help.col.what"), overflow="fold")
        for section, key in self.sections:  # what, then where it comes from: never cut
            line = folding(t(key))  # no lone 、 or 。 at a line's start (rules/linebreak.py)
            line.append("\n")
            line.append(section, style="dim")
            table.add_row(line)
        if not self.sections:
            table.add_row(t("help.no_sections"))
        return table

    def basis_table(self) -> Table:
        """Each step of the checklist on the screen with its basis (steps are data: plain text)."""
        table = Table(title=t("basis.help_title"), title_justify="left", box=None,
                      show_edge=False, header_style="bold", padding=(0, 2, 0, 0))
        table.add_column(t("basis.col_step"), overflow="fold")
        table.add_column(t("basis.label"), overflow="fold")
        for step, basis in self.basis:
            table.add_row(folding(step), folding(basis))
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
