"""The contact form (接触记录, manual digest §8.3 form 4), filled in a few keystrokes.

Channel and purpose come preset (the purpose from the agenda item that opened it), the cursor
starts in the content; Enter moves on and saves on the last field, F2 saves from anywhere. The
next contact date takes a number of days (`7`) or a date. The products list shows each product's
risk level against the client's and whether it is suitable under the branch's rules
(services.compliance): a product above the client's level is refused — the client's signed
acknowledgement counts only where `[compliance] exceptions` names that pair — and the save says
why, naming both levels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from textual.binding import Binding

from wealthtui.i18n import t, tl
from wealthtui.rules import suitability
from wealthtui.rules.agenda import CHANNELS, PURPOSES, RESULTS, parse_next_date
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog, Look
from wealthtui.ui.dialogs.recording import recording_form, saved_message

#: verdicts of the point-of-sale rules with their labels in [compliance.verdict]
NEW_OUTCOMES = (suitability.WALK_IN, suitability.SENIOR_LIMIT)

#: the client manager's forms: 78 cells wide, one row per field, so they fit 80x24
CM_LOOK = Look(width=78, fields_height=30, list_height=9, compact=True)


class ContactDialog(FormDialog):
    """The contact form; F3 enters the dual recording (双录) of a sale of the product ticked
    (issue 17) without leaving it — what was typed stays."""

    BINDINGS = [Binding("f3", "recording", "dual_recording.form.key", id="cm.contact.recording")]

    def __init__(self, *args: Any, client_id: int, client_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client_id, self.client_name = client_id, client_name

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "recording":
            return any(f.name == "products" for f in self.fields)
        return True

    def action_recording(self) -> None:
        ticked = list(self.values().get("products") or [])
        form = recording_form(self.services, self.actor, self.settings,
                              client_id=self.client_id, client_name=self.client_name,
                              product=ticked[0] if ticked else "")

        def saved(view: Any) -> None:
            if view is not None:
                self.notify(saved_message(view, self.services.ctx.tz), markup=False)

        self.app.push_screen(form, saved)


def cm_form(title: str, fields: Sequence[Field], **kwargs: Any) -> FormDialog:
    """A FormDialog in the client manager's look; a None from `submit` keeps it open."""
    return FormDialog(title, fields, look=CM_LOOK, keep_open_on_none=True, **kwargs)


def product_label(settings: Any, code: str, outcome: str) -> str:
    product = settings.contact.product(code)
    name = tl(product.name, product.name_en) if product else code
    level = product.risk_level if product else "?"
    verdict = (t(f"compliance.verdict.{outcome}") if outcome in NEW_OUTCOMES
               else t(f"cm.suitability.{outcome}"))
    return t("cm.contact.product", code=code, name=name, level=level, verdict=verdict)


def contact_form(
    services: Any, actor: Any, settings: Any, today: date, client_id: int, client_name: str, *,
    purpose: str = "care", content: str = "", keeps: Iterable[int] = (),
    run_id: int | None = None, on_saved: Callable[[Any], None] | None = None,
    checks: Sequence[Any] | None = None,
) -> FormDialog:
    """The form; it logs the contact through services.contacts.log when saved. `checks`: the
    products' suitability for this client (`services.contacts.check_products`, read before,
    off the event loop); None when the actor may not propose products."""
    fields = [
        Field("channel", "cm.field.channel", kind="select",
              options=tuple((t(f"cm.channel.{c}"), c) for c in CHANNELS), value="phone"),
        Field("purpose", "cm.field.purpose", kind="select",
              options=tuple((t(f"cm.purpose.{p}"), p) for p in PURPOSES), value=purpose),
        Field("content", "cm.field.content", value=content, max_length=2000),
        Field("needs", "cm.field.needs", max_length=500),
        Field("result", "cm.field.result", kind="select",
              options=((t("cm.contact.no_result"), ""),
                       *((t(f"cm.result.{r}"), r) for r in RESULTS))),
        Field("next_action", "cm.field.next_action", max_length=200),
        Field("next_date", "cm.field.next_date", placeholder=t("cm.contact.next_date_hint"),
              max_length=10),
    ]
    info = [t("cm.contact.client", name=client_name)]
    if checks is not None:
        fields.insert(4, Field(
            "products", "cm.field.products", kind="checks",
            options=tuple((product_label(settings, c.product_code, c.outcome), c.product_code)
                          for c in checks)))
        fields.insert(5, Field("acknowledgement", "cm.field.acknowledgement", max_length=200,
                               placeholder=t("cm.contact.ack_hint")))
        # a sale (result sold): its amount; the products ticked are what was bought (issue 16)
        fields.insert(fields.index(next(f for f in fields if f.name == "result")) + 1,
                      Field("sale_amount", "sale.field.amount", max_length=20,
                            placeholder=t("sale.amount_hint")))
        above = [c for c in checks if c.outcome != suitability.SUITABLE]
        level = checks[0].client_level if checks else None
        info.append(t("cm.contact.risk", level=level) if level else t("cm.contact.no_risk"))
        if above:  # issue 17: no acknowledgement lets a sale through unless the config says so
            info.append(t("cm.contact.above_hint") if settings.compliance.exceptions
                        else t("compliance.contact.above_refused"))
    kept = list(keeps)

    def submit(values: dict[str, Any]) -> Any:
        next_date = parse_next_date(values["next_date"], today)
        codes = list(values.get("products") or [])
        ack = (values.get("acknowledgement") or "").strip()
        acks = {code: ack for code in codes} if ack else {}
        view = services.contacts.log(
            actor, client_id, channel=values["channel"], purpose=values["purpose"],
            content=values["content"], needs=values["needs"], result=values["result"] or "",
            next_action=values["next_action"], next_date=next_date, products=codes,
            acknowledgements=acks, keeps=kept, run_id=run_id,
            sale_amount=values.get("sale_amount") or "",
        )
        if on_saved is not None:
            on_saved(view)
        return view

    return ContactDialog(t("cm.contact.title"), fields, submit=submit, info=info,
                         form_id="contact-form", focus="content", look=CM_LOOK,
                         keep_open_on_none=True, client_id=client_id, client_name=client_name)
