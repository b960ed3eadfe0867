"""Ask for one line of text (a reason, an outcome) in a modal dialog.

    ReasonDialog(title, field_key="field.reason", required=True, submit=fn)

`submit(text)` (optional) is called on Enter through the one call path (ui/calls.py): in a
thread, never on the event loop (it calls services and must not touch widgets); when it raises a
FieldError, a ServiceError or a store fault the message is shown under the field, the text stays,
and the dialog stays open. The dialog returns
what `submit` returned (or the text when there is no `submit`), or None on Escape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.form import EnterAdvances, FormField
from wealthtui.ui.dialogs.frame import frame_css
from wealthtui.ui.text import Paragraph


class ReasonDialog(Calls, TranslatedBindings, EnterAdvances, ModalScreen[Any]):
    DEFAULT_CSS = frame_css('ReasonDialog', width=64, max_height=None) + """
    ReasonDialog .reason-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ReasonDialog .reason-detail {
        color: $text-muted;
        margin-bottom: 1;
    }
    ReasonDialog .reason-hint {
        color: $text-muted;
    }
    """

    AUTO_FOCUS = "#reason Input"
    BINDINGS = [
        Binding("escape", "cancel", "dialog.bind.cancel", id="dialog.cancel"),
    ]

    def __init__(
        self,
        title: str,
        *,
        field_key: str = "field.reason",
        detail: str = "",
        required: bool = True,
        value: str = "",
        max_length: int = 500,
        submit: Callable[[str], Any] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.field_key = field_key
        self.required = required
        self.initial = value
        self.max_length = max_length
        self.submit = submit
        #: a submit on its way (a second Enter meanwhile is ignored)
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="reason-title")
            if self.detail:
                yield Paragraph(self.detail, classes="reason-detail")
            yield FormField(self.field_key, value=self.initial, max_length=self.max_length,
                            id="reason")
            yield Static(t("dialog.enter_to_confirm"), classes="reason-hint")

    @property
    def field(self) -> FormField:
        return self.query_one(FormField)

    def submit_form(self) -> None:
        text = self.field.value.strip()
        if self.required and not text:
            self.field.show_error(FieldError(self.field_key, "error.field.required"))
            return
        if self.submit is None:
            self.dismiss(text)
            return
        if self.saving:
            return
        self.saving = True
        self.call_actorless(self.submit, text, then=self._submitted, failed=self._refused,
                            quiet=True)

    def _submitted(self, result: Any) -> None:
        self.saving = False
        self.dismiss(result)

    def _refused(self, failure: Failed) -> None:
        self.saving = False
        self.field.show_error(failure.error)

    def action_cancel(self) -> None:
        self.dismiss(None)
