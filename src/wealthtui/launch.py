"""Opening the workstation: the console script `wealthtui`, and opening a center's store.

The shortcut on a counter, a CM's desk or the kiosk runs `wealthtui`, perhaps with `--db`,
`--config`, `--lang` or `--kiosk`: that opens the sign-in screen, and none of the command line's
machinery is needed for it. `main` reads those options itself — each at most once, as
`--option value` or `--option=value`, with a value the command line would accept — and opens
the app. Anything else (a sub-command, the help, an option given twice, a value out of range, a
mistake) goes to the Typer app in wealthtui.cli, which reads the whole command line again and
answers as it always does; an error while opening is put in words by it too. So the sign-in
screen shows without Typer being loaded (DESIGN §6, start-up).

The store checks here (a missing, empty, newer or older database) are those of every command
(`cli.open_store`).
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wealthtui import i18n

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from wealthtui.config import Settings

#: the values `--kiosk` takes
KIOSK_MODES = ("lobby",)
#: the options of the plain `wealthtui`, and the State field each sets
OPTIONS = {"--db": "db", "--config": "config", "--lang": "lang", "--kiosk": "kiosk"}


class CliError(Exception):
    """A refusal of the command line itself; `key` and `params` are for the catalog."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass
class State:
    """The options every command shares, and the settings they make."""

    db: str | None = None
    lang: str | None = None
    config: Path | None = None
    kiosk: str | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from wealthtui.config import load_settings

            if self.config is not None and not self.config.is_file():
                raise CliError("cli.error.config_missing", path=str(self.config))
            self._settings = load_settings(
                config_file=self.config,
                overrides={"store": {"db": self.db}, "ui": {"language": self.lang}},
            )
            i18n.set_language(self._settings.ui.language)
        return self._settings

    def target(self) -> str:
        """The database: --db, else WEALTHTUI_DB, else the config, else the data directory."""
        from wealthtui.config import default_db_path

        return self.settings.store.db or str(default_db_path())


# --- the store ---------------------------------------------------------------------------------
def is_url(target: str) -> bool:
    return "://" in target


def shown(target: str) -> str:
    """The database as shown to people: a path, or a URL without its password."""
    if not is_url(target):
        return str(Path(target).expanduser())
    from sqlalchemy.engine import make_url

    return make_url(target).render_as_string(hide_password=True)


def sqlite_file(target: str) -> Path | None:
    """The file of a SQLite database (a path or a sqlite:/// URL), else None."""
    from sqlalchemy.engine import make_url

    from wealthtui.store.engine import resolve_url

    url = make_url(resolve_url(target))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def engine_for(st: State, target: str | None = None) -> Engine:
    from wealthtui.store.engine import make_engine

    return make_engine(target or st.target(), busy_timeout_ms=st.settings.store.busy_timeout_ms)


def open_engine(st: State) -> Engine:
    """The database of an existing center at this program's schema version; refuses a missing
    or empty database, one newer than the program, and one that needs `db upgrade`."""
    from wealthtui.store import schema

    target = st.target()
    path = sqlite_file(target)
    if path is not None and not path.is_file():
        raise CliError("cli.db.missing", path=shown(target))
    engine = engine_for(st, target)
    s = schema.state(engine)
    if s.empty:
        raise CliError("cli.db.missing", path=shown(target))
    if s.newer:
        raise CliError("cli.db.newer", path=shown(target), revision=s.current, head=s.head)
    if s.older:
        raise CliError("cli.db.older", path=shown(target), revision=s.current or "-", head=s.head)
    return engine


def check_file(path: Path) -> bool:
    """open_engine's refusals for a SQLite file, without SQLAlchemy; returns whether the center
    is a demo one."""
    from wealthtui.store import peek

    if not path.is_file():
        raise CliError("cli.db.missing", path=shown(str(path)))
    s = peek.sqlite_state(path)
    if s.empty:
        raise CliError("cli.db.missing", path=shown(str(path)))
    if s.newer:
        raise CliError("cli.db.newer", path=shown(str(path)), revision=s.current, head=s.head)
    if s.older:
        raise CliError("cli.db.older", path=shown(str(path)), revision=s.current or "-",
                       head=s.head)
    return peek.is_demo(path)


def demo_rows() -> list[dict[str, Any]]:
    """The demo accounts as the sign-in screen and `demo --json` show them."""
    from wealthtui.demo import demo_accounts

    return [{"staff_no": a.staff_no, "name": a.name, "roles": list(a.roles), "pin": a.pin}
            for a in demo_accounts()]


# --- the app -----------------------------------------------------------------------------------
def open_workstation(st: State) -> int:
    """Open the workstation on an existing center (the sign-in screen); the app's exit code.

    A SQLite file is checked with the standard library (store.peek) and the services get an
    engine factory: the sign-in screen shows before SQLAlchemy and the model are imported, and
    they load in the background while the staff number is typed (DESIGN §6, start-up)."""
    from wealthtui.services import Services

    target = st.target()
    if is_url(target):
        services = Services(open_engine(st), st.settings)
        demo = services.center.is_demo()
    else:
        demo = check_file(Path(target).expanduser())
        services = Services(lambda: engine_for(st, target), st.settings)
    pins = demo_rows() if demo else None
    from wealthtui.ui.app import WealthApp

    app = WealthApp(services=services, settings=st.settings, kiosk=st.kiosk, demo_pins=pins)
    app.run()
    return app.return_code or 0


def plain_options(argv: list[str]) -> dict[str, str] | None:
    """The options of a plain `wealthtui` (see the module docstring), or None when `argv` is
    anything else, for the command line to handle."""
    found: dict[str, str] = {}
    rest = iter(argv)
    for arg in rest:
        name, equals, value = arg.partition("=")
        if name not in OPTIONS or OPTIONS[name] in found:
            return None
        if not equals:
            value = next(rest, "")
        if not value or value.startswith("-"):
            return None
        found[OPTIONS[name]] = value
    if found.get("lang", i18n.DEFAULT_LANGUAGE) not in i18n.LANGUAGES:
        return None
    if found.get("kiosk", KIOSK_MODES[0]) not in KIOSK_MODES:
        return None
    return found


def main() -> None:
    """The console script: `wealthtui`.

    The cyclic garbage collector is off during the start-up: nearly everything made before the
    sign-in screen shows (modules, the screen's widgets) lives on, and the collector walked it
    again and again (~30-40 ms, DESIGN §6). The app turns it on again once the sign-in screen
    is up (WealthApp._start_warm_up); a sub-command turns it on before it runs (cli.root)."""
    gc.disable()
    options = plain_options(sys.argv[1:])
    if options is None:
        from wealthtui.cli import app

        app(prog_name="wealthtui")
        return
    config = options.pop("config", None)
    st = State(**options, config=Path(config) if config is not None else None)
    if st.lang:
        i18n.set_language(st.lang)
    try:
        code = open_workstation(st)
    except (Exception, KeyboardInterrupt) as exc:
        if os.environ.get("WEALTHTUI_DEBUG") and not isinstance(exc, KeyboardInterrupt):
            raise
        from wealthtui.cli import failure

        code = failure(exc).exit_code
    sys.exit(code)
