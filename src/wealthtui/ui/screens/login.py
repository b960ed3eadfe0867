"""The sign-in screen: staff number and PIN (masked); the demo accounts when the center is a demo.

The staff number and PIN are the one PIN widget (ui/widgets/pin_entry.py): Enter in the staff
number moves to the PIN; Enter in the PIN signs in. Every refusal (unknown staff number, wrong
PIN, locked or inactive account) gets the same message; a terminal that had too many wrong PINs
says how long to wait. A one-time PIN (a new account's or a reset's) opens the new-PIN dialog
(who issued it and when is shown there); the person is signed in once their own PIN is saved.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from wealthtui.i18n import t, tl
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls
from wealthtui.ui.dialogs.pin_entry import PinEntry
from wealthtui.ui.text import PlainRichTable
from wealthtui.ui.widgets.header import ShellHeader, role_names


def demo_table(demo_pins: list[dict[str, Any]], *, with_names: bool = True) -> Table:
    """The demo accounts: staff number, name (when there is room), roles, PIN."""
    table = PlainRichTable(title=t("login.demo_title"), title_justify="left", box=None, padding=(0, 1),
                  show_edge=False, header_style="bold")
    columns = ("staff_no", "name", "roles", "pin") if with_names else ("staff_no", "roles", "pin")
    for column in columns:
        if column == "roles":
            table.add_column(t(f"login.demo_col.{column}"), overflow="fold", min_width=8)
        else:
            table.add_column(t(f"login.demo_col.{column}"), no_wrap=True)
    for row in demo_pins:
        roles = row.get("roles", ())
        if isinstance(roles, str):
            roles = [r.strip() for r in roles.split(",") if r.strip()]
        cells = {"staff_no": str(row.get("staff_no", "")), "name": str(row.get("name", "")),
                 "roles": role_names(set(roles)), "pin": str(row.get("pin", ""))}
        table.add_row(*(cells[c] for c in columns))
    return table


LOGIN_BOX_WIDTH = 36


class Drawn:
    """A renderable laid out once per width. A Rich table is slow to lay out, and Textual asks
    for its width, its height and its lines separately (and again at every refresh): the demo
    table took ~35 ms of the start-up (DESIGN §6)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._lines: dict[tuple[object, ...], list[Segment]] = {}
        self._measures: dict[int, Measurement] = {}

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        if options.max_width not in self._measures:
            self._measures[options.max_width] = Measurement.get(console, options, self.renderable)
        return self._measures[options.max_width]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (options.min_width, options.max_width, options.height, options.justify,
               options.overflow, options.no_wrap)
        if key not in self._lines:
            self._lines[key] = list(console.render(self.renderable, options))
        yield from self._lines[key]


class LoginScreen(Calls, TranslatedBindings, Screen):
    AUTO_FOCUS = "#staff-no Input"
    HELP_SECTIONS = (("ch.2 §1.4", "login.help.roles"), ("ch.4.4", "login.help.audit"))

    DEFAULT_CSS = """
    LoginScreen {
        align: center middle;
    }
    LoginScreen > #login-row {
        width: auto;
        max-width: 100%;
        align-horizontal: center;
        height: auto;
        max-height: 100%;
    }
    LoginScreen #login-box {
        width: 36;
        height: auto;
        border: round $primary;
        padding: 0 1;
    }
    LoginScreen #login-title {
        text-style: bold;
        width: 1fr;
        content-align: center middle;
    }
    LoginScreen #login-center {
        color: $text-muted;
        width: 1fr;
        content-align: center middle;
        margin-bottom: 1;
    }
    LoginScreen #login-hint {
        color: $text-muted;
    }
    LoginScreen #demo-box {
        height: auto;
        max-height: 100%;
        border: round $secondary;
        padding: 0 1;
        margin-left: 1;
    }
    """

    def __init__(self, *, demo_pins: list[dict[str, Any]] | None = None, message: str = "") -> None:
        super().__init__()
        self.demo_pins = demo_pins or []
        self.initial_message = message
        self._demo_width: int | None = None  # the terminal width the demo table was fitted to

    def compose(self) -> ComposeResult:
        settings = self.settings
        yield ShellHeader(show_staff=False)
        with Horizontal(id="login-row"):
            with Vertical(id="login-box"):
                yield Static(t("app.title"), id="login-title")
                yield Static(tl(settings.center.name, settings.center.name_en), id="login-center")
                yield PinEntry(staff_id="staff-no", pin_id="pin", message_id="login-message",
                               message=self.initial_message,
                               max_pin=settings.security.pin_max_length)
                yield Static(t("login.hint"), id="login-hint")
            if self.demo_pins:
                table, width = self._fit_demo()
                box = Static(table, id="demo-box")
                box.styles.width = width
                yield box
        yield Footer()

    def on_resize(self) -> None:
        if self.demo_pins and self.app.size.width != self._demo_width:
            table, width = self._fit_demo()
            box = self.query_one("#demo-box", Static)
            box.update(table)
            box.styles.width = width

    def _fit_demo(self) -> tuple[Drawn, int]:
        """The demo table and its box's width: it takes what the login box leaves (its roles
        column wraps)."""
        self._demo_width = self.app.size.width
        console = self.app.console
        room = self._demo_width - LOGIN_BOX_WIDTH - 2
        table = Drawn(demo_table(self.demo_pins))
        natural = Measurement.get(console, console.options, table).maximum + 4
        if natural > room:
            # no room for everything: leave the names out, the roles column wraps
            table = Drawn(demo_table(self.demo_pins, with_names=False))
            natural = Measurement.get(console, console.options, table).maximum + 4
        return table, max(24, min(natural, room))

    def on_screen_resume(self) -> None:
        self.reset()

    @property
    def message(self) -> str:
        return self.query_one(PinEntry).message

    def show_message(self, text: str) -> None:
        self.query_one(PinEntry).show_message(text)

    def reset(self, message: str = "") -> None:
        """Empty the form (after sign-out), keep nothing of the last person."""
        self.query_one(PinEntry).reset(message)

    def on_pin_entry_authenticated(self, event: PinEntry.Authenticated) -> None:
        event.stop()
        self.wealth_app.sign_in(event.actor)
