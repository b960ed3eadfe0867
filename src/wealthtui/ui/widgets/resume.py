"""The staff member's checklists to resume — after a restart, a crash, a visitor who left — on
the counter and lobby screens (issue 9 item 2: the app restarts into a consistent state).

    refresh_pending(screen, width, show)      # show(text): the reminder line, "" when none
    self.app.push_screen(MyChecklistsScreen(), closed)      # Ctrl+Y on those screens

`pending_line(...)` names the open runs in one line: how many of today (today's scheduled
procedures started and not done, and other runs of theirs started today), the first of them with
its required steps done, and how many were left open on earlier days; only the count when that
does not fit. It reads the scheduled procedures and `checklists.open_summary` (the other open
runs counted in SQL, only the newest of today's read whole), however many runs are open.
`refresh_pending` works it out through `Calls.call` (off the event loop) and hands it to the
screen. `MyChecklistsScreen` is `TodayList(include_open=True)` over the screen:
today's scheduled procedures and every open run of theirs; Enter resumes one where it was left
(ChecklistScreen), Escape closes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.cells import cell_len

from wealthtui.i18n import t
from wealthtui.services import Actor
from wealthtui.services.checklists import DONE, ChecklistService
from wealthtui.ui.calls import Calls
from wealthtui.ui.text import fit
from wealthtui.ui.widgets.checklist import procedure_title
from wealthtui.ui.widgets.today import run_title


def pending_line(checklists: ChecklistService, actor: Any, *, today: date, width: int) -> str:
    """One line naming the actor's open runs ("" when there are none): how many of today,
    the first of them with its required steps done, and how many are left from earlier days;
    only how many in all when that does not fit in `width` cells."""
    items = checklists.today(actor)
    summary = checklists.open_summary(
        actor, subject_staff_id=actor.staff_id, today=today,
        exclude=frozenset(i.run_id for i in items if i.run_id is not None))
    current = [(procedure_title(i.procedure), i.required_done, i.required_total)
               for i in items if i.run_id is not None and i.status != DONE]
    if summary.newest_today is not None:  # after the scheduled ones, as the list shows them
        run = summary.newest_today
        current.append((run_title(run), run.required_done, run.required_total))
    count = len(current) - (summary.newest_today is not None) + summary.today
    earlier = summary.earlier
    if not count and not earlier:
        return ""
    if current:
        key = "resume.line_both" if earlier else "resume.line_today"
        title, done, total = current[0]
        progress = f" {done}/{total}"
        room = width - cell_len(t(key, count=count, first=progress, earlier=earlier))
        first = fit(title, max(8, room)) + progress
        line = t(key, count=count, first=first, earlier=earlier)
    else:
        line = t("resume.line_earlier", earlier=earlier)
    if cell_len(line) > width:
        return t("resume.line_short", count=count + earlier)
    return line


def refresh_pending(node: Calls, width: int, show: Callable[[str], None]) -> None:
    """Work out `pending_line` for the signed-in staff member off the event loop and call
    `show(text)` on the event loop while `node` (a screen or widget with `Calls`) is mounted;
    a newer call supersedes an older one still running. An error becomes a toast."""
    checklists = node.services.checklists
    today = node.services.ctx.today()

    def line(actor: Actor) -> str:
        return pending_line(checklists, actor, today=today, width=width)

    node.call(line, key="pending-checklists", then=show)
