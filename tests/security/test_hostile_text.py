"""Stored text is data, never markup (issue 15 items 1 and 3).

Every free-text field of the demo center gets a hostile string (tests/hostile.py: markup, unbalanced
`[/]`, `[@click=…]`, `[link=…]`, rare CJK, formulas, 4,000 characters), written through the
services. Then every role screen of every demo staff member, each tab, view and inbox, a CM's
client file, the lobby's look-up, the complaint detail and the calling board are rendered at 80×24
and 120×40 — with issue 17/18's screens: the appointment calendars, the head's compliance view,
the supervisor's anti-fraud stop and the recording form — with a guard on Textual's and Rich's
markup parsers: any markup parse of text that
holds tests.hostile.SENTINEL (stored text) fails the test, and so does any segment on screen that
carries an action or a link from stored text. The exploits of the issue each have a test of their
own below.
"""

from __future__ import annotations

import sqlite3
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import rich.console
import rich.markup
from rich.cells import cell_len
from rich.text import Text
from sqlmodel import Session, col, select
from textual.content import Content
from typer.testing import CliRunner

from tests import hostile as h
from tests.conftest import FAST_PIN_HASH, T0
from tests.counter_ready import sign_on_ready
from tests.demo_fixture import demo_template, fast_settings
from tests.privacy.test_no_unmasked_numbers import ACCOUNT, Seen, actor, render_everyone
from tests.ui.helpers import make_app, screen_text, settle, sign_in
from wealthtui.cli import app as cli_app
from wealthtui.model import Client, CMAssignment, Complaint
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Services
from wealthtui.services.targets import TargetFilters
from wealthtui.store.engine import make_engine

SENTINEL = h.SENTINEL


# --- the guard on markup parsers ------------------------------------------------------------------
@dataclass
class MarkupGuard:
    """Markup parses of stored text (text holding SENTINEL), with where they came from."""

    parses: list[str] = field(default_factory=list)

    def check(self, where: str, markup: object) -> None:
        if isinstance(markup, str) and SENTINEL in markup:
            frames = traceback.extract_stack()[:-2]
            ours = [f for f in frames if "/wealthtui/" in f.filename][-2:]
            stack = "".join(traceback.format_list(ours + frames[-4:]))
            self.parses.append(f"{where}({markup[:60]!r}) from\n{stack}")


@contextmanager
def markup_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[MarkupGuard]:
    """Wrap every markup parser that Textual 8 and Rich use: Content.from_markup (widgets,
    toasts, options, labels), Text.from_markup (DataTable cells), rich.markup.render (Rich
    tables and console prints)."""
    guard = MarkupGuard()
    content_from_markup = Content.from_markup.__func__  # type: ignore[attr-defined]
    text_from_markup = Text.from_markup.__func__  # type: ignore[attr-defined]
    render = rich.markup.render

    def guarded_content(cls: type, markup: Any, **variables: object) -> Any:
        guard.check("Content.from_markup", markup)
        return content_from_markup(cls, markup, **variables)

    def guarded_text(cls: type, text: Any, *args: Any, **kw: Any) -> Any:
        guard.check("Text.from_markup", text)
        return text_from_markup(cls, text, *args, **kw)

    def guarded_render(markup: Any, *args: Any, **kw: Any) -> Any:
        guard.check("rich.markup.render", markup)
        return render(markup, *args, **kw)

    monkeypatch.setattr(Content, "from_markup", classmethod(guarded_content))
    monkeypatch.setattr(Text, "from_markup", classmethod(guarded_text))
    monkeypatch.setattr(rich.markup, "render", guarded_render)
    monkeypatch.setattr(rich.console, "render_markup", guarded_render)
    yield guard


