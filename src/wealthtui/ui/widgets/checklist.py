"""The checklist panel: one run of a procedure from the manual, operated by keyboard.

Embed it in any screen:

    yield ChecklistPanel(run_id)             # or ChecklistPanel() and later panel.show_run(id)

    def on_checklist_panel_completed(self, event: ChecklistPanel.Completed) -> None:
        event.run                                  # the RunView, status "done"

or open it over the current screen: `self.app.push_screen(ChecklistScreen(run_id))`
(ui/screens/checklist.py) (Escape
closes it and returns the RunView). Start a run first with `services.checklists.start(...)`.

What it shows: the procedure's title, status, required steps done, due time and subject; one row
per step (✓ done, ☐ open; what was recorded, by whom, when); under the table the focused step's
position, whether it is required, its kind, its manual section and its help text. A run started
from an older version of the procedure reads as it was when it started.

Keys while it has focus: ↑/↓ move between steps; Enter records the focused step (a step that
confirms the flow log shows the day's figures first, ui/dialogs/flow_confirm.py; a tick at once;
a number, amount or text in a dialog that keeps what was typed on an error; a choice from a list;
a sign-off in the second-person dialog with the other staff member's number and PIN); F2
completes the run (refused with the open required steps named; F9 stays the shell's inbox key);
F8 abandons it with a reason.

Every read and write goes through the one call path (ui/calls.py, `self.call`): in a thread,
the answer back on the event loop; "加载中…" until the run is read the first time.

Messages: `ChecklistPanel.Changed(run)` after every change, `ChecklistPanel.Completed(run)` when
the run is completed.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from wealthtui import i18n
from wealthtui.config import Settings
from wealthtui.i18n import t, tl
from wealthtui.procedures import CONFIRMS, Choice, Procedure, Step
from wealthtui.rules import step_facts
from wealthtui.rules.money import format_fen
from wealthtui.services.checklists import DONE, OPEN, RunView, StepState
from wealthtui.ui.basis import basis_text
from wealthtui.ui.calls import Calls
from wealthtui.ui.dialogs.choice import ChoiceDialog, step_text
from wealthtui.ui.dialogs.flow_confirm import FlowLogConfirmDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.dialogs.second_person import SecondPersonDialog
from wealthtui.ui.labels import step_fact_text
from wealthtui.ui.text import Paragraph, PlainTable, fit

DONE_MARK = "✓"
OPEN_MARK = "☐"
# fixed column widths in cells: mark, value, by, time (the step text takes what is left)
MARK_W, VALUE_W, BY_W, AT_W = 1, 14, 8, 5


def step_help(step: Step) -> str:
    return tl(step.help, step.help_en)


def procedure_title(proc: Procedure) -> str:
    return tl(proc.title, proc.title_en)


def show_value(state: StepState, settings: Settings) -> str:
    """What was recorded, for people: a choice's text, an amount in yuan, a signer's name, and
    what the system recorded (a contact, a notice, a proposal: rules.step_facts) worded in the
    screen's language."""
    step, value = state.step, state.value
    if not state.done:
        return ""
    if step.kind == "tick":
        return ""
    if step.kind == "number":
        return f"{value}{tl(step.unit, ' ' + step.unit_en if step.unit_en else '')}"
    if step.kind == "amount":
        return format_fen(int(value)) if value.lstrip("-").isdigit() else value
    if step.kind == "choice":
        choice = step.choice(value)
        return tl(choice.text, choice.text_en) if choice else value
    if step.kind == "signoff":
        return t("checklist.signed_by", name=state.signed_off_by)
    fact = step_facts.parse(value) if step.kind == "text" else None
    if fact is not None:
        return step_fact_text(settings, fact)
    return value.replace("\n", " ")


class StepTable(PlainTable):
    """The step rows; Enter records the focused step."""

    BINDINGS = [
        Binding("enter", "select_cursor", "checklist.bind.record", id="checklist.record"),
    ]


