"""The whole day from `wealthtui init` through the services (issue 16, "Done when"): the close
succeeds with nothing explained away and every figure of `wealthtui eod --format json` equals
what the day did."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import T0
from tests.whole_day import OPENING_CASH, eod_json, init_center, open_services, run_whole_day
from wealthtui.config import Settings
from wealthtui.rules.clock import FixedClock


@pytest.fixture
def center_db(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty place for the center: a new SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        return str(tmp_path / "center.db")
    return request.getfixturevalue("db_url")


def test_a_whole_day_from_init_closes_clean_and_eod_tells_what_was_done(
        center_db: str, settings: Settings) -> None:
    init_center(center_db)
    clock = FixedClock(T0)
    services = open_services(center_db, settings, clock)
    d = run_whole_day(services, clock)
    t = d.tally
    doc = eod_json(center_db, d.day)
    assert doc["closed"] is True and doc["closed_by"] == "H001 王主任"
    assert doc["exceptions"]["explained"] == {}  # nothing explained away
    assert doc["checklists"]["missed"] == 0 and doc["checklists"]["missed_ids"] == []
    assert doc["checklists"]["done"] == d.checklists_done
    flow = doc["flow_log"]
    assert flow["visitors"] == t.visitors
    assert flow["confirmed_by"] == "L101 李大堂"
    assert flow["complaints_received"] == t.complaints_received
    assert {c["name"]: c["count"] for c in flow["premium_received_by_cm"]} \
        == dict(t.premium_arrivals)
    assert flow["premium_identified"] == {
        source: t.premium_identified[source]
        for source in ("lobby", "cash_counter", "non_cash_counter")}
    assert sum(c["issued"] for c in doc["tickets"]) == t.tickets
    assert sum(c["served"] for c in doc["tickets"]) == t.served
    assert sum(c["still_open"] + c["no_show"] + c["cancelled"] for c in doc["tickets"]) == 0
    by_source = doc["referrals"]["by_source"]
    for source in ("lobby", "cash_counter", "non_cash_counter", "cm"):
        assert by_source[source]["made"] == t.leads[source], source
        assert by_source[source]["converted"] == t.converted[source], source
    assert doc["referrals"]["converted"] == sum(t.converted.values())
    assert doc["complaints"] == {"received": t.complaints_received,
                                 "closed": t.complaints_closed, "overdue": 0}
    tellers = {x["staff_no"]: x for x in doc["tellers"]}
    assert set(tellers) == {"T201", "T202"}
    cash = tellers["T201"]
    assert cash["expected_cash_fen"] == cash["counted_cash_fen"] \
        == int(OPENING_CASH) * 100 + t.cash_in_fen
    assert all(x["balanced"] and x["difference_fen"] == 0 and x["status"] == "signed_off"
               and x["signed_off_by"] == "S301" for x in tellers.values())
    assert doc["handoffs_open"] == {"open": 0, "overdue": 0, "items": []}
    assert doc["authorisations"]["pending"] == 0