async def test_the_guard_catches_a_markup_render_of_stored_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard is not blind: stored text handed to each markup-enabled render is caught, and
    the plain paths of ui/text.py are not."""
    from textual.app import App
    from textual.visual import visualize
    from textual.widgets import Static
    from textual.widgets._data_table import default_cell_formatter

    from wealthtui.ui.text import PlainRichTable, PlainTable, plain

    note = f"[b]粗体{SENTINEL}[/b]"  # valid markup, so that the markup renders do not raise
    with markup_guard(monkeypatch) as guard:
        visualize(Static(), note)                 # a Static or Label given a str
        default_cell_formatter(note)              # a str cell of a DataTable
        rich.console.Console().render_str(note)   # a Rich table cell, a console print
        assert [p.split("(")[0] for p in guard.parses] == [
            "Content.from_markup", "Text.from_markup", "rich.markup.render",
            "rich.markup.render"]
        guard.parses.clear()
        visualize(Static(), plain(note))
        Static(note, markup=False).visual  # noqa: B018
        app = App[None]()
        async with app.run_test(size=(80, 24)) as pilot:
            table = PlainTable()
            await app.screen.mount(table)
            table.add_column("c")
            table.add_row(note)
            await pilot.pause()
            cell = table.get_row_at(0)[0]
            shown = [strip.text for strip in app.screen._compositor.render_strips()]
            assert note in shown[1]  # shown as typed, tags and all
        grid = PlainRichTable.grid()
        grid.add_row(note)
        rich.console.Console(file=open("/dev/null", "w")).print(grid)  # noqa: SIM115
        assert guard.parses == []
    assert isinstance(cell, Text) and cell.plain == note


# --- clickable segments -------------------------------------------------------------------------
def actions_on_screen(app: Any) -> list[tuple[str, str, str]]:
    """(text, @click action, link) of every segment on the current screen that has either."""
    out = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            action = str((style.meta or {}).get("@click", "") or "")
            if action or style.link:
                out.append((segment.text, action, style.link or ""))
    return out


def stored_actions(found: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Those of `found` that came from stored text: the text holds SENTINEL, or the action or the
    link is one of the corpus's."""
    bad = ("screenshot", "suspend_process", "switch_mode('login')", "evil.example")
    return [f for f in found if SENTINEL in f[0] or any(b in f[1] or b in f[2] for b in bad)]


# --- hostile text in every free-text field ---------------------------------------------------------
class Corpus:
    """Hands out the corpus strings in turn, cut to a field's limit (the SENTINEL survives)."""

    def __init__(self) -> None:
        self.i = 0
        self.used: list[str] = []

    def __call__(self, limit: int = 500) -> str:
        shown = [s for s in h.SHOWN if len(s) <= limit] + [h.LONG[:limit]]
        value = shown[self.i % len(shown)]
        self.i += 1
        self.used.append(value)
        return value


