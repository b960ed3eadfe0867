"""Start-up: the options every command shares, the settings they make, the engine and the store
checks, and the fast paths that open the workstation without the command line's machinery.

Both ways in use this module and nothing above it: the console script (`launch.main`, which
opens the sign-in screen for a plain `wealthtui [--db …] [--config …] [--lang …] [--kiosk …]`)
and the Typer command line (`wealthtui.cli`, every other command line). Nothing here imports
Typer or click, so the plain start loads neither; the store checks of a SQLite file need
neither SQLAlchemy nor the model (store.peek), and an error while opening is put into one
translated line here, the same line whichever way the program was started.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wealthtui import i18n
from wealthtui.i18n import t

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from wealthtui.config import Settings
    from wealthtui.services import Services

EXIT_ERROR = 1
EXIT_USAGE = 2  # the command line itself was wrong (as click says it)
EXIT_INTERRUPTED = 130

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
def open_services(st: State) -> tuple[Services, bool]:
    """The services on an existing center, and whether it is a demo one (open_engine's
    refusals). A SQLite file is checked with the standard library (store.peek) and the services
    get an engine factory: SQLAlchemy and the model are imported at the services' first use,
    not before the first frame (DESIGN §6, start-up)."""
    from wealthtui.services import Services

    target = st.target()
    if is_url(target):
        services = Services(open_engine(st), st.settings)
        return services, services.center.is_demo()
    demo = check_file(Path(target).expanduser())
    return Services(lambda: engine_for(st, target), st.settings), demo


def open_workstation(st: State) -> int:
    """Open the workstation on an existing center (the sign-in screen); the app's exit code.

    The sign-in screen shows before SQLAlchemy and the model are imported (open_services), and
    they load in the background while the staff number is typed."""
    services, demo = open_services(st)
    pins = demo_rows() if demo else None
    from wealthtui.ui.app import WealthApp

    app = WealthApp(services=services, settings=st.settings, kiosk=st.kiosk, demo_pins=pins)
    app.run()
    return app.return_code or 0


def open_display(st: State) -> int:
    """Open the calling board (`wealthtui display`) on an existing center; its exit code. Its
    first frame shows before SQLAlchemy is imported, and its board is read in a thread through
    the Core tables, without the model or the services (ui/screens/display.py)."""
    services, _ = open_services(st)
    from wealthtui.ui.screens.display import DisplayApp

    board = DisplayApp(services=services, settings=st.settings)
    board.run()
    return board.return_code or 0


def plain_options(argv: list[str], names: dict[str, str] = OPTIONS) -> dict[str, str] | None:
    """The options of a plain `wealthtui` (launch.main), or None when `argv` is anything else,
    for the command line to handle: each of `names` at most once, as `--option value` or
    `--option=value`, with a value the command line would accept."""
    found: dict[str, str] = {}
    rest = iter(argv)
    for arg in rest:
        name, equals, value = arg.partition("=")
        if name not in names or names[name] in found:
            return None
        if not equals:
            value = next(rest, "")
        if not value or value.startswith("-"):
            return None
        found[names[name]] = value
    if found.get("lang", i18n.DEFAULT_LANGUAGE) not in i18n.LANGUAGES:
        return None
    if found.get("kiosk", KIOSK_MODES[0]) not in KIOSK_MODES:
        return None
    return found


#: the options of `wealthtui display` on the fast path
DISPLAY_OPTIONS = {"--db": "db", "--config": "config", "--lang": "lang"}


def display_options(argv: list[str]) -> dict[str, str] | None:
    """`wealthtui display [--db …] [--config …] [--lang …]` read like the plain start (the
    calling board opens without Typer, issue 22); None for anything else."""
    if not argv or argv[0] != "display":
        return None
    return plain_options(argv[1:], DISPLAY_OPTIONS)


def state_of(options: dict[str, str]) -> State:
    """The State of the options a fast path read."""
    config = options.get("config")
    return State(db=options.get("db"), lang=options.get("lang"), kiosk=options.get("kiosk"),
                 config=Path(config) if config is not None else None)


# --- errors ------------------------------------------------------------------------------------
def describe(exc: BaseException) -> str:
    """One sentence for any error: field errors name the field and what is accepted."""
    from sqlalchemy.exc import DBAPIError

    from wealthtui.config import ConfigError
    from wealthtui.services.errors import FieldError, ServiceError, StoreFault
    from wealthtui.store.backup import BackupError

    if isinstance(exc, FieldError):
        return t("cli.field_error", field=t(exc.field), message=t(exc.key, **exc.params))
    if isinstance(exc, (ServiceError, CliError, BackupError)):
        return t(exc.key, **exc.params)
    if isinstance(exc, ConfigError):
        return t("cli.error.config", detail=str(exc))
    if (fault := StoreFault.of(exc)) is not None:  # disk full, read-only, gone, connection
        return t(fault.key)
    if isinstance(exc, DBAPIError):
        return t("cli.error.database", detail=str(exc.orig).splitlines()[0])
    if isinstance(exc, OSError):
        return t("cli.error.os", detail=str(exc))
    return t("error.unexpected", detail=f"{type(exc).__name__}: {exc}")


def print_error(message: str) -> None:
    """One error line on stderr, after the catalog's prefix (the message is plain text)."""
    from rich.console import Console
    from rich.markup import escape

    err = Console(stderr=True, soft_wrap=True, highlight=False)
    err.print(f"[bold red]{escape(t('cli.error_prefix'))}[/]{escape(message)}")


def report(exc: BaseException) -> int:
    """An error that ends a command or the opening of the app, as one line; the exit code."""
    if isinstance(exc, KeyboardInterrupt):
        print_error(t("cli.error.interrupted"))
        return EXIT_INTERRUPTED
    print_error(describe(exc))
    return EXIT_ERROR


def debugging() -> bool:
    """WEALTHTUI_DEBUG: let errors through as tracebacks."""
    return bool(os.environ.get("WEALTHTUI_DEBUG"))


# --- the language of the command line's help texts ----------------------------------------------
def initial_language(argv: list[str]) -> str:
    """--lang from the command line (before or after a sub-command), else WEALTHTUI_LANG, else
    the configured language (--config from the command line, else the usual places)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    if os.environ.get("WEALTHTUI_LANG"):
        return os.environ["WEALTHTUI_LANG"]
    try:
        from wealthtui.config import load_settings

        config = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--config"), None)
        config = config or next((a.split("=", 1)[1] for a in argv if a.startswith("--config=")),
                                None)
        return load_settings(config_file=Path(config) if config else None).ui.language
    except Exception:  # noqa: BLE001 - a broken config is reported when a command loads it
        return i18n.DEFAULT_LANGUAGE


def boot_language(argv: list[str]) -> None:
    """Set the language before the command line's help texts are read from the catalogs."""
    lang = initial_language(argv)
    i18n.set_language(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
