"""WealthApp: the Textual application — sign-in, one mode per role, and the shell around them.

`WealthApp(services=..., settings=..., kiosk=None, demo_pins=None, clock=None)` receives
everything it uses; nothing opens a database at import. After sign-in it registers one Textual mode
per role mode the staff member holds (`rules.permissions.modes_for`) and switches to the first;
F12 moves to the next one. App-wide: F1 help, ctrl+l lock, ctrl+o sign out, ctrl+q quit (asks
first; in kiosk mode it needs a head's or lobby manager's PIN), ctrl+p command palette, an idle
lock after `ui.idle_lock_minutes`, and a poll of the audit change marker every
`ui.refresh_seconds` that tells the active role screen to reload when something was written.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterable
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import ModalScreen, Screen
from textual.widgets import Static
from textual.worker import Worker

from wealthtui import i18n
from wealthtui.config import Settings
from wealthtui.i18n import t
from wealthtui.rules import permissions
from wealthtui.rules.clock import Clock, zone
from wealthtui.services.errors import StoreFault
from wealthtui.ui.bindings import TranslatedBindings, key_display
from wealthtui.ui.calendar_notice import calendar_warning
from wealthtui.ui.errors import describe, guard_message_handlers
from wealthtui.ui.screens.lock import LockScreen
from wealthtui.ui.screens.login import LoginScreen
from wealthtui.ui.stylesheet import SharedStylesheet

if TYPE_CHECKING:
    from wealthtui.services import Actor, Services
    from wealthtui.ui.screens.base import RoleScreen

#: role mode → "module:Class" of its screen; imported at the first sign-in (or by the warm-up
#: that starts once the sign-in screen shows), so that start-up does not load every workflow
SCREENS_BY_MODE: dict[str, str] = {
    "lobby": "wealthtui.ui.screens.lobby:LobbyScreen",
    "counter": "wealthtui.ui.screens.counter:CounterScreen",
    "cm": "wealthtui.ui.screens.cm:CMScreen",
    "head": "wealthtui.ui.screens.head:HeadScreen",
}


def screen_class(mode: str) -> type[RoleScreen]:
    module, _, name = SCREENS_BY_MODE[mode].partition(":")
    return getattr(import_module(module), name)  # type: ignore[no-any-return]
MIN_WIDTH, MIN_HEIGHT = 80, 24
#: roles whose PIN lets a kiosk be closed
KIOSK_KEEPERS = frozenset({permissions.HEAD, permissions.LOBBY_MANAGER})
#: how often the idle lock is checked, in seconds
IDLE_CHECK_SECONDS = 5.0
#: seconds after start-up before the services and role screens load in the background (the
#: sign-in screen is drawn first, undisturbed)
WARM_UP_DELAY = 0.5
#: app actions still allowed while locked or too small
ALWAYS_ALLOWED = frozenset({"quit"})


class TooSmallScreen(TranslatedBindings, ModalScreen[None]):
    """Shown over everything while the terminal is smaller than 80x24."""

    DEFAULT_CSS = """
    TooSmallScreen {
        align: center middle;
        background: $background;
    }
    TooSmallScreen > Static {
        width: 100%;
        height: auto;
        content-align: center middle;
        text-align: center;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="too-small-text")

    def on_mount(self) -> None:
        self.update_size(self.app.size.width, self.app.size.height)

    def update_size(self, width: int, height: int) -> None:
        self.query_one("#too-small-text", Static).update(
            t("app.too_small", width=width, height=height))


