"""Targeted marketing lists (定向营销, manual digest §4.2) from the screens.

`target_builder(services, actor, settings, cms=...)`: the form that builds a list from criteria.
As the criteria are typed, the info line shows how many clients the list would hold now (a count
query, `targets.count`, through the one call path: the last keystroke's count wins); F2 creates
it. The head deals it by book or evenly over the CMs ticked (`cms`: the CMs to offer, read
beforehand by the caller off the event loop); a CM builds one from their own book (every target
theirs, no dealing fields). The form's save runs off the event loop too (head_forms.CalledForm).

`TargetsDialog()`: the open lists with their progress per CM (targets, contacted, results); F2
builds a new list, F3 deals the selected list's open targets again (head). Every read is a call
through ui/calls.py.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from wealthtui.config import Settings
from wealthtui.i18n import t
from wealthtui.rules import permissions
from wealthtui.rules.deadlines import parse_day
from wealthtui.rules.fields import FieldError
from wealthtui.rules.target_criteria import FIELDS, parse_criteria
from wealthtui.services import Actor, Services
from wealthtui.services.targets import MODES
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.calls import Calls
from wealthtui.ui.dialogs.form_dialog import Field, FormDialog, Look
from wealthtui.ui.dialogs.frame import frame_css
from wealthtui.ui.dialogs.head_forms import CalledForm
from wealthtui.ui.errors import describe
from wealthtui.ui.text import PlainTable

#: one row per field so that the builder fits 80x24
BUILDER_LOOK = Look(width=76, fields_height=13, list_height=4, compact=True)
PROGRESS_SHOWN = ("open", "contacted", "appointment", "converted", "declined", "unreachable")


def _is_head(actor: Actor) -> bool:
    return permissions.HEAD in actor.roles


CmChoices = tuple[tuple[str, Any], ...]


def cm_choices(cms: Any) -> CmChoices:
    """The CMs to tick, from `services.targets.cms(actor)`."""
    return tuple((f"{c.staff_no} {c.name}", c.staff_id) for c in cms)


def builder_fields(actor: Actor, settings: Settings, cms: CmChoices = ()) -> list[Field]:
    tiers = " ".join(f"{x.code}" for x in settings.tiers)
    fields = [
        Field("name", "targets.field.name", max_length=60),
        Field("deadline", "targets.field.deadline", max_length=12, placeholder="2026-12-31"),
        Field("purpose", "targets.field.purpose", max_length=200),
        Field("tiers", "targets.field.tiers", max_length=80, placeholder=tiers),
        Field("aum_min", "targets.field.aum_min", max_length=20),
        Field("aum_max", "targets.field.aum_max", max_length=20),
        Field("products", "targets.field.products", max_length=200),
        Field("maturing_from", "targets.field.maturing_from", max_length=12),
        Field("maturing_to", "targets.field.maturing_to", max_length=12),
        Field("no_contact_days", "targets.field.no_contact_days", max_length=5),
        Field("birthday_month", "targets.field.birthday_month", max_length=2),
        Field("risk", "targets.field.risk", max_length=20, placeholder="C3-C5"),
    ]
    if _is_head(actor):
        fields.append(Field("mode", "targets.field.mode", kind="select",
                            options=tuple((t(f"targets.mode.{m}"), m) for m in MODES),
                            value="book"))
        fields.append(Field("cms", "targets.field.cms", kind="checks", options=cms))
    return fields


def count_text(count: Any) -> str:
    return t("targets.preview.count", total=count.total, with_cm=count.with_cm,
             without_cm=count.without_cm)


def preview(form: Calls, services: Services, settings: Settings, values: dict[str, Any],
            show: Any) -> None:
    """Ask for the count the criteria give now (off the event loop; the last request wins) and
    `show(text)` it, or what is wrong with the criteria."""
    criteria = {k: str(values.get(k) or "") for k in FIELDS}
    if not any(v.strip() for v in criteria.values()):
        show(t("targets.preview.none"))
        return
    try:
        filters = parse_criteria(criteria, tiers=[x.code for x in settings.tiers])
    except FieldError as exc:
        show(describe(exc))
        return
    form.call(services.targets.count, filters, key="targets-preview", quiet=True,
              then=lambda count: show(count_text(count)),
              failed=lambda failure: show(failure.message))


def target_builder(services: Services, actor: Actor, settings: Settings,
                   cms: CmChoices = ()) -> FormDialog:
    tiers = [x.code for x in settings.tiers]

    def submit(actor: Actor, values: dict[str, Any]) -> Any:
        filters = parse_criteria({k: str(values.get(k) or "") for k in FIELDS}, tiers=tiers)
        deadline = parse_day(str(values.get("deadline") or ""), "targets.field.deadline")
        return services.targets.create(
            actor, str(values.get("name") or ""), filters, deadline,
            purpose=str(values.get("purpose") or ""), mode=values.get("mode") or "book",
            cm_ids=list(values.get("cms") or []))

    def changed(form: FormDialog) -> None:
        if isinstance(form, Calls):
            preview(form, services, settings, form.values(), lambda text: form.set_info(0, text))

    title = t("targets.builder.title") if _is_head(actor) else t("targets.builder.title_own")
    return CalledForm(title, builder_fields(actor, settings, cms), submit=submit,
                      info=[t("targets.preview.none")], on_change=changed, look=BUILDER_LOOK,
                      form_id="target-builder")


def assign_form(services: Services, list_id: int, cms: CmChoices) -> FormDialog:
    def submit(actor: Actor, values: dict[str, Any]) -> Any:
        return services.targets.assign(actor, list_id, values.get("mode") or "book",
                                       list(values.get("cms") or []))

    return CalledForm(t("targets.assign.title", id=list_id), [
        Field("mode", "targets.field.mode", kind="select",
              options=tuple((t(f"targets.mode.{m}"), m) for m in MODES), value="even"),
        Field("cms", "targets.field.cms", kind="checks", options=cms),
    ], submit=submit, info=[t("targets.assign.info")], look=BUILDER_LOOK,
        form_id="target-assign")


class TargetsDialog(Calls, TranslatedBindings, ModalScreen[None]):
    """The open target lists and the progress of the one under the cursor, per CM."""

    DEFAULT_CSS = frame_css(
        'TargetsDialog', '#targets-box', width=78, title='#targets-title') + """
    TargetsDialog #target-lists {
        height: auto;
        max-height: 7;
    }
    TargetsDialog #target-progress {
        height: auto;
        max-height: 9;
    }
    TargetsDialog .targets-note {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("f2", "build", "targets.bind.build", id="targets.build"),
        Binding("f3", "assign", "targets.bind.assign", id="targets.assign"),
        Binding("escape", "close", "targets.bind.close", id="targets.close"),
    ]

    def __init__(self) -> None:
        super().__init__(id="targets-dialog")
        self.lists: list[Any] = []
        self.cms: CmChoices = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="targets-box"):
            yield Static(t("targets.dialog.title"), id="targets-title")
            yield Static("", id="targets-empty", classes="targets-note")
            lists: DataTable[Any] = PlainTable(id="target-lists", cursor_type="row")
            for key in ("id", "name", "deadline", "total", "contacted", "converted"):
                lists.add_column(t(f"targets.col.{key}"), key=key)
            yield lists
            yield Static("", id="targets-progress-title", classes="targets-note")
            progress: DataTable[Any] = PlainTable(id="target-progress", cursor_type="none")
            progress.add_column(t("targets.col.cm"), key="cm")
            progress.add_column(t("targets.col.total"), key="total")
            progress.add_column(t("targets.col.contacted"), key="contacted")
            for status in PROGRESS_SHOWN[2:]:
                progress.add_column(t(f"cm.target_status.{status}"), key=status)
            yield progress
            yield Footer()

    def on_mount(self) -> None:
        self.reload()
        if self.actor.can("targetlist.manage"):
            self.call(self.services.targets.cms, key="targets-cms", quiet=True,
                      then=self._cms_read)

    def _cms_read(self, cms: Any) -> None:
        self.cms = cm_choices(cms)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "assign":
            return self.actor.can("targetlist.manage") and bool(self.lists)
        return True

    def reload(self) -> None:
        self.call(self.services.targets.lists, key="targets-lists", then=self._lists_read)

    def _lists_read(self, lists: list[Any]) -> None:
        mine = None if _is_head(self.actor) else self.actor.staff_id
        self.lists = [x for x in lists if mine is None or x.created_by == mine]
        table = self.query_one("#target-lists", DataTable)
        table.clear()
        for x in self.lists:
            contacted = x.total - x.count("open")
            table.add_row(str(x.id), Text(x.name), x.deadline.isoformat(), str(x.total),
                          str(contacted), str(x.count("converted")), key=str(x.id))
        self.query_one("#targets-empty", Static).update(
            "" if self.lists else t("targets.dialog.empty"))
        self.query_one("#targets-empty").display = not self.lists
        self.show_progress()
        self.refresh_bindings()

    @property
    def selected(self) -> Any:
        table = self.query_one("#target-lists", DataTable)
        if not self.lists or table.cursor_row is None:
            return None
        return self.lists[min(table.cursor_row, len(self.lists) - 1)]

    @on(DataTable.RowHighlighted, "#target-lists")
    def _highlighted(self) -> None:
        self.show_progress()

    def show_progress(self) -> None:
        table = self.query_one("#target-progress", DataTable)
        table.clear()
        chosen = self.selected
        title = self.query_one("#targets-progress-title", Static)
        if chosen is None:
            title.update("")
            return
        title.update(Text(t("targets.dialog.progress", id=chosen.id)) + Text(chosen.name))
        self.call(self.services.targets.progress, chosen.id, key="targets-progress",
                  then=self._progress_read)

    def _progress_read(self, rows: Any) -> None:
        table = self.query_one("#target-progress", DataTable)
        table.clear()
        for r in rows:
            table.add_row(Text(r.cm_name), str(r.total), str(r.contacted),
                          *(str(r.count(s)) for s in PROGRESS_SHOWN[2:]), key=str(r.cm_id))

    def _done(self, message: str) -> Any:
        def after(result: Any) -> None:
            if result is not None:
                self.notify(message)
                self.reload()
        return after

    def action_build(self) -> None:
        self.app.push_screen(target_builder(self.services, self.actor, self.settings, self.cms),
                             self._done(t("targets.created")))

    def action_assign(self) -> None:
        chosen = self.selected
        if chosen is None:
            return
        self.app.push_screen(assign_form(self.services, chosen.id, self.cms),
                             self._done(t("targets.assigned")))

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["TargetsDialog", "assign_form", "preview", "target_builder"]
