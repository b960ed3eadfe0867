"""The head's modal forms: staff (add, roles, PIN), exclusive CM (one client, a whole book),
a monthly KPI figure, a date or month, and closing the business day.

`head_form(title, fields, submit=fn, detail=...)`: the generic FormDialog (ui/dialogs/form_dialog.py)
in the head's size. `submit(actor, values)` runs through the one call path (ui/calls.py): in a
thread, never on the event loop; its value dismisses the form; a FieldError is shown under its
field and any other failure on the form's error line, and the form keeps what was typed.
`roles_field` gives the ticks for a staff member's roles.

`CloseDayDialog` (ui/dialogs/close_day.py) lists what stands in the way of the close."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from wealthtui.i18n import t
from wealthtui.rules import permissions
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog, Look

#: the head's forms: 72 cells wide
HEAD_LOOK = Look(width=72, fields_height=16, list_height=8)


class CalledForm(FormDialog):
    """A FormDialog whose `submit(actor, values)` gets the signed-in staff member (it runs off the
    event loop, as every FormDialog's submit does)."""

    def __init__(self, title: str, fields: Sequence[Field], *,
                 submit: Callable[[Any, dict[str, Any]], Any], **kw: Any) -> None:
        super().__init__(title, fields, submit=lambda values: submit(self.actor, values), **kw)


def head_form(title: str, fields: Sequence[Field], *,
              submit: Callable[[Any, dict[str, Any]], Any], detail: str = "") -> CalledForm:
    """A form in the head's size, with `detail` as its information line; `submit(actor, values)`
    runs in a thread."""
    return CalledForm(title, fields, submit=submit, info=[detail] if detail else [],
                      look=HEAD_LOOK)


def roles_field(name: str, field_key: str, held: Sequence[str] = ()) -> Field:
    """Ticks for the roles of the role matrix, `held` ticked."""
    return Field(name, field_key, kind="checks", value=tuple(held),
                 options=tuple((t(f"role.{r}"), r) for r in permissions.ROLES))
