"""The center head's screen (理财中心负责人): live dashboard, staff and allocation, complaints, the
daily flow log, the KPI scorecard, and the end of day with the close of the business day.

Manual ch.2 §2.1 (the head's duties: staffing, allocation of clients and resources, complaints,
internal control), §2.7 item 8 (the daily flow record), ch.7 via manual digest §7 (KPIs),
digest §6.1 (the head's day).

Keys: F2–F7 open the tabs (shown in the tab labels); F8 is the tab's main action (add staff,
choose the day or month, close the day); on the staff tab ctrl+r roles, ctrl+k reset PIN,
ctrl+u unlock, ctrl+d deactivate, ctrl+e assign a client's exclusive CM, ctrl+b hand a departing
CM's book over, ctrl+n the day's roster; on the KPI tab ctrl+e enters a monthly figure; on the
end-of-day tab ctrl+e exports the summary (XLSX) and ctrl+g switches to the month view. Everywhere:
ctrl+t the target lists (build from criteria with the count previewed, deal to CMs, progress per
CM); ctrl+y the head's routines (morning meeting, appearance check, end-of-day review, monthly
review) and any checklist of theirs still open; ctrl+j the complaints the head received, handles
or is named in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TabbedContent, TabPane

from wealthtui.config import user_data_dir
from wealthtui.i18n import t
from wealthtui.reports import export
from wealthtui.reports.kpi import MANUAL
from wealthtui.reports.render import to_xlsx
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError
from wealthtui.services.day import DayState
from wealthtui.services.errors import ServiceError
from wealthtui.services.reports import parse_business_date, parse_month
from wealthtui.ui.dialogs.confirm import ConfirmDialog
from wealthtui.ui.dialogs.form_dialog import Field
from wealthtui.ui.dialogs.roster import RosterDialog
from wealthtui.ui.dialogs.targets import TargetsDialog
from wealthtui.ui.errors import describe
from wealthtui.ui.screens.base import RoleScreen
from wealthtui.ui.widgets.complaint_queue import ComplaintQueue
from wealthtui.ui.widgets.head_dashboard import DashboardPanel
from wealthtui.ui.widgets.head_dialogs import CloseDayDialog, head_form, roles_field
from wealthtui.ui.widgets.head_staff import StaffPanel
from wealthtui.ui.widgets.head_tables import SectionTables
from wealthtui.ui.widgets.resume import MyChecklistsScreen

TABS = ("dashboard", "staff", "complaints", "flow", "kpi", "eod")
TAB_KEYS = dict(zip(TABS, ("F2", "F3", "F4", "F5", "F6", "F7"), strict=True))

#: which tab each tab-bound action belongs to
ACTION_TAB = {
    "add_staff": "staff", "set_roles": "staff", "reset_pin": "staff", "unlock": "staff",
    "deactivate": "staff", "assign_cm": "staff", "reassign_book": "staff", "roster": "staff",
    "pick_flow_day": "flow", "pick_month": "kpi", "enter_figure": "kpi",
    "close_day": "eod", "pick_eod": "eod", "export_eod": "eod",
}


class HeadScreen(RoleScreen):
    MODE = "head"
    HELP_SECTIONS = (
        ("ch.2 §2.1", "head.help.duties"),
        ("ch.2 §5.1", "head.help.allocation"),
        ("ch.2 §2.7 item 8", "head.help.flow_log"),
        ("ch.7", "head.help.kpi"),
        ("ch.6 §6.1", "head.help.eod"),
        ("digest §4.2", "targets.help.head"),
    )

    DEFAULT_CSS = """
    HeadScreen TabbedContent {
        height: 1fr;
    }
    HeadScreen TabPane {
        padding: 0;
    }
    HeadScreen .tab-head {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    HeadScreen .tab-body {
        height: 1fr;
    }
    """

    BINDINGS = [
        *(Binding(key.lower(), f"show_tab('{tab}')", f"head.tab.{tab}", id=f"head.tab_{tab}",
                  show=False) for tab, key in TAB_KEYS.items()),
        Binding("f8", "add_staff", "head.bind.add_staff", id="head.add_staff"),
        Binding("f8", "pick_flow_day", "head.bind.pick_day", id="head.pick_flow_day"),
        Binding("f8", "pick_month", "head.bind.pick_month", id="head.pick_month"),
        Binding("f8", "close_day", "head.bind.close_day", id="head.close_day"),
        Binding("ctrl+r", "set_roles", "head.bind.roles", id="head.roles"),
        Binding("ctrl+k", "reset_pin", "head.bind.reset_pin", id="head.reset_pin"),
        Binding("ctrl+u", "unlock", "head.bind.unlock", id="head.unlock"),
        Binding("ctrl+d", "deactivate", "head.bind.deactivate", id="head.deactivate"),
        Binding("ctrl+e", "assign_cm", "head.bind.assign_cm", id="head.assign_cm"),
        Binding("ctrl+b", "reassign_book", "head.bind.reassign_book", id="head.reassign_book"),
        Binding("ctrl+n", "roster", "roster.bind.open", id="head.roster"),
        Binding("ctrl+e", "enter_figure", "head.bind.enter_figure", id="head.enter_figure"),
        Binding("ctrl+g", "pick_eod", "head.bind.pick_eod", id="head.pick_eod"),
        Binding("ctrl+e", "export_eod", "head.bind.export", id="head.export_eod"),
        Binding("ctrl+t", "targets", "targets.bind.open", id="head.targets"),
        Binding("ctrl+y", "checklists", "resume.bind.checklists", id="head.checklists",
                show=False),  # in F1 help, as on every role screen (the footer is full at 80)
        Binding("ctrl+j", "my_complaints", "my_complaints.bind.show", id="head.my_complaints",
                show=False),
    ]

    def __init__(self, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.flow_day: date | None = None      # None: today
        self.kpi_month: str | None = None      # None: this month
        self.eod_day: date | None = None       # None: today
        self.eod_month: str | None = None      # set: the month view instead of a day
        self.loaded: set[str] = set()
        self.day_state: DayState | None = None
        self.eod_doc: dict[str, Any] | None = None

    # --- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="head-tabs", initial="dashboard"):
            with TabPane(self._tab_label("dashboard"), id="dashboard"):
                yield DashboardPanel(id="dash")
            with TabPane(self._tab_label("staff"), id="staff"):
                yield StaffPanel(id="staff-panel")
            with TabPane(self._tab_label("complaints"), id="complaints"):
                yield ComplaintQueue(scope="all", id="complaint-queue")
            for tab in ("flow", "kpi", "eod"):
                with TabPane(self._tab_label(tab), id=tab):
                    with Vertical():
                        yield Static("", id=f"{tab}-head", classes="tab-head")
                        yield SectionTables(id=f"{tab}-tables", classes="tab-body")

    def _tab_label(self, tab: str) -> str:
        return f"{TAB_KEYS[tab]} {t(f'head.tab.{tab}')}"

    def on_mount(self) -> None:
        super().on_mount()
        self.reload("dashboard")
        self.set_interval(max(5.0, self.settings.ui.refresh_seconds), self._tick, name="head-tick")

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "dashboard"

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        tab = event.pane.id or "dashboard"
        if tab not in self.loaded or tab in ("dashboard", "flow"):
            self.reload(tab)
        self.refresh_bindings()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        owner = ACTION_TAB.get(action)
        if owner is not None and owner != self.tab:
            return False
        return True

    # --- loading ---------------------------------------------------------------------------
    def _tick(self) -> None:
        """Waits grow with time even when nobody writes: refresh the live tabs."""
        if self.app.screen is self and self.tab in ("dashboard", "flow"):
            self.reload(self.tab)

    def on_data_changed(self) -> None:
        self.loaded.clear()
        self.reload(self.tab)
        if self.tab == "complaints":
            self.query_one(ComplaintQueue).reload()

    def reload(self, tab: str) -> None:
        loader = getattr(self, f"_load_{tab}", None)
        if loader is not None:
            loader()
        self.loaded.add(tab)

    def _load_dashboard(self) -> None:
        view = self.run_service(self.services.dashboard.snapshot)
        if view is not None:
            tz = self.services.ctx.tz
            self.query_one(DashboardPanel).show(view, view.at.astimezone(tz).hour)

    def _load_staff(self) -> None:
        staff = self.run_service(self.services.staff.roster)
        if staff is None:
            return
        exceptions = self.run_service(self.services.assignments.exceptions)
        books = self.run_service(self.services.dashboard.book_sizes)
        roster = self.run_service(self.services.roster.day)
        self.query_one(StaffPanel).show(staff, books or {}, exceptions, self.clock.now(), roster)

    def action_roster(self) -> None:
        """The day's roster (who is in, the duty CM and lobby manager), in a modal."""
        def done(changed: bool | None) -> None:
            if changed:
                self.loaded.discard("staff")
                self.reload(self.tab)
                self.changed()
        self.app.push_screen(RosterDialog(), done)

    def _load_complaints(self) -> None:
        self.query_one(ComplaintQueue).reload()

    def _background(self, tab: str, fetch: Callable[[], Any],
                    show: Callable[[Any], None]) -> None:
        """Run a report query in a thread (a month over a busy history takes a moment) and show
        the result on the screen; errors become a toast as with run_service."""
        def work() -> None:
            try:
                result = fetch()
            except (ServiceError, FieldError) as exc:
                self.app.call_from_thread(self.notify, describe(exc), severity="error", timeout=8)
                return
            self.app.call_from_thread(self._shown_if_mounted, show, result)

        self.run_worker(work, thread=True, exclusive=True, group=f"head-{tab}",
                        exit_on_error=False)

    def _shown_if_mounted(self, show: Callable[[Any], None], result: Any) -> None:
        if self.is_mounted:
            show(result)

    def _load_flow(self) -> None:
        day = self.flow_day
        self._background("flow", lambda: self.services.reports.flow_log(self.actor, day),
                         self._show_flow)

    def _show_flow(self, flow: Any) -> None:
        doc = export.flow_dict(self.settings, flow)
        when = flow.first.isoformat()
        confirmed = (t("head.flow.confirmed", who=flow.confirmed_by) if flow.confirmed_by
                     else t("head.flow.unconfirmed"))
        self.query_one("#flow-head", Static).update(t("head.flow.head", date=when) + "  " + confirmed)
        self.query_one("#flow-tables", SectionTables).show(export.flow_log_sections(doc))

    def _month(self) -> str:
        return self.kpi_month or self.clock.now().astimezone(self.services.ctx.tz).strftime("%Y-%m")

    def _load_kpi(self) -> None:
        month = self._month()
        self._background("kpi", lambda: self.services.reports.kpi(self.actor, month),
                         self._show_kpi)

    def _show_kpi(self, report: Any) -> None:
        self.query_one("#kpi-head", Static).update(t("head.kpi.head", month=report.month))
        self.query_one("#kpi-tables", SectionTables).show(
            export.kpi_sections(export.kpi_dict(report, self.services.ctx.tz)))

    def _load_eod(self) -> None:
        month, day = self.eod_month, self.eod_day
        if month is not None:
            self._background("eod", lambda: (self.services.reports.month(self.actor, month), None),
                             self._show_eod)
            return
        self._background("eod", lambda: (self.services.reports.eod(self.actor, day),
                                         self.services.day.state(self.actor, day)),
                         self._show_eod)

    def _show_eod(self, loaded: tuple[Any, DayState | None]) -> None:
        report, state = loaded
        head = self.query_one("#eod-head", Static)
        tables = self.query_one("#eod-tables", SectionTables)
        self.day_state = state
        if state is None:
            self.eod_doc = export.month_dict(self.settings, report)
            head.update(t("head.eod.month_head", month=report.month, days=len(report.days),
                          closed=report.days_closed))
            tables.show(export.month_sections(self.eod_doc))
            return
        self.eod_doc = export.day_dict(self.settings, report)
        if state.closed:
            status = t("head.eod.closed", who=state.closed_by)
        elif state.problems:
            status = t("head.eod.open_problems", count=len(state.problems))
        else:
            status = t("head.eod.open_ready")
        head.update(t("head.eod.head", date=report.date.isoformat()) + "  " + status)
        tables.show(export.day_sections(self.eod_doc))

    def action_targets(self) -> None:
        """Target lists: build from criteria, assign, see the progress (manual digest §4.2)."""
        self.app.push_screen(TargetsDialog(self.services, self.actor, self.settings),
                             lambda _: self.changed())

    # --- staff actions ---------------------------------------------------------------------
    def _selected_staff(self) -> Any:
        staff = self.query_one(StaffPanel).selected
        if staff is None:
            self.notify(t("head.staff.none_selected"), severity="warning")
        return staff

    def _after(self, message: str) -> Any:
        def done(result: Any) -> None:
            if result is not None:
                self.notify(message)
                self.loaded.discard("staff")
                self.reload(self.tab)
                self.changed()
        return done

    def action_add_staff(self) -> None:
        """A new staff member (services.staff.add): their one-time PIN is shown once here, to
        hand over in person (they choose their own at the first sign-in, not on this
        terminal); a head or supervisor role then waits for a second person."""
        from wealthtui.services.staff import parse_birthday
        from wealthtui.ui.dialogs.new_pin import one_time_pin_dialog

        def submit(v: dict[str, Any]) -> Any:
            return self.services.staff.add(self.actor, v["staff_no"], v["name"], v["roles"],
                                           birthday=parse_birthday(v["birthday"]))

        def added(new: Any) -> None:
            if new is None:
                return
            self._after(t("head.staff.added"))(new)
            then = (lambda _shown: self._approve_grant(new.pending)) if new.pending else None
            self.app.push_screen(one_time_pin_dialog(new, self.services.ctx.tz), then)
        self.app.push_screen(head_form(t("head.staff.add_title"), [
            Field("staff_no", "field.staff_no", max_length=20),
            Field("name", "field.name", max_length=40),
            roles_field("roles", "field.roles"),
            Field("birthday", "insiders.field.birthday", max_length=10, placeholder="1988-09-16"),
        ], submit=submit, detail=t("newstaff.add_detail")), added)

    def action_set_roles(self) -> None:
        staff = self._selected_staff()
        if staff is None:
            return
        def saved(change: Any) -> None:
            if change is None:
                return
            self._after(t("head.staff.roles_saved"))(change)
            if change.pending is not None:  # head or supervisor, or one's own: a second person
                self._approve_grant(change.pending)
        self.app.push_screen(head_form(
            t("head.staff.roles_title", name=staff.name),
            [roles_field("roles", "field.roles", staff.roles)],
            submit=lambda v: self.services.staff.set_roles(self.actor, staff.staff_no, v["roles"]),
        ), saved)

    def _approve_grant(self, grant: Any) -> None:
        """The second person approves a pending role grant here with their staff number and
        PIN (a supervisor, or the head when the head is not the requester); Escape leaves it
        pending for `wealthtui staff approve-roles`."""
        from wealthtui.ui.dialogs.second_person import SecondPersonDialog

        def names(roles: Any) -> str:
            return "、".join(t(f"role.{r}") for r in roles) or "—"

        def done(other: Any) -> None:
            if other is None:
                self.notify(t("insiders.grant.left_pending", id=grant.id), severity="warning",
                            timeout=8)
            else:
                self._after(t("insiders.grant.approved"))(True)
        self.app.push_screen(SecondPersonDialog(
            "staff.grant_approve", title=t("insiders.grant.approve_title"),
            detail=t("insiders.grant.approve_detail", name=grant.name, staff_no=grant.staff_no,
                     before=names(grant.roles_before), after=names(grant.roles_after),
                     by=grant.requested_by_name),
            on_verified=lambda other: self.services.staff.approve_grant(other, grant.id),
        ), done)

    def action_reset_pin(self) -> None:
        """A one-time PIN for the selected staff member, shown once here to hand over in
        person; it cannot be used on this terminal (services.staff.reset_pin)."""
        staff = self._selected_staff()
        if staff is None:
            return
        from wealthtui.ui.dialogs.new_pin import one_time_pin_dialog

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            shown = self.run_service(self.services.staff.reset_pin, staff.staff_no)
            if shown is not None:
                self._after(t("head.staff.pin_reset"))(True)
                self.app.push_screen(one_time_pin_dialog(shown, self.services.ctx.tz))
        self.app.push_screen(ConfirmDialog(t("insiders.reset.confirm", name=staff.name),
                                           default_no=True), answer)

    def action_unlock(self) -> None:
        staff = self._selected_staff()
        if staff is None:
            return
        if self.run_service(self.services.staff.unlock, staff.staff_no) is not None:
            self._after(t("head.staff.unlocked"))(True)

    def action_deactivate(self) -> None:
        staff = self._selected_staff()
        if staff is None:
            return

        def answer(yes: bool | None) -> None:
            if yes and self.run_service(self.services.staff.deactivate, staff.staff_no) is not None:
                self._after(t("head.staff.deactivated"))(True)
        self.app.push_screen(ConfirmDialog(t("head.staff.deactivate_confirm", name=staff.name),
                                           default_no=True), answer)

    def _cm_id(self, staff_no: str, field: str) -> int:
        staff = next((s for s in self.services.staff.roster(self.actor)
                      if s.staff_no == staff_no.strip()), None)
        if staff is None or not staff.active:
            raise FieldError(field, "error.head.no_such_cm")
        return staff.id

    def action_assign_cm(self) -> None:
        selected = self.query_one(StaffPanel).selected
        default_cm = (selected.staff_no if selected is not None
                      and set(selected.roles) & (permissions.CMS | {permissions.HEAD}) else "")

        def submit(v: dict[str, Any]) -> Any:
            query = v["client"].strip()
            if not query:
                raise FieldError("head.field.client", "error.field.required")
            cards = self.services.lookup.search(self.actor, query)
            if not cards:
                raise FieldError("head.field.client", "error.head.no_client")
            if len(cards) > 1:
                names = "、".join(f"{c.name}（{c.card_masked or c.id_masked}）" for c in cards[:5])
                raise FieldError("head.field.client", "error.head.several_clients", names=names)
            cm_id = self._cm_id(v["cm"], "head.field.cm")
            return self.services.assignments.assign(self.actor, cards[0].id, cm_id, v["reason"])
        self.app.push_screen(head_form(t("head.cm.assign_title"), [
            Field("client", "head.field.client", max_length=40),
            Field("cm", "head.field.cm", value=default_cm, max_length=20),
            Field("reason", "field.reason", max_length=200),
        ], submit=submit, detail=t("head.cm.assign_detail")), self._after(t("head.cm.assigned")))

    def action_reassign_book(self) -> None:
        staff = self._selected_staff()
        if staff is None:
            return

        def submit(v: dict[str, Any]) -> Any:
            nos = [n for n in v["to"].replace("，", ",").split(",") if n.strip()]
            if not nos:
                raise FieldError("head.field.successors", "error.field.required")
            ids = [self._cm_id(n, "head.field.successors") for n in nos]
            return self.services.assignments.reassign_book(self.actor, staff.id, ids, v["reason"])
        self.app.push_screen(head_form(t("head.cm.book_title", name=staff.name), [
            Field("to", "head.field.successors", max_length=100),
            Field("reason", "field.reason", max_length=200),
        ], submit=submit, detail=t("head.cm.book_detail")), self._after(t("head.cm.book_done")))

    # --- reports actions -------------------------------------------------------------------
    def action_pick_flow_day(self) -> None:
        def submit(v: dict[str, Any]) -> date:
            return parse_business_date(v["day"])

        def chosen(day: date | None) -> None:
            if day is not None:
                self.flow_day = day
                self.reload("flow")
        self.app.push_screen(head_form(t("head.flow.pick_title"), [
            Field("day", "report.field.date", value=(self.flow_day or self._today()).isoformat())
        ], submit=submit), chosen)

    def _today(self) -> date:
        return self.clock.now().astimezone(self.services.ctx.tz).date()

    def action_pick_month(self) -> None:
        def chosen(month: str | None) -> None:
            if month is not None:
                self.kpi_month = month
                self.reload("kpi")
        self.app.push_screen(head_form(t("head.kpi.pick_title"), [
            Field("month", "report.field.month", value=self._month(), max_length=7),
        ], submit=lambda v: parse_month(v["month"])), chosen)

    def action_enter_figure(self) -> None:
        options = tuple((t(f"kpi.indicator.{code}"), code) for code in MANUAL)

        def submit(v: dict[str, Any]) -> Any:
            return self.services.reports.enter_manual_figure(
                self.actor, v["month"], v["indicator"], v["value"], v["staff_no"] or None)
        self.app.push_screen(head_form(t("head.kpi.enter_title"), [
            Field("indicator", "report.field.indicator", kind="select", options=options),
            Field("month", "report.field.month", value=self._month(), max_length=7),
            Field("value", "report.field.value", max_length=20),
            Field("staff_no", "field.staff_no", max_length=20),
        ], submit=submit, detail=t("head.kpi.enter_detail")), self._after(t("head.kpi.entered")))

    def action_pick_eod(self) -> None:
        def submit(v: dict[str, Any]) -> Any:
            text = v["when"].strip()
            if len(text) <= 7:
                try:
                    return parse_month(text)
                except FieldError as exc:
                    raise FieldError("head.field.when", "error.head.when") from exc
            try:
                return parse_business_date(text)
            except FieldError as exc:
                raise FieldError("head.field.when", "error.head.when") from exc

        def chosen(value: Any) -> None:
            if value is None:
                return
            if isinstance(value, date):
                self.eod_day, self.eod_month = value, None
            else:
                self.eod_month = value
            self.reload("eod")
        current = self.eod_month or (self.eod_day or self._today()).isoformat()
        self.app.push_screen(head_form(t("head.eod.pick_title"), [
            Field("when", "head.field.when", value=current, max_length=10),
        ], submit=submit, detail=t("head.eod.pick_detail")), chosen)

    def action_close_day(self) -> None:
        if self.eod_month is not None or self.day_state is None:
            self.notify(t("head.eod.pick_a_day"), severity="warning")
            return
        if self.day_state.closed:
            self.notify(t("error.day.already_closed", date=self.day_state.date.isoformat()),
                        severity="warning")
            return
        day = self.day_state.date

        def submit(explanations: dict[str, str], carry_over: bool = False) -> Any:
            return self.services.day.close(self.actor, day, explanations=explanations,
                                           carry_over=carry_over)

        def closed(state: DayState | None) -> None:
            if state is not None:
                self.notify(t("head.eod.closed_now", date=day.isoformat()))
                self.reload("eod")
                self.changed()
        self.app.push_screen(CloseDayDialog(self.day_state, submit=submit), closed)

    def action_checklists(self) -> None:
        """The head's routines (morning meeting, appearance check, end of day, monthly review)
        and every checklist of theirs still open: Enter starts or resumes one."""
        def closed(_result: None) -> None:
            self.loaded.clear()
            self.reload(self.tab)
            self.changed()
        self.app.push_screen(MyChecklistsScreen(), closed)


    def action_export_eod(self) -> None:
        if self.eod_doc is None:
            return
        doc = self.eod_doc
        if "month" in doc:
            sections, name = export.month_sections(doc), f"eod-{doc['month']}.xlsx"
        else:
            sections, name = export.day_sections(doc), f"eod-{doc['date']}.xlsx"
        folder = Path(user_data_dir()) / "exports"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            to_xlsx(sections, folder / name)
        except OSError as exc:
            self.notify(t("head.eod.export_failed", error=str(exc)), severity="error")
            return
        self.notify(t("head.eod.exported", path=str(folder / name)), timeout=10)


__all__ = ["HeadScreen"]
