"""The relationship-maintenance agenda of a client manager, as pure functions.

From plain facts about each client (tier, birthday, last contact, products maturing, risk
assessment, promised follow-ups, a CM change in progress) and the configured rules, work out what
the CM should do in a window of days: contacts due by tier cadence, birthday greetings (solar, or
lunar where the client keeps the lunar date), festival greetings, product maturities a number of
working days ahead, risk assessments expiring, clients without contact for too long, follow-ups
promised in the contact log, and the first direct contact after a CM change.

Manual ch.2 §2.9 item 3 (dynamic monitoring of premium clients) and §5.1 (CM change: direct contact
within one month); manual digest §4.6 (relationship maintenance and its default cadence), §6.3
(the wealth CM's morning list of clients needing care today).

Working days come from chinese-calendar (statutory holidays and their make-up working days); for
years it does not know yet, Monday to Friday count as working days. Lunar dates come from lunardate.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from lunardate import LunarDate

from wealthtui.rules.clock import CalendarUnknown, OpenDays
from wealthtui.rules.fields import FieldError

# --- kinds of items, most urgent first (the order items of one day are listed in) ------------
CM_CHANGE = "cm_change"
APPOINTMENT = "appointment"  # a client's appointment with the CM today or tomorrow (issue 18)
FOLLOW_UP = "follow_up"
NO_CONTACT = "no_contact"
CADENCE = "cadence"
MATURITY = "maturity"
RISK_EXPIRING = "risk_expiring"
BIRTHDAY = "birthday"
FESTIVAL = "festival"
KINDS = (CM_CHANGE, APPOINTMENT, FOLLOW_UP, NO_CONTACT, CADENCE, MATURITY, RISK_EXPIRING, BIRTHDAY, FESTIVAL)

# Contact channels (manual digest §8.3 form 4). A direct contact is a conversation with the
# client (ch.2 §5.1: the new CM "establishes direct contact"), not a message left for them.
CHANNELS = ("phone", "visit", "walk_in", "meeting", "sms", "wechat", "letter", "email")
DIRECT_CHANNELS = ("phone", "visit", "walk_in", "meeting")
RESULTS = ("reached", "interested", "appointment", "sold", "declined", "no_need", "not_reached")

# Contact purposes (the contact log's `purpose`). An agenda item proposes the purpose of the
# contact that answers it, and a contact with that purpose inside the item's window closes it.
PURPOSES = ("care", "birthday", "festival", "maturity", "product", "review", "risk_review",
            "follow_up", "cm_change", "complaint_follow_up", "service", "other")
PURPOSE_OF = {
    CM_CHANGE: "cm_change", APPOINTMENT: "service", FOLLOW_UP: "follow_up", NO_CONTACT: "care", CADENCE: "care",
    MATURITY: "maturity", RISK_EXPIRING: "risk_review", BIRTHDAY: "birthday",
    FESTIVAL: "festival",
}


# --- working days ------------------------------------------------------------------------------
def is_workday(day: date, days: OpenDays | None = None) -> bool:
    """A working day: the center's calendar when given ([calendar]; a year the holiday calendar
    does not know counts by the open weekdays), else mainland China's (statutory holidays off,
    make-up Saturdays/Sundays on)."""
    if days is not None:
        try:
            return days.is_open(day)
        except CalendarUnknown:
            return day.isoweekday() in days.weekdays
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year chinese-calendar does not know yet
        return day.weekday() < 5


def workdays_before(day: date, count: int, days: OpenDays | None = None) -> date:
    """The working day `count` working days before `day` (`day` itself when count is 0)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= timedelta(days=1)
        if is_workday(current, days):
            remaining -= 1
    return current


