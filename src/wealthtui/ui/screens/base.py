"""RoleScreen: the base of the four role screens (lobby, counter, client manager, head).

What a role screen gets from here:
- `self.services` (wealthtui.services.Services) and `self.actor` (the signed-in Actor);
- `self.settings`;
- `run_service(fn, *args, **kwargs)`: calls a service, shows a ServiceError as a toast naming the
  field and what is accepted, and returns None on error (the form keeps what was typed);
- `on_data_changed()`: called by the app when another terminal (or this one) wrote something
  (the audit change marker moved); override it to reload what the screen shows;
- class attributes `MODE` (the mode name), `HELP_SECTIONS` (manual sections the screen
  implements, shown by F1 with the bindings).

Bindings: F-keys and ctrl-combinations only (letter keys go to the input method), each with an id
(`<mode>.<action>`) so config `[ui.keymap]` can remap it.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual.screen import Screen

from wealthtui.config import Settings
from wealthtui.services import Actor, Services
from wealthtui.services.errors import FieldError, ServiceError
from wealthtui.ui.errors import describe

R = TypeVar("R")


class RoleScreen(Screen):
    MODE: ClassVar[str] = ""
    #: (manual section, catalog key of what it is) pairs shown in F1 help
    HELP_SECTIONS: ClassVar[tuple[tuple[str, str], ...]] = ()

    @property
    def services(self) -> Services:
        return self.app.services  # type: ignore[attr-defined,no-any-return]

    @property
    def actor(self) -> Actor:
        return self.app.actor  # type: ignore[attr-defined,no-any-return]

    @property
    def settings(self) -> Settings:
        return self.app.settings  # type: ignore[attr-defined,no-any-return]

    def run_service(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self.actor, *args, **kwargs)
        except (ServiceError, FieldError) as exc:
            self.notify(describe(exc), severity="error", timeout=8)
            return None

    def on_data_changed(self) -> None:
        """Reload what the screen shows; called when the store changed."""
