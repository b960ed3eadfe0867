"""The head's compliance view (issue 17), over the head's screen (Ctrl+F on any tab): the
point-of-sale figures of today and of the month, the day's sales that needed a dual recording
(ui/widgets/compliance_panel.py). F5 reads them again; Escape comes back."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from wealthtui.i18n import t
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls
from wealthtui.ui.widgets.compliance_panel import CompliancePanel


class ComplianceScreen(Calls, TranslatedBindings, ModalScreen[None]):
    DEFAULT_CSS = """
    ComplianceScreen {
        align: center middle;
    }
    ComplianceScreen > Vertical {
        width: 100%;
        max-width: 110;
        height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    ComplianceScreen #compliance-title {
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("f5", "refresh", "compliance_view.bind.refresh", id="compliance.refresh"),
        Binding("escape", "close", "compliance_view.bind.close", id="compliance.close"),
    ]
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = ("compliance.close", "compliance.refresh")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("compliance_view.title", day=self.services.ctx.today().isoformat()),
                         id="compliance-title")
            yield CompliancePanel(id="compliance-panel")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#compliance-figures").focus()

    def action_refresh(self) -> None:
        self.query_one(CompliancePanel).reload()

    def action_close(self) -> None:
        self.dismiss(None)