def workdays_after(day: date, count: int, days: OpenDays | None = None) -> date:
    """The working day `count` working days after `day` (`day` itself when count is 0)."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_workday(current, days):
            remaining -= 1
    return current


# --- birthdays ---------------------------------------------------------------------------------
def solar_birthday_in(birthday: date, year: int) -> date:
    """The birthday in `year`; 29 February falls on 28 February in ordinary years."""
    try:
        return birthday.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


@lru_cache(maxsize=65536)
def lunar_of(day: date) -> tuple[int, int, bool]:
    """(lunar month, lunar day, leap month?) of a solar date (kept: a CM's agenda asks it for
    every client of the book)."""
    lunar = LunarDate.from_solar_date(day.year, day.month, day.day)
    return lunar.month, lunar.day, bool(lunar.is_leap_month)


@lru_cache(maxsize=65536)
def lunar_to_solar(year: int, month: int, day: int) -> date | None:
    """The solar date of lunar `year`-`month`-`day` (ordinary month); day 30 falls back to 29
    in a short month. None outside the years lunardate knows. Kept once worked out: the agenda
    asks for the same festivals and birthdays for every client of a book (lunardate walks the
    months from 1900 each time)."""
    for d in (day, day - 1) if day == 30 else (day,):
        try:
            return LunarDate(year, month, d).to_solar_date()
        except ValueError:
            continue
    return None


def birthdays_between(birthday: date, lunar: bool, start: date, end: date) -> list[date]:
    """The solar dates in [start, end] on which the client celebrates their birthday.

    A client who keeps the lunar date celebrates on the lunar month and day of their birth each
    lunar year (a birth in a leap month is kept in the ordinary month of that number).
    """
    found: list[date] = []
    if lunar:
        month, day, _leap = lunar_of(birthday)
        for year in range(start.year - 1, end.year + 1):
            solar = lunar_to_solar(year, month, day)
            if solar is not None and start <= solar <= end and solar > birthday:
                found.append(solar)
    else:
        for year in range(start.year, end.year + 1):
            solar = solar_birthday_in(birthday, year)
            if start <= solar <= end and solar > birthday:
                found.append(solar)
    return sorted(found)


# --- festivals ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Festival:
    code: str
    calendar: str  # solar | lunar
    month: int
    day: int
    lead_workdays: int = 1


def festival_dates_between(festival: Festival, start: date, end: date) -> list[date]:
    """The solar dates of `festival` in [start, end]."""
    return list(_festival_dates(festival, start, end))


@lru_cache(maxsize=4096)
def _festival_dates(festival: Festival, start: date, end: date) -> tuple[date, ...]:
    """festival_dates_between, kept: the same for every client of a book."""
    found: list[date] = []
    for year in range(start.year - 1, end.year + 1):
        if festival.calendar == "lunar":
            solar = lunar_to_solar(year, festival.month, festival.day)
        else:
            try:
                solar = date(year, festival.month, festival.day)
            except ValueError:
                solar = None
        if solar is not None and start <= solar <= end:
            found.append(solar)
    return tuple(sorted(set(found)))


# --- input facts and rules ---------------------------------------------------------------------
@dataclass(frozen=True)
class Maturity:
    holding_id: int
    product_name: str
    maturity_date: date
    amount_fen: int = 0


@dataclass(frozen=True)
class FollowUp:
    contact_id: int
    next_date: date
    next_action: str


@dataclass(frozen=True)
class ChangeClock:
    """A CM change in progress: the new CM must contact the client directly by `due_on`."""

    assignment_id: int
    started_on: date
    due_on: date
    first_contact_on: date | None = None
    from_cm_name: str = ""


@dataclass(frozen=True)
class ClientFacts:
    client_id: int
    name: str
    tier: str
    birthday: date | None = None
    lunar_birthday: bool = False
    cm_since: date | None = None
    last_contact: date | None = None
    risk_assessed_on: date | None = None
    maturities: tuple[Maturity, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    change: ChangeClock | None = None
    #: (date, purpose) of recent contacts: they close birthday, festival and maturity items
    contacts: tuple[tuple[date, str], ...] = ()


@dataclass(frozen=True)
class AgendaRules:
    cadence_days: Mapping[str, int] = field(default_factory=dict)
    no_contact_alert_days: int = 90
    maturity_days_ahead: int = 5
    risk_valid_days: int = 365
    risk_warn_days: int = 30
    festivals: tuple[Festival, ...] = ()
    open_days: OpenDays | None = None  # the center's calendar; None: mainland China's workdays
    #: a birthday shows this many days before the day itself ([contact] birthday_lead_days)
    birthday_lead_days: int = 0


@dataclass(frozen=True)
class AgendaItem:
    kind: str
    client_id: int | None  # None: a prospect's appointment (no client record yet)
    client_name: str
    tier: str
    start: date  # first day it is shown
    due: date  # the day it should be done; overdue after
    until: date | None  # last day it matters (None: until done)
    done: bool = False
    purpose: str = ""
    #: what the action is about (dates as ISO strings, names, amounts in fen, ages)
    params: tuple[tuple[str, object], ...] = ()
    ref: int | None = None  # holding, contact or assignment id the item comes from

    def overdue(self, today: date) -> bool:
        return not self.done and today > self.due

    def param(self, name: str, default: object = None) -> object:
        return dict(self.params).get(name, default)

    @property
    def rank(self) -> int:
        return KINDS.index(self.kind)


def _contacted(facts: ClientFacts, purposes: Iterable[str], first: date, last: date) -> bool:
    wanted = set(purposes)
    return any(p in wanted and first <= d <= last for d, p in facts.contacts)


def client_items(
    facts: ClientFacts, rules: AgendaRules, start: date, end: date, today: date
) -> list[AgendaItem]:
    """Every agenda item of one client that matters in [start, end]."""
    items: list[AgendaItem] = []

    def add(kind: str, first: date, due: date, until: date | None, *, done: bool = False,
            ref: int | None = None, **params: object) -> None:
        if first > end or (until is not None and until < start):
            return
        items.append(AgendaItem(
            kind=kind, client_id=facts.client_id, client_name=facts.name, tier=facts.tier,
            start=first, due=due, until=until, done=done, purpose=PURPOSE_OF[kind],
            params=tuple(sorted(params.items())), ref=ref,
        ))

    # the first direct contact after a CM change (manual ch.2 §5.1)
    change = facts.change
    if change is not None and change.first_contact_on is None:
        add(CM_CHANGE, change.started_on, change.due_on, None, ref=change.assignment_id,
            due_on=change.due_on.isoformat(), from_cm=change.from_cm_name)

    # follow-ups promised in the contact log
    for f in facts.follow_ups:
        add(FOLLOW_UP, f.next_date, f.next_date, None, ref=f.contact_id, action=f.next_action)

    # the tier's contact cadence; past the no-contact alert, "no contact for too long" instead
    since = facts.last_contact or facts.cm_since
    if since is not None:
        last = facts.last_contact.isoformat() if facts.last_contact else ""
        alert_on = since + timedelta(days=rules.no_contact_alert_days)
        cadence = rules.cadence_days.get(facts.tier)
        cadence_on = since + timedelta(days=cadence) if cadence else None
        if cadence_on is not None and cadence_on < alert_on and today < alert_on:
            add(CADENCE, cadence_on, cadence_on, None, days=cadence, last=last)
        else:
            add(NO_CONTACT, alert_on, alert_on, None, days=rules.no_contact_alert_days,
                last=last)

    # products maturing: remind N working days ahead, until the maturity date
    for m in facts.maturities:
        remind = workdays_before(m.maturity_date, rules.maturity_days_ahead, rules.open_days)
        done = _contacted(facts, ("maturity", "product"), remind, m.maturity_date)
        add(MATURITY, remind, remind, m.maturity_date, done=done, ref=m.holding_id,
            product=m.product_name, maturity=m.maturity_date.isoformat(), amount_fen=m.amount_fen)

    # risk assessment expiring (or expired): stays until the client is assessed again
    if facts.risk_assessed_on is not None:
        expires = facts.risk_assessed_on + timedelta(days=rules.risk_valid_days)
        warn = expires - timedelta(days=rules.risk_warn_days)
        add(RISK_EXPIRING, warn, expires, None, expires=expires.isoformat(),
            assessed=facts.risk_assessed_on.isoformat())

    # birthdays (solar or lunar), shown `birthday_lead_days` days ahead
    if facts.birthday is not None:
        lead = timedelta(days=max(0, rules.birthday_lead_days))
        for day in birthdays_between(facts.birthday, facts.lunar_birthday, start, end + lead):
            lunar_month, lunar_day, _ = lunar_of(facts.birthday)
            done = _contacted(facts, ("birthday",), day - max(lead, timedelta(days=7)), day)
            add(BIRTHDAY, day - lead, day, day, done=done, on=day.isoformat(),
                age=day.year - facts.birthday.year, lunar=facts.lunar_birthday,
                lunar_month=lunar_month, lunar_day=lunar_day)

    # festivals: greet before the holiday starts
    for fest in rules.festivals:
        for day in festival_dates_between(fest, start, end + timedelta(days=31)):
            remind = workdays_before(day, fest.lead_workdays, rules.open_days)
            done = _contacted(facts, ("festival",), remind - timedelta(days=7), day)
            add(FESTIVAL, remind, remind, day, done=done, festival=fest.code, on=day.isoformat())

    return items


def build(
    clients: Iterable[ClientFacts], rules: AgendaRules, start: date, end: date, today: date
) -> list[AgendaItem]:
    """The agenda over [start, end]: open items by due day (overdue ones first), then by
    urgency and client name; items already done come last."""
    items = [i for facts in clients for i in client_items(facts, rules, start, end, today)]
    return sorted(items, key=lambda i: (i.done, i.due, i.rank, i.client_name, i.client_id or 0))


@dataclass(frozen=True)
class Booked:
    """An appointment with the CM, as the agenda needs it (services.appointments): a client's,
    or a prospect's (`client_id` None, `client_name` the contact's name)."""

    appointment_id: int
    client_id: int | None
    client_name: str
    tier: str
    day: date
    time: str        # "HH:MM", local
    purpose: str     # the purpose's name (Chinese)
    purpose_en: str  # and in English
    status: str      # booked | checked_in | no_show | done


def appointment_items(booked: Iterable[Booked], start: date, end: date) -> list[AgendaItem]:
    """Reminders of appointments (issue 18): each shows from the day before it (so tomorrow's
    are on today's agenda) to its day, over the window [start, end]; one no longer booked
    (checked in, done, a no-show) is done. The calendar reads the same appointments."""
    items = []
    for b in booked:
        shown_from = b.day - timedelta(days=1)
        if b.day < start or shown_from > end:
            continue
        items.append(AgendaItem(
            kind=APPOINTMENT, client_id=b.client_id, client_name=b.client_name, tier=b.tier,
            start=shown_from, due=b.day, until=b.day, done=b.status != "booked",
            purpose=PURPOSE_OF[APPOINTMENT],
            params=(("time", b.time), ("purpose", b.purpose), ("purpose_en", b.purpose_en), ("status", b.status),
                    ("day", b.day.isoformat())),
            ref=b.appointment_id))
    return items


def merge(items: Iterable[AgendaItem], more: Iterable[AgendaItem]) -> list[AgendaItem]:
    """Two lists of agenda items in the agenda's order (see build)."""
    return sorted([*items, *more],
                  key=lambda i: (i.done, i.due, i.rank, i.client_name, i.client_id or 0))


@dataclass(frozen=True)
class Fold:
    """Overdue items of one kind, shown as one line with their count until opened."""

    kind: str
    items: tuple[AgendaItem, ...]

    @property
    def count(self) -> int:
        return len(self.items)


def today_first(items: Iterable[AgendaItem], today: date
                ) -> tuple[list[AgendaItem], list[Fold], list[AgendaItem]]:
    """The agenda as the CM reads it in the morning (issue 19): first the first-contact clocks
    of CM changes (overdue or not), then what falls due today or is coming up, by due day and
    urgency; then the
    older overdue items folded into one line per kind (most urgent kind first) with a count;
    then what is already done. Returns (first, folds, done)."""
    first: list[AgendaItem] = []
    overdue: dict[str, list[AgendaItem]] = {}
    done: list[AgendaItem] = []
    for item in items:
        if item.done:
            done.append(item)
        elif item.kind == CM_CHANGE or not item.overdue(today):
            first.append(item)
        else:
            overdue.setdefault(item.kind, []).append(item)
    first.sort(key=lambda i: (i.kind != CM_CHANGE, i.due, i.rank, i.client_name, i.client_id or 0))
    folds = [Fold(kind, tuple(sorted(overdue[kind], key=lambda i: (i.due, i.client_name,
                                                                   i.client_id or 0))))
             for kind in KINDS if kind in overdue]
    return first, folds, done


def parse_next_date(text: str, today: date) -> date | None:
    """The next contact date as a CM types it: nothing (no follow-up); a number of days from today
    (`7`, `+7`, `7天`, `7d`); or a date (`2026-12-07`, or `12-07` for its next occurrence)."""
    value = unicodedata.normalize("NFKC", text or "").strip().lower()
    value = value.removeprefix("+").removesuffix("天").removesuffix("d").strip()
    if not value:
        return None
    if value.isdigit() and len(value) <= 3:
        return today + timedelta(days=int(value))
    try:
        if len(value) == 5 and value[2] == "-":
            month, day = int(value[:2]), int(value[3:])
            found = date(today.year, month, day)
            return found if found >= today else date(today.year + 1, month, day)
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError("cm.field.next_date", "error.contact.next_date_format") from None