def hostile_morning(services: Services) -> dict[str, Any]:
    """Today's work in the demo center with hostile text in every free-text field, through the
    services: arrival notes (premium hand-offs), guide notes, a lead, complaints and their
    events, a CM's contact log and client file, a hand-off to a teller, arrivals declined and
    completed with an outcome, a target list and an outcome, a counter record and a parked
    ticket."""
    text = Corpus()
    lobby, head = actor(services, "8031"), actor(services, "8001")
    cm = actor(services, "8041")
    with Session(services.ctx.engine) as db:
        premium = db.exec(
            select(Client.id).join(CMAssignment, CMAssignment.client_id == Client.id)
            .where(col(Client.tier).in_(("premium", "key")), col(CMAssignment.end_at).is_(None))
            .order_by(Client.id).limit(4)).all()
        own = db.exec(select(CMAssignment.client_id).where(
            CMAssignment.cm_id == cm.staff_id, col(CMAssignment.end_at).is_(None))
            .order_by(CMAssignment.client_id).limit(2)).all()
        ordinary = db.exec(select(Client.id).where(Client.tier == "ordinary")
                           .order_by(Client.id).limit(2)).all()
    visits = []
    for client_id in [*own, *premium, *ordinary]:
        visit = services.lobby.arrive(lobby, client_id=client_id, note=text())
        services.lobby.guide(lobby, visit.id, business="non_cash", divert=False, note=text())
        visits.append(visit)
    walk_in = services.lobby.arrive(lobby, note=text())
    services.lobby.guide(lobby, walk_in.id, business="cash", divert=False, note=text())
    services.lobby.notify_cm(lobby, visits[0].id, note=h.MARKUP[0])  # 客户说：[/] 谢谢
    services.lobby.spot_potential(lobby, contact_name="王䶮", contact_phone="13700001111",
                                  signal=text(200), observed_business=text(200), need=text())
    # complaints: texts of every kind, and their events
    first = services.complaints.intake(
        lobby, channel="on_site", category="attitude", subcategory="rude",
        description=h.MARKUP[1], name="王䶮", phone="13600002222",
        requested_remedy=text(1000))
    second = services.complaints.intake(
        lobby, channel="on_site", category="attitude", subcategory="rude", description=h.LONG,
        name="𠮷野家", phone="13600003333", external_ref=h.FORMULAS[1][:40])
    third = services.complaints.intake(
        lobby, channel="on_site", category="attitude", subcategory="rude", description=text(),
        name="王䶮", phone="13600004444", on_spot_reply=text(4000), options_told=True)
    supervisor = actor(services, "8002")
    services.complaints.assign(head, first.id, supervisor.staff_id, note=text())
    services.complaints.add_note(supervisor, first.id, text(2000))
    services.complaints.extend(head, first.id, text(1000))
    services.complaints.pause(head, second.id, text(1000), True)
    # the CM's desk: a contact with texts, the file, a hand-off to a teller, a declined arrival
    services.contacts.log(cm, own[0], channel="phone", content=text(2000), needs=text(),
                          next_action=text(200), next_date=services.ctx.today() + timedelta(days=3))
    services.client_file.update(cm, own[0], occupation=h.MARKUP[5][:60], household=text(200),
                                goals=text(), interests=text(), preferred_time=h.MARKUP[7],
                                notes=h.LONG[:2000])
    services.assignments.hand_to_teller(cm, own[1], text(1000))
    inbox = services.handoffs.inbox(cm)
    arrivals = [x for x in inbox if x.status == "open"]
    if len(arrivals) > 1:
        services.assignments.decline_arrival(cm, arrivals[-1].id, text())
    services.handoffs.accept(cm, arrivals[0].id)
    services.handoffs.complete(cm, arrivals[0].id, text())
    # a target list for the CMs, and an outcome on one of its targets
    listed = services.targets.create(head, text(60), TargetFilters(tiers=("premium",)),
                                     services.ctx.today() + timedelta(days=7), purpose=text(200))
    target = services.targets.targets(head, listed.id)[0]
    services.targets.record(head, target.id, "contacted", text())
    # counters: a record with a note, a parked ticket with a note
    teller = actor(services, "8021")
    sign_on_ready(services, teller, "03")
    called = services.queue.call_next(teller, "03")
    if called is not None:
        services.queue.start(teller, called.id)
        services.counter.record(teller, called.id, "account_open", note=text())
        services.queue.park(teller, called.id, note=text())
    for staff_no, counter in (("8011", "01"), ("8003", "VIP1")):
        other = actor(services, staff_no)
        sign_on_ready(services, other, counter)
        services.queue.call_next(other, counter)
    COMPLIANCE.update(hostile_compliance(services, text))
    return {"premium": premium, "head": head, "complaints": [first.id, second.id, third.id],
            "used": text.used}


#: issue 17/18's screens: the stored names and notes they show (hostile_compliance)
COMPLIANCE: dict[str, Any] = {}
#: a client's and a prospect's names with the sentinel (names hold letters only, no markup)
CLIENT_NAME, PROSPECT_NAME = f"钱{SENTINEL}", f"王{SENTINEL}"
#: typed into the recording form's id (refused: an id is letters, digits and - _ / . :)
HOSTILE_REF = f"[@click=app.suspend_process]{SENTINEL}[/]"


