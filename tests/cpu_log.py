"""Per-test CPU time, for finding what makes the suite slow on a shared machine: wall-clock
durations grow with the machine's load, CPU seconds much less. Off unless the environment names
a folder (`WEALTHTUI_TEST_CPU_LOG=/tmp/cpu make test`); each pytest process then writes
`<folder>/<worker>.tsv` with one line per test phase: node id, phase, CPU seconds of the test
process, CPU seconds of the child processes it waited for (the CLI and terminal tests), and
the wall-clock seconds (their difference is time the test waited: sleeps, other processes).
The counter processes of tests/processes.py are the forkserver's children, not the test's: their
CPU is in no line of the log."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

FOLDER = os.environ.get("WEALTHTUI_TEST_CPU_LOG", "")


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _log(item: pytest.Item, phase: str, own: float, children: float, wall: float) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with (Path(FOLDER) / f"{worker}.tsv").open("a", encoding="utf-8") as out:
        out.write(f"{item.nodeid}\t{phase}\t{own:.3f}\t{children:.3f}\t{wall:.3f}\n")


def _measured(item: pytest.Item, phase: str) -> Iterator[None]:
    own, children, wall = time.process_time(), _children(), time.monotonic()
    yield
    _log(item, phase, time.process_time() - own, _children() - children,
         time.monotonic() - wall)


if FOLDER:
    Path(FOLDER).mkdir(parents=True, exist_ok=True)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
        yield from _measured(item, "setup")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
        yield from _measured(item, "call")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
        yield from _measured(item, "teardown")
