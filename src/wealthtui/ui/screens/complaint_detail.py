"""One complaint in full, with the actions on it (manual ch.4 §5; the 2020 complaint rules).

    self.app.push_screen(ComplaintDetailScreen(complaint_id), on_closed)  # on_closed(bool changed)

Shows the complainant (phone masked), channel, category, staff complained about, first receiver,
handler, the clock (due date, standing, extensions, pause), the reply and closing, and every event
with who and why. Keys (only those that apply to the complaint's state and the staff member's
roles are shown):
  F2 assign handler · F3 note · F4 resolved on the spot · F5 escalate · F6 extend (reason)
  F7 pause / resume for appraisal · F8 reply · F9 close (root cause) · F10 satisfaction
  F11 withdraw · ctrl+e further extension (head) · ctrl+f new facts · ctrl+g merge a repeat
  Escape back.
The service decides; a refusal (recusal, no approval, missing root cause …) is shown in the form.
Every read and write goes through the one call path (ui/calls.py: off the event loop); each form
names the service method it calls (`complaints.assign(actor, complaint_id, …)`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from wealthtui.i18n import language, t
from wealthtui.rules import deadlines as dl
from wealthtui.rules.clock import zone
from wealthtui.rules.fields import FieldError
from wealthtui.rules.money import parse_yuan
from wealthtui.services.complaints import (
    ESCALATION_LEVELS,
    REPLY_CHANNELS,
    RUNNING,
    SATISFACTION,
    ComplaintView,
)
from wealthtui.ui.bindings import TranslatedBindings, translated
from wealthtui.ui.calls import Calls, Failed
from wealthtui.ui.dialogs import complaint_labels as lbl
from wealthtui.ui.dialogs.form_dialog import Field
from wealthtui.ui.dialogs.head_forms import CalledForm
from wealthtui.ui.labels import listing, staff_ref
from wealthtui.ui.text import PlainRichTable

#: action → (statuses it applies to, the permission it needs (None: the service decides))
ACTIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "assign": (RUNNING, "complaint.assign"),
    "note": ((*RUNNING, "replied"), None),
    "on_spot": (("open", "investigating"), None),
    "escalate": (RUNNING, None),
    "extend": (RUNNING, None),
    "pause": (RUNNING, None),
    "reply": (RUNNING, None),
    "close": (("replied",), "complaint.close"),
    "satisfaction": (("replied", "closed"), None),
    "withdraw": (RUNNING, None),
    "extend_further": (RUNNING, "complaint.approve"),
    "new_facts": (RUNNING, None),
    "merge": (RUNNING, "complaint.assign"),
}


class ComplaintDetailScreen(Calls, TranslatedBindings, ModalScreen[bool]):
    DEFAULT_CSS = """
    ComplaintDetailScreen {
        align: center middle;
    }
    ComplaintDetailScreen > Vertical {
        width: 100%;
        max-width: 120;
        height: 100%;
        border: thick $primary;
        background: $surface;
    }
    ComplaintDetailScreen #detail-head {
        text-style: bold;
        padding: 0 1;
    }
    ComplaintDetailScreen #detail-scroll {
        height: 1fr;
        padding: 0 1;
    }
    ComplaintDetailScreen .detail-section {
        margin-bottom: 1;
    }
    ComplaintDetailScreen #detail-keys {
        height: auto;
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "back", "complaint.bind.back", id="complaint.detail.back"),
        Binding("f2", "assign", "complaint.bind.assign", id="complaint.detail.assign"),
        Binding("f3", "note", "complaint.bind.note", id="complaint.detail.note"),
        Binding("f4", "on_spot", "complaint.bind.on_spot", id="complaint.detail.on_spot"),
        Binding("f5", "escalate", "complaint.bind.escalate", id="complaint.detail.escalate"),
        Binding("f6", "extend", "complaint.bind.extend", id="complaint.detail.extend"),
        Binding("f7", "pause", "complaint.bind.pause", id="complaint.detail.pause"),
        Binding("f8", "reply", "complaint.bind.reply", id="complaint.detail.reply"),
        Binding("f9", "close", "complaint.bind.close", id="complaint.detail.close"),
        Binding("f10", "satisfaction", "complaint.bind.satisfaction", id="complaint.detail.satisfaction"),
        Binding("f11", "withdraw", "complaint.bind.withdraw", id="complaint.detail.withdraw"),
        Binding("ctrl+e", "extend_further", "complaint.bind.extend_further",
                id="complaint.detail.extend_further"),
        Binding("ctrl+f", "new_facts", "complaint.bind.new_facts", id="complaint.detail.new_facts"),
        Binding("ctrl+g", "merge", "complaint.bind.merge", id="complaint.detail.merge"),
    ]

    def __init__(self, complaint_id: int) -> None:
        super().__init__()
        self.complaint_id = complaint_id
        self.complaint: ComplaintView | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="detail-head")
            with VerticalScroll(id="detail-scroll"):
                yield Static(id="detail-facts", classes="detail-section")
                yield Static(id="detail-closing", classes="detail-section")
                yield Static(id="detail-events", classes="detail-section")
            yield Static(id="detail-keys")

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#detail-scroll").focus()

    # --- showing ---------------------------------------------------------------------------
    def reload(self) -> None:
        self.call(self.services.complaints.get, self.complaint_id, key="complaint",
                  then=self._detail_read, failed=self._detail_refused)

    def _detail_refused(self, _failure: Failed) -> None:
        self.dismiss(self.changed)

    def _detail_read(self, complaint: ComplaintView) -> None:
        self.complaint = complaint
        self._render_view(complaint)
        self.refresh_bindings()
        self._render_keys()

    def _render_keys(self) -> None:
        """All the keys that apply, wrapped over as many lines as needed (a Footer would cut
        them off at 80 columns), a key never on another line than its words (issue 19). The
        screen's own bindings as they are, not the footer's fitted set
        (TranslatedBindings.active_bindings hides what would not fit one line)."""
        keys = self.query_one("#detail-keys", Static)
        width = keys.content_region.width or self.app.size.width - 4
        lines = [Text()]
        raw = super(TranslatedBindings, self).active_bindings
        for active in raw.values():
            if active.node is not self or not active.enabled or not active.binding.show:
                continue
            key = self.app.get_key_display(active.binding)
            words = f" {translated(active.binding).description}"
            line = lines[-1]
            if line and line.cell_len + 2 + cell_len(key + words) > width:
                line = Text()
                lines.append(line)
            elif line:
                line.append("  ")
            line.append(key, style="bold")
            line.append(words)
        keys.update(Text("\n").join(lines))

    def on_resize(self) -> None:
        if self.complaint is not None:
            self._render_keys()

    def _render_view(self, v: ComplaintView) -> None:
        settings = self.settings
        tz = zone(settings.center.timezone)
        head = Text.assemble((v.ref_no, "bold"), "  ", lbl.standing_text(v), "  ",
                             t("complaint.detail.due", due=lbl.day(v.due_date)))
        if v.standing != "stopped":  # a stopped clock already shows the status
            head.append(f"  {lbl.status_name(v.status)}")
        self.query_one("#detail-head", Static).update(head)

        facts = _grid()
        rows: list[tuple[str, str | Text]] = [
            (t("complaint.detail.received"), lbl.moment(v.received_at, tz)),
            (t("complaint.detail.complainant"), lbl.complainant(v)),
            (t("field.complaint.channel"),
             " ".join(x for x in (lbl.channel_name(settings, v.channel), v.external_ref) if x)),
            (t("field.complaint.category"), lbl.category_name(settings, v.category,
                                                              v.subcategory)),
            (t("field.complaint.description"), v.description),
            (t("field.complaint.requested_remedy"), v.requested_remedy),
            (t("field.complaint.staff_complained"),
             listing(lbl.staff_label(s) for s in v.staff_complained) or t("complaint.nobody")),
            (t("complaint.detail.first_receiver"), lbl.staff_label(v.first_receiver)),
            (t("field.complaint.handler"), lbl.staff_label(v.handler)),
            (t("complaint.detail.clock"), self._clock_text(v)),
        ]
        if v.agent_authority:
            rows.insert(2, (t("field.complaint.authority"), v.agent_authority))
        if v.escalation:
            rows.append((t("field.complaint.escalation"),
                         f"{t(f'complaint.escalation.{v.escalation}')} "
                         f"{lbl.moment(v.escalated_at, tz)}"))
        if v.merged_into_ref:
            rows.append((t("complaint.detail.merged_into"), v.merged_into_ref))
        for label, value in rows:
            facts.add_row(label, value)
        self.query_one("#detail-facts", Static).update(facts)

        closing = _grid()
        if v.reply_at:
            closing.add_row(t("complaint.detail.reply"),
                            f"{lbl.moment(v.reply_at, tz)} "
                            f"{t(f'complaint.reply_channel.{v.reply_channel}')}")
            closing.add_row(t("field.complaint.reply_content"), v.reply_content)
            closing.add_row(t("complaint.detail.options_told"),
                            t("common.yes") if v.options_told else t("common.no"))
            if v.remedy or v.compensation_fen:
                remedy = [v.remedy] if v.remedy else []
                if v.compensation_fen:
                    remedy.append(t("complaint.detail.compensation",
                                    amount=lbl.money(v.compensation_fen)))
                closing.add_row(t("field.complaint.remedy"),
                                ("；" if _zh() else "; ").join(remedy))
        if v.root_cause:
            closing.add_row(t("field.complaint.root_cause"), v.root_cause)
            closing.add_row(t("field.complaint.rectification"), v.rectification)
            closing.add_row(t("complaint.detail.closed"),
                            f"{lbl.staff_label(v.closed_by)} {lbl.moment(v.closed_at, tz)}")
        if v.satisfaction:
            closing.add_row(t("field.complaint.satisfaction"),
                            f"{lbl.day(v.satisfaction_at)} "
                            f"{t(f'complaint.satisfaction.{v.satisfaction}')} "
                            f"{v.satisfaction_note}".strip())
        closing_box = self.query_one("#detail-closing", Static)
        closing_box.update(closing)
        closing_box.display = bool(closing.row_count)

        events = PlainRichTable(box=None, show_header=True, header_style="bold", expand=True,
                       title=t("complaint.detail.events"), title_justify="left")
        events.add_column(t("complaint.detail.event_at"), no_wrap=True)
        events.add_column(t("complaint.detail.event_kind"), no_wrap=True)
        events.add_column(t("complaint.detail.event_by"), no_wrap=True)
        events.add_column(t("complaint.detail.event_why"), ratio=1)
        for e in v.events:
            events.add_row(lbl.moment(e.at, tz), t(f"complaint.event.{e.kind}"), e.by_name, e.note)
        self.query_one("#detail-events", Static).update(events)

    def _clock_text(self, v: ComplaintView) -> Text:
        parts = [t("complaint.detail.limit", days=v.limit_days,
                   unit=t("complaint.unit.working" if self.settings.complaints.working_days
                          else "complaint.unit.calendar"))]
        if v.level:
            parts.append(t(f"complaint.level.{v.level}"))
        if v.paused_since:
            parts.append(t("complaint.detail.paused_since", since=lbl.day(v.paused_since)))
        elif v.standing != "stopped" and v.days_left < 0:
            parts.append(t("complaint.detail.days_over", days=-v.days_left))
        elif v.standing != "stopped":
            parts.append(t("complaint.detail.days_left", days=v.days_left))
        if v.timely is not None:
            parts.append(t("complaint.detail.timely") if v.timely else t("complaint.detail.late"))
        return Text("，".join(parts) if _zh() else ", ".join(parts))

    # --- which actions apply ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        rule = ACTIONS.get(action)
        if rule is None:
            return True
        v = self.complaint
        if v is None:
            return False
        statuses, permission = rule
        if v.status not in statuses:
            return False
        if permission is not None and not self.actor.can(permission):
            return False
        if action == "on_spot" and (v.escalation or v.business_date != self._today()):
            return False
        return True

    def _today(self) -> Any:
        return self.clock.now().astimezone(self.services.ctx.tz).date()

    # --- actions ---------------------------------------------------------------------------
    def _form(self, title_key: str, specs: list[Field], submit: Any, detail: str = "") -> None:
        def done(result: Any) -> None:
            if result is not None:
                self.changed = True
                self.notify(t("complaint.saved", ref=self.complaint.ref_no if self.complaint else ""),
                            timeout=4)
                self.reload()
                changed = getattr(self.app, "poll_changes", None)
                if changed is not None:
                    changed()

        fields = [replace(s, blank="complaint.choose") if s.kind == "select" else s for s in specs]
        self.app.push_screen(CalledForm(t(title_key), fields, submit=submit,
                                        info=[detail] if detail else []), done)

    def action_back(self) -> None:
        self.dismiss(self.changed)

    def action_assign(self) -> None:
        self.call(self.services.complaints.staff_choices, key="staff-choices",
                  then=self._assign_form)

    def _assign_form(self, staff: Any) -> None:
        c, cid = self.services.complaints, self.complaint_id
        options = tuple((staff_ref(s.name, s.staff_no), s.id) for s in staff)
        self._form("complaint.form.assign", [
            Field("handler", "field.complaint.handler", "select", options),
            Field("note", "field.complaint.note", max_length=500),
        ], lambda actor, v: c.assign(actor, cid, _required(v["handler"], "field.complaint.handler"),
                                v["note"]))

    def action_note(self) -> None:
        c, cid = self.services.complaints, self.complaint_id
        self._form("complaint.form.note", [Field("note", "field.complaint.note", "text")],
                   lambda actor, v: c.add_note(actor, cid, v["note"]))

    def action_on_spot(self) -> None:
        c, cid = self.services.complaints, self.complaint_id
        self._form("complaint.form.on_spot", [
            Field("outcome", "field.complaint.on_spot_reply", "text"),
            Field("told", "field.complaint.options_told", "box"),
        ], lambda actor, v: c.resolve_on_spot(actor, cid, v["outcome"], v["told"]))

    def action_escalate(self) -> None:
        c, cid = self.services.complaints, self.complaint_id
        v = self.complaint
        levels = ESCALATION_LEVELS[ESCALATION_LEVELS.index(v.escalation) + 1:] if v and \
            v.escalation else ESCALATION_LEVELS
        options = tuple((t(f"complaint.escalation.{lv}"), lv) for lv in levels)
        self._form("complaint.form.escalate", [
            Field("level", "field.complaint.escalation", "select", options,
                 value=options[0][1] if options else ""),
            Field("reason", "field.complaint.reason", max_length=1000),
        ], lambda actor, val: c.escalate(actor, cid, val["level"] or "", val["reason"]))

    def action_extend(self) -> None:
        c, cid = self.services.complaints, self.complaint_id
        self._form("complaint.form.extend", [
            Field("reason", "field.complaint.reason", max_length=1000),
        ], lambda actor, v: c.extend(actor, cid, v["reason"]),
            detail=t("complaint.form.extend_detail",
                     days=self.settings.complaints.extension_days))

    def action_extend_further(self) -> None:
        c, cid = self.services.complaints, self.complaint_id
        self._form("complaint.form.extend_further", [
            Field("reason", "field.complaint.reason", max_length=1000),
            Field("told", "field.complaint.client_told", "box"),
        ], lambda actor, v: c.extend_further(actor, cid, v["reason"], v["told"]),
            detail=t("complaint.form.extend_further_detail",
                     days=self.settings.complaints.further_extension_days))

    def action_pause(self) -> None:
        c, cid = self.services.complaints, self.complaint_id
        if self.complaint and self.complaint.paused_since:
            self._form("complaint.form.resume", [
                Field("note", "field.complaint.note", max_length=1000),
            ], lambda actor, v: c.resume(actor, cid, v["note"]))
            return
        self._form("complaint.form.pause", [
            Field("reason", "field.complaint.reason", max_length=1000),
            Field("told", "field.complaint.client_told", "box"),
        ], lambda actor, v: c.pause(actor, cid, v["reason"], v["told"]))

    def action_new_facts(self) -> None:
        c, cid = self.services.complaints, self.complaint_id
        self._form("complaint.form.new_facts", [
            Field("on", "field.complaint.date", value=self._today().isoformat(), max_length=12),
            Field("note", "field.complaint.note", "text"),
        ], lambda actor, v: c.new_facts(actor, cid, dl.parse_day(v["on"], "field.complaint.date"),
                                v["note"]))

    def action_reply(self) -> None:
        channels = tuple((t(f"complaint.reply_channel.{c}"), c) for c in REPLY_CHANNELS)
        self._form("complaint.form.reply", [
            Field("on", "field.complaint.date", value=self._today().isoformat(), max_length=12),
            Field("channel", "field.complaint.reply_channel", "select", channels),
            Field("content", "field.complaint.reply_content", "text"),
            Field("remedy", "field.complaint.remedy", max_length=1000),
            Field("compensation", "field.complaint.compensation", max_length=20),
            Field("told", "field.complaint.options_told", "box"),
        ], self._reply)

    def _reply(self, actor: Any, v: dict[str, Any]) -> Any:
        c = self.services.complaints
        on = dl.parse_day(v["on"], "field.complaint.date")
        text = (v["compensation"] or "").strip()
        fen = parse_yuan(text, "field.complaint.compensation", allow_zero=True) if text else 0
        return c.reply(actor, self.complaint_id, channel=v["channel"] or "", content=v["content"],
                          options_told=v["told"], remedy=v["remedy"], compensation_fen=fen,
                          replied_on=on)

    def action_close(self) -> None:
        c, cid = self.services.complaints, self.complaint_id
        self._form("complaint.form.close", [
            Field("root_cause", "field.complaint.root_cause", "text"),
            Field("rectification", "field.complaint.rectification", "text"),
        ], lambda actor, v: c.close(actor, cid, v["root_cause"], v["rectification"]))

    def action_satisfaction(self) -> None:
        c, cid = self.services.complaints, self.complaint_id
        results = tuple((t(f"complaint.satisfaction.{r}"), r) for r in SATISFACTION)
        self._form("complaint.form.satisfaction", [
            Field("on", "field.complaint.date", value=self._today().isoformat(), max_length=12),
            Field("result", "field.complaint.satisfaction", "select", results),
            Field("note", "field.complaint.note", max_length=500),
        ], lambda actor, v: c.record_satisfaction(actor, cid,
                                dl.parse_day(v["on"], "field.complaint.date"),
                                v["result"] or "", v["note"]))

    def action_withdraw(self) -> None:
        c, cid = self.services.complaints, self.complaint_id
        self._form("complaint.form.withdraw", [
            Field("reason", "field.complaint.reason", max_length=1000),
        ], lambda actor, v: c.withdraw(actor, cid, v["reason"]))

    def action_merge(self) -> None:
        c, cid = self.services.complaints, self.complaint_id
        self._form("complaint.form.merge", [
            Field("ref", "field.complaint.original_ref", max_length=20),
            Field("note", "field.complaint.note", max_length=500),
        ], lambda actor, v: c.merge(actor, cid, v["ref"], v["note"]))


def _grid() -> Table:
    grid = PlainRichTable.grid(padding=(0, 2), expand=True)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    return grid


def _zh() -> bool:
    return language() == "zh_CN"


def _required(value: Any, field_key: str) -> Any:
    if value in (None, ""):
        raise FieldError(field_key, "error.field.required")
    return value
