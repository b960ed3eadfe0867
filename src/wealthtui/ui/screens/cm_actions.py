"""What a client manager does for one client, from the CM screen and from the client file.

    class CMScreen(ClientActions, RoleScreen): ...
    class ClientFileScreen(ClientActions, TranslatedBindings, ModalScreen[bool]): ...

Every read runs through `Calls.call` (off the event loop); the forms are dialogs that return
what they saved; after a write `wrote()` is called (the screen reloads what it shows) and the
app looks for the change at once. Nothing here searches the screen stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wealthtui.i18n import t
from wealthtui.services import Actor
from wealthtui.services.checklists import RunView
from wealthtui.services.client_file import ClientFileView
from wealthtui.ui.calls import Calls
from wealthtui.ui.dialogs.appointment import booked_message, booking_form
from wealthtui.ui.dialogs.cm_contact import contact_form
from wealthtui.ui.dialogs.cm_edit import edit_form
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.screens.checklist import ChecklistScreen

MARKETING = "cm_contact_marketing"
CM_CHANGE = "cm_change"


class ClientActions(Calls):
    """Mixin for a screen: the contact form, the file's edit form, the hand-over to the cash
    tellers and the client's checklists."""

    def wrote(self) -> None:
        """Something was saved: reload what this screen shows (override)."""

    def _saved(self, key: str, after: Callable[[], None] | None = None) -> Callable[[object], None]:
        def done(result: object) -> None:
            if result is None:
                return
            self.wealth_app.notify(t(key))
            self.wealth_app.poll_changes()
            self.wrote()
            if after is not None:
                after()
        return done

    def log_contact(self, client_id: int, name: str, *, purpose: str = "care",
                    keeps: list[int] | None = None, after: Callable[[], None] | None = None) -> None:
        """The contact form for the client: its open marketing run and the products'
        suitability are read first (off the event loop); then the form."""
        services, settings = self.services, self.settings
        codes = [p.code for p in settings.contact.products]

        def prepare(actor: Actor) -> tuple[RunView | None, list[Any] | None]:
            runs = services.checklists.open_runs(actor, client_id=client_id)
            run = next((r for r in runs if r.procedure.id == MARKETING), None)
            checks = (services.contacts.check_products(actor, client_id, codes)
                      if actor.can("product.propose") else None)
            return run, checks

        def show(found: tuple[RunView | None, list[Any] | None]) -> None:
            run, checks = found
            form = contact_form(services, self.actor, settings, services.ctx.today(), client_id,
                                name, purpose=purpose, keeps=keeps or [],
                                run_id=run.id if run else None, checks=checks)

            def saved(result: object) -> None:
                if result is not None:
                    self.wealth_app.notify(t("cm.contact.saved", name=name))
                    self.wealth_app.poll_changes()
                    self.wrote()
                    if getattr(result, "result", "") == "appointment":  # book it now (issue 18)
                        self.book_appointment(client_id, name, after=after)
                    elif after is not None:
                        after()

            self.wealth_app.push_screen(form, saved)

        self.call(prepare, key="contact-form", then=show)

    def book_appointment(self, client_id: int | None, name: str, *,
                         after: Callable[[], None] | None = None) -> None:
        """The booking form with me as the staff member (a client of mine, or a prospect when
        `client_id` is None); the confirmation notice is queued with the booking."""
        actor = self.actor
        form = booking_form(self.services, actor, self.settings, self.services.ctx.today(),
                            client_id=client_id, client_name=name,
                            staff=[(actor.name, actor.staff_id)], any_counter=False,
                            sources=("cm", "phone_95588", "online"))
        tz = self.services.ctx.tz

        def booked(view: Any) -> None:
            if view is not None:
                self.wealth_app.notify(booked_message(view, tz), timeout=8, markup=False)
                self.wealth_app.poll_changes()
                self.wrote()
            if after is not None:
                after()

        self.wealth_app.push_screen(form, booked)

    def edit_file(self, view: ClientFileView, *, after: Callable[[], None] | None = None) -> None:
        self.wealth_app.push_screen(edit_form(self.services, self.actor, view),
                                    self._saved("cm.edit.saved", after))

    def hand_to_teller(self, client_id: int, name: str) -> None:
        services, actor = self.services, self.actor
        dialog = ReasonDialog(
            t("cm.teller.title"), field_key="field.note", required=True,
            detail=t("cm.teller.detail", name=name),
            submit=lambda text: services.assignments.hand_to_teller(actor, client_id, text),
        )
        self.wealth_app.push_screen(dialog, self._saved("cm.teller.sent"))

    def open_run(self, run: RunView, after: Callable[[], None] | None = None) -> None:
        def closed(_run: object) -> None:
            self.wrote()
            if after is not None:
                after()

        self.wealth_app.push_screen(ChecklistScreen(run.id), closed)

    def open_marketing(self, client_id: int, after: Callable[[], None] | None = None) -> None:
        """The client's contact-marketing checklist (started when there is none open)."""
        self.call(self.services.checklists.start, MARKETING, client_id=client_id,
                  then=lambda run: self.open_run(run, after))

    def change_checklist(self, client_id: int) -> None:
        """The CM-change checklist of the client's change in progress."""
        checklists = self.services.checklists

        def find(actor: Actor) -> RunView | None:
            runs = checklists.open_runs(actor, client_id=client_id)
            return next((r for r in runs if r.procedure.id == CM_CHANGE), None)

        def found(run: RunView | None) -> None:
            if run is None:
                self.wealth_app.notify(t("cm.change.no_run"), severity="warning")
                return
            self.open_run(run)

        self.call(find, then=found)
