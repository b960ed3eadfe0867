"""`wealthtui notices send|list --as STAFFNO`: the outbox of written notices (issue 18), signed in as
a staff member, through the notice service."""

from __future__ import annotations

from typing import Annotated

import typer

from wealthtui.cli.common import AsOption, DbOption, acting, out
from wealthtui.cli.shared import Commands
from wealthtui.i18n import t

notices_app = Commands(help=t("notices.cli.help_app"), no_args_is_help=True)
#: the commands of this module (the root group adds them when one is named: cli/__init__.py)
commands = Commands()
commands.add_typer(notices_app, name="notices")


# --- written notices (issue 18): the outbox -------------------------------------------------------------
@notices_app.command("send", help=t("notices.cli.help_send"))
def notices_send(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help=t("notices.cli.help_limit"))] = 100,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    from rich.text import Text

    from wealthtui.services.notices import flush_outbox

    services, actor = acting(ctx, db, as_)
    report = flush_outbox(services, actor, limit=limit)
    for notice_id, reason in report.failed:  # the reason quotes a server: plain text
        out.print(Text(t("notices.cli.failed", id=notice_id, reason=reason)))
    out.print(Text(t("notices.cli.summary", sent=len(report.sent), failed=len(report.failed))))


@notices_app.command("list", help=t("notices.cli.help_list"))
def notices_list(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help=t("notices.cli.help_failed"))] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help=t("notices.cli.help_limit"))] = 100,
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    from rich.text import Text

    services, actor = acting(ctx, db, as_)
    rows = services.notices.outbox(actor, status="failed" if failed else None, limit=limit)
    for n in rows:
        out.print(Text(t("notices.cli.row", id=n.id, status=n.status, template=n.template,
                         channel=n.channel, recipient=n.recipient, attempts=n.attempts,
                         error=n.last_error)))
    if not rows:
        out.print(Text(t("notices.cli.empty")))


