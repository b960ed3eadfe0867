"""Which permission each key of the role screens leads to (issue 9 item 4: the UI offers no
action the role lacks). Checked by tests/privacy/test_no_unmasked_numbers.py, which signs in every
demo staff member and visits every tab and view of their screens (one rendering serves both
checks): every key the footer offers must map to an action the matrix allows that person.

BINDING_NEEDS maps each binding id to the matrix action of the service call its work ends in
(None: navigation — nothing is written or read beyond what the screen already shows). A binding
without an entry fails that test, so a new key gets its permission stated here.
"""

from __future__ import annotations

from textual.screen import Screen

_NAVIGATION = ("app.help", "app.lock", "app.quit", "app.next_mode", "shell.inbox",
               "lobby.focus_lookup", "inbox.switch", "cm.file.close")
BINDING_NEEDS: dict[str, str | None] = {
    **dict.fromkeys(_NAVIGATION),
    # lobby (services.lobby, lookup, queue, complaints, checklists, handoffs)
    "lobby.next_visitor": "visit.record", "lobby.walk_in": "visit.record",
    "lobby.notify_cm": "visit.record", "lobby.register": "client.register",
    "lobby.issue_ticket": "queue.issue", "lobby.divert": "queue.issue",
    "lobby.complaint": "complaint.intake", "lobby.lead": "lead.create",
    "lobby.checklist": "checklist.run", "lobby.reroute": "handoff.reroute",
    "lobby.roster": "roster.view", "head.roster": "roster.view",
    "head.targets": "targetlist.manage", "cm.build_targets": "targetlist.own",
    # issue 17: the risk questionnaire (counter, client file) and the head's compliance view
    "counter.risk": "risk.assess", "cm.file.risk": "risk.assess",
    "head.compliance": "compliance.view",
    # the day's roster (ui/dialogs/roster.py; the editing keys are hidden without roster.edit)
    "roster.in": "roster.edit", "roster.leave": "roster.edit", "roster.lunch": "roster.edit",
    "roster.out": "roster.edit", "roster.duty_cm": "roster.edit",
    "roster.duty_lobby": "roster.edit", "roster.all_in": "roster.edit", "roster.close": None,
    # counter, teller view (services.queue, counter, authorization, handover, balancing)
    "counter.call_next": "queue.serve", "counter.recall": "queue.serve",
    "counter.start": "queue.serve", "counter.park": "queue.serve",
    "counter.no_show": "queue.serve", "counter.call_specific": "queue.serve",
    "counter.transfer": "queue.route", "counter.record": "service.record",
    "counter.finish": "service.record", "counter.retention": "service.record",
    "counter.cancel_record": "service.record", "counter.authorize": "authz.request",
    "counter.sign_on": "counter.session", "counter.sign_off": "counter.session",
    "counter.break": "counter.session", "counter.resume": "counter.session",
    "counter.handover": "handover.shift", "counter.balance": "balance.enter",
    # counter, supervisor view
    "counter.switch_view": "counter.oversee", "counter.approve": "authz.decide",
    "counter.reject": "authz.decide", "counter.witness": "handover.witness",
    "counter.difference": "balance.signoff", "counter.sign_off_teller": "balance.signoff",
    "counter.outlet": "balance.outlet",
    "counter.unlock_staff": "staff.unlock",
    "counter.oversee_back": None,  # back from the supervisor's view to the counter
    # client managers (services.contacts, lookup, handoffs, checklists, assignments, targets)
    "cm.log_contact": "contact.log", "cm.find": "client.lookup",
    "cm.to_teller": "handoff.create", "cm.marketing": "checklist.run",
    "cm.change_checklist": "client.cm_change.step", "cm.record_target": "targetlist.work",
    # head (services.staff, assignments, day, reports)
    "head.add_staff": "staff.admin", "head.roles": "staff.admin", "head.reset_pin": "staff.admin",
    "head.unlock": "staff.unlock", "head.deactivate": "staff.admin",
    "head.assign_cm": "client.assign_cm", "head.reassign_book": "client.assign_cm",
    "head.close_day": "day.close", "head.enter_figure": "kpi.enter",
    "head.pick_month": "kpi.view", "head.pick_flow_day": "flowlog.view",
    "head.pick_eod": "report.eod", "head.export_eod": "report.eod",
    # the dashboard's charts: another chart, and its numbers as a table (what the tab shows)
    "head.next_chart": "dashboard.view", "head.chart_numbers": "dashboard.view",
    # the inbox panel of every role screen (services.handoffs)
    "inbox.accept": "handoff.respond", "inbox.decline": "handoff.respond",
    "inbox.done": "handoff.respond",
    "inbox.open": None,  # opens the hand-off's dialog; each of its actions is checked there
    "today.open": "checklist.run",  # opens a routine of the today list
    # a client's file, opened from the CM screen (services.client_file, contacts, handoffs)
    "cm.file.reveal_id": "client.reveal", "cm.file.reveal_phone": "client.reveal",
    "cm.file.edit": "client.file.edit", "cm.file.log_contact": "contact.log",
    "cm.file.to_teller": "handoff.create", "cm.file.marketing": "checklist.run",
    # every role's routines and my complaints (issue 16)
    # (shell keys since issue 19: bound once on RoleScreen, ui/screens/base.py)
    "shell.checklists": "checklist.run", "shell.my_complaints": "complaint.view",
}


def shown(screen: Screen) -> set[str]:
    """Ids of the bindings the footer offers right now (enabled, shown)."""
    out = set()
    for active in screen.active_bindings.values():
        if active.enabled and active.binding.show and active.binding.id:
            out.add(active.binding.id)
    return out
