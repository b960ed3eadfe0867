"""Register a complaint (投诉登记) from any role screen — manual ch.4 §5, digest §4.5.2 step 3.

API for role screens:

    from wealthtui.ui.dialogs.complaint_intake import ComplaintIntakeDialog

    Binding("f8", "complaint", "lobby.bind.complaint", id="lobby.complaint")
    def action_complaint(self) -> None:
        self.app.push_screen(ComplaintIntakeDialog(client_id=self.client_id, channel="on_site"),
                             self._complaint_done)   # receives a ComplaintView, or None

- `ComplaintIntakeDialog(client_id=None, channel="on_site")`: on a WealthApp with someone signed
  in. With a client_id the client's name and masked phone are shown and not asked again (unless
  an agent or heir complains for them); without one the complainant's name and mobile are
  required. The client's name and the staff list load through the call path (ui/calls.py)
  after the form shows (a dim "loading" line until then); saving runs there too, off the
  event loop.
- One-line inputs and check boxes are compact (one row, no border), so a focused one draws its
  text and its label (issue 19: the focus border of a one-row input covered its text).
- The signed-in staff member is the first receiver (首问负责). F2 saves, Escape cancels.
- A bad field gets a message naming it and what is accepted; everything typed stays.
- Returns the new ComplaintView (dismiss result) or None.
"""

from __future__ import annotations

import re
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Checkbox,
    Footer,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from wealthtui.i18n import t, tl
from wealthtui.rules.fields import FieldError
from wealthtui.services.complaints import COMPLAINANT_KINDS, ClientHint, ComplaintView
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs.form import (
    EnterAdvances,
    FormField,
    blink,
    clear_errors,
    show_field_error,
)
from wealthtui.ui.dialogs.frame import frame_css
from wealthtui.ui.errors import describe
from wealthtui.ui.labels import staff_ref
from wealthtui.ui.text import Paragraph, plain, plain_text

#: what a mobile number may hold as typed: digits, spaces, dashes and a leading + (rules.fields
#: parse_mobile decides the rest at saving)
MOBILE_TYPED = re.compile(r"\+?[\d\s-]*")

#: FieldError field keys → the widget that gets the focus (FormFields are found by their key)
WIDGET_OF_FIELD = {
    "field.complaint.channel": "#channel",
    "field.complaint.category": "#category",
    "field.complaint.subcategory": "#subcategory",
    "field.complaint.complainant_kind": "#kind",
    "field.complaint.staff_complained": "#staff",
    "field.complaint.description": "#description",
    "field.complaint.options_told": "#options-told",
}


