"""The staff member's checklists to resume (Ctrl+Y on every role screen): today's scheduled
procedures and every open run of theirs; Enter resumes one, Escape closes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer

from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.widgets.today import TodayList


class MyChecklistsScreen(TranslatedBindings, ModalScreen[None]):
    """The staff member's procedures over the current screen: today's scheduled ones and every
    other run of theirs still open. Enter opens the focused one (its run resumes where it was
    left, in a ChecklistScreen); Escape closes."""

    DEFAULT_CSS = """
    MyChecklistsScreen {
        background: $background 60%;
    }
    MyChecklistsScreen > Vertical {
        border: thick $primary;
        background: $surface;
        height: 1fr;
    }
    MyChecklistsScreen TodayList {
        max-height: 100%;
    }
    MyChecklistsScreen TodayList > TodayTable {
        max-height: 100%;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "checklist.bind.close", id="resume.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield TodayList(include_open=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TodayList).focus()

    def on_today_list_opened(self, event: TodayList.Opened) -> None:
        event.stop()
        self.app.push_screen(ChecklistScreen(event.run_id), lambda _run: event.today.reload())

    def action_close(self) -> None:
        self.dismiss(None)
