"""Reads proportional to what is shown (issue 22), for the CM's and the head's screens: a CM's
clients read with their own last contacts only (not a GROUP BY over the whole center), the KPI
scorecard's month figures by index. Asserted by structure — rows read, query plans — not time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from tests.conftest import T0
from tests.read_probe import probe_engine
from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from wealthtui.model import CMAssignment, ContactLog, TierChange
from wealthtui.services import Services
from wealthtui.store.engine import is_sqlite
from wealthtui.ui.widgets.head_staff import fetch_staff

#: the tables a screen must never read whole
BIG = {"contact_log", "tier_change", "ticket", "ticket_event", "visit", "product_holding",
       "handoff", "lead"}


def _book(desk: Desk, cm, clients: int, contacts_each: int, first: int) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    for i in range(clients):
        cid = desk.client(f"客户{first + i}", cm=cm)
        for k in range(contacts_each):
            desk.past_contact(cid, cm, T0 - timedelta(days=3 * k + i + 1))
        ids.append(cid)
    return ids


def test_my_clients_read_only_my_books_last_contacts(desk: Desk, settings, db_url) -> None:
    mine = _book(desk, desk.cm1, 4, 3, 0)
    _book(desk, desk.cm2, 6, 2, 100)
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, desk.services.ctx.clock)
    try:
        portfolio = watched.assignments.portfolio(desk.cm1)
        rows_small = probe.rows
        with Session(desk.engine) as s:  # the figure as a plain GROUP BY over everything
            last = dict(s.exec(select(ContactLog.client_id, func.max(ContactLog.at))
                               .group_by(ContactLog.client_id)).all())
        tz = desk.services.ctx.tz
        assert {r.client_id: r.last_contact for r in portfolio.rows} == {
            c: last[c].astimezone(tz).date() for c in mine}
        _book(desk, desk.cm2, 12, 4, 200)              # the rest of the center grows
        probe.reset()
        assert watched.assignments.portfolio(desk.cm1) == portfolio
        assert probe.rows == rows_small                 # mine did not: nor did what is read
        if is_sqlite(probe.engine):
            assert probe.full_scans(BIG) == []
    finally:
        probe.engine.dispose()


def test_the_kpi_scorecard_reads_the_month_by_index(desk: Desk, settings, db_url) -> None:
    if not is_sqlite(desk.engine):
        pytest.skip("query plans are checked on SQLite (EXPLAIN QUERY PLAN)")
    clients = _book(desk, desk.cm1, 3, 2, 0)
    lobby = desk.lobby
    with Session(desk.engine) as s:
        for cid in clients:
            s.add(TierChange(client_id=cid, at=T0 - timedelta(days=2), from_tier="ordinary",
                             to_tier="premium"))
        s.commit()
    for _ in range(3):
        desk.services.queue.issue(lobby, "A")
    for cid in clients:
        desk.holding(cid, T0.date() + timedelta(days=30))
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, desk.services.ctx.clock)
    try:
        report = watched.reports.kpi(desk.head, T0.strftime("%Y-%m"))
        assert report.indicator("new_premium").value == 3
        assert probe.full_scans(BIG) == []
        text = "\n".join(line for _sql, lines in probe.plans() for line in lines)
        assert "ix_contact_at_staff" in text        # contacts per CM over the month
        assert "ix_tier_change_at" in text          # the month's new premium clients
        assert "ix_holding_client_maturity" in text  # premium clients' products
    finally:
        probe.engine.dispose()


def test_the_staff_tab_lists_the_first_clients_without_a_cm_and_counts_all(
        desk: Desk, settings, db_url) -> None:  # type: ignore[no-untyped-def]
    for i in range(14):
        desk.client(f"无主{i:02d}", aum_fen=(100 + i * 7 % 13) * 1_000_000)  # no CM
    _book(desk, desk.cm1, 2, 0, 50)
    whole = desk.services.assignments.exceptions(desk.head)
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, desk.services.ctx.clock)
    tab_reads = Services(probe.engine, settings.model_copy(update={"reads": settings.reads.model_copy(
        update={"head_exceptions": 10})}), desk.services.ctx.clock)
    try:
        shown = watched.assignments.exceptions_shown(desk.head, limit=5)
        assert shown.premium_without_cm == whole.premium_without_cm[:5]  # the largest first
        assert shown.without_cm_total == len(whole.premium_without_cm) == 14
        assert shown.count == whole.count
        assert (shown.overdue_changes, shown.portfolio_out_of_range) == (
            whole.overdue_changes, whole.portfolio_out_of_range)
        rows_for_five = probe.rows
        probe.reset()
        tab = fetch_staff(desk.head, tab_reads)       # the head's staff tab, [reads] 10
        rows_for_tab = probe.rows
        assert tab[2].premium_without_cm == whole.premium_without_cm[:10]
        for i in range(30):
            desk.client(f"又无主{i:02d}", aum_fen=1_000_000)  # smaller: not among the first
        probe.reset()
        assert watched.assignments.exceptions_shown(desk.head, limit=5).premium_without_cm \
            == shown.premium_without_cm
        assert probe.rows == rows_for_five  # the count grew in SQL, not in the rows read
        probe.reset()
        tab = fetch_staff(desk.head, tab_reads)
        assert probe.rows == rows_for_tab and tab[2].count == whole.count + 30
    finally:
        probe.engine.dispose()


def test_the_agenda_reads_the_desks_book_only(desk: Desk, settings, db_url) -> None:
    mine = _book(desk, desk.cm1, 3, 2, 0)
    desk.holding(mine[0], T0.date() + timedelta(days=2))
    _book(desk, desk.cm2, 5, 2, 100)
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, desk.services.ctx.clock)
    try:
        items = watched.agenda.week(desk.cm1)
        rows = probe.rows
        others = _book(desk, desk.cm2, 10, 3, 200)          # another CM's book grows
        for cid in others:
            desk.holding(cid, T0.date() + timedelta(days=2))
        probe.reset()
        assert watched.agenda.week(desk.cm1) == items
        assert probe.rows == rows
        if is_sqlite(probe.engine):
            assert probe.full_scans(BIG) == []
    finally:
        probe.engine.dispose()


def _change(desk: Desk, client_id: int, to, at) -> None:  # type: ignore[no-untyped-def]
    """A CM change written as history: the open assignment ends at `at`, `to`'s starts then."""
    with Session(desk.engine) as s:
        old = s.exec(select(CMAssignment).where(CMAssignment.client_id == client_id,
                                                CMAssignment.end_at == None)).one()  # noqa: E711
        old.end_at = at
        s.add(old)
        s.flush()
        s.add(CMAssignment(client_id=client_id, cm_id=to.staff_id, start_at=at))
        s.commit()