def hostile_compliance(services: Services, text: Corpus) -> dict[str, Any]:
    """Issue 17/18: a prospect's appointment with the CM 8041 (a hostile note), a client whose
    name holds the sentinel buying a recorded product at counter 03 (the head's compliance view
    lists the sale), then stopped by an anti-fraud answer on a transfer (the supervisors' inbox
    has the stop)."""
    from tests.services.counter_helpers import resident_id
    from wealthtui.services.antifraud import AntifraudStopped

    lobby, cm, teller = actor(services, "8031"), actor(services, "8041"), actor(services, "8021")
    today = services.ctx.now().astimezone(services.ctx.tz).replace(second=0, microsecond=0)
    services.appointments.book(
        cm, purpose="wealth", start=today.replace(hour=15, minute=0), contact_name=PROSPECT_NAME,
        contact_phone="13700005555", staff_id=cm.staff_id, source="cm", note=text())
    card = services.lookup.register(lobby, name=CLIENT_NAME, id_type="resident",
                                    id_number=resident_id(987, "19700101"), phone="13700006666")
    with Session(services.ctx.engine) as db:
        row = db.get(Client, card.id)
        assert row is not None
        row.risk_level, row.risk_assessed_on = 3, services.ctx.today() - timedelta(days=30)
        db.add(row)
        db.commit()
    ticket = services.queue.issue(lobby, "B", client_id=card.id)
    services.queue.call(teller, "03", ticket.id)
    services.queue.start(teller, ticket.id)
    services.dual_recording.enter(teller, card.id, "WM90", "SR-HOSTILE-1", "09:30", "09:40")
    services.counter.record(teller, ticket.id, "wealth_product", "10000", product="WM90")
    questions = services.antifraud.checklist().questions
    answers = {q.id: next(a for a in ("no", "yes", "unclear") if a not in q.suspicious)
               for q in questions}
    answers[questions[0].id] = sorted(questions[0].suspicious)[0]
    try:
        services.counter.record(teller, ticket.id, "transfer", "80000", note=text(200),
                                payee="6222020200112233", antifraud=answers)
    except AntifraudStopped as stop:
        return {"client": card.id, "stop": stop.handoff_id}
    raise AssertionError("the suspicious answer did not stop the transfer")


@pytest.fixture
def demo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    template, _ = demo_template(tmp_path_factory.getbasetemp())
    path = tmp_path / "demo.db"
    path.write_bytes(template.read_bytes())
    services = Services(make_engine(str(path)), fast_settings(tmp_path),
                        FixedClock(T0 + timedelta(minutes=30)))
    yield services
    services.ctx.engine.dispose()


# --- the walk -------------------------------------------------------------------------------------
@dataclass
class HostileSeen(Seen):
    """What the screens showed, and every segment with an action or a link that came from
    stored text."""

    actions: list[str] = field(default_factory=list)

    def record(self, app: Any, label: str) -> None:
        super().record(app, label)
        self.actions += [f"{label}: {a}" for a in stored_actions(actions_on_screen(app))]


async def details(pilot: Any, seen: Seen, label: str, staff_no: str, mode: str) -> None:
    """The views that show long stored text in full: each complaint's detail (head and
    supervisor), and each item of the inbox (F9) opened."""
    from wealthtui.ui.screens.complaint_detail import ComplaintDetailScreen

    app = pilot.app
    await compliance_views(pilot, seen, label, staff_no, mode)
    if mode == "head" and staff_no in ("8001", "8002"):
        for complaint_id in COMPLAINTS:
            app.push_screen(ComplaintDetailScreen(complaint_id))
            await settle(pilot)
            assert isinstance(app.screen, ComplaintDetailScreen), screen_text(app)
            seen.look(app, f"{label} complaint {complaint_id}", staff_no)
            await pilot.press("escape")
            await settle(pilot)


COMPLAINTS: list[int] = []


