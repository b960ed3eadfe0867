"""The day's roster (当日排班) in a modal: today's staff with their state, the duty CM and the duty
lobby manager; F-keys change the selected person's state and name the people on duty.

Opened from the head's staff tab and from the lobby (the lobby manager records it at opening).
Whoever may not edit the roster (`roster.edit`) sees it without the editing keys. Every change is
one RosterService call (audited) through the one call path (ui/calls.py, off the event loop); a
refused one shows its message and the table stays.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from wealthtui.i18n import t
from wealthtui.rules.permissions import ROLES
from wealthtui.services.roster import RosterLine, RosterView
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.frame import frame_css
from wealthtui.ui.text import PlainTable, fit

#: the keys that change the roster (hidden without `roster.edit`)
EDITING = frozenset({"state", "duty_cm", "duty_lobby", "all_in"})
COLUMNS = ("staff_no", "name", "role", "state", "duty", "note")
STATES = ("in", "leave", "lunch", "out", "")
NAME_W = 8  # four CJK characters; longer names end in …
NO_W = 8    # staff numbers (8001, T001, …); longer ones end in …
NOTE_W = 16  # the note (data), cropped by the table at this width (it fits the 100-cell box)


def column_widths() -> dict[str, int]:
    """The columns' widths in cells, from their words in the screen's language (the note takes
    what is left): fixed before any row arrives, so the table never depends on when it does."""
    words = {
        "staff_no": ["x" * NO_W],
        "name": ["x" * NAME_W],
        "role": [t(f"role.{r}") for r in ROLES],
        "state": [state_text(s) for s in STATES],
        "duty": [f"{t('roster.duty.cm')} {t('roster.duty.lobby')}"],
    }
    widths = {key: max(cell_len(w) for w in (*values, t(f"roster.col.{key}")))
              for key, values in words.items()}
    return {**widths, "note": max(NOTE_W, cell_len(t("roster.col.note")))}


def state_text(status: str) -> str:
    """The roster state's label; "" (not recorded) reads as such."""
    return t(f"roster.state.{status or 'none'}")


def duty_text(line: RosterLine) -> str:
    parts = []
    if line.duty_cm:
        parts.append(t("roster.duty.cm"))
    if line.duty_lobby:
        parts.append(t("roster.duty.lobby"))
    return " ".join(parts)


class RosterDialog(Calls, TranslatedBindings, ModalScreen[bool]):
    DEFAULT_CSS = frame_css(
        'RosterDialog', '#roster-box', width=100, height='100%', max_height='40') + """
    RosterDialog #roster-title {
        text-style: bold;
        height: 1;
    }
    RosterDialog #roster-summary {
        color: $text-muted;
        height: auto;
    }
    RosterDialog #roster-table {
        height: 1fr;
    }
    RosterDialog #roster-error {
        color: $error;
        height: auto;
    }
    """

    BINDINGS = [
        Binding("f2", "state('in')", "roster.bind.in", id="roster.in"),
        Binding("f3", "state('leave')", "roster.bind.leave", id="roster.leave"),
        Binding("f4", "state('lunch')", "roster.bind.lunch", id="roster.lunch"),
        Binding("f5", "state('out')", "roster.bind.out", id="roster.out"),
        Binding("f6", "duty_cm", "roster.bind.duty_cm", id="roster.duty_cm"),
        Binding("f7", "duty_lobby", "roster.bind.duty_lobby", id="roster.duty_lobby"),
        Binding("f8", "all_in", "roster.bind.all_in", id="roster.all_in"),
        Binding("escape", "close", "roster.bind.close", id="roster.close"),
    ]

    AUTO_FOCUS = "#roster-table"

    def __init__(self) -> None:
        super().__init__()
        self.view: RosterView | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="roster-box"):
            yield Static(Text(t("head.panel.loading"), style="dim"), id="roster-title")
            yield Static("", id="roster-summary")
            table: DataTable[Text | str] = PlainTable(id="roster-table", cursor_type="row",
                                                     zebra_stripes=True)
            widths = column_widths()  # every width given: never measured after the rows came
            for key in COLUMNS:
                table.add_column(t(f"roster.col.{key}"), key=key, width=widths[key])
            yield table
            yield Static("", id="roster-error")
            yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in EDITING:
            return bool(self.actor.can("roster.edit"))
        return True

    # --- showing -----------------------------------------------------------------------------
    def reload(self) -> None:
        self.call(self.services.roster.day, then=self.show, failed=self._roster_refused,
                  key="roster", quiet=True)

    def _roster_refused(self, failure: Failed) -> None:
        self.query_one("#roster-error", Static).update(Text(failure.message))

    def show(self, view: RosterView) -> None:
        self.view = view
        table = self.query_one("#roster-table", DataTable)
        keep = table.cursor_row
        table.clear()
        theme = self.app.current_theme
        styles = {"in": theme.success or "green", "leave": theme.warning or "yellow",
                  "lunch": theme.accent or "cyan", "out": theme.warning or "yellow", "": "dim"}
        for line in view.lines:
            role = t(f"role.{line.roles[0]}") if line.roles else ""
            table.add_row(fit(line.staff_no, NO_W), Text(fit(line.name, NAME_W)), role,
                          Text(state_text(line.status), style=styles.get(line.status, "")),
                          duty_text(line), Text(line.note), key=str(line.staff_id))
        if view.lines:
            table.move_cursor(row=min(max(keep, 0), len(view.lines) - 1))
        none = t("roster.nobody")
        self.query_one("#roster-title", Static).update(
            t("roster.title", date=view.business_date.isoformat()))
        summary = t("roster.summary", duty_cm=view.duty_cm.name if view.duty_cm else none,
                    duty_lobby=view.duty_lobby.name if view.duty_lobby else none,
                    present=view.count("in"), leave=view.count("leave"),
                    lunch=view.count("lunch"), out=view.count("out"))
        if not view.recorded:
            summary += "\n" + t("roster.not_recorded")
        self.query_one("#roster-summary", Static).update(Text(summary))

    @property
    def selected(self) -> RosterLine | None:
        table = self.query_one("#roster-table", DataTable)
        if self.view is None or not (0 <= table.cursor_row < len(self.view.lines)):
            return None
        return self.view.lines[table.cursor_row]

    # --- changing ----------------------------------------------------------------------------
    def _apply(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        self.query_one("#roster-error", Static).update("")
        self.call(fn, *args, then=self._roster_changed, failed=self._roster_refused,
                  key="roster", quiet=True, **kwargs)

    def _roster_changed(self, view: RosterView) -> None:
        self.changed = True
        self.show(view)

    def action_state(self, status: str) -> None:
        line = self.selected
        if line is not None:
            self._apply(self.services.roster.set_state, line.staff_id, status)

    def action_duty_cm(self) -> None:
        line = self.selected
        if line is not None:
            self._apply(self.services.roster.set_duty_cm, line.staff_id)

    def action_duty_lobby(self) -> None:
        line = self.selected
        if line is not None:
            self._apply(self.services.roster.set_duty_lobby, line.staff_id)

    def action_all_in(self) -> None:
        self._apply(self.services.roster.all_in)

    def action_close(self) -> None:
        self.dismiss(self.changed)
