"""Client look-up as the client walks in (识别), and quick registration of a new client.

One input takes a card/account number, an ID number, a mobile, or a name: characters, full pinyin,
pinyin initials, or a mix (张s). Every key is answered from an index with an exact match or a
prefix range (`key >= q AND key < q || U+10FFFF`) and a LIMIT, so the time does not grow with the
number of clients (manual ch.2 §2.7 item 4; manual digest §4.1 steps 2–4).

The result is a card with masked numbers, the tier, the exclusive CM and whether they are in
today, and flags: birthday today, open complaint, contact overdue, potential premium, ID expired,
risk assessment expired.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from lunardate import LunarDate
from sqlalchemy import ColumnElement, Select, bindparam, exists
from sqlmodel import col, func, select

from wealthtui.model import (
    Attendance,
    Client,
    ClientAccount,
    CMAssignment,
    Complaint,
    ContactLog,
    Staff,
)
from wealthtui.rules import fields, pinyin
from wealthtui.services import masking
from wealthtui.services.base import Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound

SECTION = "ch.2 §2.7"
#: complaint states that are over
COMPLAINT_CLOSED = ("closed", "withdrawn", "merged")
#: the upper bound of a prefix range: the highest code point, so that a name continuing with a
#: rare character outside the BMP (张𠮷) still falls inside "张" (binary / C-collation order)
TOP = "\U0010ffff"

#: what a query was recognised as
BY_CARD, BY_ID, BY_PHONE, BY_NAME, BY_PINYIN, BY_INITIALS = (
    "card", "id_number", "phone", "name", "pinyin", "initials")


@dataclass(frozen=True)
class ClientFlags:
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


@dataclass(frozen=True)
class ClientCard:
    """A client as the lobby and the counters see them: numbers masked, no balances."""

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


@dataclass(frozen=True)
class Query:
    """A typed look-up recognised: which keys to try, normalised."""

    kind: str          # number | letters | name | empty
    digits: str = ""   # card/account, ID or phone (ID's final X upper-cased)
    letters: str = ""  # full pinyin prefix (characters turned into pinyin)
    initials: str = ""  # initials prefix
    chars: str = ""    # the leading Chinese characters, a name prefix


_CJK_HEAD = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f·]+")


def parse_query(text: str) -> Query:
    """Recognise what was typed: digits → a number; letters → pinyin or initials; characters,
    with or without trailing letters → a name (张, 张三, 张s, 张sf)."""
    raw = unicodedata.normalize("NFKC", text or "")
    value = fields.normalise(raw)
    if not value:
        return Query("empty")
    if re.fullmatch(r"\+?\d+[Xx]?", value):
        return Query("number", digits=value.upper())
    if re.fullmatch(r"[A-Za-z]+", value):
        low = value.lower()
        return Query("letters", letters=low, initials=low)
    head = _CJK_HEAD.match(value)
    chars = head.group(0) if head else ""
    rest = value[len(chars):].lower()
    if chars and re.fullmatch(r"[a-z]*", rest):
        initials = pinyin.name_keys(chars)[1] + rest
        return Query("name", chars=chars, letters=pinyin.query_key(value), initials=initials)
    return Query("name", chars=value)


def _prefix(column, value: str) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    return (col(column) >= value) & (col(column) < value + TOP)


def birthday_today(birthday: date | None, lunar: bool, today: date) -> bool:
    """Whether today is the client's birthday; a lunar birthday falls on this year's date of the
    same lunar month and day; 29 February is kept on 28 February in other years."""
    if birthday is None:
        return False
    if lunar:
        born = LunarDate.from_solar_date(birthday.year, birthday.month, birthday.day)
        for year in (today.year - 1, today.year):  # the lunar year may have started last year
            try:
                solar = LunarDate(year, born.month, born.day).to_solar_date()
            except ValueError:
                try:  # a 30th in a year whose month has 29 days
                    solar = LunarDate(year, born.month, born.day - 1).to_solar_date()
                except ValueError:
                    continue
            if solar == today:
                return True
        return False
    if (birthday.month, birthday.day) == (2, 29):
        leap = today.year % 4 == 0 and (today.year % 100 != 0 or today.year % 400 == 0)
        return (today.month, today.day) == ((2, 29) if leap else (2, 28))
    return (birthday.month, birthday.day) == (today.month, today.day)


@functools.cache
def _card_statement(with_matched_card: bool) -> Select:  # type: ignore[type-arg]
    """The statement behind `_cards`, built once (parameters: ids, today, card_from, card_to)."""
    client_id = Client.id
    # correlated explicitly: it is also nested two levels deep (the CM's name and attendance)
    open_cm = (select(CMAssignment.cm_id)
               .where(CMAssignment.client_id == client_id, col(CMAssignment.end_at).is_(None))
               .order_by(col(CMAssignment.id).desc()).limit(1).correlate(Client)
               .scalar_subquery())
    columns = [
        Client.id, Client.name, Client.title, Client.gender, Client.tier, Client.id_type,
        Client.id_number, Client.phone, Client.birthday, Client.lunar_birthday,
        Client.potential_signals, Client.id_expires_on, Client.risk_assessed_on,
        Client.created_at,
        open_cm.label("cm_id"),
        select(Staff.name).where(Staff.id == open_cm).scalar_subquery().label("cm_name"),
        select(Attendance.present)
        .where(Attendance.business_date == bindparam("today"), Attendance.staff_id == open_cm)
        .limit(1).scalar_subquery().label("cm_present"),
        select(ClientAccount.number)
        .where(ClientAccount.client_id == client_id, col(ClientAccount.closed_on).is_(None))
        .order_by(col(ClientAccount.id)).limit(1).scalar_subquery().label("open_card"),
        exists().where(Complaint.client_id == client_id,
                       col(Complaint.status).not_in(COMPLAINT_CLOSED)).label("open_complaint"),
        select(func.max(ContactLog.at)).where(ContactLog.client_id == client_id)
        .scalar_subquery().label("last_contact"),
    ]
    if with_matched_card:
        columns.append(
            select(ClientAccount.number)
            .where(ClientAccount.client_id == client_id,
                   col(ClientAccount.number) >= bindparam("card_from"),
                   col(ClientAccount.number) < bindparam("card_to"))
            .order_by(col(ClientAccount.number)).limit(1).scalar_subquery()
            .label("matched_card"))
    return select(*columns).where(col(Client.id).in_(bindparam("ids", expanding=True)))


class LookupService(Service):
    def _ids(self, uow: UnitOfWork, q: Query, limit: int) -> list[tuple[int, str]]:
        """(client id, matched by) in a stable order, at most `limit`, without duplicates."""
        out: dict[int, str] = {}

        def take(query, how: str) -> None:  # type: ignore[no-untyped-def]
            if len(out) >= limit:
                return
            for cid in uow.session.exec(query.limit(limit - len(out))):
                out.setdefault(cid, how)

        clients_q = select(Client.id)
        if q.kind == "number":
            d = q.digits
            if d.startswith("+") or (len(d) == 11 and d.startswith("1")):
                take(clients_q.where(Client.phone == d), BY_PHONE)
            if len(d) in (15, 18) or d.endswith("X"):
                take(clients_q.where(Client.id_number == d), BY_ID)
            if len(d) >= 8 and not d.startswith("+"):
                take(select(ClientAccount.client_id).where(ClientAccount.number == d), BY_CARD)
            if len(d) >= 6 and not out:  # as you type: prefixes, each from its own index
                take(select(ClientAccount.client_id).where(_prefix(ClientAccount.number, d))
                     .order_by(col(ClientAccount.number)), BY_CARD)
                take(clients_q.where(_prefix(Client.id_number, d))
                     .order_by(col(Client.id_number)), BY_ID)
                take(clients_q.where(_prefix(Client.phone, d))
                     .order_by(col(Client.phone)), BY_PHONE)
        elif q.kind == "letters":
            take(clients_q.where(_prefix(Client.name_initials, q.initials))
                 .order_by(col(Client.name_initials), col(Client.id)), BY_INITIALS)
            take(clients_q.where(_prefix(Client.name_pinyin, q.letters))
                 .order_by(col(Client.name_pinyin), col(Client.id)), BY_PINYIN)
        elif q.kind == "name" and q.letters and q.letters != pinyin.query_key(q.chars):
            # characters and trailing letters (张s): the pinyin and initials ranges are the
            # selective ones (a common surname alone matches a large share of the clients);
            # the characters filter what they find
            chars = _prefix(Client.name, q.chars)
            take(clients_q.where(_prefix(Client.name_pinyin, q.letters), chars)
                 .order_by(col(Client.name_pinyin), col(Client.id)), BY_PINYIN)
            take(clients_q.where(_prefix(Client.name_initials, q.initials), chars)
                 .order_by(col(Client.name_initials), col(Client.id)), BY_INITIALS)
        elif q.kind == "name":
            by_name = clients_q.where(_prefix(Client.name, q.chars))
            take(by_name.where(Client.name == q.chars).order_by(col(Client.id)), BY_NAME)
            take(by_name.order_by(col(Client.name), col(Client.id)), BY_NAME)
        return list(out.items())

    def _cards(self, uow: UnitOfWork, hits: list[tuple[int, str]],
               matched_card: str = "") -> list[ClientCard]:
        """The cards of `hits`, in their order: ONE statement (the client row and, as correlated
        sub-queries on indexed columns, the CM and whether they are in today, the card shown,
        an open complaint, the last contact), executed on the Core connection."""
        if not hits:
            return []
        params: dict[str, object] = {"ids": [cid for cid, _how in hits], "today": uow.today}
        if matched_card:
            params.update(card_from=matched_card, card_to=matched_card + TOP)
        rows = {row.id: row for row in uow.session.connection().execute(
            _card_statement(bool(matched_card)), params)}
        s = self.settings
        out = []
        for cid, how in hits:
            c = rows.get(cid)
            if c is None:
                continue
            tier = s.tier(c.tier)
            card = (c.matched_card if matched_card else None) or c.open_card or ""
            out.append(ClientCard(
                id=cid, name=c.name, title=c.title, gender=c.gender, tier=c.tier,
                premium=bool(tier and tier.premium), id_type=c.id_type,
                id_masked=masking.id_number(s, c.id_number),
                phone_masked=masking.phone(s, c.phone),
                card_masked=masking.card(s, card), matched_by=how,
                cm_id=c.cm_id, cm_name=c.cm_name or "",
                cm_present=None if c.cm_id is None or c.cm_present is None else bool(c.cm_present),
                flags=self._flags(uow, c, bool(c.open_complaint), c.last_contact),
            ))
        return out

    def _flags(self, uow: UnitOfWork, c: Client, complaint: bool, last_contact) -> ClientFlags:  # type: ignore[no-untyped-def]
        s, today = self.settings, uow.today
        risk_expired = False
        if c.risk_assessed_on is not None:
            valid = timedelta(days=s.contact.risk_assessment_valid_days)
            risk_expired = c.risk_assessed_on + valid < today
        overdue = False
        cadence = s.contact.cadence_days.get(c.tier)
        if cadence:
            since = last_contact or c.created_at
            if since is not None:
                overdue = (uow.now - since).days > cadence
        return ClientFlags(
            birthday_today=birthday_today(c.birthday, c.lunar_birthday, today),
            open_complaint=complaint,
            contact_overdue=overdue,
            potential=c.tier == "potential" or bool(c.potential_signals.strip()),
            id_expired=c.id_expires_on is not None and c.id_expires_on < today,
            risk_expired=risk_expired,
        )

    # --- public ----------------------------------------------------------------------------
    @requires("client.lookup", write=False)
    def search(self, uow: UnitOfWork, text: str, *, limit: int = 8) -> list[ClientCard]:
        """Clients matching what was typed so far, best matches first, at most `limit`."""
        q = parse_query(text)
        if q.kind == "empty":
            return []
        if q.kind == "letters" and len(q.letters) < 1:
            return []
        limit = max(1, min(limit, 50))
        hits = self._ids(uow, q, limit)
        return self._cards(uow, hits, matched_card=q.digits if q.kind == "number" else "")

    @requires("client.lookup", write=False)
    def get(self, uow: UnitOfWork, client_id: int) -> ClientCard:
        cards = self._cards(uow, [(client_id, "")])
        if not cards:
            raise NotFound("error.client.not_found", id=client_id)
        return cards[0]

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
        return self._cards(uow, [(client.id, "")])[0]
