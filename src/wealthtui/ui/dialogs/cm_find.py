"""Find a client by card, ID number, phone or name (characters, pinyin, initials) and return their
id: the lobby's look-up (services.lookup.search), answering as one types. Enter in the box takes
the first match, ↓ moves into the list; Escape cancels. Numbers are shown masked.

Each keystroke echoes at once: the look-up runs through `Calls.call` off the event loop with the
key "find", so only the answer to the last text typed is shown (an older answer arriving late is
dropped)."""

from __future__ import annotations

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from wealthtui.i18n import t
from wealthtui.services.lookup import ClientCard
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.form import LookupInput, submit_after_typed
from wealthtui.ui.dialogs.frame import frame_css
from wealthtui.ui.labels import tier_name
from wealthtui.ui.text import Paragraph, plain


class FindClientDialog(Calls, TranslatedBindings, ModalScreen[int | None]):
    DEFAULT_CSS = frame_css('FindClientDialog', width=70, title='#find-title') + """
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
            yield LookupInput(placeholder=t("cm.find.placeholder"), id="find-input")
            yield OptionList(id="find-results")
            yield Paragraph(t("cm.find.hint"), id="find-hint")

    def on_mount(self) -> None:
        self.asked: str | None = None
        self.shown: str | None = None
        self.enter_pending = False
        self.query_one(Input).focus()

    @on(Input.Changed, "#find-input")
    def _search(self, event: Input.Changed) -> None:
        text = event.value.strip()
        #: the text whose answer the list shows (None: nothing asked yet / an empty box)
        self.asked = text or None
        self.enter_pending = False
        if not text:
            self.query_one(OptionList).clear_options()
            self.query_one("#find-hint", Static).update(t("cm.find.hint"))
            self.call(lambda _actor: [], key="find")  # drops an answer still on its way
            return
        self.call(self.services.lookup.search, text, limit=8, key="find", quiet=True,
                  then=lambda cards: self._show(text, cards), failed=self._failed)

    def _show(self, text: str, cards: list[ClientCard]) -> None:
        self.shown = text
        results = self.query_one(OptionList)
        results.clear_options()
        for card in cards:
            label = t("cm.find.row", name=card.name, tier=tier_name(self.settings, card.tier),
                      phone=card.phone_masked or "-", cm=card.cm_name or t("common.none"))
            results.add_option(Option(plain(label), id=str(card.id)))
        self.query_one("#find-hint", Static).update(
            t("cm.find.hint") if cards else t("cm.find.nothing"))
        if self.enter_pending and text == self.asked:
            self.enter_pending = False
            self._take_first()

    def _failed(self, failure: Failed) -> None:
        if self.enter_pending:  # the Enter waited for this answer: back to the box
            self.enter_pending = False
            self.set_focus(self.query_one(Input))
        self.query_one(OptionList).clear_options()
        self.query_one("#find-hint", Static).update(plain(failure.message))

    def action_lookup_enter(self) -> None:
        """Enter in the box (its priority binding, issue 19: a burst such as "sdf", Enter, "q"):
        the list takes the focus now, so keys typed after the Enter never change the text it
        takes the first match of; the Enter acts once the box has the keys typed before it."""
        box = self.query_one(Input)
        if self.focused is not box:
            raise SkipAction()
        self.set_focus(self.query_one(OptionList))
        submit_after_typed(box)

    @on(Input.Submitted, "#find-input")
    def _first(self) -> None:
        """Enter: the first match of the text in the box (when its answer is still on its way,
        as soon as it comes — never a match of an older text)."""
        if self.asked is None:
            self.set_focus(self.query_one(Input))
            return
        if self.shown != self.asked:
            self.enter_pending = True
            return
        self._take_first()

    def _take_first(self) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            option = results.get_option_at_index(0)
            self.dismiss(int(option.id or 0))
        else:  # nothing found: back to the box to type on
            self.set_focus(self.query_one(Input))

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
