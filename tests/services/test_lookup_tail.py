"""Look-up by the last digits of the mobile (手机尾号, issue 19): with the surname or the name's
initials / pinyin ("张 1234", "zs1234", "zhang1234"), or alone when few clients share them; an
equality on the indexed tail expression (migration 0010), never a scan."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import event

from tests.lobby_data import add_client
from wealthtui.services.lookup import TAIL_ALONE_MAX, parse_query


@pytest.fixture
def lobby(make_staff):
    return make_staff("lobby_manager", staff_no="L1", name="赵大堂")


@pytest.fixture
def clients(engine):
    return {
        "zhangsan": add_client(engine, "张三", seq=1, phone="13800131234"),
        "zhangsi": add_client(engine, "张思", seq=2, phone="13900139876"),
        "zhaosi": add_client(engine, "赵四", seq=3, phone="13700131234"),
        "lisi": add_client(engine, "李四", seq=4, phone="13600135555"),
        "hk": add_client(engine, "欧阳娜娜", seq=5, phone="+85291231234"),
        "none": add_client(engine, "王五", seq=6),
    }


def names(cards) -> list[str]:
    return [c.name for c in cards]


@pytest.mark.parametrize("typed,digits,chars,typed_letters", [
    ("张 1234", "1234", "张", ""),
    ("张三1234", "1234", "张三", ""),
    ("zs1234", "1234", "", "zs"),
    ("ZS 01234", "01234", "", "zs"),
    ("zhang 131234", "131234", "", "zhang"),
    ("张　１２３４", "1234", "张", ""),  # full-width space and digits
])
def test_a_name_and_digits_are_a_tail_query(typed, digits, chars, typed_letters) -> None:
    q = parse_query(typed)
    assert (q.kind, q.digits, q.chars, q.typed) == ("tail", digits, chars, typed_letters)


@pytest.mark.parametrize("typed", ["张123", "zs12", "张s1234", "1234张"])
def test_fewer_digits_or_other_mixes_are_not_tails(typed) -> None:
    assert parse_query(typed).kind != "tail"


def test_surname_and_tail(services, lobby, clients) -> None:
    cards = services.lookup.search(lobby, "张 1234")
    assert names(cards) == ["张三"] and cards[0].matched_by == "phone"
    assert cards[0].phone_masked.endswith("1234")
    assert names(services.lookup.search(lobby, "赵1234")) == ["赵四"]
    assert names(services.lookup.search(lobby, "张 9876")) == ["张思"]
    assert services.lookup.search(lobby, "李 1234") == []


def test_initials_or_pinyin_and_tail(services, lobby, clients) -> None:
    assert names(services.lookup.search(lobby, "zs1234")) == ["张三", "赵四"]
    assert names(services.lookup.search(lobby, "zhangs1234")) == ["张三"]
    assert names(services.lookup.search(lobby, "zhao 1234")) == ["赵四"]
    # more digits narrow the tail down: 0131234 is 张三's and 赵四's; 800131234 only 张三's
    assert names(services.lookup.search(lobby, "zs0131234")) == ["张三", "赵四"]
    assert names(services.lookup.search(lobby, "zs800131234")) == ["张三"]
    assert names(services.lookup.search(lobby, "oy1234")) == ["欧阳娜娜"]  # E.164 too


def test_the_tail_alone_answers_when_the_result_is_small(services, lobby, clients) -> None:
    assert names(services.lookup.search(lobby, "1234")) == ["张三", "赵四", "欧阳娜娜"]
    assert names(services.lookup.search(lobby, "5555")) == ["李四"]
    assert names(services.lookup.search(lobby, "80131234")) == []  # 8 digits: a card's start
    assert names(services.lookup.search(lobby, "0131234")) == ["张三", "赵四"]
    assert services.lookup.search(lobby, "0000") == []


def test_the_tail_alone_answers_nothing_when_many_share_it(services, lobby, engine) -> None:
    for seq in range(TAIL_ALONE_MAX + 1):
        add_client(engine, "张" + "一二三四五六七八九十"[seq], seq=10 + seq,
                   phone=f"1380000{seq:04d}"[:7] + "4321")
    assert services.lookup.search(lobby, "4321") == []
    assert len(services.lookup.search(lobby, "张三4321")) == 1  # the surname narrows it down
    add_client(engine, "李明", seq=40, phone="13811114321")
    assert names(services.lookup.search(lobby, "li4321")) == ["李明"]


def test_the_tail_of_a_limit_keeps_the_answer_small(services, lobby, clients) -> None:
    assert names(services.lookup.search(lobby, "1234", limit=2)) == []  # three share it
    assert names(services.lookup.search(lobby, "zs1234", limit=1)) == ["张三"]


@hsettings(max_examples=40, deadline=None)
@given(st.text(alphabet="0123456789 张zs李", max_size=12))
def test_any_mix_of_names_and_digits_parses(text) -> None:
    q = parse_query(text)
    if q.kind == "tail":
        assert q.digits.isdigit() and len(q.digits) >= 4
        assert bool(q.chars) != bool(q.typed)


@pytest.mark.sqlite_only
def test_tail_lookups_use_the_tail_index(services, lobby, clients, engine) -> None:
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "substr" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        for typed in ("1234", "0131234", "张 1234", "zs1234", "zhang1234"):
            services.lookup.search(lobby, typed)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(statements) == 7  # one per tail alone or surname; initials, then pinyin
    with engine.connect() as conn:
        for statement, parameters in statements:
            plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                            parameters).all()]
            client = [d for d in plan if d.startswith(("SEARCH client ", "SCAN client "))]
            assert client == [client[0]] and "USING INDEX ix_client_phone_tail" in client[0], plan
            assert not any(d.startswith("SCAN client") for d in plan)
            assert " LIKE " not in statement.upper()


def test_tail_lookups_use_the_tail_index_on_postgresql(services, lobby, clients, engine,
                                                       backend) -> None:
    if backend != "postgres":
        pytest.skip("the SQLite plan is checked above")
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "substr" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        services.lookup.search(lobby, "张 1234")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    [(statement, parameters)] = statements
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # a tiny table: ask for the index
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement,
                                                            parameters).all())
    assert "ix_client_phone_tail" in plan, plan
