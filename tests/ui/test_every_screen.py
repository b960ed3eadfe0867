"""Every screen and dialog at 80×24 and 120×40 in both languages (issue 19, "Done when"), and in
the same walk its words: rendered in English it shows no CJK character except the seed's own data
(names, a complaint's text), rendered in Chinese none of Textual's/Typer's English defaults.

One parametrised snapshot test over a registry, `CASES`: name → how to open it. A dialog opens
on a small host app (tests/ui/host_app.py, with the real app's CSS) when that shows the same
thing; a role screen, and what only opens over one, on the real app, signed in without typing
(the sign-in screen has its own snapshots, tests/ui/test_snapshots.py). One app start per case.
`test_every_screen_class_is_in_the_registry` fails when a Screen/ModalScreen class in ui/ is in
neither the registry nor the commented `COVERED_ELSEWHERE`.

Review changes in snapshot_report.html; update with `pytest tests/ui/test_every_screen.py
--snapshot-update`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

import wealthtui.ui
from tests.staffed import Staffing
from tests.ui.helpers import make_app, quiet_settings, screen_text, settle
from tests.ui.host_app import HostApp
from wealthtui import i18n
from wealthtui.i18n import t
from wealthtui.services import Actor, Services
from wealthtui.ui.app import WealthApp
from wealthtui.ui.dialogs import counter_dialogs
from wealthtui.ui.dialogs.appointment import CashPlanDialog
from wealthtui.ui.dialogs.choice import ChoiceDialog
from wealthtui.ui.dialogs.close_day import CloseDayDialog
from wealthtui.ui.dialogs.cm_contact import ContactDialog, contact_form
from wealthtui.ui.dialogs.cm_find import FindClientDialog
from wealthtui.ui.dialogs.confirm import ConfirmDialog
from wealthtui.ui.dialogs.counter_authz import AuthorizationChoice
from wealthtui.ui.dialogs.flow_confirm import FlowLogConfirmDialog
from wealthtui.ui.dialogs.new_pin import choose_pin_dialog
from wealthtui.ui.dialogs.pin import PinDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.dialogs.roster import RosterDialog
from wealthtui.ui.dialogs.second_person import SecondPersonDialog
from wealthtui.ui.dialogs.targets import TargetsDialog, target_builder
from wealthtui.ui.labels import business_name
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.client_file import ClientFileScreen
from wealthtui.ui.screens.complaint_detail import ComplaintDetailScreen
from wealthtui.ui.screens.compliance_view import ComplianceScreen
from wealthtui.ui.screens.my_checklists import MyChecklistsScreen
from wealthtui.ui.screens.my_complaints import MyComplaintsScreen

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
LANGUAGES = ("zh_CN", "en")

#: the seed's own words: what may show in CJK on an English screen (data, never app text)
STAFF = {"lobby": ("L001", "黄磊", "lobby_manager"), "teller": ("T001", "刘洋", "cash_teller"),
         "sup": ("U001", "李秀英", "supervisor"), "cm": ("C001", "周婷", "wealth_cm")}
CLIENT = "李美霞"
COMPLAINT = {"description": "排队一个多小时无人引导", "name": "王女士"}
SEED_WORDS = ("王主任", *(name for _no, name, _role in STAFF.values()), CLIENT,
              *COMPLAINT.values())

#: Textual's and Typer's own English words that must not show on a Chinese screen
ENGLISH_DEFAULTS = ("Dismiss", "Cancel", "Search", "No matches", "Show this message",
                    "valid until", "None", "Select", "Exit the command palette", "Open link",
                    "Toggle", "Quit", "Submit", "palette")

#: app text that shows CJK in English on purpose: the look-up's example of a Chinese surname
#: typed with initials (names are Chinese whatever the screen's language)
CJK_ON_PURPOSE = ("张s",)

CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+")


@dataclass
class World:
    services: Services
    head: Actor
    staff: dict[str, Actor]
    client_id: int
    complaint_id: int


@pytest.fixture
def world(services: Services, head: Actor, make_staff: Any, staffing: Staffing) -> World:
    """The staff, a premium client, a complaint and a hand-off: seeded once per run and copied
    (a step of tests/staffed.py, as the head panels' seed)."""
    staff = {key: make_staff(role, name=name, staff_no=no)
             for key, (no, name, role) in STAFF.items()}

    def seed(on: Services, _head: Actor | None) -> tuple[int, int]:
        from tests.lobby_data import add_client, attend, sign_on

        attend(on.ctx.engine, staff["cm"].staff_id, duty=True)
        sign_on(on.ctx.engine, staff["teller"].staff_id, "01")
        client_id = add_client(on.ctx.engine, CLIENT, seq=1, tier="premium", title="女士",
                               phone="13912345678", cm_id=staff["cm"].staff_id)
        complaint = on.complaints.intake(
            staff["lobby"], channel="on_site", category="waiting", subcategory="queue",
            description=COMPLAINT["description"], name=COMPLAINT["name"], phone="13711112222",
            staff_complained=[staff["teller"].staff_id])
        on.handoffs.create(staff["lobby"], kind="general", to_staff_id=staff["cm"].staff_id,
                           client_id=client_id, note="")
        return client_id, complaint.id

    client_id, complaint_id = staffing.step(services, ("every-screen-world",), seed)
    return World(services, head, staff, client_id, complaint_id)


# --- how each screen opens ----------------------------------------------------------------------
Open = Callable[[Pilot[Any], World], Awaitable[None]]


@dataclass(frozen=True)
class Case:
    cls: type[Screen[Any]]   # the class it shows (the registry meta-test reads it)
    who: str                 # "head" or a key of STAFF: the actor
    open: Open
    real_app: bool = False   # on the real app, signed in as `who` (else on the host app)


def _push(make: Callable[[World], Screen[Any]]) -> Open:
    async def open_(pilot: Pilot[Any], world: World) -> None:
        await pilot.app.push_screen(make(world))
    return open_


def _keys(*keys: str) -> Open:
    async def open_(pilot: Pilot[Any], world: World) -> None:
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
    return open_


def _actor(world: World, who: str) -> Actor:
    return world.head if who == "head" else world.staff[who]


def _choice(w: World) -> Screen[Any]:
    proc = w.services.checklists.catalog().get("counter_shift_handover")
    assert proc is not None
    step = proc.step("reason")
    assert step is not None
    return ChoiceDialog(step, "", submit=lambda choice: choice)


def _authz(w: World) -> Screen[Any]:
    settings = w.services.settings
    code = settings.counter.business_types[0].code
    return AuthorizationChoice([
        t("counter.authz.business", ticket="A001", business=business_name(settings, code),
          amount="¥60,000.00"),
        t("counter.authz.who", roles=t("role.supervisor")),
    ])


def _contact(w: World) -> Screen[Any]:
    """The CM's contact form for the seed's client, with the products' suitability as the CM
    screen reads it (ui/screens/cm_actions.py)."""
    services, cm = w.services, w.staff["cm"]
    codes = [p.code for p in services.settings.contact.products]
    checks = services.contacts.check_products(cm, w.client_id, codes)
    return contact_form(services, cm, services.settings, services.ctx.today(), w.client_id,
                        CLIENT, purpose="follow_up", checks=checks)


def _cash_plan(w: World) -> Screen[Any]:
    """The supervisor's F10 with one large-cash booking for the next open day (its client and
    denominations are data; the seed's client keeps the English screen free of other CJK)."""
    services = w.services
    day = services.appointments.large_cash_tomorrow(w.staff["sup"]).day  # the next open day
    services.appointments.book(
        w.staff["lobby"], client_id=w.client_id, purpose="large_cash",
        start=datetime(day.year, day.month, day.day, 10, tzinfo=services.ctx.tz),
        amount="200000", denominations="100×2000")
    return CashPlanDialog(services.appointments.large_cash_tomorrow(w.staff["sup"]),
                          services.ctx.tz)


def _lock(pilot: Pilot[Any], world: World) -> Awaitable[None]:
    async def open_() -> None:
        pilot.app.lock()
        await settle(pilot)
    return open_()


CASES: dict[str, Case] = {
    # role screens (the head's six tabs: tests/ui/test_head_panels.py)
    "lobby": Case(Screen, "lobby", _keys(), real_app=True),
    "counter": Case(Screen, "teller", _keys(), real_app=True),
    "counter_oversee": Case(Screen, "sup", _keys(), real_app=True),
    "cm": Case(Screen, "cm", _keys(), real_app=True),
    # what opens over a role screen
    "help": Case(Screen, "teller", _keys("f1"), real_app=True),
    "palette": Case(Screen, "teller", _keys("ctrl+p"), real_app=True),
    "lock": Case(Screen, "teller", _lock, real_app=True),
    "handoff": Case(Screen, "cm", _keys("f9", "enter"), real_app=True),
    # dialogs and pushed screens, on the host app
    "confirm": Case(ConfirmDialog, "teller", _push(lambda w: ConfirmDialog(
        t("app.quit_confirm"), title=t("shell.quit_title")))),
    "reason": Case(ReasonDialog, "teller", _push(lambda w: ReasonDialog(
        t("counter.park.title", ticket="A001"), field_key="field.note"))),
    "choice": Case(ChoiceDialog, "teller", _push(_choice)),
    "authorization_choice": Case(AuthorizationChoice, "teller", _push(_authz)),
    "second_person": Case(SecondPersonDialog, "teller", _push(lambda w: SecondPersonDialog(
        "authz.decide", title=t("counter.authz.pin_title"),
        detail=t("counter.authz.title")))),
    "handover_form": Case(counter_dialogs.HandoverForm, "teller", _push(
        lambda w: counter_dialogs.handover_form(
            w.services, w.staff["teller"], w.services.handover.box(w.staff["teller"])))),
    "pin": Case(PinDialog, "lobby", _push(lambda w: PinDialog(
        t("shell.kiosk_exit_title"), allowed=lambda actor: True,
        refusal_key="shell.kiosk_exit_refused"))),
    "new_pin_form": Case(Screen, "teller", _push(lambda w: choose_pin_dialog(
        w.services, "T001", "135790", t("insiders.error.must_change", by="王主任 (H001)",
                                          at="2026-11-30 09:00")))),
    "roster": Case(RosterDialog, "lobby", _push(lambda w: RosterDialog())),
    "checklist": Case(ChecklistScreen, "lobby", _push(lambda w: ChecklistScreen(
        w.services.checklists.start(w.staff["lobby"], "lobby_opening").id))),
    "flow_log_confirm": Case(FlowLogConfirmDialog, "lobby", _push(lambda w: FlowLogConfirmDialog(
        w.services.checklists.start(w.staff["lobby"], "lobby_closing")))),
    "my_checklists": Case(MyChecklistsScreen, "lobby", _push(lambda w: MyChecklistsScreen())),
    "my_complaints": Case(MyComplaintsScreen, "teller", _push(lambda w: MyComplaintsScreen())),
    "complaint_detail": Case(ComplaintDetailScreen, "head", _push(
        lambda w: ComplaintDetailScreen(w.complaint_id))),
    "find_client": Case(FindClientDialog, "cm", _push(lambda w: FindClientDialog())),
    "client_file": Case(ClientFileScreen, "cm", _push(lambda w: ClientFileScreen(
        w.services.client_file.open(w.staff["cm"], w.client_id)))),
    "close_day": Case(CloseDayDialog, "head", _push(
        lambda w: CloseDayDialog(w.services.day.state(w.head)))),
    "targets": Case(TargetsDialog, "head", _push(lambda w: TargetsDialog())),
    "compliance": Case(ComplianceScreen, "head", _push(lambda w: ComplianceScreen())),
    "contact_form": Case(ContactDialog, "cm", _push(_contact)),
    "cash_plan": Case(CashPlanDialog, "sup", _push(_cash_plan)),
    "target_builder": Case(Screen, "head", _push(lambda w: target_builder(
        w.services, w.head, w.services.settings))),
}

#: the role screens' classes, and what opens over them, by case name (checked after opening)
SHOWN_ON_THE_REAL_APP = {
    "lobby": "LobbyScreen", "counter": "CounterScreen", "counter_oversee": "CounterOverseeScreen",
    "cm": "CMScreen", "help": "HelpScreen", "palette": "Palette", "lock": "LockScreen",
    "handoff": "HandoffDialog", "new_pin_form": "FormDialog", "target_builder": "CalledForm",
}

#: Screen classes in ui/ with their snapshots elsewhere, or not screens a person sees alone
COVERED_ELSEWHERE = {
    # the sign-in screen, both sizes and languages, and the too-small notice (tests/ui/test_snapshots.py)
    "LoginScreen", "TooSmallScreen",
    # the head's six tabs at both sizes in both languages (tests/ui/test_head_panels.py)
    "HeadScreen",
    # the complaint form with a focused input and checkbox, both sizes and languages
    # (tests/ui/test_complaint_intake.py)
    "ComplaintIntakeDialog",
    # bases, never shown themselves: every role screen is a RoleScreen, both counter screens a
    # CounterBase, every form a FormDialog (shown here as new_pin_form and handover_form), and
    # every form screen an EnterAdvances (Enter moves to the next field: dialogs/form.py)
    "RoleScreen", "CounterBase", "EnterAdvances",
    # the appointment calendar, both sizes and languages (tests/ui/test_appointments_ui.py)
    "CalendarScreen",
    # the counter's business form is a FormDialog with one more key (F3, the dual recording);
    # the "Loading…" dialog before the questionnaire: Pilot tests at 80x24 (test_risk_counter.py,
    # test_compliance_slow.py)
    "BusinessDialog", "PendingDialog",
}


class SnapHost(HostApp):
    """The host app with the real app's style sheet."""

    CSS_PATH = WealthApp.CSS_PATH

    def notify(self, message: str, **kw: Any) -> None:
        kw["markup"] = False
        super().notify(str(message), **kw)


def check_words(text: str, language: str) -> None:
    """English: no CJK but the seed's own words; Chinese: none of the English defaults."""
    if language == "en":
        strays = [run for run in CJK.findall(text)
                  if not any(run in word for word in (*SEED_WORDS, *CJK_ON_PURPOSE))]
        assert strays == [], f"CJK on an English screen: {strays}\n{text}"
    else:
        found = [word for word in ENGLISH_DEFAULTS if word in text]
        assert found == [], f"English defaults on a Chinese screen: {found}\n{text}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("case", list(CASES))
def test_every_screen(snap_compare: Any, services: Services, world: World, case: str,
                      size: str, language: str) -> None:
    spec = CASES[case]
    actor = _actor(world, spec.who)
    if spec.real_app:
        app: Any = make_app(services, quiet_settings(services.settings, language=language))
    else:
        i18n.set_language(language)
        app = SnapHost(services, actor)

    async def open_it(pilot: Pilot[Any]) -> None:
        if spec.real_app:
            pilot.app.sign_in(actor)
            await settle(pilot)
            pilot.app.clear_notifications()  # the welcome toast goes on its own clock
        await spec.open(pilot, world)
        await settle(pilot)
        shown = type(pilot.app.screen)
        expected = SHOWN_ON_THE_REAL_APP.get(case, spec.cls.__name__)
        assert expected in [c.__name__ for c in shown.__mro__], (case, shown)
        check_words(screen_text(pilot.app), language)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=open_it)


def _screen_classes() -> set[str]:
    names: set[str] = set()
    for info in pkgutil.walk_packages(wealthtui.ui.__path__, "wealthtui.ui."):
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__:
                names.add(name)
    return names


def test_every_screen_class_is_in_the_registry() -> None:
    registered = {c.cls.__name__ for c in CASES.values() if c.cls is not Screen}
    registered |= set(SHOWN_ON_THE_REAL_APP.values())
    missing = _screen_classes() - registered - COVERED_ELSEWHERE
    assert missing == set(), f"screens with no snapshot case: {sorted(missing)}"
