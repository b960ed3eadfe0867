"""Pick one choice of a checklist's choice step (or of a written notice's channels)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wealthtui.i18n import t, tl
from wealthtui.procedures import Step
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.frame import frame_css
from wealthtui.ui.text import Paragraph, plain


def step_text(step: Step) -> str:
    return tl(step.text, step.text_en)


class ChoiceDialog(Calls, TranslatedBindings, ModalScreen[Any]):
    """Pick one choice of a choice step. `submit(choice_id)` records it, in a thread (the one
    call path, ui/calls.py); its error stays shown in the dialog with the choice highlighted.
    Dismissed with what `submit` returned, or None on Escape."""

    DEFAULT_CSS = frame_css(
        'ChoiceDialog', width=60, max_height='90%', title='.choice-title') + """
    ChoiceDialog OptionList {
        height: auto;
        max-height: 12;
    }
    ChoiceDialog .choice-error {
        color: $error;
    }
    ChoiceDialog .choice-hint {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "dialog.bind.cancel", id="dialog.cancel"),
    ]

    def __init__(self, step: Step, current: str, submit: Callable[[str], Any]) -> None:
        super().__init__()
        self.step = step
        self.current = current
        self.submit = submit
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("checklist.choose", step=step_text(self.step)), classes="choice-title")
            yield OptionList(*(Option(tl(c.text, c.text_en), id=c.id) for c in self.step.choices))
            yield Static("", classes="choice-error")
            yield Paragraph(t("checklist.choice_hint"), classes="choice-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [c.id for c in self.step.choices]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.saving:
            return
        self.saving = True
        self.query_one(".choice-error", Static).update("")
        self.call_actorless(self.submit, event.option.id or "", then=self._saved,
                            failed=self._refused, quiet=True)

    def _saved(self, result: Any) -> None:
        self.saving = False
        self.dismiss(result)

    def _refused(self, failure: Failed) -> None:
        self.saving = False
        self.query_one(".choice-error", Static).update(plain(failure.message))

    def action_cancel(self) -> None:
        self.dismiss(None)