class ChecklistPanel(Calls, Vertical, can_focus=False):
    DEFAULT_CSS = """
    ChecklistPanel {
        height: 1fr;
    }
    ChecklistPanel > .cl-title {
        height: 1;
        text-style: bold;
        padding: 0 1;
    }
    ChecklistPanel > .cl-meta {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    ChecklistPanel > StepTable {
        height: 1fr;
    }
    ChecklistPanel > .cl-detail {
        height: auto;
        max-height: 7;
        border-top: solid $primary;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("f2", "complete", "checklist.bind.complete", id="checklist.complete"),
        Binding("f8", "abandon", "checklist.bind.abandon", id="checklist.abandon"),
    ]

    class Changed(Message):
        """A step was recorded, or the run was completed or abandoned."""

        def __init__(self, panel: ChecklistPanel, run: RunView) -> None:
            super().__init__()
            self.panel = panel
            self.run = run

        @property
        def control(self) -> ChecklistPanel:
            return self.panel

    class Completed(Changed):
        """The run was completed (every required step done)."""

    def __init__(
        self, run_id: int | None = None, *, id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.run_id = run_id
        self.run: RunView | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="cl-title")
        yield Static("", classes="cl-meta")
        table = StepTable(cursor_type="row", zebra_stripes=False)
        yield table
        yield Paragraph("", classes="cl-detail")

    def on_mount(self) -> None:
        self.reload()

    # --- data ----------------------------------------------------------------------------------
    @property
    def table(self) -> StepTable:
        return self.query_one(StepTable)

    def show_run(self, run_id: int | None) -> None:
        """Show another run (None: none)."""
        self.run_id = run_id
        self.run = None
        self.reload()

    def reload(self) -> None:
        """Read the run again (call it when the store changed); the last request wins."""
        if self.run_id is None:
            self._show(None)
            return
        if self.run is None:
            self.query_one(".cl-title", Static).update(t("checklist2.loading"))
        self.call(self.services.checklists.get, self.run_id, then=self._loaded, key="run")

    def _loaded(self, run: RunView) -> None:
        if run.id == self.run_id:
            self._show(run)
            self.refresh_bindings()

    def _local(self, at: datetime | None) -> str:
        if at is None:
            return ""
        return at.astimezone(self.services.ctx.tz).strftime("%H:%M")

    # --- drawing -------------------------------------------------------------------------------
    def _show(self, run: RunView | None) -> None:
        self.run = run
        title = self.query_one(".cl-title", Static)
        meta = self.query_one(".cl-meta", Static)
        table = self.table
        keep = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        if run is None:
            title.update(t("checklist.no_run"))
            meta.update("")
            self.query_one(".cl-detail", Static).update("")
            return
        title.update(self._title_line(run))
        meta.update(self._meta_line(run))
        step_w = self._step_width()
        table.add_column(t("checklist.col.mark"), width=MARK_W, key="mark")
        table.add_column(t("checklist.col.step"), width=step_w, key="step")
        table.add_column(t("checklist.col.value"), width=VALUE_W, key="value")
        table.add_column(t("checklist.col.by"), width=BY_W, key="by")
        table.add_column(t("checklist.col.at"), width=AT_W, key="at")
        success = self.app.current_theme.success or "green"
        warning = self.app.current_theme.warning or "yellow"
        for state in run.steps:
            if state.done:
                mark = Text(DONE_MARK, style=f"bold {success}")
            elif state.required:
                mark = Text(OPEN_MARK, style=f"bold {warning}")
            else:
                mark = Text(OPEN_MARK, style="dim")
            label = f"{state.position}. {step_text(state.step)}"
            table.add_row(
                mark, fit(label, step_w), fit(show_value(state, self.settings), VALUE_W),
                fit(state.done_by, BY_W), self._local(state.done_at), key=state.step.id,
            )
        table.move_cursor(row=min(keep, table.row_count - 1))
        self._show_detail()

    def _step_width(self) -> int:
        width = self.size.width or self.app.size.width
        # DataTable pads each cell by one on both sides; 2 more for the vertical scrollbar
        return max(12, width - (MARK_W + VALUE_W + BY_W + AT_W) - 5 * 2 - 2)

    def _title_line(self, run: RunView) -> str:
        status = t(f"checklist.status.{run.status}")
        now = self.clock.now()
        if run.overdue(now):
            status = t("checklist.status.overdue")
        parts = [procedure_title(run.procedure), status,
                 t("checklist.progress", done=run.required_done, total=run.required_total)]
        if run.due_at is not None:
            parts.append(t("checklist.due", time=self._local(run.due_at)))
        return fit(" · ".join(parts), max(20, (self.size.width or 80) - 2))

    def _meta_line(self, run: RunView) -> str:
        parts = []
        if run.client_name:
            parts.append(t("checklist.subject_client", name=run.client_name))
        if run.ticket_no:
            parts.append(t("checklist.subject_ticket", no=run.ticket_no))
        if run.subject_name and run.procedure.subject in ("teller", "staff"):
            parts.append(t(f"checklist.subject_{run.procedure.subject}", name=run.subject_name))
        if run.procedure.subject == "day":
            parts.append(t("checklist.subject_day", date=run.business_date.isoformat()))
        if run.status == DONE:
            parts.append(t("checklist.completed", name=run.completed_by,
                           time=self._local(run.completed_at)))
        elif run.status == OPEN:
            parts.append(t("checklist.started", name=run.started_by,
                           time=self._local(run.started_at)))
        else:
            parts.append(t("checklist.abandoned", reason=run.abandon_reason))
        return fit(" · ".join(parts), max(20, (self.size.width or 80) - 2))

    def help_basis(self) -> list[tuple[str, str]]:
        """F1: each step of the shown run with its basis."""
        if self.run is None:
            return []
        return [(t("checklist.step_no", n=n) + " " + step_text(s), basis_text(s))
                for n, s in enumerate(self.run.procedure.steps, start=1)]

    @property
    def focused_state(self) -> StepState | None:
        if self.run is None or not self.table.row_count:
            return None
        row = self.table.cursor_row
        return self.run.steps[row] if 0 <= row < len(self.run.steps) else None

    def _show_detail(self) -> None:
        detail = self.query_one(".cl-detail", Static)
        state, run = self.focused_state, self.run
        if state is None or run is None:
            detail.update("")
            return
        step = state.step
        if state.required:
            need = t("checklist.required")
        elif step.required and step.required_when is not None:
            need = t("checklist.conditional")
        else:
            need = t("checklist.optional")
        head = " · ".join([t("checklist.step_no", n=state.position), need,
                           t(f"checklist.kind.{step.kind}"),
                           t('basis.label') + tl("：", ": ") + basis_text(step)])
        lines = [Text(head, style="bold"), Text(step_text(step))]
        if step_help(step):
            lines.append(Text(step_help(step), style="italic"))
        if state.done:
            if state.signed_off_by:
                done = t("checklist.recorded_signed", by=state.done_by,
                         time=self._local(state.done_at), signer=state.signed_off_by)
            else:
                done = t("checklist.recorded", by=state.done_by, time=self._local(state.done_at))
            if show_value(state, self.settings) and step.kind != "signoff":
                done = f"{show_value(state, self.settings)} · {done}"
            if state.times_recorded > 1:
                done += t("checklist.times", n=state.times_recorded)
            if state.handoff_id is not None:
                done += f" · {t('checklist.handoff_sent')}"
            lines.append(Text(done))
        if run.outdated and run.status == OPEN:
            lines.append(Text(t("checklist.outdated", version=run.version[:8]), style="dim"))
        detail.update(Text("\n").join(lines))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def on_resize(self) -> None:
        if self.run is not None:
            self._show(self.run)

    # --- actions -------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("complete", "abandon"):
            return self.run is not None and self.run.status == OPEN
        return True

    def _changed(self, run: RunView | None) -> None:
        if run is None or run.id != self.run_id:
            return
        self._show(run)
        self.refresh_bindings()
        self.post_message(self.Changed(self, run))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.record_focused()

    def record_focused(self) -> None:
        """Record the focused step (what Enter does)."""
        state, run = self.focused_state, self.run
        if state is None or run is None or run.status != OPEN:
            return
        step = state.step
        checklists, actor = self.services.checklists, self.actor
        if step.confirms == "flow_log":
            # shows the day's flow log and confirms it (services.day records this step)
            self.app.push_screen(FlowLogConfirmDialog(run), self._changed)
            return
        if step.by_notice:
            self._send_notice(state, run)
            return
        if step.confirms is not None:  # the system records it when it does it (services)
            self.notify(t(CONFIRMS[step.confirms]), severity="warning")
            return
        if step.kind == "tick":
            if state.done:
                self.notify(t("checklist.already_ticked"))
                return
            self.call(checklists.record, run.id, step.id, then=self._changed)
        elif step.kind == "choice":
            self.app.push_screen(
                ChoiceDialog(step, state.value,
                             lambda choice: checklists.record(actor, run.id, step.id, choice)),
                self._changed,
            )
        elif step.kind == "signoff":
            dialog = SecondPersonDialog(
                "checklist.signoff", title=t("checklist.signoff_title", step=step_text(step)),
                detail=step_help(step),
                on_verified=lambda other: checklists.record(actor, run.id, step.id,
                                                            signer=other),
            )
            self.app.push_screen(dialog, lambda other: self._changed(dialog.outcome))
        else:
            self.app.push_screen(
                ReasonDialog(
                    t("checklist.enter_value", step=step_text(step)),
                    field_key=f"checklist.value.{step.kind}", detail=step_help(step),
                    value=self._editable(state), max_length=2000 if step.kind == "text" else 30,
                    submit=lambda text: checklists.record(actor, run.id, step.id, text),
                ),
                self._changed,
            )

    def _send_notice(self, state: StepState, run: RunView) -> None:
        """A step recorded by a written notice (`by_notice`): choose the channel; queuing the
        notice (services.notices) records the step. Not ticked by hand."""
        if state.done:
            self.notify(t("notice.step.sent"))
            return
        client_id = run.client_id
        if state.step.by_notice != "cm_change" or client_id is None:
            self.notify(t("error.notice.by_hand"), severity="warning")
            return
        services, actor = self.services, self.actor

        def submit(channel: str) -> RunView:  # in ChoiceDialog's call thread
            services.notices.cm_change_letter(actor, client_id, channel=channel)
            return services.checklists.get(actor, run.id)

        self.app.push_screen(ChoiceDialog(channel_step(state.step), "sms", submit), self._changed)

    def _editable(self, state: StepState) -> str:
        if not state.done:
            return ""
        if state.step.kind == "amount" and state.value.isdigit():
            return format_fen(int(state.value))
        if state.step.kind == "text" and step_facts.parse(state.value) is not None:
            return show_value(state, self.settings)  # what the system recorded, in words
        return state.value

    def action_complete(self) -> None:
        if self.run is None:
            return
        self.call(self.services.checklists.complete, self.run.id, then=self._completed,
                  key="complete")

    def _completed(self, run: RunView) -> None:
        self._changed(run)
        self.notify(t("checklist.done_toast", title=procedure_title(run.procedure)))
        self.post_message(self.Completed(self, run))

    def action_abandon(self) -> None:
        run = self.run
        if run is None:
            return

        def abandoned(result: RunView | None) -> None:
            if result is not None:
                self._changed(result)
                self.notify(t("checklist.abandoned_toast", title=procedure_title(result.procedure)))

        checklists, actor = self.services.checklists, self.actor
        self.app.push_screen(
            ReasonDialog(t("checklist.abandon_title"), detail=t("checklist.abandon_detail"),
                         submit=lambda reason: checklists.abandon(actor, run.id, reason)),
            abandoned,
        )

    def focus(self, scroll_visible: bool = True) -> ChecklistPanel:
        self.table.focus(scroll_visible)
        return self


#: how a written notice can go to a client, as offered in a checklist
NOTICE_CHANNELS = ("sms", "email", "print")


def channel_step(step: Step) -> Step:
    """`step` as a choice of the channels its written notice can take (for ChoiceDialog)."""
    zh, en = i18n.catalog("zh_CN"), i18n.catalog("en")
    choices = tuple(Choice(id=c, text=zh[f"notice.channel.{c}"], text_en=en[f"notice.channel.{c}"])
                    for c in NOTICE_CHANNELS)
    return step.model_copy(update={"kind": "choice", "choices": choices})
