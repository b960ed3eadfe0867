"""The client manager's inbox: the shell's hand-off inbox, except that declining a premium arrival,
a referral or a lead sends it on (to the duty CM, or back to the lobby) instead of just closing it
(services.assignments.decline_arrival; manual ch.2 §2.7, §5.1), and that F5 in the hand-off
dialog opens the client's file (the CM screen handles `InboxPanel.OpenSubject`). A premium arrival
waiting past `handoffs.arrival_late_minutes` shows as late, as in every inbox (its due time is
that limit)."""

from __future__ import annotations

from wealthtui.i18n import t
from wealthtui.services.handoffs import HandoffView
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.widgets.inbox import InboxPanel

#: kinds that go on to someone else when declined
ONWARD = ("premium_arrival", "referral", "lead")


class CMInboxPanel(InboxPanel):
    def can_open(self, h: HandoffView) -> bool:
        return super().can_open(h) or h.client_id is not None

    def decline(self, h: HandoffView) -> None:
        if h.kind not in ONWARD:
            super().decline(h)
            return
        services, actor = self.services, self.actor
        dialog = ReasonDialog(
            t("cm.inbox.decline_title"), field_key="field.reason",
            detail=self._detail(h) + "\n" + t("cm.inbox.decline_onward"), required=True,
            submit=lambda text: services.assignments.decline_arrival(actor, h.id, text),
        )
        self.app.push_screen(dialog, self._sent_on)

    def _sent_on(self, result: object) -> None:
        if result is None:
            return
        to_name = getattr(result, "to_name", "")
        message = (t("cm.inbox.sent_to", name=to_name) if to_name
                   else t("cm.inbox.sent_to_lobby"))
        self.notify(message)
        self.reload()
        self.wealth_app.poll_changes()
