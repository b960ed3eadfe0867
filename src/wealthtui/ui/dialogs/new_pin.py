"""The PIN dialogs of issue 15's insider controls, built on the generic FormDialog.

- `choose_pin_dialog(services, staff_no, one_time_pin, message)`: the person who signed in with
  a one-time PIN types their own new PIN twice; `services.auth.complete_reset` checks it (weak
  PINs are refused naming the rule, what was typed stays) and signs them in: the dialog is
  dismissed with the Actor, or None on Escape. `message` says who reset the PIN and when.
- `one_time_pin_dialog(shown, tz)`: the one-time PIN of a reset, shown once to the resetter to hand
  over in person; F2, Enter or Escape closes it, and it is not shown again.
"""

from __future__ import annotations

from typing import Any

from wealthtui.i18n import t
from wealthtui.rules.fields import FieldError
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog, Look

LOOK = Look(width=60, fields_height=10)


def choose_pin_dialog(services: Any, staff_no: str, one_time_pin: str, message: str) -> FormDialog:
    max_len = services.settings.security.pin_max_length

    def submit(values: dict[str, Any]) -> Any:
        new_pin, again = values["new_pin"], values["again"]
        if not new_pin:
            raise FieldError("insiders.field.new_pin", "error.field.required")
        if new_pin != again:
            raise FieldError("insiders.field.new_pin_again", "insiders.error.new_pins_differ")
        return services.auth.complete_reset(staff_no, one_time_pin, new_pin)

    return FormDialog(t("insiders.change.title"), [
        Field("new_pin", "insiders.field.new_pin", kind="password", max_length=max_len),
        Field("again", "insiders.field.new_pin_again", kind="password", max_length=max_len),
    ], submit=submit, info=[message, t("insiders.change.hint")], form_id="choose-pin", look=LOOK)


def one_time_pin_dialog(shown: Any, tz: Any) -> FormDialog:
    """`shown`: a services.staff.OneTimePin; `tz`: the center's time zone."""
    expires = shown.expires_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return FormDialog(
        t("insiders.reset.shown_title", name=shown.staff.name, staff_no=shown.staff.staff_no),
        [], submit=lambda _values: True, form_id="one-time-pin", look=LOOK,
        info=[t("insiders.reset.shown_pin", pin=shown.pin),
              t("insiders.reset.shown_detail", expires=expires)])
