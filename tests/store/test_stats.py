"""The planner's statistics (store.stats): kept after bulk loads and at the close of a day."""

from __future__ import annotations

from sqlalchemy import Engine, text

from tests.lobby_data import add_client
from wealthtui.services.day import DayCloseRefused
from wealthtui.store import stats
from wealthtui.store.engine import is_sqlite


def _analysed(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if is_sqlite(engine):
            present = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
            if present is None:
                return set()
            return {t for (t,) in conn.exec_driver_sql("SELECT DISTINCT tbl FROM sqlite_stat1")}
        return {t for (t,) in conn.execute(text(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"))}


def _load(engine: Engine) -> None:
    for i in range(30):
        add_client(engine, f"客户{i:02d}", seq=i + 1)


def test_a_bulk_load_leaves_statistics_for_every_table(engine: Engine, head) -> None:  # type: ignore[no-untyped-def]
    _load(engine)
    assert "client" not in _analysed(engine)
    analysed = stats.refresh(engine, bulk=True)
    assert {"client", "staff", "audit_event"} <= _analysed(engine)
    if is_sqlite(engine):
        assert "client" in analysed and "ticket" in analysed
        assert stats.unanalysed(engine) == []
    else:
        assert analysed == ["*"]


def test_an_ordinary_refresh_analyses_only_what_has_no_statistics(engine: Engine, head) -> None:  # type: ignore[no-untyped-def]
    _load(engine)
    if not is_sqlite(engine):
        assert stats.refresh(engine) == []  # autovacuum keeps them between bulk loads
        return
    missing = stats.unanalysed(engine)
    assert "client" in missing and "ticket" not in missing  # no ticket yet: nothing to analyse
    assert stats.refresh(engine) == missing
    assert stats.unanalysed(engine) == []
    assert stats.refresh(engine) == []  # nothing left without statistics
    assert "client" in _analysed(engine)


def test_closing_a_day_refreshes_the_statistics(engine: Engine, services, head) -> None:  # type: ignore[no-untyped-def]
    _load(engine)
    services.day.open(head)
    try:
        services.day.close(head)
    except DayCloseRefused as refused:
        services.day.close(head, explanations={p.key: "测试说明" for p in refused.problems})
    if is_sqlite(engine):
        assert stats.unanalysed(engine) == []
        assert "client" in _analysed(engine)


def test_generating_a_center_leaves_statistics(engine: Engine) -> None:
    """`wealthtui gen` is a bulk load: ANALYZE on PostgreSQL, ANALYZE + optimize on SQLite."""
    from tests.conftest import FAST_PIN_HASH, T0
    from wealthtui.config import load_settings
    from wealthtui.demo.synthetic import generate
    from wealthtui.rules.clock import FixedClock

    generate(engine, load_settings(overrides={"security": FAST_PIN_HASH}), clients=60, days=1,
             arrivals_per_day=40, clock=FixedClock(T0))
    assert {"client", "ticket", "visit", "audit_event"} <= _analysed(engine)
    assert stats.unanalysed(engine) == []


def test_importing_clients_refreshes_the_statistics(engine: Engine, services, head,  # type: ignore[no-untyped-def]
                                                     tmp_path) -> None:
    from tests.services.test_client_import import card, rid, write_csv

    path = tmp_path / "clients.csv"
    write_csv(path, [[f"导入{name}", "resident", rid(i), "", card(i), "", "", ""]
                     for i, name in enumerate("甲乙丙丁戊己庚辛壬癸子丑", start=1)])
    assert "client" not in _analysed(engine)
    assert services.client_import.import_file(head, path).imported == 12
    assert "client" in _analysed(engine)
    assert stats.unanalysed(engine) == []
