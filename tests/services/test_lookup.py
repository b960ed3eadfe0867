"""Client look-up at the door by every key: card/account number, ID number, mobile, name
characters, full pinyin (also partial), initials, and mixed input; the card's masking, CM and
flags; quick registration; and that every query is answered from an index."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lunardate import LunarDate
from sqlalchemy import event
from sqlmodel import Session, select

from tests.conftest import T0
from tests.lobby_data import add_client, card_no, id_no
from wealthtui.model import Attendance, CMAssignment, Complaint, ContactLog
from wealthtui.services.errors import Conflict, FieldError
from wealthtui.services.lookup import birthday_today, parse_query

TODAY = T0.date()


@pytest.fixture
def clients(engine):
    return {
        "zhangsan": add_client(engine, "张三", seq=1, phone="13800138000", card=card_no(1),
                               title="先生", tier="premium"),
        "zhangsi": add_client(engine, "张思", seq=2, phone="13900139000"),
        "zhangshufen": add_client(engine, "张淑芬", seq=3, card=card_no(2)),
        "lisi": add_client(engine, "李四", seq=4, id_number="11010519700505004X"),
        "ouyang": add_client(engine, "欧阳娜娜", seq=5, phone="+85291234567"),
        "zhao": add_client(engine, "赵子龙", seq=6),
    }


@pytest.fixture
def lobby(make_staff):
    return make_staff("lobby_manager", staff_no="L1", name="赵大堂")


def names(cards) -> list[str]:
    return [c.name for c in cards]


# --- recognising the input -----------------------------------------------------------------
@pytest.mark.parametrize("typed,kind,fields", [
    ("6222 0200 0000 0000 1", "number", {"digits": "62220200000000001"}),
    ("１３８００１３８０００", "number", {"digits": "13800138000"}),
    ("11010519700505004x", "number", {"digits": "11010519700505004X"}),
    ("ZhangS", "letters", {"letters": "zhangs", "initials": "zhangs"}),
    ("张", "name", {"chars": "张", "letters": "zhang", "initials": "z"}),
    ("张s", "name", {"chars": "张", "letters": "zhangs", "initials": "zs"}),
    ("张sf", "name", {"chars": "张", "letters": "zhangsf", "initials": "zsf"}),
    ("  ", "empty", {}),
])
def test_parse_query(typed, kind, fields) -> None:
    q = parse_query(typed)
    assert q.kind == kind
    for key, value in fields.items():
        assert getattr(q, key) == value


# --- each key -------------------------------------------------------------------------------
def test_by_exact_card_number(services, lobby, clients) -> None:
    cards = services.lookup.search(lobby, card_no(1))
    assert names(cards) == ["张三"] and cards[0].matched_by == "card"


def test_by_card_number_prefix_as_typed(services, lobby, clients) -> None:
    assert set(names(services.lookup.search(lobby, "622202"))) == {"张三", "张淑芬"}
    assert names(services.lookup.search(lobby, card_no(2)[:18])) == ["张淑芬"]


def test_number_prefixes_are_tried_only_when_the_whole_number_finds_nobody(
        services, lobby, clients, engine) -> None:
    ranges: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        if " >= " in statement:  # a prefix as an index range
            ranges.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert names(services.lookup.search(lobby, card_no(1))) == ["张三"]
        assert ranges == []
        assert names(services.lookup.search(lobby, card_no(1)[:18])) == ["张三"]
        assert len(ranges) == 3  # cards, ID numbers, phones beginning with it
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def test_by_id_number_with_a_final_x(services, lobby, clients) -> None:
    cards = services.lookup.search(lobby, "11010519700505004x")
    assert names(cards) == ["李四"] and cards[0].matched_by == "id_number"


def test_by_mobile_mainland_and_e164(services, lobby, clients) -> None:
    assert names(services.lookup.search(lobby, "138-0013-8000")) == ["张三"]
    assert names(services.lookup.search(lobby, "+85291234567")) == ["欧阳娜娜"]


def test_by_name_characters_prefix_and_exact_first(services, lobby, clients) -> None:
    assert set(names(services.lookup.search(lobby, "张"))) == {"张三", "张思", "张淑芬"}
    assert names(services.lookup.search(lobby, "张三")) == ["张三"]
    assert names(services.lookup.search(lobby, "欧阳")) == ["欧阳娜娜"]


def test_a_rare_character_outside_the_bmp_stays_inside_the_prefix(services, lobby, engine) -> None:
    add_client(engine, "张𠮷", seq=30)
    assert names(services.lookup.search(lobby, "张𠮷")) == ["张𠮷"]
    assert "张𠮷" in names(services.lookup.search(lobby, "张"))


def test_by_full_pinyin_and_partial_pinyin(services, lobby, clients) -> None:
    assert names(services.lookup.search(lobby, "zhangsan")) == ["张三"]
    assert set(names(services.lookup.search(lobby, "zhangs"))) == {"张三", "张思", "张淑芬"}
    assert set(names(services.lookup.search(lobby, "zhangsh"))) == {"张淑芬"}
    assert names(services.lookup.search(lobby, "ouyangn")) == ["欧阳娜娜"]
    assert services.lookup.search(lobby, "zhangsan")[0].matched_by == "pinyin"


def test_by_initials(services, lobby, clients) -> None:
    cards = services.lookup.search(lobby, "zs")
    assert set(names(cards)) == {"张三", "张思", "张淑芬"}
    assert cards[0].matched_by == "initials"
    assert names(services.lookup.search(lobby, "ZSF")) == ["张淑芬"]
    assert names(services.lookup.search(lobby, "oynn")) == ["欧阳娜娜"]


def test_mixed_characters_and_letters(services, lobby, clients) -> None:
    assert set(names(services.lookup.search(lobby, "张s"))) == {"张三", "张思", "张淑芬"}
    assert names(services.lookup.search(lobby, "张sf")) == ["张淑芬"]
    assert names(services.lookup.search(lobby, "张si")) == ["张思"]
    assert names(services.lookup.search(lobby, "李s")) == ["李四"]


def test_nothing_for_no_match_or_empty(services, lobby, clients) -> None:
    assert services.lookup.search(lobby, "") == []
    assert services.lookup.search(lobby, "xyz") == []
    assert services.lookup.search(lobby, "王") == []


def test_limit_caps_the_answer(services, lobby, clients) -> None:
    assert len(services.lookup.search(lobby, "z", limit=2)) == 2


# --- the card ------------------------------------------------------------------------------
def test_card_masks_numbers(services, lobby, clients) -> None:
    card = services.lookup.search(lobby, "zhangsan")[0]
    assert card.id_masked.startswith("110105") and card.id_masked.endswith(card.id_masked[-4:])
    assert "*" in card.id_masked and "*" in card.phone_masked and "*" in card.card_masked
    assert "13800138000" not in repr(card) and card_no(1) not in repr(card)
    assert card.title == "先生" and card.premium and card.tier == "premium"


def test_card_shows_the_cm_and_whether_they_are_in(services, lobby, clients, make_staff,
                                                   engine) -> None:
    cm = make_staff("wealth_cm", staff_no="C1", name="李理财")
    with Session(engine) as s:
        s.add(CMAssignment(client_id=clients["zhangsan"], cm_id=cm.staff_id, start_at=T0))
        s.commit()
    card = services.lookup.search(lobby, "zhangsan")[0]
    assert (card.cm_name, card.cm_present) == ("李理财", None)  # attendance not taken yet
    with Session(engine) as s:
        s.add(Attendance(business_date=TODAY, staff_id=cm.staff_id, present=False))
        s.commit()
    assert services.lookup.get(lobby, clients["zhangsan"]).cm_present is False
    with Session(engine) as s:
        row = s.exec(select(Attendance)).one()
        row.present = True
        s.add(row)
        s.commit()
    assert services.lookup.get(lobby, clients["zhangsan"]).cm_present is True


def test_flags(services, lobby, engine, settings) -> None:
    plain = add_client(engine, "钱一", seq=10, birth=date(1980, 1, 1))
    flagged = add_client(
        engine, "孙二", seq=11, birth=date(1980, TODAY.month, TODAY.day), tier="premium",
        id_expires_on=TODAY - timedelta(days=1),
        risk_assessed_on=TODAY - timedelta(days=settings.contact.risk_assessment_valid_days + 1),
        potential_signals="询问大额存单", created_at=T0 - timedelta(days=400),
    )
    with Session(engine) as s:
        s.add(Complaint(ref_no="TS-1", business_date=TODAY, received_at=T0, client_id=flagged,
                        channel="on_site", category="service", description="等候太久",
                        first_receiver_id=lobby.staff_id, due_date=TODAY + timedelta(days=15)))
        s.commit()
    assert services.lookup.get(lobby, plain).flags.active() == ()
    assert services.lookup.get(lobby, flagged).flags.active() == (
        "birthday_today", "open_complaint", "contact_overdue", "potential", "id_expired",
        "risk_expired")
    with Session(engine) as s:
        s.add(ContactLog(client_id=flagged, staff_id=lobby.staff_id, at=T0 - timedelta(days=3),
                         channel="phone"))
        s.commit()
    assert not services.lookup.get(lobby, flagged).flags.contact_overdue


def test_birthday_rules() -> None:
    assert birthday_today(date(1980, 11, 30), False, date(2026, 11, 30))
    assert not birthday_today(date(1980, 11, 29), False, date(2026, 11, 30))
    assert birthday_today(date(1980, 2, 29), False, date(2026, 2, 28))
    assert birthday_today(date(1980, 2, 29), False, date(2028, 2, 29))
    assert not birthday_today(date(1980, 2, 29), False, date(2028, 2, 28))
    born = date(1980, 3, 1)
    lunar = LunarDate.from_solar_date(1980, 3, 1)
    this_year = LunarDate(2026, lunar.month, lunar.day).to_solar_date()
    assert this_year != born.replace(year=2026)
    assert birthday_today(born, True, this_year)
    assert not birthday_today(born, True, born.replace(year=2026))
    assert not birthday_today(None, False, date(2026, 1, 1))


def _lunar_birthday_by_conversion(birthday: date, today: date) -> bool:
    """The rule as the manual states it, worked out directly: convert the birthday to the lunar
    calendar and this (lunar) year's same month and day back (a 30th falling on the 29th)."""
    born = LunarDate.from_solar_date(birthday.year, birthday.month, birthday.day)
    for year in (today.year - 1, today.year):  # the lunar year may have started last year
        for day in (born.day, born.day - 1):
            try:
                solar = LunarDate(year, born.month, day).to_solar_date()
            except ValueError:
                continue
            if solar == today:
                return True
            break
    return False


