"""What a lobby visit costs the store (issue 21: the demo's day and every lobby desk pay it):
`lobby.arrive` and `lobby.guide`, the two calls of each visitor, stay under a bound on the
statements they send (counted on the engine, BEGIN and COMMIT included; the bounds sit below
what they sent before, in brackets), read neither the visit's checklist run nor its step records
again after writing them, and look at the procedure files once per call (the catalog is parsed
once per process and again only when a file changes: tests/services/test_checklists.py shows a
file changed between two calls is seen by the next one)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.services.test_write_cost import asked, cost
from wealthtui import procedures
from wealthtui.services import checklists as checklists_module

#: statements per call, at most (before issue 21's work: arrive 31 and 43, guide 27 and 32 —
#: an ordinary client, then a premium one handed to their CM; each arrive also closes the
#: previous visitor's checklist)
BOUNDS = {("arrive", "ordinary"): 20, ("arrive", "premium"): 28,
          ("guide", "ordinary"): 23, ("guide", "premium"): 25}


def test_a_lobby_visit_reads_only_what_it_has_not_read(center: Center,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    s = center.services
    engine = s.ctx.engine
    clients = {"ordinary": center.client("孙普通", seq=3),
               "premium": center.client("钱贵宾", "premium", seq=2, cm=center.cm)}
    warm = s.lobby.arrive(center.lobby, client_id=clients["ordinary"])  # settings, catalog
    s.lobby.guide(center.lobby, warm.id, business="cash")

    scans: list[Any] = []
    loads: list[Any] = []
    real_fingerprint, real_load = checklists_module.fingerprint, procedures.load_file
    monkeypatch.setattr(checklists_module, "fingerprint",
                        lambda folder: scans.append(folder) or real_fingerprint(folder))
    monkeypatch.setattr(procedures, "load_file",
                        lambda path: loads.append(path) or real_load(path))
    counts: dict[tuple[str, str], int] = {}

    for kind, client_id in clients.items():
        scans.clear()
        visit, seen = cost(engine, lambda c=client_id: s.lobby.arrive(center.lobby, client_id=c))
        assert visit.checklist_run_id is not None and visit.client_id == client_id
        assert (visit.arrival is not None) == (kind == "premium")
        counts["arrive", kind] = len(seen)
        # the run it started is held, its records known: what it reads of checklists is the
        # previous visit's run, closed as this visitor comes (LobbyService._close_previous_visit)
        assert asked(seen, "checklist_run") == 1 and asked(seen, "step_record") == 1, seen
        # the actor once, in Core (no staff row built: none has its PIN hash read), and the
        # the actor once, in Core (the permission check builds no staff row)
        assert sum(t.startswith("SELECT staff.id, staff.staff_no, staff.name, staff.active,")
                   for t in seen) == 1, seen
        assert len(scans) == 1  # the procedure files looked at once in the call

        scans.clear()
        guided, seen = cost(engine, lambda v=visit.id: s.lobby.guide(center.lobby, v,
                                                                     business="non_cash"))
        assert guided.ticket_id is not None and guided.visit.ticket_no == guided.ticket_no
        assert (guided.visit.arrival is None) == (kind == "ordinary")
        if kind == "premium":  # the arrival carries the ticket now
            assert guided.visit.arrival is not None
            assert guided.visit.arrival.ticket_no == guided.ticket_no
            assert guided.visit.arrival.visit_id == visit.id
        counts["guide", kind] = len(seen)
        assert asked(seen, "checklist_run") == 1, seen  # read once, then held
        assert asked(seen, "step_record") == 1, seen  # read once, then kept as written
        assert len(scans) <= 1

    view = s.checklists.get(center.lobby, visit.checklist_run_id)
    assert {st.step.id for st in view.steps if st.done} >= {"greet", "judge", "business",
                                                            "route", "notify_cm"}
    assert loads == []  # no procedure file parsed again: none changed
    assert all(counts[key] <= bound for key, bound in BOUNDS.items()), counts
