"""The day's roster (当日排班) in a modal: today's staff with their state, the duty CM and the duty
lobby manager; F-keys change the selected person's state and name the people on duty.

Opened from the head's staff tab and from the lobby (the lobby manager records it at opening).
Whoever may not edit the roster (`roster.edit`) sees it without the editing keys. Every change is
one RosterService call (audited) through the one call path (ui/calls.py, off the event loop); a
refused one shows its message and the table stays.

The table never scrolls sideways (issue 19): the note (data) gets the cells the other columns
leave at the dialog's width, cut with … when longer, and is left out when fewer than NOTE_MIN
cells are left (English at 80 columns); the highlighted person's whole note is on the line under
the table.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
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
NOTE_MIN = 8  # fewer cells left for the note: no note column (the line under the table has it)
BOX_W = 100  # the dialog's width at most
#: cells of the box that are not the table's: border and padding each side, a vertical scrollbar
BOX_CHROME = 2 + 2 + 2
CELL_PAD = 2  # a DataTable cell's padding


def column_widths(screen_width: int = BOX_W + BOX_CHROME) -> dict[str, int]:
    """The columns' widths in cells, from their words in the screen's language and the screen's
    width (the note takes what is left; none when that is too little): fixed before any row
    arrives, so the table never depends on when it does."""
    words = {
        "staff_no": ["x" * NO_W],
        "name": ["x" * NAME_W],
        "role": [t(f"role.{r}") for r in ROLES],
        "state": [state_text(s) for s in STATES],
        "duty": [t("roster.duty.cm"), t("roster.duty.lobby")],
    }
    widths = {key: max(cell_len(w) for w in (*values, t(f"roster.col.{key}")))
              for key, values in words.items()}
    table = min(screen_width, BOX_W) - BOX_CHROME
    left = table - sum(w + CELL_PAD for w in widths.values()) - CELL_PAD
    if left >= max(NOTE_MIN, cell_len(t("roster.col.note"))):
        widths["note"] = left
    return widths


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


def note_line(line: RosterLine | None) -> Text:
    """The line under the table: the highlighted person's whole note (data: plain text)."""
    if line is None or not line.note:
        return Text("")
    return Text(t("s18screens.roster_note", name=line.name, note=line.note))


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
    RosterDialog #roster-note {
        height: auto;
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
        self.widths: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="roster-box"):
            yield Static(Text(t("head.panel.loading"), style="dim"), id="roster-title")
            yield Static("", id="roster-summary")
            yield PlainTable(id="roster-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="roster-note")
            yield Static("", id="roster-error")
            yield Footer()

    def on_mount(self) -> None:
        self._layout(self.app.size.width)
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size.width)

    def _layout(self, screen_width: int) -> None:
        """The columns for the screen's width (every width given: never measured after the rows
        came), the rows again when they change."""
        widths = column_widths(screen_width)
        if widths == self.widths:
            return
        self.widths = widths
        table = self.query_one("#roster-table", DataTable)
        table.clear(columns=True)
        for key in COLUMNS:
            if key in widths:
                table.add_column(t(f"roster.col.{key}"), key=key, width=widths[key])
        if self.view is not None:
            self.show(self.view)

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
        duty_w, note_w = self.widths["duty"], self.widths.get("note")
        for line in view.lines:
            role = t(f"role.{line.roles[0]}") if line.roles else ""
            cells = [fit(line.staff_no, NO_W), Text(fit(line.name, NAME_W)), role,
                     Text(state_text(line.status), style=styles.get(line.status, "")),
                     fit(duty_text(line), duty_w)]
            if note_w is not None:
                cells.append(Text(fit(line.note, note_w)))
            table.add_row(*cells, key=str(line.staff_id))
        if view.lines:
            table.move_cursor(row=min(max(keep, 0), len(view.lines) - 1))
        self._show_note()
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

    @on(DataTable.RowHighlighted, "#roster-table")
    def _show_note(self) -> None:
        self.query_one("#roster-note", Static).update(note_line(self.selected))

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