def test_the_changes_tab_reads_the_desks_changes_only(desk: Desk, settings, db_url) -> None:
    """The CM's changes tab and status line read the changes to and from the desk in a fixed
    number of statements (each clock's first direct contact inside it, not one query per
    clock), the met ones of the last month only; another desk's changes are not read."""
    day = timedelta(days=1)
    waiting = desk.client("待联系", cm=desk.cm2)
    _change(desk, waiting, desk.cm1, T0 - 5 * day)
    met_long_ago = desk.client("早已联系", cm=desk.cm2)
    _change(desk, met_long_ago, desk.cm1, T0 - 100 * day)
    desk.past_contact(met_long_ago, desk.cm1, T0 - 90 * day, channel="visit")
    met_lately = desk.client("新近联系", cm=desk.cm2)
    _change(desk, met_lately, desk.cm1, T0 - 20 * day)
    desk.past_contact(met_lately, desk.cm1, T0 - 10 * day, channel="phone")
    desk.past_contact(met_lately, desk.cm1, T0 - 15 * day, channel="wechat")  # not direct
    gone = desk.client("已转出", cm=desk.cm1)
    _change(desk, gone, desk.mcm, T0 - 3 * day)
    since = T0.date() - 30 * day
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, desk.services.ctx.clock)
    try:
        shown = watched.assignments.change_clocks(desk.cm1, include_done=True, met_since=since)
        assert {c.client_id: c.first_contact_on for c in shown} == {
            waiting: None, gone: None, met_lately: (T0 - 10 * day).astimezone(
                desk.services.ctx.tz).date()}
        rows, statements = probe.rows, len(probe.selects())
        probe.reset()
        open_ = watched.assignments.change_clocks(desk.cm1)
        assert {c.client_id for c in open_} == {waiting, gone}
        open_rows, open_statements = probe.rows, len(probe.selects())
        for i in range(8):                           # the rest of the center's changes grow
            other = desk.client(f"别人{i}", cm=desk.cm2)
            _change(desk, other, desk.mcm, T0 - (i + 2) * day)
            desk.past_contact(other, desk.mcm, T0 - day, channel="visit")
        probe.reset()
        assert watched.assignments.change_clocks(desk.cm1, include_done=True,
                                                 met_since=since) == shown
        assert (probe.rows, len(probe.selects())) == (rows, statements)
        probe.reset()
        assert watched.assignments.change_clocks(desk.cm1) == open_
        assert (probe.rows, len(probe.selects())) == (open_rows, open_statements)
        if is_sqlite(probe.engine):
            assert probe.full_scans(BIG | {"cm_assignment", "staff"}) == []
            plans = [line for _sql, lines in probe.plans() for line in lines]
            # the CM before the current one: by the client, not through every staff member's
            assert any("ix_cm_assignment_client_end" in line for line in plans)
    finally:
        probe.engine.dispose()


