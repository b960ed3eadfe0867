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
from wealthtui.rules.fields import FieldError
from wealthtui.services.errors import ServiceError
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.errors import describe
from wealthtui.ui.text import plain


def step_text(step: Step) -> str:
    return tl(step.text, step.text_en)


class ChoiceDialog(TranslatedBindings, ModalScreen[Any]):
    """Pick one choice of a choice step. `submit(choice_id)` records it; its error stays shown
    in the dialog. Dismissed with what `submit` returned, or None on Escape."""

    DEFAULT_CSS = """
    ChoiceDialog {
        align: center middle;
    }
    ChoiceDialog > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    ChoiceDialog .choice-title {
        text-style: bold;
    }
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

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("checklist.choose", step=step_text(self.step)), classes="choice-title")
            yield OptionList(*(Option(tl(c.text, c.text_en), id=c.id) for c in self.step.choices))
            yield Static("", classes="choice-error")
            yield Static(t("checklist.choice_hint"), classes="choice-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [c.id for c in self.step.choices]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        try:
            result = self.submit(event.option.id or "")
        except (ServiceError, FieldError) as exc:
            self.query_one(".choice-error", Static).update(plain(describe(exc)))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
