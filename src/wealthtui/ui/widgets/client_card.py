"""The masked client card (客户卡片), shared by the lobby and the counters: name and title, tier,
masked ID / mobile / card numbers, the exclusive CM and whether they are in today, and the flags
(birthday today, open complaint, contact overdue, potential premium, ID or risk assessment expired).

Numbers arrive masked from the look-up service (services.lookup.ClientCard); this widget never
sees a whole one. Balances are never shown at the door (manual digest §4.1: be discreet).

    card = ClientCardView(id="client-card")
    card.show(client_card_or_None, settings)          # None: nobody chosen yet
    card.show(None, settings, walk_in=True)           # a walk-in without a record
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from wealthtui.config import Settings
from wealthtui.i18n import t
from wealthtui.services.lookup import ClientCard
from wealthtui.ui.labels import addressed, tier_name

#: flags that need the lobby's attention first (shown in the warning colour)
WARNING_FLAGS = frozenset({"open_complaint", "id_expired", "risk_expired"})


def card_lines(card: ClientCard | None, settings: Settings, *, walk_in: bool = False) -> list[Text]:
    """The card as lines of text."""
    if card is None:
        key = "client_card.walk_in" if walk_in else "client_card.empty"
        return [Text(t(key), style="dim")]
    head = Text()
    head.append(addressed(card.name, card.title), style="bold")
    head.append("  ")
    head.append(f" {tier_name(settings, card.tier)} ",
                style="bold black on yellow" if card.premium else "reverse")
    numbers = Text(t("client_card.numbers", id=card.id_masked or "-",
                     phone=card.phone_masked or "-", card=card.card_masked or "-"),
                   style="dim")
    if card.cm_name:
        presence = {True: "client_card.cm_in", False: "client_card.cm_out",
                    None: "client_card.cm_unknown"}[card.cm_present]
        cm = Text(t("client_card.cm", name=card.cm_name))
        cm.append("  ")
        cm.append(t(presence), style="green" if card.cm_present else "yellow")
    else:
        cm = Text(t("client_card.no_cm"), style="dim")
    lines = [head, numbers, cm]
    flags = card.flags.active()
    if flags:
        line = Text()
        for i, flag in enumerate(flags):
            if i:
                line.append(" ")
            style = "bold red" if flag in WARNING_FLAGS else "magenta"
            line.append(f"[{t('lookup.flag.' + flag)}]", style=style)
        lines.append(line)
    return lines


class ClientCardView(Static):
    """Shows one ClientCard (or the empty / walk-in state)."""

    DEFAULT_CSS = """
    ClientCardView {
        height: auto;
        min-height: 4;
        padding: 0 1;
        border-left: thick $accent;
    }
    ClientCardView.-premium {
        border-left: thick $warning;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id, classes=classes)
        self.card: ClientCard | None = None

    def show(self, card: ClientCard | None, settings: Settings, *, walk_in: bool = False) -> None:
        self.card = card
        self.set_class(bool(card and card.premium), "-premium")
        self.update(Group(*card_lines(card, settings, walk_in=walk_in)))
