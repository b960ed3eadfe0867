"""The counter's business form with its dual-recording key (双录, issue 17).

    BusinessDialog(title, fields, client_id=…, client_name=…, submit=…, …)

A FormDialog (ui/dialogs/form_dialog.py) whose F3 opens the recording form (ui/dialogs/
recording.py) for the product chosen, when the services say a sale of that product to this
client needs a recording now (`services.dual_recording.needed`, asked off the event loop each
time another product is chosen). The recording form comes back to this form with everything
typed in it kept, so F2 then records the sale. F3 is shown in the footer and F1 only while the
product chosen needs a recording; a walk-in (no client) never gets it (the sale is refused).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding

from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.recording import recording_form, saved_message

#: the form's field naming the product sold
PRODUCT = "product"


class BusinessDialog(FormDialog):
    BINDINGS = [Binding("f3", "recording", "dual_recording.form.key",
                        id="counter.business.recording")]

    FOOTER_ORDER: ClassVar[tuple[str, ...]] = (
        "form.save", "counter.business.recording", "form.cancel")

    def __init__(self, *args: Any, client_id: int | None, client_name: str,
                 **kwargs: Any) -> None:
        super().__init__(*args, on_change=lambda form: self._product_changed(), **kwargs)
        self.client_id, self.client_name = client_id, client_name
        #: the product the rules were last asked about, and the rules naming its sale
        self.asked_product: str = ""
        self.recording_needed: tuple[str, ...] = ()

    def chosen_product(self) -> str:
        return str(self.values().get(PRODUCT) or "")

    def _product_changed(self) -> None:
        product = self.chosen_product()
        if product == self.asked_product:
            return
        self.asked_product = product
        if not product or self.client_id is None:
            self._needed(())
            return
        self.call(self.services.dual_recording.needed, self.client_id, product,
                  then=self._needed, key="recording-needed", quiet=True)

    def _needed(self, reasons: tuple[str, ...]) -> None:
        self.recording_needed = tuple(reasons)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "recording":
            return bool(self.recording_needed) and self.client_id is not None
        return True

    def action_recording(self) -> None:
        """F3: the recording of the sale of the product chosen, then back here."""
        if not self.recording_needed or self.client_id is None:
            return
        form = recording_form(self.services, self.actor, self.settings,
                              client_id=self.client_id, client_name=self.client_name,
                              product=self.chosen_product())

        def saved(view: Any) -> None:
            if view is not None:
                self.notify(saved_message(view, self.services.ctx.tz), markup=False)

        self.app.push_screen(form, saved)
