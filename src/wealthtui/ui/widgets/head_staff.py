"""The head's staff and allocation tab: the staff list (roles, account state, today's roster
state, clients held) and the exceptions list (clients entitled to an exclusive CM without one,
CM changes past the first-contact deadline, CMs outside their portfolio range; manual ch.2 §5.1,
digest §3.5). The account state (active / locked / inactive) and the roster state (in / leave /
lunch / out, from services.roster) are two columns with their own labels.

`StaffPanel` owns the tab's keys (ui/widgets/head_panel.py): F8 add staff, Ctrl+R roles, Ctrl+K
reset PIN, Ctrl+U unlock, Ctrl+D deactivate, Ctrl+E assign a client's exclusive CM, Ctrl+B hand
a departing CM's book over, Ctrl+N the day's roster. Every write is one service call through
the one call path; the forms run their `submit` off the event loop and keep what was typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from wealthtui.i18n import t
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError
from wealthtui.services.assignments import Exceptions
from wealthtui.services.errors import ServiceError
from wealthtui.services.roster import RosterView
from wealthtui.services.staff import StaffView
from wealthtui.ui.dialogs.confirm import ConfirmDialog
from wealthtui.ui.dialogs.form_dialog import Field
from wealthtui.ui.dialogs.head_forms import head_form, roles_field
from wealthtui.ui.dialogs.roster import RosterDialog, duty_text, state_text
from wealthtui.ui.labels import listing, staff_ref, tier_name
from wealthtui.ui.text import PlainTable
from wealthtui.ui.widgets.head_panel import HeadPanel, loading_text


def staff_state(s: StaffView, now: datetime) -> str:
    if not s.active:
        return "inactive"
    if s.locked_until is not None and s.locked_until > now:
        return "locked"
    if s.pin_must_change:
        return "pin_reset"  # a one-time PIN not yet replaced
    return "active"


def fetch_staff(actor: Any, services: Any) -> tuple[Any, ...]:
    """Everything the staff tab shows, read in the call's thread: the staff, the clients each
    holds (the exceptions' book sizes), the exceptions (of the clients without their CM only the first [reads]
    head_exceptions, the rest counted in SQL) and today's roster (the last three left out when
    refused)."""
    staff = services.staff.roster(actor)

    def optional(fn: Callable[..., Any]) -> Any:
        try:
            return fn(actor)
        except (ServiceError, FieldError):
            return None
    exceptions = optional(services.assignments.exceptions_shown)
    # the clients column and the portfolio-range exceptions from the one read of the books
    books = exceptions.book_sizes if exceptions is not None else {}
    return staff, books, exceptions, optional(services.roster.day)


def cm_id(services: Any, actor: Any, staff_no: str, field: str) -> int:
    """The id of the active staff member `staff_no` (a CM to give clients to)."""
    staff = next((s for s in services.staff.roster(actor) if s.staff_no == staff_no.strip()),
                 None)
    if staff is None or not staff.active:
        raise FieldError(field, "error.head.no_such_cm")
    return int(staff.id)


class StaffPanel(HeadPanel):
    KEY = "staff"

    DEFAULT_CSS = """
    StaffPanel {
        height: 1fr;
    }
    StaffPanel > #staff-table {
        height: 2fr;
    }
    StaffPanel > .panel-title {
        text-style: bold;
        color: $accent;
        padding: 0 1;
    }
    StaffPanel:focus-within > .panel-title {
        text-style: bold reverse;
    }
    StaffPanel > #exceptions-table {
        height: 1fr;
        min-height: 4;
    }
    StaffPanel > #staff-loading {
        height: auto;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("f8", "add_staff", "head.bind.add_staff", id="head.add_staff"),
        Binding("ctrl+r", "set_roles", "head.bind.roles", id="head.roles"),
        Binding("ctrl+k", "reset_pin", "head.bind.reset_pin", id="head.reset_pin"),
        Binding("ctrl+u", "unlock", "head.bind.unlock", id="head.unlock"),
        Binding("ctrl+d", "deactivate", "head.bind.deactivate", id="head.deactivate"),
        Binding("ctrl+e", "assign_cm", "head.bind.assign_cm", id="head.assign_cm"),
        Binding("ctrl+b", "reassign_book", "head.bind.reassign_book", id="head.reassign_book"),
        Binding("ctrl+n", "roster", "roster.bind.open", id="head.roster"),
    ]
    FOOTER_ORDER = ("head.add_staff", "head.roster", "head.assign_cm", "head.roles",
                    "head.reset_pin", "head.unlock", "head.reassign_book", "head.deactivate")

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.staff: list[StaffView] = []

    def compose(self) -> ComposeResult:
        yield Static(loading_text(), id="staff-loading")
        table: DataTable[Text | str] = PlainTable(id="staff-table", cursor_type="row",
                                                 zebra_stripes=True)
        for key in ("staff_no", "name", "roles", "state"):
            table.add_column(t(f"head.staff.col.{key}"), key=key)
        table.add_column(t("roster.col.today"), key="today")
        table.add_column(t("head.staff.col.clients"), key="clients")
        yield table
        yield Static(t("head.staff.exceptions"), classes="panel-title", id="exceptions-title")
        exceptions: DataTable[Text | str] = PlainTable(id="exceptions-table", cursor_type="row")
        for key in ("kind", "who", "detail"):
            exceptions.add_column(t(f"head.staff.col.{key}"), key=key)
        yield exceptions

    def show_loading(self, on: bool) -> None:
        self.query_one("#staff-loading").display = on

    def fetch(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return fetch_staff, (self.services,)

    @property
    def selected(self) -> StaffView | None:
        table = self.query_one("#staff-table", DataTable)
        if not self.staff or table.cursor_row < 0 or table.cursor_row >= len(self.staff):
            return None
        return self.staff[table.cursor_row]

    def show(self, loaded: tuple[Any, ...]) -> None:
        staff, books, exceptions, roster = loaded
        self.fill(staff, books, exceptions, self.clock.now(), roster)

    def fill(self, staff: list[StaffView], books: dict[int, int], exceptions: Exceptions | None,
             now: datetime, roster: RosterView | None = None) -> None:
        table = self.query_one("#staff-table", DataTable)
        keep = self.selected
        self.staff = staff
        table.clear()
        theme = self.app.current_theme
        for s in staff:
            state = staff_state(s, now)
            style = {"locked": theme.warning or "yellow", "inactive": "dim"}.get(state, "")
            line = roster.line(s.id) if roster is not None else None
            today = state_text(line.status) + (f" {duty_text(line)}" if duty_text(line) else "") \
                if line is not None and s.active else ""
            table.add_row(s.staff_no, Text(s.name), listing(t(f"role.{r}") for r in s.roles),
                          Text(t("insiders.state.pin_reset" if state == "pin_reset"
                                 else f"head.staff.state.{state}"), style=style), today,
                          Text(str(books.get(s.id, 0)) if books.get(s.id) else "", justify="right"),
                          key=s.staff_no)
        if keep is not None and keep.staff_no in table.rows:
            table.move_cursor(row=table.get_row_index(keep.staff_no))
        rows = self.query_one("#exceptions-table", DataTable)
        rows.clear()
        if exceptions is None:
            return
        for c in exceptions.premium_without_cm:
            detail = tier_name(self.settings, c.tier)
            if c.entitled_by == "card":
                detail = t("ownership.by_card", tier=detail)
            rows.add_row(t("head.staff.exc.no_cm"), Text(c.name), detail,
                         key=f"client-{c.client_id}")
        for ch in exceptions.overdue_changes:
            rows.add_row(t("head.staff.exc.change_overdue"), Text(ch.client_name),
                         Text(t("head.staff.exc.change_detail", old=ch.from_cm_name,
                                new=ch.to_cm_name, due=ch.due_on.isoformat())),
                         key=f"change-{ch.assignment_id}")
        for load in exceptions.portfolio_out_of_range:
            rows.add_row(t(f"head.staff.exc.{load.state}"), Text(f"{load.staff_no} {load.name}"),
                         t("head.staff.exc.book", size=load.size), key=f"cm-{load.cm_id}")
        self.query_one("#exceptions-title", Static).update(
            t("head.staff.exceptions_count", count=exceptions.count))

    # --- actions -------------------------------------------------------------------------------
    def _selected_staff(self) -> StaffView | None:
        staff = self.selected
        if staff is None:
            self.notify(t("head.staff.none_selected"), severity="warning")
        return staff

    def _after(self, message: str) -> Callable[[Any], None]:
        def done(result: Any) -> None:
            if result is not None:
                self.changed(message)
        return done

    def action_add_staff(self) -> None:
        """A new staff member (services.staff.add): their one-time PIN is shown once here, to
        hand over in person (they choose their own at the first sign-in, not on this
        terminal); a head or supervisor role then waits for a second person."""
        from wealthtui.services.staff import parse_birthday
        from wealthtui.ui.dialogs.new_pin import one_time_pin_dialog

        staff_service = self.services.staff
        tz = self.services.ctx.tz

        def submit(actor: Any, v: dict[str, Any]) -> Any:
            return staff_service.add(actor, v["staff_no"], v["name"], v["roles"],
                                     birthday=parse_birthday(v["birthday"]))

        def added(new: Any) -> None:
            if new is None:
                return
            self.changed(t("head.staff.added"))
            then = (lambda _shown: self._approve_grant(new.pending)) if new.pending else None
            self.app.push_screen(one_time_pin_dialog(new, tz), then)
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
        staff_service = self.services.staff

        def saved(change: Any) -> None:
            if change is None:
                return
            self.changed(t("head.staff.roles_saved"))
            if change.pending is not None:  # head or supervisor, or one's own: a second person
                self._approve_grant(change.pending)
        self.app.push_screen(head_form(
            t("head.staff.roles_title", name=staff.name),
            [roles_field("roles", "field.roles", staff.roles)],
            submit=lambda actor, v: staff_service.set_roles(actor, staff.staff_no, v["roles"]),
        ), saved)

    def _approve_grant(self, grant: Any) -> None:
        """The second person approves a pending role grant here with their staff number and
        PIN (a supervisor, or the head when the head is not the requester); Escape leaves it
        pending for `wealthtui staff approve-roles`."""
        from wealthtui.ui.dialogs.second_person import SecondPersonDialog

        def names(roles: Any) -> str:
            return listing(t(f"role.{r}") for r in roles) or "—"

        def done(other: Any) -> None:
            if other is None:
                self.notify(t("insiders.grant.left_pending", id=grant.id), severity="warning",
                            timeout=8)
            else:
                self.changed(t("insiders.grant.approved"))
        staff_service = self.services.staff
        self.app.push_screen(SecondPersonDialog(
            "staff.grant_approve", title=t("insiders.grant.approve_title"),
            detail=t("insiders.grant.approve_detail", name=grant.name, staff_no=grant.staff_no,
                     before=names(grant.roles_before), after=names(grant.roles_after),
                     by=grant.requested_by_name),
            on_verified=lambda other: staff_service.approve_grant(other, grant.id),
        ), done)

    def action_reset_pin(self) -> None:
        """A one-time PIN for the selected staff member, shown once here to hand over in
        person; it cannot be used on this terminal (services.staff.reset_pin)."""
        staff = self._selected_staff()
        if staff is None:
            return
        from wealthtui.ui.dialogs.new_pin import one_time_pin_dialog

        def shown(pin: Any) -> None:
            self.changed(t("head.staff.pin_reset"))
            self.app.push_screen(one_time_pin_dialog(pin, self.services.ctx.tz))

        def answer(yes: bool | None) -> None:
            if yes:
                self.call(self.services.staff.reset_pin, staff.staff_no, then=shown)
        self.app.push_screen(ConfirmDialog(t("insiders.reset.confirm", name=staff.name),
                                           default_no=True), answer)

    def action_unlock(self) -> None:
        staff = self._selected_staff()
        if staff is not None:
            self.call(self.services.staff.unlock, staff.staff_no,
                      then=lambda _r: self.changed(t("head.staff.unlocked")))

    def action_deactivate(self) -> None:
        staff = self._selected_staff()
        if staff is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.call(self.services.staff.deactivate, staff.staff_no,
                          then=lambda _r: self.changed(t("head.staff.deactivated")))
        self.app.push_screen(ConfirmDialog(t("head.staff.deactivate_confirm", name=staff.name),
                                           default_no=True), answer)

    def action_assign_cm(self) -> None:
        selected = self.selected
        default_cm = (selected.staff_no if selected is not None
                      and set(selected.roles) & (permissions.CMS | {permissions.HEAD}) else "")
        services = self.services

        def submit(actor: Any, v: dict[str, Any]) -> Any:
            query = v["client"].strip()
            if not query:
                raise FieldError("head.field.client", "error.field.required")
            cards = services.lookup.search(actor, query)
            if not cards:
                raise FieldError("head.field.client", "error.head.no_client")
            if len(cards) > 1:
                names = listing(staff_ref(c.name, c.card_masked or c.id_masked) for c in cards[:5])
                raise FieldError("head.field.client", "error.head.several_clients", names=names)
            cm = cm_id(services, actor, v["cm"], "head.field.cm")
            return services.assignments.assign(actor, cards[0].id, cm, v["reason"])
        self.app.push_screen(head_form(t("head.cm.assign_title"), [
            Field("client", "head.field.client", max_length=40),
            Field("cm", "head.field.cm", value=default_cm, max_length=20),
            Field("reason", "field.reason", max_length=200),
        ], submit=submit, detail=t("head.cm.assign_detail")), self._after(t("head.cm.assigned")))

    def action_reassign_book(self) -> None:
        staff = self._selected_staff()
        if staff is None:
            return
        services = self.services

        def submit(actor: Any, v: dict[str, Any]) -> Any:
            nos = [n for n in v["to"].replace("，", ",").split(",") if n.strip()]
            if not nos:
                raise FieldError("head.field.successors", "error.field.required")
            ids = [cm_id(services, actor, n, "head.field.successors") for n in nos]
            return services.assignments.reassign_book(actor, staff.id, ids, v["reason"])
        self.app.push_screen(head_form(t("head.cm.book_title", name=staff.name), [
            Field("to", "head.field.successors", max_length=100),
            Field("reason", "field.reason", max_length=200),
        ], submit=submit, detail=t("head.cm.book_detail")), self._after(t("head.cm.book_done")))

    def action_roster(self) -> None:
        """The day's roster (who is in, the duty CM and lobby manager), in a modal."""
        def done(changed: bool | None) -> None:
            if changed:
                self.changed()
        self.app.push_screen(RosterDialog(), done)