class WealthApp(App[None]):
    CSS_PATH = str(Path(__file__).with_name("app.tcss"))  # absolute: subclasses live elsewhere
    DEFAULT_MODE = "login"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("f1", "help", "shell.bind.help", id="app.help"),
        Binding("f12", "next_mode", "shell.bind.next_mode", id="app.next_mode"),
        Binding("ctrl+l", "lock", "shell.bind.lock", id="app.lock"),
        Binding("ctrl+o", "sign_out", "shell.bind.sign_out", id="app.sign_out", show=False),
        Binding("ctrl+q", "quit", "shell.bind.quit", id="app.quit"),
        Binding("ctrl+p", "command_palette", "shell.bind.palette", id="app.palette",
                show=False, priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(
        self,
        *,
        services: Services,
        settings: Settings,
        kiosk: str | None = None,
        demo_pins: list[dict[str, Any]] | None = None,
        clock: Clock | None = None,
    ) -> None:
        if kiosk is not None and kiosk not in SCREENS_BY_MODE:
            raise ValueError(f"unknown kiosk mode {kiosk!r}; accepted: {', '.join(SCREENS_BY_MODE)}")
        i18n.set_language(settings.ui.language)
        guard_message_handlers()  # a store fault in a handler: a sentence (store_fault)
        super().__init__()
        # parsed CSS kept for the process (ui/stylesheet.py): a sign-in parsed it four times
        self.stylesheet = SharedStylesheet(variables=self.get_css_variables())
        self.services = services
        self.settings = settings
        self.kiosk = kiosk
        self.demo_pins = list(demo_pins or [])
        self.clock: Clock = clock or services.clock
        self.actor: Actor | None = None
        self.role_modes: list[str] = []
        self.change_marker: int | None = None
        #: the workers of service calls (ui/calls.py) and of the change-marker poll
        self._call_workers: list[Worker[Any]] = []
        self._polling = False
        #: whether the last poll of the change marker found a change
        self.last_poll_changed = False
        self.last_activity: datetime = self.clock.now()
        self.title = t("app.title")
        if settings.ui.theme in self.available_themes:
            self.theme = settings.ui.theme
        self.add_mode("login", self._login_screen)
        self.set_keymap(settings.ui.keymap)

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """A toast that never parses markup: messages carry stored text (names, errors with the
        typed value), and catalog strings hold no markup (ui/text.py)."""
        super().notify(str(message), title=title, severity=severity, timeout=timeout,
                       markup=False)

    # --- service calls in flight (ui/calls.py) ----------------------------------------------
    def track_call(self, worker: Worker[Any]) -> None:
        """A service call's worker (ui/calls.py), counted until it has finished."""
        self._call_workers = [w for w in self._call_workers if not w.is_finished]
        self._call_workers.append(worker)

    @property
    def calls_in_flight(self) -> int:
        return sum(1 for w in self._call_workers if not w.is_finished)

    async def calls_settled(self) -> None:
        """Wait until every service call started so far (and any it started in turn) has been
        answered; the tests wait with it for the screen to catch up, without timings."""
        while pending := [w for w in self._call_workers if not w.is_finished]:
            await asyncio.gather(*(w.wait() for w in pending), return_exceptions=True)
            self._call_workers = [w for w in self._call_workers if not w.is_finished]

    def _login_screen(self) -> LoginScreen:
        return LoginScreen(demo_pins=self.demo_pins)

    # --- life cycle ------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.set_interval(self.settings.ui.refresh_seconds, self.poll_changes, name="poll")
        self.set_interval(IDLE_CHECK_SECONDS, self.check_idle_lock, name="idle")
        if self.settings.notices.flush_minutes:
            self.set_interval(self.settings.notices.flush_minutes * 60, self.flush_notices,
                              name="notices")
        self._check_size(self.size.width, self.size.height)
        self.set_timer(WARM_UP_DELAY, self._start_warm_up, name="warm-up")

    def _start_warm_up(self) -> None:
        """Once the sign-in screen shows, load the services and the role screens in a thread,
        so that start-up stays short and the first sign-in does not wait for them. A failure
        here (an unreachable store) shows again, as usual, where the service is first used.
        The start-up is over: the garbage collector runs again (`wealthtui` starts without it,
        launch.main)."""
        gc.enable()
        self._warn_unknown_calendar()
        load_all = getattr(self.services, "load_all", None)
        if load_all is None:
            return
        modules = [target.partition(":")[0] for target in SCREENS_BY_MODE.values()]
        self.run_worker(lambda: load_all(*modules), thread=True, group="warm-up",
                        exit_on_error=False)

    def _warn_unknown_calendar(self) -> None:
        """Once per start: the holiday calendar does not know this year ([calendar])."""
        warning = calendar_warning(self.settings, self.clock.now())
        if warning:
            self.notify(warning, severity="warning", timeout=15, markup=False)

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        top = self.screen_stack[-1] if self.screen_stack else None
        if small:
            if isinstance(top, TooSmallScreen):
                top.update_size(width, height)
            elif not any(isinstance(s, TooSmallScreen) for s in self.screen_stack):
                self.push_screen(TooSmallScreen())
        elif isinstance(top, TooSmallScreen):
            self.pop_screen()

    @property
    def too_small(self) -> bool:
        return any(isinstance(s, TooSmallScreen) for s in self.screen_stack)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseEvent)) and not event.is_forwarded:
            self.last_activity = self.clock.now()
        await super().on_event(event)

    # --- store faults ------------------------------------------------------------------------
    def store_fault(self, fault: StoreFault) -> None:
        """A store fault (disk full, read-only file, database gone, connection lost) that no
        handler caught: the sentence, and the app goes on (nothing was written: services)."""
        self.notify(describe(fault), severity="error", timeout=10, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """Textual's hook for errors nobody caught (a worker's, a failed mount): a store fault
        is a sentence; anything else ends the app as Textual does."""
        fault = StoreFault.of(error)
        if fault is not None:
            self.store_fault(fault)
            return
        super()._handle_exception(error)

    # --- sign-in, modes, sign-out --------------------------------------------------------
    def modes_for(self, actor: Actor) -> list[str]:
        held = permissions.modes_for(actor.roles)
        if self.kiosk is None:
            return held
        if self.kiosk in held or permissions.HEAD in actor.roles:
            return [self.kiosk]
        return []

    def sign_in(self, actor: Actor) -> None:
        """Called by the login screen with a verified actor."""
        modes = self.modes_for(actor)
        if not modes:
            screen = self.screen
            if isinstance(screen, LoginScreen):
                screen.show_message(t("login.kiosk_refused" if self.kiosk else "login.no_modes"))
            return
        self.run_worker(self._enter(actor, modes), group="session", exclusive=True)

    async def _enter(self, actor: Actor, modes: list[str]) -> None:
        self.actor = actor
        self.role_modes = modes
        self.last_activity = self.clock.now()
        self.change_marker = await asyncio.to_thread(self._read_marker)
        for mode in modes:
            self.add_mode(mode, screen_class(mode))
        await self.switch_mode(modes[0])

    async def _leave(self) -> None:
        """Back to the login mode and throw the role modes (and everything on them) away."""
        if self.current_mode != "login":
            await self.switch_mode("login")
        for mode in self.role_modes:
            await self.remove_mode(mode)
        self.role_modes = []
        self.actor = None

    def sign_out(self) -> None:
        self._session_ended("signed_out")
        self.run_worker(self._sign_out(), group="session", exclusive=True)

    def _session_ended(self, how: str) -> None:
        """Audit the end of the signed-in session (AuthService.session_ended) in a thread,
        never on the event loop: a store that is slow or cannot be reached just now does not
        keep anyone from signing out or locking."""
        if self.actor is not None:
            self.track_call(self._record_session_end(self.actor, how))

    @work(thread=True, group="session-end", exit_on_error=False)
    def _record_session_end(self, actor: Actor, how: str) -> None:
        try:
            self.services.auth.session_ended(actor, how)
        except Exception as exc:  # noqa: BLE001 - logged; the session ends either way
            self.log.warning(f"end of session not recorded: {exc!r}")

    async def _sign_out(self) -> None:
        await self._leave()
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.reset(t("login.signed_out"))

    def unlock(self, actor: Actor) -> None:
        """Called by the lock screen with a verified actor: the same person, or another one."""
        if self.actor is not None and actor.staff_id == self.actor.staff_id:
            self.actor = actor
            self.last_activity = self.clock.now()
            if isinstance(self.screen, LockScreen):
                self.pop_screen()
            return
        modes = self.modes_for(actor)
        if not modes:
            screen = self.screen
            if isinstance(screen, LockScreen):
                screen.query_one("#lock-message", Static).update(
                    t("login.kiosk_refused" if self.kiosk else "login.no_modes"))
            return
        self.run_worker(self._switch_actor(actor, modes), group="session", exclusive=True)

    async def _switch_actor(self, actor: Actor, modes: list[str]) -> None:
        await self._leave()
        await self._enter(actor, modes)

    @property
    def locked(self) -> bool:
        return any(isinstance(s, LockScreen) for s in self.screen_stack)

    # --- the outbox of written notices ------------------------------------------------------
    def flush_notices(self) -> bool:
        """Send the notices due (services.notices.flush_outbox) as the signed-in staff member,
        in a thread. Called by a timer every `notices.flush_minutes`; failures are recorded on
        the notices themselves (retried, shown to the head). Returns True when it started."""
        actor = self.actor
        if actor is None or self.locked or not actor.can("notice.send"):
            return False
        self._flush_notices(actor)
        return True

    @work(thread=True, exclusive=True, group="notices", exit_on_error=False)
    def _flush_notices(self, actor: Actor) -> None:
        from wealthtui.services.errors import ServiceError
        from wealthtui.services.notices import flush_outbox

        try:
            flush_outbox(self.services, actor)
        except ServiceError:  # the store was busy or the actor lost the right: next time
            pass

    # --- idle lock and live updates ---------------------------------------------------------
    def check_idle_lock(self) -> bool:
        """Lock when nobody touched a key or the mouse for `ui.idle_lock_minutes`.
        Returns True when it locked. Called by a timer; tests call it after moving the clock."""
        if self.actor is None or self.locked or self.too_small:
            return False
        idle = self.clock.now() - self.last_activity
        if idle >= timedelta(minutes=self.settings.ui.idle_lock_minutes):
            self.lock(idle=True)
            return True
        return False

    def lock(self, *, idle: bool = False) -> None:
        if self.actor is None or self.locked:
            return
        self._session_ended("idle_locked" if idle else "locked")
        self.clear_notifications()  # a toast may name a client
        at = self.clock.now().astimezone(zone(self.settings.center.timezone)).strftime("%H:%M")
        self.push_screen(LockScreen(staff_no=self.actor.staff_no, name=self.actor.name,
                                    locked_at=at))

    def _read_marker(self) -> int | None:
        try:
            return self.services.audit.change_marker()
        except Exception as exc:  # noqa: BLE001 - the store may be briefly unreachable
            self.log.warning(f"change marker not readable: {exc!r}")
            return self.change_marker

    def active_role_screen(self) -> RoleScreen | None:
        from wealthtui.ui.screens.base import RoleScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, RoleScreen):
                return screen
        return None

    def poll_changes(self) -> bool:
        """Read the audit change marker in a thread (never on the event loop); when it moved,
        tell the active role screen (and its inbox) to reload. Returns True when a read
        started (the timer calls it; a read still running is not doubled)."""
        if self.actor is None or self._polling:
            return False
        self._polling = True
        self.track_call(self._poll_marker())
        return True

    @work(thread=True, group="poll", exit_on_error=False)
    def _poll_marker(self) -> None:
        marker = self._read_marker()
        try:
            self.call_from_thread(self._marker_read, marker)
        except RuntimeError:  # the app is closing
            pass

    def _marker_read(self, marker: int | None) -> None:
        self._polling = False
        self.last_poll_changed = marker != self.change_marker and self.actor is not None
        if not self.last_poll_changed:
            return
        self.change_marker = marker
        screen = self.active_role_screen()
        if screen is not None and screen.is_mounted:
            screen.data_changed(marker)

    # --- actions -----------------------------------------------------------------------------
    def get_key_display(self, binding: Binding) -> str:
        """F-keys as "F2", ctrl-combinations as "Ctrl+L", Escape as "Esc" (ui/bindings.py)."""
        return key_display(binding)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if (self.locked or self.too_small) and action not in ALWAYS_ALLOWED:
            return False
        if action == "next_mode":
            return len(self.role_modes) > 1 and self.current_mode in self.role_modes
        if action in ("lock", "sign_out"):
            return self.actor is not None
        return True

    def action_help(self) -> None:
        from wealthtui.ui.screens.help import HelpScreen  # imported when first shown

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen.for_screen(self.screen))

    def action_next_mode(self) -> None:
        if len(self.role_modes) < 2 or self.current_mode not in self.role_modes:
            return
        index = self.role_modes.index(self.current_mode)
        self.switch_mode(self.role_modes[(index + 1) % len(self.role_modes)])

    def action_switch_to(self, mode: str) -> None:
        if mode in self.role_modes:
            self.switch_mode(mode)

    def action_lock(self) -> None:
        self.lock()

    def action_sign_out(self) -> None:
        self.sign_out()

    async def action_quit(self) -> None:
        if self.kiosk is not None:
            from wealthtui.ui.dialogs.pin import PinDialog

            dialog = PinDialog(t("shell.kiosk_exit_title"), refusal_key="shell.kiosk_exit_refused",
                               allowed=lambda actor: bool(actor.roles & KIOSK_KEEPERS))
            self.push_screen(dialog, self._kiosk_exit)
            return
        from wealthtui.ui.dialogs.confirm import ConfirmDialog  # imported when first shown

        if any(isinstance(s, ConfirmDialog) for s in self.screen_stack):
            return
        self.push_screen(ConfirmDialog(t("app.quit_confirm"), title=t("shell.quit_title")),
                         self._quit_answer)

    def action_help_quit(self) -> None:
        """Ctrl+C (a habit from other programs) does not quit: say which key does."""
        for binding in self.active_bindings.values():
            if binding.binding.action in ("quit", "app.quit"):
                self.notify(t("shell.ctrl_c", key=self.get_key_display(binding.binding)))
                return

    def _quit_answer(self, answer: bool | None) -> None:
        if answer:
            self._session_ended("signed_out")
            self.exit()

    def _kiosk_exit(self, actor: Actor | None) -> None:
        if actor is not None:
            self._session_ended("signed_out")
            self.exit()

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            from wealthtui.ui.palette import Palette  # imported when first shown

            self.push_screen(Palette(id="--command-palette", placeholder=t("shell.palette_hint")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(t("shell.cmd.help"), t("shell.cmd.help_help"), self.action_help)
        if self.actor is not None:
            for mode in self.role_modes:
                if mode != self.current_mode:
                    yield SystemCommand(t("shell.cmd.switch", mode=t(f"mode.{mode}")),
                                        t("shell.cmd.switch_help"),
                                        lambda m=mode: self.action_switch_to(m))  # type: ignore[misc]
            yield SystemCommand(t("shell.cmd.lock"), t("shell.cmd.lock_help"), self.lock)
            yield SystemCommand(t("shell.cmd.sign_out"), t("shell.cmd.sign_out_help"),
                                self.sign_out)
        yield SystemCommand(t("shell.cmd.theme"), t("shell.cmd.theme_help"),
                            self.action_change_theme)
        yield SystemCommand(t("shell.cmd.quit"), t("shell.cmd.quit_help"), self.action_quit)
