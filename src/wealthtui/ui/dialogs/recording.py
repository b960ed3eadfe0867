"""The dual-recording form (双录, issue 17): the recording system's id of a recording just made
with the client, its product, and its start and end (today, HH:MM).

    recording_form(services, actor, settings, client_id=…, client_name=…, product="WM90")

Opened at the counter (Ctrl+S, for the client being served) and from the CM's contact form
(F3, with the product ticked there). Saving calls services.dual_recording.enter; a refused entry
stays on the form with what was typed and the message under the field it names. The recording
itself lives in the branch's recording system (regulatory practice: 银监办发〔2017〕110号).
"""

from __future__ import annotations

from typing import Any

from wealthtui.i18n import t, tl
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog, Look


def recording_form(services: Any, actor: Any, settings: Any, *, client_id: int,
                   client_name: str, product: str = "") -> FormDialog:
    shelf = settings.contact.products
    options = tuple((f"{p.code} {tl(p.name, p.name_en)} R{p.risk_level}", p.code) for p in shelf)
    chosen = product if any(p.code == product for p in shelf) else ""
    fields = [
        Field("product", "dual_recording.field.product", kind="select", options=options,
              value=chosen, blank="risk.choose"),
        Field("ref", "dual_recording.field.ref", max_length=40),
        Field("started", "dual_recording.field.started", max_length=5, placeholder="10:05"),
        Field("ended", "dual_recording.field.ended", max_length=5, placeholder="10:20"),
    ]

    def submit(values: dict[str, Any]) -> Any:
        return services.dual_recording.enter(
            actor, client_id, values.get("product") or "", values.get("ref") or "",
            values.get("started") or "", values.get("ended") or "")

    info = [t("cm.contact.client", name=client_name), t("dual_recording.form.hint")]
    return FormDialog(t("dual_recording.form.title"), fields, submit=submit, info=info,
                      form_id="recording-form", focus="ref" if chosen else "product",
                      look=Look(width=70, fields_height=8, compact=True))


def saved_message(view: Any, tz: Any) -> str:
    return t("dual_recording.saved", ref=view.recording_ref, product=view.product_code,
             start=view.started_at.astimezone(tz).strftime("%H:%M"),
             end=view.ended_at.astimezone(tz).strftime("%H:%M"))