async def compliance_views(pilot: Any, seen: Seen, label: str, staff_no: str, mode: str) -> None:
    """Issue 17/18's screens with stored text (hostile_compliance): the CM's (Ctrl+D) and the
    lobby's (Ctrl+B) appointment calendars, the head's compliance view (Ctrl+F), the
    supervisor's anti-fraud stop opened from the inbox, and a teller's recording form with a
    hostile id typed and refused."""
    from wealthtui.ui.dialogs.form_dialog import FormDialog
    from wealthtui.ui.dialogs.handoff import HandoffDialog
    from wealthtui.ui.dialogs.recording import recording_form

    app = pilot.app
    views = {("cm", "8041"): "ctrl+d", ("lobby", "8031"): "ctrl+b", ("head", "8001"): "ctrl+f"}
    key = views.get((mode, staff_no))
    if key is not None:
        screen = app.screen
        if mode == "cm":  # Ctrl+D is the agenda's key: its tab shown, its table focused
            from textual.widgets import TabPane

            from wealthtui.ui.widgets.cm_panels import AgendaPanel

            agenda = screen.query_one(AgendaPanel)
            screen.action_show_tab(next(a for a in agenda.ancestors
                                        if isinstance(a, TabPane)).id)
            await settle(pilot)
            agenda.table.focus()
            await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert app.screen is not screen, (label, key)
        seen.look(app, f"{label} {key}", staff_no)
        await pilot.press("escape")
        await settle(pilot)
    if staff_no == "8002":  # the anti-fraud stop in the supervisors' inbox (open after F9)
        inbox = app.screen.inbox
        assert inbox is not None
        inbox.table.move_cursor(row=inbox.table.get_row_index(str(COMPLIANCE["stop"])))
        inbox.table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HandoffDialog), screen_text(app)
        seen.look(app, f"{label} anti-fraud stop", staff_no)
        await pilot.press("escape")
        await settle(pilot)
    if mode == "counter" and staff_no in ("8011", "8021"):
        app.push_screen(recording_form(app.services, app.actor, app.settings,
                                       client_id=COMPLIANCE["client"], client_name=CLIENT_NAME,
                                       product="WM90"))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.widget("ref").input.value = HOSTILE_REF
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form  # refused under the field, what was typed kept
        seen.look(app, f"{label} recording form", staff_no)
        await pilot.press("escape")
        await settle(pilot)
#: one demo staff member for each set of roles (the others have the same screens: 8012 and 8022
#: are tellers like 8011 and 8021, 8042 a CM like 8041); the soak run below takes everyone
ONE_PER_ROLE = ("8001", "8002", "8003", "8011", "8021", "8031", "8032", "8041", "8043", "8044")
#: each size walks every kind of screen (head, counter, supervisor, lobby, CM desk) with about
#: half of the roles (and the CM the seeded premium arrival goes to, 8041, at both: its note is
#: checked at each size), so that the suite stays short; the soak run walks everyone at both sizes
BY_SIZE = {(80, 24): ("8001", "8002", "8003", "8011", "8031", "8041", "8044"),
           (120, 40): ("8001", "8002", "8021", "8032", "8041", "8043")}
