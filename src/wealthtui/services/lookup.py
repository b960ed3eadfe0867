"""Client look-up as the client walks in (识别), and quick registration of a new client.

One input takes a card/account number, an ID number, a mobile, or a name: characters, full pinyin,
pinyin initials, or a mix (张s). Every key is answered from an index with an exact match or a
prefix range (`key >= q AND key < q || U+10FFFF`) and a LIMIT, so the time does not grow with the
number of clients (manual ch.2 §2.7 item 4; manual digest §4.1 steps 2–4).

The result is a card with masked numbers, the tier, the exclusive CM and whether they are in
today, and flags: birthday today, open complaint, contact overdue, potential premium, ID expired,
risk assessment expired.

`search` and `get` are lean reads (services.lean): each key is ONE statement that finds the
clients by its index and returns their cards' facts with them (the client row, the open CM
assignment with that CM's name and attendance today joined, and, as correlated sub-queries on
indexed columns, the card shown, an open complaint, the last contact), so a look-up is the
actor's staff row and one to three such statements, as plain tuples without the ORM; each row
is made a card as it comes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from lunardate import LunarDate
from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    bindparam,
    exists,
    literal,
    null,
    type_coerce,
)
from sqlalchemy.orm import aliased
from sqlmodel import col, func, select

from wealthtui.citations import service_section
from wealthtui.model import (
    Attendance,
    Client,
    ClientAccount,
    CMAssignment,
    Complaint,
    ContactLog,
    Staff,
)
from wealthtui.model.client import PHONE_TAIL_DIGITS, phone_tail
from wealthtui.model.status import ComplaintStatus
from wealthtui.rules import fields, pinyin
from wealthtui.rules.clock import NAIVE_EPOCH, UTC_EPOCH
from wealthtui.services import masking
from wealthtui.services.base import Context, Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound
from wealthtui.services.lean import ReadStatement, ReadUnit

SECTION = service_section("lookup.SECTION")
#: the client's CM, as a second reference to the staff table in a card's statement
CM = aliased(Staff, name="cm")
#: complaint states that are over
#: plain strings: written into the statement as literals
COMPLAINT_CLOSED = (ComplaintStatus.CLOSED.value, ComplaintStatus.WITHDRAWN.value,
                    ComplaintStatus.MERGED.value)
#: the upper bound of a prefix range: the highest code point, so that a name continuing with a
#: rare character outside the BMP (张𠮷) still falls inside "张" (binary / C-collation order)
TOP = "\U0010ffff"

#: a mobile's last digits typed alone find clients only when they are this few (a tail is
#: shared by one client in 10,000: at a large center, the surname narrows it down)
TAIL_ALONE_MAX = 8
#: the longest tail typed alone (longer numbers are the beginning of a card, ID or phone)
TAIL_ALONE_LONGEST = 7

#: what a query was recognised as
BY_CARD, BY_ID, BY_PHONE, BY_NAME, BY_PINYIN, BY_INITIALS = (
    "card", "id_number", "phone", "name", "pinyin", "initials")


class ClientFlags(NamedTuple):
    """What the lobby should notice about a client (immutable; a NamedTuple, as a look-up makes
    up to eight cards per keystroke and a tuple is the cheapest immutable record to build)."""

    birthday_today: bool = False
    open_complaint: bool = False
    contact_overdue: bool = False
    potential: bool = False
    id_expired: bool = False
    risk_expired: bool = False

    def active(self) -> tuple[str, ...]:
        """The names of the flags that are set, in display order."""
        return tuple(name for name in ("birthday_today", "open_complaint", "contact_overdue",
                                       "potential", "id_expired", "risk_expired")
                     if getattr(self, name))


class ClientCard(NamedTuple):
    """A client as the lobby and the counters see them: numbers masked, no balances
    (immutable, a NamedTuple like ClientFlags)."""

    id: int
    name: str
    title: str
    gender: str
    tier: str
    premium: bool
    id_type: str
    id_masked: str
    phone_masked: str
    card_masked: str        # the card the client was found by, else their first open one
    matched_by: str         # card | id_number | phone | name | pinyin | initials | ""
    cm_id: int | None
    cm_name: str
    cm_present: bool | None  # None: not recorded in today's attendance
    flags: ClientFlags


#: a ClientCard or ClientFlags made from a tuple of all its fields in order, without the
#: NamedTuple's keyword-handling constructor (a look-up makes up to sixteen per keystroke)
_record = tuple.__new__


@dataclass(slots=True)
class Query:
    """A typed look-up recognised: which keys to try, normalised (a plain slotted record: one
    is made per keystroke).

    The pinyin keys of a name are worked out when first asked for: characters alone (张三) are
    looked up by the name itself, so only characters with letters after them (张s) need them."""

    kind: str          # number | letters | name | tail | empty
    digits: str = ""   # card/account, ID or phone (ID's final X upper-cased); a mobile's tail
    chars: str = ""    # the leading Chinese characters, a name prefix
    typed: str = ""    # the letters typed (lower case): all of them, or those after `chars`
    spelled: bool = False  # a name of characters and letters: the pinyin keys apply

    @property
    def letters(self) -> str:
        """The full pinyin prefix (characters turned into pinyin: 张s → zhangs)."""
        return _pinyin_keys(self.kind, self.chars, self.typed, self.spelled)[0]

    @property
    def initials(self) -> str:
        """The initials prefix (张s → zs)."""
        return _pinyin_keys(self.kind, self.chars, self.typed, self.spelled)[1]


@functools.lru_cache(maxsize=256)
def _pinyin_keys(kind: str, chars: str, typed: str, spelled: bool) -> tuple[str, str]:
    if kind == "letters":
        return typed, typed
    if kind == "name" and spelled:
        full, initials = pinyin.name_keys(chars)
        return full + typed, initials + typed
    return "", ""


_CJK_HEAD = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f·]+")
_NUMBER = re.compile(r"\+?\d+[Xx]?")
_ASCII_LETTERS = re.compile(r"[A-Za-z]+")
_LOWER_LETTERS = re.compile(r"[a-z]*")
#: a surname / name (characters) or its initials / pinyin (letters), then a mobile's last digits
_NAME_AND_TAIL = re.compile(r"([\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f·]+|[A-Za-z]+)"
                            rf"(\d{{{PHONE_TAIL_DIGITS},11}})")


def parse_query(text: str) -> Query:
    """Recognise what was typed: digits → a number; letters → pinyin or initials; characters,
    with or without trailing letters → a name (张, 张三, 张s, 张sf); a name, its initials or
    pinyin and then four or more digits → a name and the last digits of a mobile (张 1234,
    zs1234: spaces are dropped)."""
    text = text or ""
    if text.isascii():  # plain digits or letters, as typed most of the time: nothing to normalise
        if text.isdigit():
            return Query("number", text)
        if text.isalpha():
            return Query("letters", "", "", text.lower())
    value = fields.normalise(text)
    if not value:
        return Query("empty")
    if _NUMBER.fullmatch(value):
        return Query("number", value.upper())
    if _ASCII_LETTERS.fullmatch(value):
        return Query("letters", "", "", value.lower())
    tail = _NAME_AND_TAIL.fullmatch(value)
    if tail is not None:
        name, digits = tail.groups()
        if name.isascii():
            return Query("tail", digits, "", name.lower())
        return Query("tail", digits, name)
    head = _CJK_HEAD.match(value)
    chars = head.group(0) if head else ""
    rest = value[len(chars):].lower()
    if chars and _LOWER_LETTERS.fullmatch(rest):
        return Query("name", "", chars, rest, True)
    return Query("name", "", value)


def birthday_today(birthday: date | None, lunar: bool, today: date) -> bool:
    """Whether today is the client's birthday; a lunar birthday falls on this year's date of the
    same lunar month and day (a 30th on the 29th when this year's month has 29 days; a birthday
    in a leap month on the ordinary month of that number); 29 February is kept on 28 February
    in other years."""
    if birthday is None:
        return False
    if lunar:
        return birthday in lunar_birthdays(today)
    if (birthday.month, birthday.day) == (2, 29):
        leap = today.year % 4 == 0 and (today.year % 100 != 0 or today.year % 400 == 0)
        return (today.month, today.day) == ((2, 29) if leap else (2, 28))
    return (birthday.month, birthday.day) == (today.month, today.day)


@functools.lru_cache(maxsize=4)
def lunar_birthdays(today: date) -> frozenset[date]:
    """Every date of birth (in the lunar calendar's range, 1900–2099) whose lunar birthday is
    `today`: worked out once a day (a few ms), so a card's check is a set look-up instead of a
    conversion of each client's birthday."""
    try:
        now = LunarDate.from_solar_date(today.year, today.month, today.day)
    except ValueError:
        return frozenset()
    if now.is_leap_month:  # birthdays are kept on the ordinary month of their number
        return frozenset()
    days = [now.day]
    if now.day == 29:
        try:
            LunarDate(now.year, now.month, 30).to_solar_date()
        except ValueError:  # a 29-day month this year: those born on a 30th too
            days.append(30)
    out = set()
    for year in range(1900, 2100):
        for leap in (False, True):
            for day in days:
                try:
                    out.add(LunarDate(year, now.month, day, leap).to_solar_date())
                except ValueError:
                    continue
    return frozenset(out)


def _truth(expr: ColumnElement[Any]) -> ColumnElement[Any]:
    """A yes/no as the driver gives it (1/0 on SQLite, a bool on PostgreSQL; NULL when there
    is none), read for its truth where the card is built: no conversion per row."""
    return type_coerce(expr, Integer)


def _card_columns() -> list[ColumnElement[Any]]:
    """A client card's facts (unpacked in this order by `_cards`): the client row, the CM and
    whether they are in today (joined by `_with_cm`), and, as sub-queries on indexed columns
    correlated to the client only, their first open card, an open complaint, the last contact
    (else the registration; naive UTC, compared as it comes); each statement adds the card the
    client was found by."""
    client_id = Client.id
    return [
        Client.id, Client.name, Client.title, Client.gender, Client.tier, Client.id_type,
        Client.id_number, Client.phone, Client.birthday, _truth(Client.lunar_birthday),
        Client.potential_signals, Client.id_expires_on, Client.risk_assessed_on,
        CMAssignment.cm_id, CM.name, _truth(Attendance.present),
        select(ClientAccount.number)
        .where(ClientAccount.client_id == client_id, col(ClientAccount.closed_on).is_(None))
        .order_by(col(ClientAccount.id)).limit(1).correlate(Client)
        .scalar_subquery().label("open_card"),
        _truth(exists().where(
            Complaint.client_id == client_id,
            col(Complaint.status).not_in([literal(v) for v in COMPLAINT_CLOSED]))
            .correlate(Client)).label("open_complaint"),
        # the last contact, else the registration: what the contact cadence counts from
        type_coerce(func.coalesce(
            select(func.max(ContactLog.at)).where(ContactLog.client_id == client_id)
            .correlate(Client).scalar_subquery(), Client.created_at), DateTime)
        .label("contact_since"),
    ]


def _with_cm(query: Select[Any]) -> Select[Any]:
    """`query` with the client's open CM assignment (at most one: a partial unique index), that
    CM's staff row and their attendance today (one per day and person), joined if there."""
    return (query
            .outerjoin(CMAssignment, (CMAssignment.client_id == Client.id)
                       & col(CMAssignment.end_at).is_(None))
            .outerjoin(CM, CM.id == CMAssignment.cm_id)
            .outerjoin(Attendance, (Attendance.staff_id == CMAssignment.cm_id)
                       & (Attendance.business_date == bindparam("today"))))


def _clients(*where: ColumnElement[bool], order: tuple[Any, ...] = ()) -> Select[Any]:
    """Cards of the clients matching `where` (parameters: the key's, `today`, `n` the most
    rows), in `order`; no matched card."""
    return (_with_cm(select(*_card_columns(), null().label("matched_card")).select_from(Client))
            .where(*where).order_by(*order).limit(bindparam("n")))


def _accounts(*where: ColumnElement[bool], order: tuple[Any, ...] = ()) -> Select[Any]:
    """Cards of the clients holding a card/account matching `where`, with that card's number
    (a client with two matching cards comes twice, the first in `order` first)."""
    return (_with_cm(select(*_card_columns(), ClientAccount.number)
                     .join_from(ClientAccount, Client, ClientAccount.client_id == Client.id))
            .where(*where).order_by(*order).limit(bindparam("n")))


def _range(column: Any, low: str = "low", high: str = "high") -> ColumnElement[bool]:
    """A prefix as an index range: parameters `low` (the prefix) and `high` (prefix + TOP)."""
    return (col(column) >= bindparam(low)) & (col(column) < bindparam(high))


def _key() -> Any:
    return bindparam("key")


# Every look-up key is one statement that finds the clients by an index (an exact match or a
# prefix range, and a LIMIT) and returns their cards with them (built at first use).
Q_ACCOUNT = ReadStatement(lambda: _accounts(ClientAccount.number == _key()))
Q_ACCOUNT_PREFIX = ReadStatement(lambda: _accounts(_range(ClientAccount.number),
                                                   order=(col(ClientAccount.number),)))
Q_ID_NUMBER = ReadStatement(lambda: _clients(Client.id_number == _key()))
Q_ID_NUMBER_PREFIX = ReadStatement(lambda: _clients(_range(Client.id_number),
                                                    order=(col(Client.id_number),)))
Q_PHONE_NUMBER = ReadStatement(lambda: _clients(Client.phone == _key()))
Q_PHONE_PREFIX = ReadStatement(lambda: _clients(_range(Client.phone),
                                                order=(col(Client.phone),)))
Q_INITIALS_PREFIX = ReadStatement(lambda: _clients(
    _range(Client.name_initials), order=(col(Client.name_initials), col(Client.id))))
Q_PINYIN_PREFIX = ReadStatement(lambda: _clients(
    _range(Client.name_pinyin), order=(col(Client.name_pinyin), col(Client.id))))
# characters and trailing letters (张s): the pinyin and initials ranges are the selective ones
# (a common surname alone matches a large share of the clients); the characters filter them
Q_PINYIN_AND_NAME = ReadStatement(lambda: _clients(
    _range(Client.name_pinyin), _range(Client.name, "name_low", "name_high"),
    order=(col(Client.name_pinyin), col(Client.id))))
Q_INITIALS_AND_NAME = ReadStatement(lambda: _clients(
    _range(Client.name_initials), _range(Client.name, "name_low", "name_high"),
    order=(col(Client.name_initials), col(Client.id))))
Q_NAME = ReadStatement(lambda: _clients(Client.name == _key(), order=(col(Client.id),)))
Q_NAME_PREFIX = ReadStatement(lambda: _clients(_range(Client.name),
                                               order=(col(Client.name), col(Client.id))))
Q_CLIENT = ReadStatement(lambda: _clients(Client.id == _key()))


def _tail(*where: ColumnElement[bool]) -> Select[Any]:
    """Cards of the clients whose mobile ends in `suffix` (its last four digits `tail` found by
    the index ix_client_phone_tail, an equality), and `where`, in the order of their ids (the
    index's own order within one tail: no sort)."""
    phone = Client.phone
    ends = func.substr(phone, func.length(phone) + 1 - bindparam("suffix_len", type_=Integer))
    return _clients(phone_tail(phone) == bindparam("tail"), ends == bindparam("suffix"), *where,
                    order=(col(Client.id),))


# the last digits of a mobile, alone or after the name's characters, initials or pinyin
Q_PHONE_TAIL = ReadStatement(lambda: _tail())
Q_TAIL_AND_NAME = ReadStatement(lambda: _tail(_range(Client.name)))
Q_TAIL_AND_INITIALS = ReadStatement(lambda: _tail(_range(Client.name_initials)))
Q_TAIL_AND_PINYIN = ReadStatement(lambda: _tail(_range(Client.name_pinyin)))


#: a statement to run, what its matches are matched by, its parameters (the key's)
Step = tuple[ReadStatement, str, dict[str, Any]]


def _steps(q: Query) -> Sequence[Step]:
    """The statements that answer `q`, best matches first, each from its own index."""
    if q.kind == "number":
        # (the first and last characters compared by slicing: str.startswith/endswith parse
        # their arguments the slow way, which shows in a look-up's time)
        d = q.digits
        n, first, last = len(d), d[:1], d[-1:]
        steps: list[Step] = []
        if first == "+" or (n == 11 and first == "1"):
            steps.append((Q_PHONE_NUMBER, BY_PHONE, {"key": d}))
        if n in (15, 18) or last == "X":
            steps.append((Q_ID_NUMBER, BY_ID, {"key": d}))
        if n >= 8 and first != "+":
            steps.append((Q_ACCOUNT, BY_CARD, {"key": d}))
        return steps
    if q.kind == "letters":
        return ((Q_INITIALS_PREFIX, BY_INITIALS, {"low": q.initials, "high": q.initials + TOP}),
                (Q_PINYIN_PREFIX, BY_PINYIN, {"low": q.letters, "high": q.letters + TOP}))
    if q.kind == "name" and q.spelled and q.typed:
        chars = {"name_low": q.chars, "name_high": q.chars + TOP}
        return ((Q_PINYIN_AND_NAME, BY_PINYIN,
                 {"low": q.letters, "high": q.letters + TOP, **chars}),
                (Q_INITIALS_AND_NAME, BY_INITIALS,
                 {"low": q.initials, "high": q.initials + TOP, **chars}))
    if q.kind == "tail":
        tail = _tail_params(q.digits)
        if q.chars:
            return ((Q_TAIL_AND_NAME, BY_PHONE, {"low": q.chars, "high": q.chars + TOP, **tail}),)
        return ((Q_TAIL_AND_INITIALS, BY_PHONE,
                 {"low": q.typed, "high": q.typed + TOP, **tail}),
                (Q_TAIL_AND_PINYIN, BY_PHONE, {"low": q.typed, "high": q.typed + TOP, **tail}))
    if q.kind == "name":
        return ((Q_NAME, BY_NAME, {"key": q.chars}),
                (Q_NAME_PREFIX, BY_NAME, {"low": q.chars, "high": q.chars + TOP}))
    return ()


def _tail_params(digits: str) -> dict[str, Any]:
    return {"tail": digits[-PHONE_TAIL_DIGITS:], "suffix": digits, "suffix_len": len(digits)}


def tail_alone(q: Query) -> bool:
    """Whether `q` is a mobile's last digits typed alone (4 to 7 digits)."""
    return q.kind == "number" and PHONE_TAIL_DIGITS <= len(q.digits) <= TAIL_ALONE_LONGEST \
        and q.digits.isdigit()


def _tail_steps(q: Query) -> Sequence[Step]:
    if not tail_alone(q):
        return ()
    return ((Q_PHONE_TAIL, BY_PHONE, _tail_params(q.digits)),)


def _prefix_steps(q: Query) -> Sequence[Step]:
    """For a number being typed (six digits or more) that matched nothing whole: the cards,
    ID numbers and phones it begins."""
    d = q.digits
    if q.kind != "number" or len(d) < 6:
        return ()
    return ((Q_ACCOUNT_PREFIX, BY_CARD, {"low": d, "high": d + TOP}),
            (Q_ID_NUMBER_PREFIX, BY_ID, {"low": d, "high": d + TOP}),
            (Q_PHONE_PREFIX, BY_PHONE, {"low": d, "high": d + TOP}))


class LookupService(Service):
    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        s = self.settings
        #: the premium tiers, the contact cadence (days) of each tier, how long a risk
        #: assessment is valid (plain attributes: read on every look-up)
        self._tier_rules: tuple[frozenset[str], dict[str, int], timedelta] = (
            frozenset(t.code for t in s.tiers if t.premium), dict(s.contact.cadence_days),
            timedelta(days=s.contact.risk_assessment_valid_days))
        #: the configured masks of an ID number, a phone and a card number
        self._masks: tuple[Callable[[str | None], str], ...] = masking.maskers(s)

    def _cards(self, unit: ReadUnit, steps: Iterable[Step], limit: int) -> list[ClientCard]:
        """The cards of the clients the steps find, in the order found, one per client, at
        most `limit`: each row is made a card as it comes (masked numbers, the flags)."""
        premium, cadences, risk_valid = self._tier_rules
        mask_id, mask_phone, mask_card = self._masks
        today = unit.today
        risk_before = today - risk_valid  # a risk assessment made before this day has expired
        now = NAIVE_EPOCH + (unit.now - UTC_EPOCH)  # naive UTC, as contact_since comes
        out: dict[int, ClientCard] = {}
        for statement, how, params in steps:
            if len(out) >= limit:
                break
            params["today"] = today
            params["n"] = limit - len(out)
            for (cid, name, title, gender, tier, id_type, id_number, phone, birthday, lunar,
                 potential, id_expires_on, risk_assessed_on, cm_id, cm_name, cm_present,
                 open_card, open_complaint, contact_since, matched_card
                 ) in unit.rows(statement, params):
                if cid in out:  # found by an earlier step (or by a second matching card)
                    continue
                # contact overdue: the last contact (else the registration) more than the
                # tier's cadence in whole days ago
                cadence = cadences.get(tier)
                out[cid] = _record(ClientCard, (
                    cid, name, title, gender, tier, tier in premium, id_type,
                    mask_id(id_number), mask_phone(phone), mask_card(matched_card or open_card),
                    how, cm_id, cm_name or "",
                    None if cm_id is None or cm_present is None else bool(cm_present),
                    _record(ClientFlags, (
                        birthday_today(birthday, lunar, today),
                        bool(open_complaint),
                        bool(cadence) and contact_since is not None
                        and (now - contact_since).days > cadence,
                        tier == "potential" or bool(potential.strip()),
                        id_expires_on is not None and id_expires_on < today,
                        risk_assessed_on is not None and risk_assessed_on < risk_before,
                    )),
                ))
        return list(out.values())

    def _card(self, unit: ReadUnit, client_id: int) -> ClientCard | None:
        cards = self._cards(unit, [(Q_CLIENT, "", {"key": client_id})], 1)
        return cards[0] if cards else None

    # --- public ----------------------------------------------------------------------------
    @requires("client.lookup", write=False, lean=True)
    def search(self, unit: ReadUnit, text: str, *, limit: int = 8) -> list[ClientCard]:
        """Clients matching what was typed so far, best matches first, at most `limit`. A
        mobile's last digits typed alone (4 to 7) answer only when few clients share them (at
        most TAIL_ALONE_MAX, and `limit`): else nothing, and a surname or initials before the
        digits narrow it down."""
        q = parse_query(text)
        if not 1 <= limit <= 50:
            limit = max(1, min(limit, 50))
        found = self._cards(unit, _steps(q), limit)
        if not found and tail_alone(q):
            most = min(limit, TAIL_ALONE_MAX)
            found = self._cards(unit, _tail_steps(q), most + 1)
            if len(found) > most:
                found = []
        return found or self._cards(unit, _prefix_steps(q), limit)

    @requires("client.lookup", write=False, lean=True)
    def get(self, unit: ReadUnit, client_id: int) -> ClientCard:
        card = self._card(unit, client_id)
        if card is None:
            raise NotFound("error.client.not_found", id=client_id)
        return card

    @requires("client.register")
    def register(
        self,
        uow: UnitOfWork,
        *,
        name: str,
        id_type: str,
        id_number: str,
        phone: str = "",
        title: str = "",
        gender: str = "",
    ) -> ClientCard:
        """Quick registration of a walk-in at the door: name, ID and (optionally) a mobile. The
        rest of the file is completed by a CM. Refuses an ID number already registered."""
        name = fields.parse_name(name)
        number = fields.parse_id_number(id_type, id_number)
        mobile = fields.parse_mobile(phone) if (phone or "").strip() else ""
        title = fields.parse_text(title, "lookup.field.title", max_len=20)
        if gender not in ("", "M", "F"):
            raise fields.FieldError("lookup.field.gender", "error.field.choice", accepted="M, F")
        existing = uow.session.exec(
            select(Client.id).where(Client.id_number == number, Client.id_type == id_type)
        ).first()
        if existing is not None:
            raise Conflict("error.lookup.already_registered", id=existing)
        birthday = None
        if id_type in (fields.ID_RESIDENT, fields.ID_RESIDENCE_PERMIT):
            birthday = fields.birthday_from_resident_id(number)
            if not gender:
                gender = "M" if int(number[16]) % 2 else "F"
        full, initials = pinyin.name_keys(name)
        client = Client(
            name=name, name_pinyin=full, name_initials=initials, title=title, gender=gender,
            id_type=id_type, id_number=number, phone=mobile, birthday=birthday,
            tier=self.settings.tiers[0].code, created_at=uow.now,
        )
        uow.session.add(client)
        uow.session.flush()
        uow.audit("client.register", "client", client.id, manual_section=SECTION,
                  id_type=id_type, id_masked=masking.id_number(self.settings, number))
        assert client.id is not None
        card = self._card(ReadUnit.within(uow), client.id)
        assert card is not None
        return card
