"""The order the parallel run (`make test`: xdist `-n 2 --dist worksteal`) takes the tests in:
the longest first.

Worksteal hands each worker a contiguous half of the collected tests and lets an idle worker
take the tail of the other's queue; a test already running is never shared. So a two-minute
walk that comes up last keeps one worker busy while the other has nothing left: the run's wall
time is then the walk's, not the suite's. Started first, the long tests run while the other
worker works through short ones, and what is left at the end is short on both sides.

HEAVY names the tests that cost most (CPU seconds measured with tests/cpu_log.py on a whole
run), longest first; a name is a node id or its prefix (a file, a test and all its
parameters). The tests that build a center shared by the run (the day walk's morning,
tests/ui/day_walk.py; the demo center, tests/demo_fixture.py) come first, so that the worker
that builds it goes on to the tests that copy it. Anything not named keeps its place after
them. Without xdist the order is left as collected."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

#: node ids or their prefixes, longest first (CPU-s of the test and its set-up, stop 20)
HEAVY: tuple[str, ...] = (
    # the day walk: the morning (set-up, ~60 CPU-s, once per run) and the closing (~55)
    "tests/ui/test_day_walk.py::test_the_closing_on_the_screens_and_eod_equals_the_day",
    "tests/ui/test_day_walk.py::test_a_complaint_received_assigned_and_closed_on_the_screens",
    "tests/ui/test_day_walk.py::test_the_morning_from_init_was_walked_through_the_screens",
    # the demo center (set-up, ~35 CPU-s, once per run) and the walks over every screen of it
    "tests/privacy/test_no_unmasked_numbers.py::test_no_screen_export_or_log_shows_a_full_number",
    "tests/security/test_hostile_text.py::test_hostile_text_on_every_screen[",
    "tests/test_cli.py::test_demo_json_lists_the_accounts_and_if_missing_keeps_it",
    "tests/ui/test_head_panels.py::test_no_statement_runs_on_the_event_loop_in_any_tab",
    "tests/services/test_counter_concurrency.py::test_counters_in_separate_processes",
    "tests/services/test_fair_calling.py::test_counters_in_separate_processes",
    "tests/ui/test_risk_counter.py::test_the_counter_takes_the_questionnaire_and_the_recording",
    "tests/ui/test_head_panels.py::test_tab_keys_only_switch_tabs_and_each_panel_owns_its_keys",
    "tests/store/test_upgrade.py::test_a_center_at_the_oldest_schema_upgrades",
    "tests/ui/test_lobby_calls.py::test_a_walk_through_the_lobby_keys",
    "tests/ui/test_figures.py::test_every_screen_shows_the_reports_figures",
    "tests/reliability/test_crash.py::test_sigkill_during_writes_loses_nothing_confirmed",
    "tests/ui/test_compliance_slow.py::test_the_compliance_screens_stay_responsive",
    "tests/ui/test_resume.py::test_the_lobby_resumes_a_visitors_identification",
    "tests/services/test_permission_matrix.py::test_methods_refuse_every_role_outside",
)

T = TypeVar("T")


def rank(node_id: str) -> int:
    """The place of `node_id` in HEAVY (len(HEAVY) when it is not named)."""
    return next((i for i, name in enumerate(HEAVY) if node_id.startswith(name)), len(HEAVY))


def heavy_first(items: Sequence[T], key=str) -> list[T]:  # type: ignore[no-untyped-def]
    """`items` with those HEAVY names first, in HEAVY's order; the rest as they were."""
    return sorted(items, key=lambda item: rank(key(item)))  # sorted() is stable
