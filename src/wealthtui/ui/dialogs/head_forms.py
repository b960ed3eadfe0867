"""The head's modal forms: staff (add, roles, PIN), exclusive CM (one client, a whole book),
a monthly KPI figure, a date or month, and closing the business day.

`head_form(title, fields, submit=fn, detail=...)`: the generic FormDialog (ui/dialogs/form_dialog.py) in
the head's size; `roles_field` gives the ticks for a staff member's roles.

`CloseDayDialog(state, submit=fn)` lists what stands in the way of the close; the explainable
items get a line each for the head's written explanation. `submit(explanations)` closes the day;
a DayCloseRefused shows the remaining items. The hand-offs still open are listed too: F3 carries
them over to the following day and closes (`submit(explanations, True)`, one transaction), so
they need no explanation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from wealthtui.i18n import t
from wealthtui.rules import permissions
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog, Look

#: the head's forms: 72 cells wide
HEAD_LOOK = Look(width=72, fields_height=16, list_height=8)


def head_form(title: str, fields: Sequence[Field], *, submit: Callable[[dict[str, Any]], Any],
              detail: str = "") -> FormDialog:
    """A FormDialog in the head's size, with `detail` as its information line."""
    return FormDialog(title, fields, submit=submit, info=[detail] if detail else [],
                      look=HEAD_LOOK)


def roles_field(name: str, field_key: str, held: Sequence[str] = ()) -> Field:
    """Ticks for the roles of the role matrix, `held` ticked."""
    return Field(name, field_key, kind="checks", value=tuple(held),
                 options=tuple((t(f"role.{r}"), r) for r in permissions.ROLES))


FORM_CSS = """
{cls} {{
    align: center middle;
}}
{cls} > #form-box {{
    width: 72;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: thick $primary;
    background: $surface;
    padding: 0 1;
}}
{cls} #form-title {{
    text-style: bold;
}}
{cls} #form-detail {{
    color: $text-muted;
}}
{cls} #form-fields {{
    height: auto;
    max-height: 16;
}}
{cls} #form-error {{
    color: $error;
    height: auto;
}}
"""