#: days that test the edges: a 29-day month's 29th, days in leap months, new years, a 30th
EDGE_DAYS = [date(2026, 11, 30), date(2026, 2, 17), date(2026, 2, 16), date(2025, 7, 25),
             date(2025, 8, 22), date(2023, 4, 19), date(2023, 5, 19), date(2020, 6, 20),
             date(2020, 5, 22), date(2024, 2, 9)]


@pytest.mark.sqlite_only
@settings(max_examples=300, deadline=None)
@given(birthday=st.dates(date(1900, 3, 1), date(2026, 12, 31)),
       today=st.sampled_from(EDGE_DAYS) | st.dates(date(2000, 1, 1), date(2040, 12, 31)))
def test_lunar_birthdays_agree_with_converting_each_birthday(birthday, today) -> None:
    assert birthday_today(birthday, True, today) == _lunar_birthday_by_conversion(birthday,
                                                                                 today)


@pytest.mark.sqlite_only
def test_lunar_birthdays_of_a_day_include_those_born_on_that_lunar_day() -> None:
    for today in EDGE_DAYS:
        lunar = LunarDate.from_solar_date(today.year, today.month, today.day)
        if lunar.is_leap_month:
            assert birthday_today(today.replace(year=1990), True, today) is False
            continue
        for year in range(1960, 2000):  # born on this lunar month and day (where it exists)
            try:
                born = LunarDate(year, lunar.month, lunar.day).to_solar_date()
            except ValueError:
                continue
            assert birthday_today(born, True, today)


