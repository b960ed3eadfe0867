"""`wealthtui targets preview|create|assign|progress --as STAFFNO …`: targeted marketing lists
(manual digest §4.2) from the command line, through the same target service as the app.

Like the `staff` commands, each signs in as a staff member (`--as`, the PIN asked for hidden or
taken from WEALTHTUI_PIN), so the permissions and the audit apply: the head builds lists over all
clients and deals them to CMs; a CM builds lists from their own book. The criteria are typed as
on the screen and parsed by rules.target_criteria (a bad value: one line naming the field).
Registered on `wealthtui` by cli/__init__.py; this module is imported, and its commands built,
only when `targets` is named (or the help lists every command).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from wealthtui.bootstrap import CliError
from wealthtui.cli.common import AsOption, DbOption, acting, out
from wealthtui.cli.shared import Commands
from wealthtui.i18n import t

targets_app = Commands(help=t("targets.cli.help_app"), no_args_is_help=True)
#: the commands of this module (the root group adds them when one is named: cli/__init__.py)
commands = Commands()
commands.add_typer(targets_app, name="targets")


def _opt(name: str, key: str) -> Any:
    return typer.Option(name, help=t(f"targets.cli.help_{key}"))


Tiers = Annotated[str, _opt("--tiers", "tiers")]
AumMin = Annotated[str, _opt("--aum-min", "aum_min")]
AumMax = Annotated[str, _opt("--aum-max", "aum_max")]
Products = Annotated[str, _opt("--products", "products")]
MaturingFrom = Annotated[str, _opt("--maturing-from", "maturing_from")]
MaturingTo = Annotated[str, _opt("--maturing-to", "maturing_to")]
NoContact = Annotated[str, _opt("--no-contact-days", "no_contact_days")]
Birthday = Annotated[str, _opt("--birthday-month", "birthday_month")]
Risk = Annotated[str, _opt("--risk", "risk")]
Cms = Annotated[list[str] | None, _opt("--cm", "cm")]
Mode = Annotated[str, _opt("--mode", "mode")]
ListId = Annotated[int, typer.Argument(metavar="LIST", help=t("targets.cli.help_list_id"))]


#: the criteria options of a list, in the order `--help` shows them
CRITERIA: dict[str, Any] = {
    "tiers": Tiers, "aum_min": AumMin, "aum_max": AumMax, "products": Products,
    "maturing_from": MaturingFrom, "maturing_to": MaturingTo, "no_contact_days": NoContact,
    "birthday_month": Birthday, "risk": Risk}


def with_criteria(fn: Callable[..., None]) -> Callable[..., None]:
    """A command that takes the criteria options (`--tiers` … `--risk`, each "" when not
    given): Typer sees them as parameters of the command, before `--as`; `fn` receives them as
    one mapping, its parameter `criteria`."""
    signature = inspect.signature(fn, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "criteria"]
    at = next(i for i, p in enumerate(own) if p.name == "as_")
    added = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default="",
                               annotation=kind) for name, kind in CRITERIA.items()]

    @functools.wraps(fn)
    def command(*args: Any, **kwargs: Any) -> None:
        fn(*args, criteria={name: kwargs.pop(name) for name in CRITERIA}, **kwargs)

    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*own[:at], *added, *own[at:]])
    return command


def _filters(services: Any, criteria: dict[str, str]) -> Any:
    from wealthtui.rules.target_criteria import parse_criteria

    return parse_criteria(criteria, tiers=[x.code for x in services.settings.tiers])


def _cm_ids(services: Any, actor: Any, staff_nos: list[str] | None) -> list[int]:
    known = {c.staff_no: c.staff_id for c in services.targets.cms(actor)}
    ids = []
    for no in staff_nos or []:
        for part in no.replace("，", ",").split(","):
            if not part.strip():
                continue
            if part.strip() not in known:
                if not actor.can("targetlist.manage"):  # a CM deals to nobody but themselves
                    raise CliError("targets.error.own_book_only")
                raise CliError("targets.cli.unknown_cm", staff_no=part.strip())
            ids.append(known[part.strip()])
    return ids


def _print(message: str) -> None:
    out.print(Text(message))


def _progress_table(services: Any, actor: Any, list_id: int) -> Table:
    from wealthtui.services.targets import STATUSES

    table = Table(title=t("targets.cli.progress_title", id=list_id), title_justify="left")
    table.add_column(t("targets.col.cm"))
    table.add_column(t("targets.col.total"), justify="right")
    table.add_column(t("targets.col.contacted"), justify="right")
    for status in STATUSES[2:]:
        table.add_column(t(f"cm.target_status.{status}"), justify="right")
    for row in services.targets.progress(actor, list_id):
        table.add_row(Text(row.cm_name), str(row.total), str(row.contacted),
                      *(str(row.count(s)) for s in STATUSES[2:]))
    return table


@targets_app.command("preview", help=t("targets.cli.help_preview"))
@with_criteria
def targets_preview(
    ctx: typer.Context, criteria: dict[str, str],
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = acting(ctx, db, as_)
    count = services.targets.count(actor, _filters(services, criteria))
    _print(t("targets.cli.preview", total=count.total, with_cm=count.with_cm,
             without_cm=count.without_cm))


@targets_app.command("create", help=t("targets.cli.help_create"))
@with_criteria
def targets_create(
    ctx: typer.Context, criteria: dict[str, str],
    name: Annotated[str, _opt("--name", "name")],
    deadline: Annotated[str, _opt("--deadline", "deadline")],
    purpose: Annotated[str, _opt("--purpose", "purpose")] = "",
    mode: Mode = "book", cm: Cms = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    from wealthtui.rules.deadlines import parse_day

    services, actor = acting(ctx, db, as_)
    made = services.targets.create(actor, name, _filters(services, criteria),
                                   parse_day(deadline, "targets.field.deadline"),
                                   purpose=purpose, mode=mode,
                                   cm_ids=_cm_ids(services, actor, cm))
    _print(t("targets.cli.created", id=made.id, name=made.name, total=made.total,
             deadline=made.deadline.isoformat()))
    out.print(_progress_table(services, actor, made.id))


@targets_app.command("assign", help=t("targets.cli.help_assign"))
def targets_assign(
    ctx: typer.Context, list_id: ListId, mode: Mode = "even", cm: Cms = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = acting(ctx, db, as_)
    view = services.targets.assign(actor, list_id, mode, _cm_ids(services, actor, cm))
    _print(t("targets.cli.assigned", id=view.id, total=view.total))
    out.print(_progress_table(services, actor, view.id))


@targets_app.command("progress", help=t("targets.cli.help_progress"))
def targets_progress(
    ctx: typer.Context,
    list_id: Annotated[int | None, typer.Argument(metavar="[LIST]",
                                                  help=t("targets.cli.help_list_id"))] = None,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = acting(ctx, db, as_)
    if list_id is not None:
        out.print(_progress_table(services, actor, list_id))
        return
    lists = services.targets.lists(actor)
    if not lists:
        _print(t("targets.cli.no_lists"))
        return
    table = Table(title=t("targets.cli.lists_title"), title_justify="left")
    for key in ("id", "name", "deadline", "total", "contacted", "converted"):
        table.add_column(t(f"targets.col.{key}"))
    for x in lists:
        table.add_row(str(x.id), Text(x.name), x.deadline.isoformat(), str(x.total),
                      str(x.total - x.count("open")), str(x.count("converted")))
    out.print(table)
