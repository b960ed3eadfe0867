"""RoleScreen: the base of the four role screens (lobby, counter, client manager, head).

THE CONTRACT FOR ROLE SCREENS
-----------------------------
Subclass `RoleScreen`, set `MODE` and `HELP_SECTIONS`, and implement `compose_body()` instead of
`compose()`:

    class LobbyScreen(RoleScreen):
        MODE = "lobby"
        HELP_SECTIONS = (("ch.2 §2.1", "lobby.help.greet"), ...)   # (manual section, catalog key)
        BINDINGS = [Binding("f6", "issue_ticket", "lobby.bind.issue_ticket", id="lobby.issue_ticket")]

        def compose_body(self) -> ComposeResult:
            yield ...            # may use `with Horizontal(): ...` like any compose()

`compose()` (do not override it) yields, top to bottom: the `ShellHeader` (center name,
business date, mode, staff name and roles, clock), a `Vertical(id="body")` holding what
`compose_body()` yields (height 1fr), the hand-off `InboxPanel(id="inbox-panel")` (unless the class
sets `INBOX_PANEL = False` and places its own `InboxPanel` in the body, as the client-manager
screen may), and the `Footer`.

What a role screen gets from here:
- `self.services` (wealthtui.services.Services), `self.actor` (the signed-in Actor),
  `self.settings`, `self.clock` (the app's clock; use it for "now", never datetime.now());
- `call(fn, *args, then=…, key=…)` (ui/calls.py): the one way to call a service, off the event
  loop; the answer comes back to `then`. A FieldError is shown under the matching `FormField`
  of this screen when there is one (the input keeps its text), otherwise it and any
  ServiceError as a toast naming the field and what is accepted;
- `changed()`: call after a successful write so this screen and the inbox reload at once (other
  terminals notice within `ui.refresh_seconds`);
- `on_data_changed()`: called by the app when the audit change marker moved (a write anywhere, by
  any terminal) while this screen is the active role screen, and when it becomes active again after
  a change; override it to reload what the screen shows. The inbox panel reloads by itself.
- class attributes `MODE` (the mode name), `HELP_SECTIONS` (manual sections the screen implements,
  shown by F1 with the bindings, which are generated from the active BINDINGS).

Bindings: F-keys and ctrl-combinations only (letter keys go to the input method). Each Binding has
an `id` (`<mode>.<action>`) so config `[ui.keymap]` can remap it, and its description is a CATALOG
KEY (e.g. "lobby.bind.issue_ticket"), translated when shown (see wealthtui.ui.bindings).
Keys taken by the shell, do not bind them in a role screen:
  F1 help, F9 show/hide/focus the inbox, F12 next role mode, ctrl+l lock, ctrl+o sign out,
  ctrl+q quit, ctrl+p command palette, ctrl+y my routines and open checklists, ctrl+j my
  complaints (the last two bound here, on RoleScreen).
While the inbox has focus, Enter opens the hand-off under the cursor in a dialog (F2 accept,
F3 decline, F4 done, F5 open what it is about) and Ctrl+W switches received/sent; the inbox binds
no F-key of its own, so a screen's F-keys mean the same whatever has the focus.
Layout: the screen must work at 80x24 (body is 22 rows high with the inbox hidden, which is the
default below 30 rows) and use 120x40 (the inbox panel, 12 rows, shows by default from 30 rows).

Focus: when the screen opens, the first focusable widget of the body gets the focus
(`AUTO_FOCUS = "#body *"`; override it with a more precise selector if needed).

Forms: use `wealthtui.ui.dialogs.form.FormField` (label, Input, error line) and `EnterAdvances`;
yes/no questions `ui.dialogs.confirm.ConfirmDialog`; one line of text `ui.dialogs.reason.ReasonDialog`.
Tests: `tests/ui/helpers.py` (`make_app`, `sign_in`, ...).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer

from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls
from wealthtui.ui.screens.complaint_detail import ComplaintDetailScreen
from wealthtui.ui.screens.my_checklists import MyChecklistsScreen
from wealthtui.ui.screens.my_complaints import MyComplaintsScreen
from wealthtui.ui.widgets.header import ShellHeader
from wealthtui.ui.widgets.inbox import InboxPanel

#: from this terminal height on the inbox panel is shown without asking
INBOX_AUTO_HEIGHT = 30


class RoleScreen(Calls, TranslatedBindings, Screen):
    MODE: ClassVar[str] = ""
    #: (manual section, catalog key of what it is) pairs shown in F1 help
    HELP_SECTIONS: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: False: the screen puts an InboxPanel into its own body (no bottom panel)
    INBOX_PANEL: ClassVar[bool] = True
    #: focus the first focusable widget of the body when the screen opens (never the inbox)
    AUTO_FOCUS = "#body *"

    DEFAULT_CSS = """
    RoleScreen > #body {
        height: 1fr;
    }
    """

    #: the shell's keys of every role screen (no role screen binds them again; issue 19)
    BINDINGS = [
        Binding("f9", "toggle_inbox", "shell.bind.inbox", id="shell.inbox"),
        Binding("ctrl+y", "checklists", "resume.bind.checklists", id="shell.checklists"),
        Binding("ctrl+j", "my_complaints", "my_complaints.bind.show", id="shell.my_complaints"),
    ]

    def __init__(self, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._inbox_choice: bool | None = None
        self.seen_marker: int | None = None
        #: whether the screen was ever suspended (a dialog over it, another mode)
        self._suspended = False

    # --- what a role screen gets (services, actor, settings, clock, call: ui/calls.py) ----
    def changed(self) -> None:
        poll = getattr(self.app, "poll_changes", None)
        if poll is not None:
            poll()

    def on_data_changed(self) -> None:
        """Reload what the screen shows; called when the store changed."""

    def action_my_complaints(self) -> None:
        """Ctrl+J: the complaints this staff member received, handles or is named in."""
        def closed(changed: bool | None) -> None:
            if changed:
                self.on_data_changed()
                self.changed()

        self.app.push_screen(MyComplaintsScreen(), closed)

    def action_checklists(self) -> None:
        """Ctrl+Y: the staff member's routines of today and every checklist of theirs still
        open; Enter starts or resumes one. The screen reloads when it closes."""
        def closed(_result: object) -> None:
            self.on_data_changed()
            self.changed()

        self.app.push_screen(MyChecklistsScreen(), closed)

    def on_inbox_panel_open_subject(self, event: InboxPanel.OpenSubject) -> None:
        """F5 in the inbox's hand-off dialog: a complaint opens here (a screen may handle the
        message first for what else it opens, e.g. the CM screen a client's file)."""
        h = event.handoff
        if h.subject_type != "complaint" or h.subject_id is None:
            return
        event.stop()

        def closed(changed: bool | None) -> None:
            event.panel.reload()
            if changed:
                self.changed()

        self.app.push_screen(ComplaintDetailScreen(h.subject_id), closed)

    # --- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield ShellHeader(mode=self.MODE)
        with Vertical(id="body"):
            yield from self.compose_body()
        if self.INBOX_PANEL:
            panel = InboxPanel(id="inbox-panel")
            panel.display = self.app.size.height >= INBOX_AUTO_HEIGHT
            yield panel
        yield Footer()

    def compose_body(self) -> ComposeResult:
        """The role's own widgets; subclasses implement it."""
        yield from ()

    @property
    def inbox(self) -> InboxPanel | None:
        found = self.query(InboxPanel)
        return found.first() if found else None

    def on_mount(self) -> None:
        self._apply_inbox_size()

    def on_resize(self) -> None:
        self._apply_inbox_size()
        self.refresh_bindings()  # the footer fits its keys to the new width (ui/bindings.py)

    def _apply_inbox_size(self) -> None:
        if not self.INBOX_PANEL or self._inbox_choice is not None:
            return
        panel = self.query_one("#inbox-panel", InboxPanel)
        show = self.app.size.height >= INBOX_AUTO_HEIGHT
        if panel.display == show:
            return
        if not show and self.focused is not None and panel in self.focused.ancestors_with_self:
            self._focus_body()
        panel.display = show

    def action_toggle_inbox(self) -> None:
        """F9: show the inbox panel and focus it; from inside it, hide it (small terminals) or
        go back to the body (large ones)."""
        panel = self.inbox
        if panel is None:
            return
        inside = self.focused is not None and panel in self.focused.ancestors_with_self
        if not self.INBOX_PANEL:
            panel.focus_table()
            return
        if not panel.display:
            self._inbox_choice = True
            panel.display = True
            panel.focus_table()
        elif not inside:
            panel.focus_table()
        else:
            if self.app.size.height < INBOX_AUTO_HEIGHT:
                self._inbox_choice = False
                panel.display = False
            self._focus_body()

    def _focus_body(self) -> None:
        body = self.query_one("#body")
        for widget in body.query("*"):
            if widget.focusable:
                widget.focus()
                return
        self.set_focus(None)

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Back on this screen (mode switch, dialog closed): catch up on changes made meanwhile.

        The first resumes of a screen that was never suspended (a sign-in: Textual resumes a
        new mode's screen twice, when it makes the mode and when it switches to it) do not
        restyle it: every widget was styled as it was mounted, and each restyle walked the
        whole screen again (two of them ~30% of the event loop's sign-in). Runs before
        Textual's own handler (RoleScreen comes before Screen in the MRO)."""
        if not self._suspended:
            event.refresh_styles = False
        marker = getattr(self.app, "change_marker", None)
        if self.seen_marker is None:
            self.seen_marker = marker
        elif marker != self.seen_marker:
            self.data_changed(marker)

    def data_changed(self, marker: int | None) -> None:
        """Called by the app: reload the inbox and the screen."""
        self.seen_marker = marker
        for panel in self.query(InboxPanel):
            panel.reload()
        self.on_data_changed()