class ComplaintIntakeDialog(Calls, TranslatedBindings, EnterAdvances,
                            ModalScreen[ComplaintView | None]):
    DEFAULT_CSS = frame_css(
        'ComplaintIntakeDialog', '#intake-box', width=100, height='100%', max_height='32', title='#intake-title') + """
    ComplaintIntakeDialog #client-hint {
        color: $success;
    }
    ComplaintIntakeDialog #intake-form {
        height: 1fr;
    }
    ComplaintIntakeDialog .pair {
        height: auto;
    }
    ComplaintIntakeDialog .pair > Vertical {
        width: 1fr;
        height: auto;
        margin-right: 1;
    }
    ComplaintIntakeDialog .lbl {
        color: $text-muted;
    }
    ComplaintIntakeDialog FormField > Input {
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    ComplaintIntakeDialog FormField > Input:focus {
        background: $primary 30%;
    }
    ComplaintIntakeDialog FormField.-invalid > Input {
        background: $error 30%;
    }
    ComplaintIntakeDialog Select {
        margin-bottom: 0;
    }
    ComplaintIntakeDialog #staff {
        height: 4;
        border: none;
        padding: 0;
        background: $boost;
    }
    ComplaintIntakeDialog #description {
        height: 3;
        border: none;
        padding: 0 1;
        background: $boost;
    }
    ComplaintIntakeDialog #description:focus, ComplaintIntakeDialog #staff:focus {
        background: $primary 30%;
    }
    ComplaintIntakeDialog Checkbox {
        height: 1;
    }
    ComplaintIntakeDialog #client-hint.-loading {
        color: $text-muted;
    }
    ComplaintIntakeDialog #intake-error {
        color: $error;
        height: auto;
    }
    """

    BINDINGS = [
        Binding("f2", "save", "complaint.bind.save", id="complaint.intake.save"),
        Binding("escape", "cancel", "dialog.bind.cancel", id="complaint.intake.cancel"),
    ]

    def __init__(self, client_id: int | None = None, channel: str = "on_site") -> None:
        super().__init__()
        self.client_id = client_id
        self.default_channel = channel
        #: a save on its way (a second F2 meanwhile is ignored)
        self.saving = False

    # --- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        cfg = self.settings.complaints
        channels = [(tl(c.name, c.name_en), c.code) for c in cfg.channels]
        channel = self.default_channel if cfg.channel(self.default_channel) else cfg.channels[0].code
        categories = [(tl(c.name, c.name_en), c.code) for c in cfg.categories]
        kinds = [(t(f"complaint.kind.{k}"), k) for k in COMPLAINANT_KINDS]
        with Vertical(id="intake-box"):
            yield Static(t("complaint.intake.title"), id="intake-title")
            if self.client_id is not None:
                yield Paragraph(t("lobby2.loading"), id="client-hint", classes="-loading")
            with VerticalScroll(id="intake-form"):
                with Horizontal(classes="pair"):
                    with Vertical():
                        yield Label(t("field.complaint.channel"), classes="lbl")
                        yield Select(channels, value=channel, allow_blank=False, id="channel",
                                     compact=True)
                    with Vertical():
                        yield FormField("field.complaint.external_ref", id="external-ref",
                                        max_length=40)
                with Horizontal(classes="pair"):
                    with Vertical():
                        yield Label(t("field.complaint.category"), classes="lbl")
                        yield Select(categories, id="category", prompt=t("complaint.choose"),
                                     compact=True)
                    with Vertical():
                        yield Label(t("field.complaint.subcategory"), classes="lbl")
                        yield Select([], id="subcategory", prompt=t("complaint.choose"),
                                     compact=True)
                with Horizontal(classes="pair"):
                    with Vertical():
                        yield Label(t("field.complaint.complainant_kind"), classes="lbl")
                        yield Select(kinds, value="client", allow_blank=False, id="kind",
                                     compact=True)
                    with Vertical():
                        yield FormField("field.complaint.authority", id="authority",
                                        max_length=200)
                with Horizontal(classes="pair", id="person"):
                    with Vertical():
                        yield FormField("field.complaint.name", id="name", max_length=40)
                    with Vertical():
                        yield FormField("field.complaint.phone", id="phone", max_length=20)
                yield Label(t("field.complaint.description"), classes="lbl")
                yield TextArea(id="description")
                yield FormField("field.complaint.requested_remedy", id="remedy",
                                max_length=1000)
                yield Label(t("field.complaint.staff_complained"), classes="lbl")
                yield SelectionList[int](id="staff")
                yield Checkbox(t("complaint.intake.on_spot"), id="on-spot", compact=True)
                yield FormField("field.complaint.on_spot_reply", id="on-spot-reply",
                                max_length=4000)
                yield Checkbox(t("field.complaint.options_told"), id="options-told",
                               compact=True)
            yield Static("", id="intake-error")
            yield Footer()

    def on_mount(self) -> None:
        for form_field in self.query(FormField):
            form_field.input.compact = True  # one row: a focused input draws its text
        self.query_one("#description", TextArea).cursor_blink = blink(self)
        self._refresh_visibility()
        self.query_one("#category", Select).focus()
        staff = self.query_one("#staff", SelectionList)
        staff.loading = True
        self.call(self.services.complaints.staff_choices, then=self._staff_loaded,
                  failed=lambda _f: setattr(staff, "loading", False))
        if self.client_id is not None:
            self.call(self.services.complaints.known_client, self.client_id,
                      then=self._client_loaded, failed=self._client_gone, quiet=True)

    def _staff_loaded(self, staff: list[Any]) -> None:
        selection = self.query_one("#staff", SelectionList)
        selection.add_options([(plain_text(staff_ref(s.name, s.staff_no)), s.id) for s in staff])
        selection.loading = False

    def _client_loaded(self, hint: ClientHint) -> None:
        line = self.query_one("#client-hint", Static)
        line.remove_class("-loading")
        line.update(plain(t("complaint.intake.known_client", name=hint.name,
                            phone=hint.phone_masked)))

    def _client_gone(self, failure: Failed) -> None:
        """The client vanished meanwhile: register the complainant as a walk-in."""
        self.client_id = None
        self.query_one("#client-hint", Static).display = False
        self.query_one("#intake-error", Static).update(plain(failure.message))
        self._refresh_visibility()

    # --- dependent fields ------------------------------------------------------------------
    def _refresh_visibility(self) -> None:
        cfg = self.settings.complaints
        channel = cfg.channel(self._select("#channel") or "")
        self.query_one("#external-ref").display = bool(channel and channel.forwarded)
        kind = self._select("#kind") or "client"
        self.query_one("#authority").display = kind != "client"
        self.query_one("#person").display = self.client_id is None or kind != "client"
        on_spot = self.query_one("#on-spot", Checkbox).value
        self.query_one("#on-spot-reply").display = on_spot
        self.query_one("#options-told").display = on_spot

    def _select(self, selector: str) -> Any:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else value

    @on(Select.Changed, "#category")
    def _category_changed(self, event: Select.Changed) -> None:
        cfg = self.settings.complaints.category(str(event.value))
        subs = [(tl(s.name, s.name_en), s.code) for s in cfg.subcategories] if cfg else []
        sub = self.query_one("#subcategory", Select)
        sub.set_options(subs)
        if len(subs) == 1:
            sub.value = subs[0][1]

    @on(Input.Changed, "#phone Input")
    def _phone_typed(self, event: Input.Changed) -> None:
        """A letter in the mobile is neither dropped nor kept silently: the field says at once
        what it takes, and what was typed stays (FormField clears its error on each key)."""
        if not MOBILE_TYPED.fullmatch(event.value):
            self.query_one("#phone", FormField).show_error(
                FieldError("field.complaint.phone", "error.field.phone"))

    @on(Select.Changed, "#channel")
    @on(Select.Changed, "#kind")
    @on(Checkbox.Changed, "#on-spot")
    def _dependent_changed(self) -> None:
        self._refresh_visibility()

    # --- saving ----------------------------------------------------------------------------
    def _has_subs(self) -> bool:
        cfg = self.settings.complaints.category(self._select("#category") or "")
        return bool(cfg and cfg.subcategories)

    def _field(self, selector: str) -> str:
        widget = self.query_one(selector, FormField)
        return widget.value if widget.display else ""

    def values(self) -> dict[str, Any]:
        """What the form holds, as keyword arguments of ComplaintService.intake."""
        on_spot = self.query_one("#on-spot", Checkbox).value
        return dict(
            channel=self._select("#channel") or "",
            category=self._select("#category") or "",
            subcategory=self._select("#subcategory") or "",
            description=self.query_one("#description", TextArea).text,
            client_id=self.client_id,
            complainant_kind=self._select("#kind") or "client",
            name=self._field("#name"),
            phone=self._field("#phone"),
            authority=self._field("#authority"),
            staff_complained=list(self.query_one("#staff", SelectionList).selected),
            requested_remedy=self._field("#remedy"),
            external_ref=self._field("#external-ref"),
            on_spot_reply=self._field("#on-spot-reply") if on_spot else "",
            options_told=on_spot and self.query_one("#options-told", Checkbox).value,
        )

    def show_error(self, exc: BaseException) -> None:
        error = self.query_one("#intake-error", Static)
        if isinstance(exc, FieldError) and show_field_error(self, exc):
            error.update(plain(describe(exc)))
            return
        error.update(plain(describe(exc)))
        if isinstance(exc, FieldError) and exc.field in WIDGET_OF_FIELD:
            self.query_one(WIDGET_OF_FIELD[exc.field]).focus()

    def submit_form(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self.saving:
            return
        clear_errors(self)
        self.query_one("#intake-error", Static).update("")
        values = self.values()
        missing = [
            key for key, ok in (
                ("field.complaint.category", values["category"]),
                ("field.complaint.subcategory", values["subcategory"] or not self._has_subs()),
                ("field.complaint.on_spot_reply", values["on_spot_reply"]
                 or not self.query_one("#on-spot", Checkbox).value),
            ) if not ok
        ]
        if missing:  # the choices on screen are names, so say "required", not the codes
            self.show_error(FieldError(missing[0], "error.field.required"))
            return
        self.saving = True
        self.call(self.services.complaints.intake, **values, then=self._saved,
                  failed=self._refused, quiet=True)

    def _refused(self, failure: Failed) -> None:
        self.saving = False
        self.show_error(failure.error)

    def _saved(self, view: ComplaintView) -> None:
        self.saving = False
        if view.status in ("open", "investigating"):  # the deadline with the number (issue 16)
            self.notify(t("my_complaints.intake_saved", ref=view.ref_no,
                          due=view.due_date.isoformat(), days=view.days_left), timeout=12)
        else:
            self.notify(t("complaint.intake.saved", ref=view.ref_no), timeout=6)
        self.dismiss(view)

    def action_cancel(self) -> None:
        self.dismiss(None)
