"""The client file over the CM screen (manual digest §8.3 form 3), and what a CM does from it.

    ClientFileScreen(view)        # a ClientFileView from services.client_file.open(...)

Identity and contacts are masked; F2 / F3 show the full ID number / phone after asking for a
reason (audited) and only for a short while in a toast. F4 edits the file, F8 logs a contact,
ctrl+t hands the cash part of the business to the cash tellers, ctrl+k opens the client's
contact-marketing checklist. Escape closes it (the file is not kept on screen afterwards:
manual digest §9, the previous client's data must not stay visible) and returns whether anything
was saved from it (`dismiss(changed)`): the screen under it reloads then. The file does its
actions itself (screens/cm_actions.py), reads through `Calls.call`, and never looks for the
screen under it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from wealthtui.i18n import t
from wealthtui.rules.clock import zone
from wealthtui.rules.money import format_fen
from wealthtui.services.client_file import ClientFileView
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.dialogs.risk import take_questionnaire
from wealthtui.ui.labels import addressed, tier_name
from wealthtui.ui.screens.cm_actions import ClientActions
from wealthtui.ui.text import fit, plain
from wealthtui.ui.widgets.cm_tables import label

REVEAL_SECONDS = 15


def _on(day: date | None) -> str:
    return day.isoformat() if day else t("common.none")


def _text(value: str) -> str:
    return value.replace("\n", " ").strip() or t("common.none")


def file_sections(view: ClientFileView, settings: Any, today: date) -> list[tuple[str, list[str]]]:
    """The file as titled groups of lines (for the dialog, and for tests)."""
    sections: list[tuple[str, list[str]]] = []
    title = addressed(view.name, view.title)
    risk = (t("cm.file.risk_value", level=view.risk_level, on=_on(view.risk_assessed_on),
              until=_on(view.risk_expires_on))
            if view.risk_level else t("cm.file.risk_none"))
    if view.risk_level and view.risk_expired:
        risk += t("cm.file.risk_expired")
    birthday = _on(view.birthday)
    if view.lunar_month_day:
        birthday += t("cm.file.lunar", month=view.lunar_month_day[0], day=view.lunar_month_day[1])
    sections.append((t("cm.file.sec.identity"), [
        t("cm.file.name_tier", name=title, tier=tier_name(settings, view.tier),
          cm=view.cm_name or t("common.none")),
        (t("cm.file.id", type=label("cm.id_type", view.id_type),
           number=view.id_number_masked, expires=view.id_expires_on.isoformat())
         if view.id_expires_on else
         t("screens19.file_id", type=label("cm.id_type", view.id_type),
           number=view.id_number_masked)),
        t("cm.file.phone", phone=view.phone_masked or t("common.none")),
        *(t("cm.file.account", number=n) for _kind, n in view.accounts_masked),
        t("cm.file.birthday", birthday=birthday),
    ]))
    channel = label("cm.channel", view.preferred_channel)
    income = label("cm.income", view.income_band)
    sections.append((t("cm.file.sec.profile"), [
        t("cm.file.household", text=_text(view.household)),
        t("cm.file.occupation", text=_text(view.occupation), income=income),
        t("cm.file.assets", bank=format_fen(view.aum_fen), elsewhere=format_fen(view.aum_elsewhere_fen)),
        t("cm.file.risk", text=risk),
        t("cm.file.goals", text=_text(view.goals)),
        t("cm.file.interests", text=_text(view.interests)),
        t("cm.file.preferred", channel=channel, time=_text(view.preferred_time)),
        *([t("cm.file.signals", text=view.potential_signals)] if view.potential_signals else []),
        *([t("cm.file.notes", text=_text(view.notes))] if view.notes else []),
    ]))
    holdings = [
        t("cm.file.holding", name=fit(h.product_name, 20), level=h.risk_level,
          amount=format_fen(h.amount_fen), maturity=h.maturity_date.isoformat())
        if h.maturity_date else  # not "matures None": no fixed term
        t("cm.file.holding_open", name=fit(h.product_name, 20), level=h.risk_level,
          amount=format_fen(h.amount_fen))
        for h in view.holdings
    ] or [t("cm.file.none")]
    sections.append((t("cm.file.sec.holdings"), holdings))
    contacts = [
        t("cm.file.contact", at=c.at.astimezone(zone(settings.center.timezone)).strftime("%Y-%m-%d %H:%M"),
          who=c.staff_name, channel=label("cm.channel", c.channel),
          purpose=label("cm.purpose", c.purpose) if c.purpose else "",
          text=fit(_text(c.content), 30),
          next=(t("cm.file.next", date=c.next_date.isoformat(), action=c.next_action)
                if c.next_date and c.follow_up_open else ""))
        for c in view.contacts[:8]
    ] or [t("cm.file.none")]
    sections.append((t("cm.file.sec.contacts"), contacts))
    tiers = [t("cm.file.tier_change", at=x.at.date().isoformat(),
               old=tier_name(settings, x.from_tier), new=tier_name(settings, x.to_tier),
               by=x.by_name) for x in view.tier_history] or [t("cm.file.none")]
    sections.append((t("cm.file.sec.tiers"), tiers))
    cms = [(t("cm.file.cm_period", name=c.cm_name, start=c.start_at.date().isoformat(),
              end=c.end_at.date().isoformat(), reason=c.reason) if c.end_at else
            t("screens19.cm_period_open", name=c.cm_name, start=c.start_at.date().isoformat(),
              reason=c.reason)) for c in view.cm_history] or [t("cm.file.none")]
    sections.append((t("cm.file.sec.cms"), cms))
    return sections


class ClientFileScreen(ClientActions, TranslatedBindings, ModalScreen[bool]):
    DEFAULT_CSS = """
    ClientFileScreen {
        align: center middle;
    }
    ClientFileScreen > Vertical {
        width: 100;
        max-width: 100%;
        height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    ClientFileScreen #file-title {
        text-style: bold;
    }
    ClientFileScreen VerticalScroll {
        height: 1fr;
    }
    ClientFileScreen .file-sec {
        color: $accent;
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("f2", "reveal('id_number')", "cm.bind.reveal_id", id="cm.file.reveal_id"),
        Binding("f3", "reveal('phone')", "cm.bind.reveal_phone", id="cm.file.reveal_phone"),
        Binding("f4", "edit", "cm.bind.edit", id="cm.file.edit"),
        Binding("f5", "risk", "risk_keys.bind.file", id="cm.file.risk"),
        Binding("f8", "log_contact", "cm.bind.log_contact", id="cm.file.log_contact"),
        Binding("ctrl+t", "to_teller", "cm.bind.to_teller", id="cm.file.to_teller"),
        Binding("ctrl+k", "marketing", "cm.bind.marketing", id="cm.file.marketing"),
        Binding("escape", "close", "cm.bind.close", id="cm.file.close"),
    ]
    FOOTER_ORDER = ("cm.file.log_contact", "cm.file.risk", "cm.file.edit", "cm.file.close",
                    "cm.file.reveal_phone", "cm.file.reveal_id", "cm.file.to_teller",
                    "cm.file.marketing")

    def __init__(self, view: ClientFileView) -> None:
        super().__init__()
        self.view = view
        #: something was saved from the file (returned when it closes)
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="file-title")
            yield VerticalScroll(id="file-body")
            yield Footer()

    def on_mount(self) -> None:
        self.show(self.view)
        self.query_one("#file-body").focus()

    def show(self, view: ClientFileView) -> None:
        self.view = view
        today = self.services.ctx.today()
        self.query_one("#file-title", Static).update(plain(
            t("cm.file.title", name=view.name, access=t(f"cm.file.access.{view.access}"))))
        body = self.query_one("#file-body", VerticalScroll)
        body.remove_children()
        widgets: list[Static] = []
        for title, lines in file_sections(view, self.settings, today):
            widgets.append(Static(title, classes="file-sec"))
            widgets.append(Static(Text("\n".join(lines))))
        body.mount_all(widgets)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        actor = self.wealth_app.actor
        needs = {"reveal": "client.reveal", "edit": "client.file.edit",
                 "log_contact": "contact.log", "marketing": "contact.log",
                 "risk": "risk.assess"}
        if action in needs and (actor is None or not actor.can(needs[action])):
            return None
        return True

    def action_reveal(self, field: str) -> None:
        services, actor = self.services, self.actor
        label = t(f"cm.file.reveal_{field}")
        dialog = ReasonDialog(
            t("cm.file.reveal_title", what=label), field_key="field.reason",
            detail=t("cm.file.reveal_detail", name=self.view.name), required=True,
            submit=lambda text: services.client_file.reveal(actor, self.view.id, field, text),
        )

        def shown(value: object) -> None:
            if value:
                self.notify(f"{label}：{value}", timeout=REVEAL_SECONDS)

        self.app.push_screen(dialog, shown)

    def wrote(self) -> None:
        self.changed = True

    def reload(self) -> None:
        """Read the file again (off the event loop) and show it."""
        self.call(self.services.client_file.open, self.view.id, key="file", then=self.show)

    def action_edit(self) -> None:
        self.edit_file(self.view, after=self.reload)

    def action_risk(self) -> None:
        """F5: the risk questionnaire with the client (issue 17); the file shows the new level."""
        def saved(_view: object) -> None:
            self.wrote()
            self.reload()

        take_questionnaire(self, self.view.id, saved)

    def action_log_contact(self) -> None:
        self.log_contact(self.view.id, self.view.name, after=self.reload)

    def action_to_teller(self) -> None:
        self.hand_to_teller(self.view.id, self.view.name)

    def action_marketing(self) -> None:
        self.open_marketing(self.view.id, after=self.reload)

    def action_close(self) -> None:
        self.dismiss(self.changed)
