"""The flow-log confirmation of the lobby's closing routine (manual ch.2 §2.7 item 8; issue 16).

    self.app.push_screen(FlowLogConfirmDialog(run), done)   # done(RunView | None)

Opened by the checklist panel for a step that `confirms = "flow_log"`: it shows the day's flow log
as reports/flow_log.py computes it (services.reports.flow_log — the same figures as the head's
flow-log tab and `wealthtui eod`), and F2 confirms it through `services.day.confirm_flow_log`,
which records the step of the run in the same transaction. Escape leaves without confirming.
A refusal (the day closed, not the lobby manager) is shown in the dialog.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from wealthtui.i18n import t
from wealthtui.reports import export
from wealthtui.rules.fields import FieldError
from wealthtui.services.checklists import RunView
from wealthtui.services.errors import ServiceError
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.errors import describe
from wealthtui.ui.widgets.head_tables import SectionTables


class FlowLogConfirmDialog(TranslatedBindings, ModalScreen[RunView | None]):
    DEFAULT_CSS = """
    FlowLogConfirmDialog {
        background: $background 60%;
    }
    FlowLogConfirmDialog > Vertical {
        border: thick $primary;
        background: $surface;
        height: 1fr;
    }
    FlowLogConfirmDialog #fl-title {
        height: auto;
        text-style: bold;
        padding: 0 1;
    }
    FlowLogConfirmDialog #fl-state {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    FlowLogConfirmDialog #fl-error {
        height: auto;
        color: $error;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("f2", "confirm", "routines.bind.confirm_flow_log", id="routines.confirm_flow_log"),
        Binding("escape", "cancel", "dialog.bind.cancel", id="routines.flow_log_cancel"),
    ]

    def __init__(self, run: RunView) -> None:
        super().__init__()
        self.run = run
        self.flow: Any = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("routines.flow_log.title", date=self.run.business_date.isoformat()),
                         id="fl-title")
            yield Static("", id="fl-state")
            yield SectionTables(id="fl-tables")
            yield Static("", id="fl-error")
        yield Footer()

    def on_mount(self) -> None:
        app = self.app
        try:
            self.flow = app.services.reports.flow_log(  # type: ignore[attr-defined]
                app.actor, self.run.business_date)  # type: ignore[attr-defined]
        except (ServiceError, FieldError) as exc:
            self.query_one("#fl-error", Static).update(describe(exc))
            return
        settings = app.services.settings  # type: ignore[attr-defined]
        doc = export.flow_dict(settings, self.flow)
        self.query_one("#fl-tables", SectionTables).show(export.flow_log_sections(doc))
        state = (t("routines.flow_log.confirmed", who=self.flow.confirmed_by)
                 if self.flow.confirmed_by else t("routines.flow_log.unconfirmed"))
        self.query_one("#fl-state", Static).update(state)

    def action_confirm(self) -> None:
        app = self.app
        services, actor = app.services, app.actor  # type: ignore[attr-defined]
        try:
            services.day.confirm_flow_log(actor, self.run.business_date, run_id=self.run.id)
            run = services.checklists.get(actor, self.run.id)
        except (ServiceError, FieldError) as exc:
            self.query_one("#fl-error", Static).update(describe(exc))
            return
        self.notify(t("routines.flow_log.done"))
        self.dismiss(run)

    def action_cancel(self) -> None:
        self.dismiss(None)
