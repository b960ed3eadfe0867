"""Find a client by card, ID number, phone or name (characters, pinyin, initials) and return their
id: the lobby's look-up (services.lookup.search), answering as one types. Enter in the box takes
the first match, ↓ moves into the list; Escape cancels. Numbers are shown masked."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.services.errors import ServiceError
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.errors import describe
from wealthtui.ui.labels import tier_name
from wealthtui.ui.text import plain


class FindClientDialog(TranslatedBindings, ModalScreen[int | None]):
    DEFAULT_CSS = """
    FindClientDialog {
        align: center middle;
    }
    FindClientDialog > Vertical {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    FindClientDialog #find-title {
        text-style: bold;
    }
    FindClientDialog OptionList {
        height: auto;
        max-height: 10;
    }
    FindClientDialog #find-hint {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "dialog.bind.cancel", id="cm.find.cancel"),
        Binding("down", "to_list", show=False, id="cm.find.to_list"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("cm.find.title"), id="find-title")
            yield Input(placeholder=t("cm.find.placeholder"), id="find-input")
            yield OptionList(id="find-results")
            yield Static(t("cm.find.hint"), id="find-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed, "#find-input")
    def _search(self, event: Input.Changed) -> None:
        results = self.query_one(OptionList)
        results.clear_options()
        text = event.value.strip()
        if not text:
            return
        services, actor = self.app.services, self.app.actor  # type: ignore[attr-defined]
        try:
            cards = services.lookup.search(actor, text, limit=8)
        except (ServiceError, FieldError) as exc:
            self.query_one("#find-hint", Static).update(plain(describe(exc)))
            return
        settings = self.app.settings  # type: ignore[attr-defined]
        for card in cards:
            label = t("cm.find.row", name=card.name, tier=tier_name(settings, card.tier),
                      phone=card.phone_masked or "-", cm=card.cm_name or t("common.none"))
            results.add_option(Option(plain(label), id=str(card.id)))
        self.query_one("#find-hint", Static).update(
            t("cm.find.hint") if cards else t("cm.find.nothing"))

    @on(Input.Submitted, "#find-input")
    def _first(self) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            option = results.get_option_at_index(0)
            self.dismiss(int(option.id or 0))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_to_list(self) -> None:
        results = self.query_one(OptionList)
        if results.option_count and self.focused is self.query_one(Input):
            results.focus()
            results.highlighted = 0

    def action_cancel(self) -> None:
        self.dismiss(None)
