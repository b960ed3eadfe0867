"""Earlier business days as rows: the day simulator's scripts (demo.script) played by demo.day
and closed, for `wealthtui gen` (its whole history) and `wealthtui demo --days N` (the days
before the one worked through the services, so the dashboard's same-weekday comparison and the
month view have something to compare)."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from wealthtui.config import Settings
from wealthtui.demo.accounts import DEMO_POSTS
from wealthtui.demo.bulk import BulkWriter, Ids, fix_sequences, make_row
from wealthtui.demo.day import DayStats, Post, Roster, RowDay
from wealthtui.demo.people import Mobiles, NamePool
from wealthtui.demo.population import Directory
from wealthtui.demo.script import script_day
from wealthtui.rules import permissions as p
from wealthtui.store.engine import WRITE, is_sqlite


def roster_of(settings: Settings, by_no: Mapping[str, int],
              roles_of: Mapping[int, frozenset[str]], opening_cash_fen: int,
              posted: Mapping[str, str] = DEMO_POSTS) -> Roster:
    """Who sits at which counter (`posted`: counter → staff number; the demo's posts unless
    given) and who holds which role, by staff id."""
    def having(role: str) -> list[int]:
        return [sid for sid, roles in roles_of.items() if role in roles]

    posts = []
    for counter_no, staff_no in posted.items():
        cfg = settings.counter_cfg(counter_no)
        if cfg is None or staff_no not in by_no:
            continue
        posts.append(Post(counter_no, cfg.kind, tuple(cfg.categories), by_no[staff_no],
                          opening_cash_fen if cfg.kind == "cash" else 0))
    return Roster(
        head=having(p.HEAD)[0], supervisor=having(p.SUPERVISOR)[0],
        lobby_manager=having(p.LOBBY_MANAGER)[0],
        lobby=having(p.LOBBY_MANAGER) + having(p.LOBBY_ASSISTANT),
        wealth_cms=having(p.WEALTH_CM), marketing_cms=having(p.MARKETING_CM),
        posts=posts, roles_of=dict(roles_of),
    )


def close_day(out: BulkWriter, roster: Roster, day: date, tz: ZoneInfo) -> None:
    """The business day's row, closed by the head after the lobby manager's flow log."""
    def at(hour: int, minute: int) -> datetime:
        return datetime.combine(day, time(hour, minute), tz)

    out.add("business_day", make_row(
        "business_day", business_date=day, status="closed", opened_at=at(8, 30),
        closed_at=at(17, 50), closed_by=roster.head,
        flow_log_confirmed_by=roster.lobby_manager, flow_log_confirmed_at=at(17, 40)))


def write_days(engine: Engine, settings: Settings, rng: random.Random, roster: Roster,
               directory: Directory, names: NamePool, mobiles: Mobiles, table,  # type: ignore[no-untyped-def]
               days: list[date], arrivals: int,
               worked: Callable[[date], None] | None = None) -> DayStats:
    """Play and close `days` (oldest first) as rows; their totals. `worked(day)` is called
    after a day's rows are committed and before the day is closed: what the day also does
    through the services (demo.history_work)."""
    tz = ZoneInfo(settings.center.timezone)
    total = DayStats()
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(**WRITE)
        ids = Ids(conn)
        out = BulkWriter(conn)
        sim = RowDay(rng, settings, roster, directory, names, mobiles, ids, out, table,
                     sales_and_complaints=True)
        for day in days:
            total.add(sim.run(script_day(rng, settings, table, directory, day, arrivals,
                                         cms=roster.wealth_cms + roster.marketing_cms)))
            if worked is not None:
                out.flush()
                fix_sequences(conn)
                conn.commit()
                worked(day)
                ids.reset()  # the services wrote rows of their own
                sim.sold_elsewhere()  # and sold: a later first purchase counts their sales
            close_day(out, roster, day, tz)
        out.flush()
        fix_sequences(conn)
        conn.commit()
    return total
