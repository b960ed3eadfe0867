"""`wealthtui staff add|list|roles|grants|approve-roles|reject-roles|reset-pin|set-pin|unlock|
deactivate --as STAFFNO`: staff administration, signed in as a staff member (`--as`, the PIN asked
for hidden or taken from WEALTHTUI_PIN), through the same staff service as the app, so the
permissions and the audit apply."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from wealthtui.cli.common import (
    AsOption,
    DbOption,
    RoleOption,
    acting,
    new_pin,
    open_store,
    out,
    role_names,
    services_for,
    sign_in,
)
from wealthtui.cli.shared import Commands
from wealthtui.i18n import t

staff_app = Commands(help=t("cli.help.staff_app"), no_args_is_help=True)
#: the commands of this module (the root group adds them when one is named: cli/__init__.py)
commands = Commands()
commands.add_typer(staff_app, name="staff")


#: the staff number a command is about
StaffNoArg = Annotated[str, typer.Argument(metavar="STAFFNO", help=t("cli.help.staff_no"))]


def _print_staff(view: Any) -> None:
    out.print(t("cli.staff.saved", staff_no=view.staff_no, name=view.name,
                roles=role_names(view.roles),
                status=t("cli.staff.active") if view.active else t("cli.staff.inactive")),
              markup=False)


def _said(key: str, view: Any) -> None:
    """One line: `key` said of the staff member `view`."""
    out.print(t(key, staff_no=view.staff_no, name=view.name), markup=False)


def _roles(values: list[str]) -> list[str]:
    return [r.strip() for v in values for r in v.replace("，", ",").split(",") if r.strip()]


@staff_app.command("add", help=t("cli.help.staff_add"))
def staff_add(
    ctx: typer.Context,
    staff_no: StaffNoArg,
    name: Annotated[str, typer.Argument(metavar="NAME", help=t("cli.help.name"))],
    role: RoleOption,
    birthday: Annotated[str, typer.Option("--birthday", help=t("insiders.cli.help_birthday"),
                                          metavar="YYYY-MM-DD")] = "",
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    from wealthtui.services.staff import parse_birthday

    born = parse_birthday(birthday)
    services, actor = acting(ctx, db, as_)
    new = services.staff.add(actor, staff_no, name, _roles(role), birthday=born)
    _print_staff(new.staff)
    # their one-time PIN, printed once: they choose their own at the first sign-in
    expires = new.expires_at.astimezone(services.ctx.tz).strftime("%Y-%m-%d %H:%M")
    out.print(t("insiders.cli.one_time", staff_no=new.staff.staff_no, name=new.staff.name,
                pin=new.pin, expires=expires), markup=False)
    if new.pending is not None:  # head or supervisor: a second person approves (approve-roles)
        out.print(t("insiders.cli.pending", staff_no=new.staff.staff_no, name=new.staff.name,
                    id=new.pending.id), markup=False)


@staff_app.command("list", help=t("cli.help.staff_list"))
def staff_list(
    ctx: typer.Context,
    active_only: Annotated[bool, typer.Option("--active", help=t("cli.help.active"))] = False,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = acting(ctx, db, as_)
    tz = services.ctx.tz
    now = services.ctx.now()
    table = Table(title=t("cli.staff.title"), title_justify="left")
    for key in ("staff_no", "name", "roles", "status"):
        table.add_column(t(f"cli.staff.col.{key}"))
    for v in services.staff.roster(actor, include_inactive=not active_only):
        if not v.active:
            status = t("cli.staff.inactive")
        elif v.locked_until is not None and v.locked_until > now:
            status = t("cli.staff.locked", until=v.locked_until.astimezone(tz).strftime("%H:%M"))
        elif v.pin_must_change:
            status = t("insiders.state.pin_reset")
        else:
            status = t("cli.staff.active")
        table.add_row(v.staff_no, Text(v.name), role_names(v.roles), status)
    out.print(table)


@staff_app.command("roles", help=t("cli.help.staff_roles"))
def staff_roles(
    ctx: typer.Context,
    staff_no: StaffNoArg,
    role: RoleOption,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = acting(ctx, db, as_)
    change = services.staff.set_roles(actor, staff_no, _roles(role))
    if change.pending is None:
        _print_staff(change.staff)
    else:  # head or supervisor, or one's own roles: a second person approves (approve-roles)
        out.print(t("insiders.cli.pending", staff_no=change.staff.staff_no,
                    name=change.staff.name, id=change.pending.id), markup=False)


GrantArg = Annotated[int, typer.Argument(metavar="ID", help=t("insiders.cli.col_id"))]


@staff_app.command("grants", help=t("insiders.cli.help_grants"))
def staff_grants(ctx: typer.Context, as_: AsOption = None, db: DbOption = None) -> None:
    services, actor = acting(ctx, db, as_)
    grants = services.staff.grants(actor)
    if not grants:
        out.print(t("insiders.cli.no_grants"), markup=False)
        return
    tz = services.ctx.tz
    table = Table(title=t("insiders.cli.grants_title"), title_justify="left")
    for key in ("id", "staff", "before", "after", "by", "at"):
        table.add_column(t(f"insiders.cli.col_{key}"))
    for g in grants:
        table.add_row(str(g.id), Text(f"{g.staff_no} {g.name}"), role_names(g.roles_before),
                      role_names(g.roles_after), Text(f"{g.requested_by_no} {g.requested_by_name}"),
                      g.requested_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"))
    out.print(table)


@staff_app.command("approve-roles", help=t("insiders.cli.help_approve"))
def staff_approve_roles(ctx: typer.Context, grant: GrantArg, as_: AsOption = None,
                        db: DbOption = None) -> None:
    services, actor = acting(ctx, db, as_)
    change = services.staff.approve_grant(actor, grant)
    out.print(t("insiders.cli.approved", id=grant, staff_no=change.staff.staff_no,
                name=change.staff.name, roles=role_names(change.staff.roles)), markup=False)


@staff_app.command("reject-roles", help=t("insiders.cli.help_reject"))
def staff_reject_roles(
    ctx: typer.Context,
    grant: GrantArg,
    reason: Annotated[str, typer.Option("--reason", help=t("insiders.cli.help_reason"))] = "",
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = acting(ctx, db, as_)
    services.staff.reject_grant(actor, grant, reason)
    out.print(t("insiders.cli.rejected", id=grant), markup=False)


@staff_app.command("reset-pin", help=t("cli.help.staff_reset_pin"))
def staff_reset_pin(
    ctx: typer.Context,
    staff_no: StaffNoArg,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """A one-time PIN, printed once, for the resetter to hand over in person."""
    services, actor = acting(ctx, db, as_)
    shown = services.staff.reset_pin(actor, staff_no)
    expires = shown.expires_at.astimezone(services.ctx.tz).strftime("%Y-%m-%d %H:%M")
    out.print(t("insiders.cli.one_time", staff_no=shown.staff.staff_no, name=shown.staff.name,
                pin=shown.pin, expires=expires), markup=False)


@staff_app.command("set-pin", help=t("insiders.cli.help_set_pin"))
def staff_set_pin(ctx: typer.Context, as_: AsOption = None, db: DbOption = None) -> None:
    """Choose one's own new PIN: after a reset (with the one-time PIN), or any time."""
    st, engine = open_store(ctx, db)
    services = services_for(st, engine)
    actor, pin = sign_in(services, as_)
    if pin is not None:  # an ordinary sign-in: change the PIN
        services.staff.change_own_pin(actor, pin, new_pin())
        out.print(t("insiders.change.done"), markup=False)


@staff_app.command("unlock", help=t("cli.help.staff_unlock"))
def staff_unlock(
    ctx: typer.Context,
    staff_no: StaffNoArg,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = acting(ctx, db, as_)
    _said("cli.staff.unlocked", services.staff.unlock(actor, staff_no))


@staff_app.command("deactivate", help=t("cli.help.staff_deactivate"))
def staff_deactivate(
    ctx: typer.Context,
    staff_no: StaffNoArg,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    services, actor = acting(ctx, db, as_)
    _said("cli.staff.deactivated", services.staff.deactivate(actor, staff_no))