assert set(BY_SIZE[(80, 24)]) | set(BY_SIZE[(120, 40)]) == set(ONE_PER_ROLE)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_hostile_text_on_every_screen(demo: Services, size: tuple[int, int],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    seeded = hostile_morning(demo)
    COMPLAINTS[:] = seeded["complaints"]
    seen = HostileSeen()
    with markup_guard(monkeypatch) as guard:
        await render_everyone(demo, seeded["premium"], size=size, seen=seen, extra=details,
                              staff=BY_SIZE[size])
    assert guard.parses == [], "\n".join(guard.parses[:5])
    assert seen.actions == []
    texts = "\n".join(seen.texts.values())
    # the stored text is on screen, literally: its tags (cut with … where a column is narrow)
    missing = [tag for tag in ("客户说：[/]", "[quote]原帖", "[@click=app.", "[link=https:")
               if tag not in texts]
    assert missing == []
    # issue 17/18's screens showed their stored text, literally
    shown = {k: v for k, v in seen.texts.items() if k.endswith(
        ("ctrl+d", "ctrl+b", "ctrl+f", "anti-fraud stop", "recording form"))}
    assert len(shown) == (5 if size == (80, 24) else 4), sorted(shown)
    for where, text in shown.items():
        name = PROSPECT_NAME if where.endswith(("ctrl+d", "ctrl+b")) else CLIENT_NAME
        assert name in text, (where, text)
    assert any(HOSTILE_REF[:12] in v for k, v in shown.items() if k.endswith("form"))
    assert SENTINEL not in seen.texts["calling board"]
    assert "V00" in seen.texts["calling board"]  # the board still shows the premium queue


@pytest.mark.soak
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_hostile_text_on_every_screen_of_everyone(demo: Services, size: tuple[int, int],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The long run: every demo staff member, not one per role."""
    seeded = hostile_morning(demo)
    COMPLAINTS[:] = seeded["complaints"]
    seen = HostileSeen()
    with markup_guard(monkeypatch) as guard:
        await render_everyone(demo, seeded["premium"], size=size, seen=seen, extra=details)
    assert guard.parses == [], "\n".join(guard.parses[:5])
    assert seen.actions == []


# --- the exploits of the issue, one by one ----------------------------------------------------------
def own_clients(services: Services, cm_no: str, n: int = 1) -> list[int]:
    cm = actor(services, cm_no)
    with Session(services.ctx.engine) as db:
        return list(db.exec(select(CMAssignment.client_id).where(
            CMAssignment.cm_id == cm.staff_id, col(CMAssignment.end_at).is_(None))
            .order_by(CMAssignment.client_id).limit(n)).all())


async def test_a_premium_arrival_note_with_a_closing_tag_is_shown_to_the_cm_literally(
        demo: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    note = "客户说：[/] 谢谢"
    lobby = actor(demo, "8031")
    visit = demo.lobby.arrive(lobby, client_id=own_clients(demo, "8041")[0], note=note)
    demo.lobby.guide(lobby, visit.id, business="non_cash", divert=False)
    app = make_app(demo)
    with markup_guard(monkeypatch) as guard:
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(pilot, "8041", ACCOUNT["8041"].pin)  # the sign-in crashed here
            await pilot.press("f9")
            await settle(pilot)
            shown = screen_text(app)
            assert app.is_running
    assert note in shown
    assert guard.parses == []  # (the note holds no SENTINEL: the check is the literal text)


def click_target(app: Any, needle: str) -> tuple[int, int] | None:
    """Where on the screen the first segment holding `needle` starts (x, y)."""
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            if needle in segment.text:
                return x + cell_len(segment.text[:segment.text.index(needle)]), y
            x += cell_len(segment.text)
    return None


@dataclass
class Calls:
    """The dangerous actions, replaced by recorders: what a click would have run."""

    made: list[str] = field(default_factory=list)

    def install(self, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in ("screenshot", "suspend_process", "switch_mode"):
            def record(*args: Any, _name: str = name) -> None:
                self.made.append(f"{_name}{args}")
            monkeypatch.setattr(app, f"action_{name}", record)


async def test_a_click_on_markup_runs_its_action_when_markup_is_parsed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The control for the kiosk test: the same note in a markup-enabled Static does run the
    action when clicked (so the kiosk test's click would see it)."""
    from textual.app import App
    from textual.widgets import Static

    note = h.MARKUP[3]  # [@click=app.suspend_process]请点此确认…[/]

    class Bare(App[None]):
        def compose(self) -> Any:
            yield Static(note)

    app, calls = Bare(), Calls()
    calls.install(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        where = click_target(app, "请点此确认")
        assert where is not None
        await pilot.click(offset=where)
        await pilot.pause()
    assert calls.made == ["suspend_process()"]


@pytest.mark.parametrize("note", [
    f"[@click=app.screenshot('demo.db','{{folder}}')]新客户名单{SENTINEL}[/]",
    h.MARKUP[3],  # [@click=app.suspend_process]请点此确认…
    h.MARKUP[4],  # [@click=app.switch_mode('login')]重新登录…
])
async def test_a_click_on_a_note_on_the_lobby_kiosk_does_nothing(
        demo: Services, monkeypatch: pytest.MonkeyPatch, note: str) -> None:
    db_file = Path(demo.ctx.engine.url.database or "")
    note = note.replace("{folder}", str(db_file.parent))
    lobby, cm = actor(demo, "8031"), actor(demo, "8041")
    # a premium arrival handed to the CM, declined with the note: it comes back to the lobby
    visit = demo.lobby.arrive(lobby, client_id=own_clients(demo, "8041")[0])
    demo.lobby.guide(lobby, visit.id, business="non_cash", divert=False)
    arrival = [x for x in demo.handoffs.inbox(cm) if x.status == "open"][-1]
    demo.assignments.decline_arrival(cm, arrival.id, note)
    before = sorted(p.name for p in db_file.parent.iterdir())
    app, calls = make_app(demo, kiosk="lobby"), Calls()
    calls.install(app, monkeypatch)
    with markup_guard(monkeypatch) as guard:
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(pilot, "8031", ACCOUNT["8031"].pin)
            screen = app.screen
            await pilot.press("f9")
            await settle(pilot)
            where = click_target(app, "[@click=")  # the note, shown from its first character
            assert where is not None, screen_text(app)
            await pilot.click(offset=(where[0] + 2, where[1]))
            await settle(pilot)
            where = click_target(app, note.split("]")[1][:4])  # its words, where they show
            where = where or click_target(app, "[@click=")
            assert where is not None, screen_text(app)
            assert note[:20] in screen_text(app)  # shown literally
            await pilot.click(offset=where)
            await settle(pilot)
            assert app.is_running and app.current_mode == "lobby" and app.actor is not None
            assert screen in app.screen_stack
    assert calls.made == []
    assert guard.parses == []
    assert sorted(p.name for p in db_file.parent.iterdir()) == before
    demo.ctx.engine.dispose()
    assert db_file.read_bytes()[:16] == b"SQLite format 3\x00"
    with sqlite3.connect(db_file) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_a_close_explanation_with_a_closing_tag_shows_in_f7_and_in_eod(
        demo: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    head = actor(demo, "8001")
    state = demo.day.state(head)
    problems = state.problems
    assert problems and all(p.explainable for p in problems)
    said = f"晨会改到明天[/]{SENTINEL}"
    # as the close dialog does: the problems shown explained, the open hand-offs beyond those
    # listed (the state lists the oldest few and counts the rest) carried over
    demo.day.close(head, explanations={p.key: said for p in problems}, carry_over=True,
                   seen=state.handoffs_seen)
    app = make_app(demo)
    with markup_guard(monkeypatch) as guard:
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(pilot, "8001", ACCOUNT["8001"].pin)
            await pilot.press("f7")  # the end-of-day tab, which crashed on the explanation
            await settle(pilot)
            # the explanations are the last section: scroll to the end
            app.screen.query_one("#eod-tables").scroll_end(animate=False, immediate=True)
            await settle(pilot)
            shown = screen_text(app)
            assert app.is_running
        db = Path(demo.ctx.engine.url.database or "")
        demo.ctx.engine.dispose()
        config = tmp_path / "fast.toml"
        config.write_text("[security]\n" + "".join(f"{k} = {v}\n" for k, v in FAST_PIN_HASH.items()))
        result = CliRunner().invoke(cli_app, ["--db", str(db), "--config", str(config), "eod",
                                              "--date", demo.ctx.today().isoformat()])
    assert said in shown
    assert result.exit_code == 0, result.output
    assert said in result.output.replace("\n", "")  # the table may fold a long cell
    assert guard.parses == []


async def test_a_complaint_text_with_forum_tags_opens_in_the_heads_complaint_detail(
        demo: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    from wealthtui.ui.screens.complaint_detail import ComplaintDetailScreen

    text = "[quote]原帖：网点服务差[/quote2] 我也遇到了"
    lobby = actor(demo, "8031")
    complaint = demo.complaints.intake(lobby, channel="on_site", category="attitude",
                                       subcategory="rude", description=text, name="王女士",
                                       phone="13600002222")
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "8001", ACCOUNT["8001"].pin)
        await app.switch_mode("head")
        await settle(pilot)
        app.push_screen(ComplaintDetailScreen(complaint.id))
        await settle(pilot)
        assert isinstance(app.screen, ComplaintDetailScreen)
        shown = screen_text(app)
    assert text in shown
    with Session(demo.ctx.engine) as db:
        assert db.get(Complaint, complaint.id).description == text