def test_the_agenda_sends_the_same_statements_for_any_book(desk: Desk, settings, db_url) -> None:
    """The agenda's reads name the desk, not each client of the book: a book of hundreds is not
    bound into every statement as a list of ids (what the statements send stays the same as
    the book grows; what they return grows with it)."""
    _book(desk, desk.cm1, 3, 1, 0)
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, desk.services.ctx.clock)
    try:
        def sent() -> list[tuple[str, int]]:
            probe.reset()
            watched.agenda.week(desk.cm1)
            return [(sql, len(params or ())) for sql, params in probe.selects()]

        small = sent()
        _book(desk, desk.cm1, 12, 1, 100)                   # my book grows
        assert sent() == small
    finally:
        probe.engine.dispose()


def test_the_clients_without_a_cm_are_listed_and_counted_in_one_read_each(
        desk: Desk, settings, db_url) -> None:  # type: ignore[no-untyped-def]
    """The staff tab's exceptions: per kind of entitlement (a premium tier, an open wealth
    card) one statement lists the first clients without their CM and counts them all (a window
    over the same rows), not a list and then a second pass over the holders to count."""
    from wealthtui.services.assignments import entitled_by

    for i in range(7):
        desk.client(f"无主{i:02d}", aum_fen=(100 + i) * 1_000_000)  # no CM
    _book(desk, desk.cm1, 2, 0, 50)
    kinds = 1 + bool(entitled_by(settings)[1])
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, desk.services.ctx.clock)
    try:
        shown = watched.assignments.exceptions_shown(desk.head, limit=3)
        assert len(shown.premium_without_cm) == 3 and shown.without_cm_total == 7
        anti = [sql for sql, _ in probe.selects()
                if "cm_assignment.client_id = client.id" in " ".join(sql.split())]
        assert len(anti) == kinds, anti
        if is_sqlite(probe.engine) and kinds == 2:  # the holders' ids from the index alone
            text = "\n".join(line for sql, lines in probe.plans() if "client_account" in sql
                              for line in lines)
            assert "COVERING INDEX ix_client_account_holders" in text, text
    finally:
        probe.engine.dispose()


def test_the_premium_clients_products_are_counted_in_one_pass(
        desk: Desk, settings, db_url) -> None:  # type: ignore[no-untyped-def]
    """KPI: the premium clients holding enough products — one statement over the premium
    clients (tier index), each one's live holdings by the holdings index, without a GROUP BY
    over all their holdings in a temporary B-tree."""
    from wealthtui.reports.kpi import premium_products

    clients = _book(desk, desk.cm1, 3, 0, 0)
    for cid in clients[:2]:   # two live products each; the third client one product
        desk.holding(cid, T0.date() + timedelta(days=30))
        desk.holding(cid, T0.date() + timedelta(days=60), name="稳健型理财（180天）",
                     code="WM180")
    desk.holding(clients[2], T0.date() + timedelta(days=30))
    desk.holding(clients[2], T0.date() - timedelta(days=30), code="WM180")  # matured
    probe = probe_engine(db_url)
    try:
        with probe.engine.connect() as conn:
            two = settings.model_copy(update={"kpi": settings.kpi.model_copy(
                update={"products_threshold": 2})})
            held, total = premium_products(conn, two, T0.date())
        assert (held, total) == (2, 3)
        assert len([q for q, _ in probe.selects() if "FROM client" in q]) == 1
        if is_sqlite(probe.engine):
            (_, lines), = [(q, ls) for q, ls in probe.plans() if "product_holding" in q]
            text = "\n".join(lines)
            assert "ix_holding_client_maturity" in text and "ix_client_tier" in text, text
            assert "GROUP BY" not in text, text
    finally:
        probe.engine.dispose()


def test_the_heads_change_clocks_start_from_the_clients_who_changed(
        desk: Desk, settings, db_url) -> None:  # type: ignore[no-untyped-def]
    """The head's CM changes (staff tab, whole center) are read from the clients who had an
    earlier CM, the open assignment that followed looked up per client: as a plain join SQLite
    drove it from every open assignment and its contact MIN (1.27 s at 1,000,000 clients)."""
    if not is_sqlite(desk.engine):
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    changed = _book(desk, desk.cm1, 2, 0, 0)
    _book(desk, desk.cm2, 30, 1, 100)
    for cid in changed:
        _change(desk, cid, desk.cm2, T0 - timedelta(days=40))
    probe = probe_engine(db_url)
    watched = Services(probe.engine, settings, desk.services.ctx.clock)
    try:
        exceptions = watched.assignments.exceptions_shown(desk.head)
        assert {c.client_id for c in exceptions.overdue_changes} == set(changed)
        (_, lines), = [(q, ls) for q, ls in probe.plans()
                       if "cm_assignment_1" in q and "contact_log" in q]
        loops = [line for line in lines if line.startswith(("SCAN", "SEARCH"))]
        # the outer loop: the earlier assignments, or a keyed search from their list — not a
        # walk over every open assignment (SCAN cm_assignment …) or every staff member
        assert loops[0].split()[1] == "cm_assignment_1" or loops[0].startswith("SEARCH"), lines
    finally:
        probe.engine.dispose()