@pytest.mark.parametrize("typed", ["6222020000000000011", "622202", "zhangs", "ZS", "a"])
def test_plain_ascii_input_reads_as_its_normalised_form(typed: str) -> None:
    spaced = " ".join(typed[i:i + 4] for i in range(0, len(typed), 4))
    assert parse_query(typed) == parse_query(spaced) == parse_query(f"-{typed}-")


# --- quick registration ---------------------------------------------------------------------
def test_quick_registration_of_a_walk_in(services, lobby) -> None:
    number = id_no(date(1990, 6, 15), 11)
    card = services.lookup.register(lobby, name="王 小明", id_type="resident",
                                    id_number=number, phone="139 1234 5678")
    assert card.name == "王 小明" and card.tier == "ordinary" and card.gender == "M"
    assert names(services.lookup.search(lobby, "wxm")) == ["王 小明"]
    assert names(services.lookup.search(lobby, number)) == ["王 小明"]
    with pytest.raises(Conflict):
        services.lookup.register(lobby, name="王小明", id_type="resident", id_number=number)


def test_registration_names_the_bad_field(services, lobby) -> None:
    with pytest.raises(FieldError) as err:
        services.lookup.register(lobby, name="王小明", id_type="resident",
                                 id_number="110105199006151235")
    assert err.value.field == "field.id_number"
    with pytest.raises(FieldError) as err:
        services.lookup.register(lobby, name="王小明", id_type="resident",
                                 id_number=id_no(date(1990, 6, 15), 13), phone="12345")
    assert err.value.field == "field.phone"


# --- speed: every query is answered from an index -------------------------------------------
@pytest.mark.sqlite_only
def test_every_lookup_query_uses_an_index(services, lobby, clients, engine) -> None:
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        for typed in (card_no(1), "622202", "11010519700505004X", "13800138000", "张", "张s",
                      "zhangs", "zs"):
            services.lookup.search(lobby, typed)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    scans = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            for row in plan:
                detail = row[-1]
                if detail.startswith("SCAN") and ("client" in detail or "client_account" in detail):
                    scans.append((statement, detail))
    assert scans == []
    assert not any(" LIKE " in s.upper() for s, _ in statements)
