"""What the commands share: printing, errors, the shared state, opening the store, signing in.

Every message comes from the catalogs (section [cli]). An error is one translated line on
stderr and a non-zero exit, never a traceback (WEALTHTUI_DEBUG=1 shows the traceback): the
root group (cli/__init__.py) turns what a command raises into that line with `failure`.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from wealthtui import bootstrap
from wealthtui.bootstrap import CliError, State, open_engine
from wealthtui.i18n import t

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from wealthtui.services import Actor, Services

EXIT_ERROR = bootstrap.EXIT_ERROR
EXIT_USAGE = bootstrap.EXIT_USAGE

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


# --- errors ----------------------------------------------------------------------------------------
#: click's usage errors that usage_message puts in the catalogs' words (by class name: the click
#: copy inside typer and click itself name them alike); NoArgsIsHelpError (help shown) is not one
USAGE_ERRORS = ("UsageError", "NoSuchOption", "BadOptionUsage", "BadArgumentUsage",
                "BadParameter", "MissingParameter")


def usage_message(exc: BaseException) -> str | None:
    """A mistake on the command line (click's errors are English only) as one line in the
    catalogs' words, with the way to the help; None when `exc` is not such a mistake."""
    kind = type(exc).__name__
    if kind not in USAGE_ERRORS:
        return None
    ctx = getattr(exc, "ctx", None)
    param = getattr(exc, "param", None)
    name = ""
    if param is not None:  # an option by its flags, an argument by its name in the usage line
        name = (param.human_readable_name if param.param_type_name == "argument"
                else " / ".join(param.opts))
    name = name or str(getattr(exc, "param_hint", "") or getattr(exc, "option_name", "") or "")
    message = str(getattr(exc, "message", "") or "")
    if kind == "NoSuchOption":
        options = ", ".join(sorted(getattr(exc, "possibilities", None) or ()))
        text = (t("cli.usage.no_such_option_like", name=name, options=options) if options
                else t("cli.usage.no_such_option", name=name))
    elif kind == "MissingParameter":
        what = getattr(exc, "param_type", None) or getattr(param, "param_type_name", "option")
        text = t("cli.usage.missing_argument" if what == "argument" else "cli.usage.missing",
                 name=name)
    elif kind == "BadParameter":
        text = t("cli.usage.bad_value", name=name, accepted=_accepted(param))
    elif kind == "BadOptionUsage" and message.endswith("requires an argument."):
        text = t("cli.usage.needs_value", name=name)
    elif message.startswith("No such command"):
        text = t("cli.usage.no_such_command", name=message.partition(" command ")[2].strip(" '.\""))
    elif message.startswith("Got unexpected extra argument"):
        text = t("cli.usage.extra", args=message.rpartition(" (")[2].rstrip(")"))
    else:
        text = t("cli.usage.other", detail=message)
    path = ctx.command_path if ctx is not None else "wealthtui"
    return t("cli.usage.line", text=text, hint=t("cli.usage.hint", command=path))


def _accepted(param: Any) -> str:
    """What a parameter accepts, in the catalogs' words, from its click type."""
    kind = getattr(param, "type", None)
    type_name = type(kind).__name__
    if type_name == "Choice":
        return t("cli.usage.accepts_choice", choices=", ".join(map(str, kind.choices)))
    if type_name in ("IntRange", "FloatRange"):
        low, high = kind.min, kind.max
        key = "int" if type_name == "IntRange" else "number"
        if low is not None and high is not None:
            return t(f"cli.usage.accepts_{key}_between", low=low, high=high)
        if low is not None:
            return t(f"cli.usage.accepts_{key}_from", low=low)
        return t(f"cli.usage.accepts_{key}")
    if type_name in ("_IntParamType", "IntParamType"):
        return t("cli.usage.accepts_int")
    if type_name in ("_FloatParamType", "FloatParamType"):
        return t("cli.usage.accepts_number")
    if type_name == "Path":
        return t("cli.usage.accepts_path")
    return t("cli.usage.accepts_other")


def fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    """Print `message` as the one error line; the exit to raise."""
    bootstrap.print_error(message)
    return typer.Exit(code)


def failure(exc: BaseException) -> typer.Exit:
    """An error that ends a command as one line (bootstrap.report: the same line as when the
    opening of the app fails in launch.main)."""
    return typer.Exit(bootstrap.report(exc))


# --- state shared by the commands --------------------------------------------------------------------
def state(ctx: typer.Context, db: str | None = None) -> State:
    st: State = ctx.find_root().obj
    if db:  # a command's own --db wins over the global one
        st.db, st._settings = db, None
    return st


def open_store(ctx: typer.Context, db: str | None = None) -> tuple[State, Engine]:
    """The state and the database of an existing center (bootstrap.open_engine's refusals)."""
    st = state(ctx, db)
    return st, open_engine(st)


def services_for(st: State, engine: Engine) -> Services:
    from wealthtui.services import Services

    return Services(engine, st.settings)


# --- signing in (staff, clients, notices and targets commands) -----------------------------------------
def ask(key: str, *, hidden: bool = False, **params: object) -> str:
    return typer.prompt(t(key, **params), hide_input=hidden, prompt_suffix=t("cli.prompt_suffix"))


def new_pin(env: str = "WEALTHTUI_NEW_PIN") -> str:
    """A new PIN typed twice, hidden (or taken from the environment variable `env`)."""
    if os.environ.get(env):
        return os.environ[env]
    first = ask("cli.prompt.new_pin", hidden=True)
    if ask("cli.prompt.new_pin_again", hidden=True) != first:
        raise CliError("cli.error.pins_differ")
    return first


def sign_in(services: Services, staff_no: str | None) -> tuple[Actor, str | None]:
    """The acting staff member (--as, or asked; the PIN from WEALTHTUI_PIN or asked, hidden),
    and their PIN — None when it was a one-time PIN from a reset, which is replaced here first
    by a new PIN typed twice (or WEALTHTUI_NEW_PIN): nothing else can be done with a one-time
    PIN."""
    from wealthtui.services.errors import PinChangeRequired

    staff_no = staff_no or ask("cli.prompt.staff_no")
    pin = os.environ.get("WEALTHTUI_PIN") or ask("cli.prompt.pin", hidden=True, staff_no=staff_no)
    try:
        return services.auth.login(staff_no, pin), pin
    except PinChangeRequired as exc:
        out.print(t("insiders.cli.must_change", message=bootstrap.describe(exc)), markup=False)
        actor = services.auth.complete_reset(staff_no, pin, new_pin())
        out.print(t("insiders.change.done"), markup=False)
        return actor, None


def acting(ctx: typer.Context, db: str | None, as_: str | None) -> tuple[Services, Actor]:
    """The services on the existing center, and the staff member acting through them."""
    st, engine = open_store(ctx, db)
    services = services_for(st, engine)
    return services, sign_in(services, as_)[0]


def role_names(roles: Any) -> str:
    from wealthtui.rules import permissions

    held = set(roles)
    return t("cli.list_sep").join(t(f"role.{r}") for r in permissions.ROLES if r in held)


# --- options the commands declare ---------------------------------------------------------------------
DbOption = Annotated[str | None, typer.Option("--db", help=t("cli.help.db"),
                                              metavar="PATH_OR_URL")]
AsOption = Annotated[str | None, typer.Option("--as", help=t("cli.help.as"), metavar="STAFFNO")]
RoleOption = Annotated[list[str], typer.Option("--role", "-r", help=t("cli.help.role"))]



# --- the center's clock, the audit key, the data folder -------------------------------------------------
def center_now(st: State) -> datetime:
    """Now in the center's time zone (backup names are in the center's time)."""
    from wealthtui.rules.clock import zone

    return datetime.now(zone(st.settings.center.timezone))



def load_audit_key() -> bytes | None:
    from wealthtui.store import audit_key

    try:
        return audit_key.load()
    except audit_key.AuditKeyError as exc:
        raise CliError(exc.key, **exc.params) from None


def ensure_audit_key(as_json: bool = False) -> None:
    """Create the audit key file for a new center (store.audit_key), and say where (on stderr
    when stdout carries JSON)."""
    from wealthtui.store import audit_key

    try:
        made = audit_key.ensure()
    except OSError as exc:
        say(t("tamper.key.not_made", detail=str(exc)), as_json)
        return
    if made is not None:
        say(t("tamper.key.made", path=str(made)), as_json)


def problem_line(problem: Any) -> str:
    """One translated line for a problem of the chain, a seal or a trigger."""
    if problem.key.startswith("audit.problem."):
        return t("cli.audit.broken", id=problem.params.get("id", "-"), problem=t(problem.key))
    return t(problem.key, **problem.params)


def backup_dir() -> Path:
    from wealthtui.config import user_data_dir

    return user_data_dir() / "backups"


def say(message: str, as_json: bool = False) -> None:
    """Progress and notes: stdout, or stderr when stdout carries JSON."""
    (err if as_json else out).print(message)


