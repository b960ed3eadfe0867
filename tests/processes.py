"""Separate processes for the tests that run counters side by side on one database
(tests/services/test_counter_concurrency.py, test_fair_calling.py, test_queue.py).

They used multiprocessing's "spawn": every process a fresh interpreter that imports wealthtui,
SQLAlchemy and the test module again before it does anything (~1.5–3 CPU-s each, five or six
processes per test). Here the processes come from multiprocessing's "forkserver": a fresh
interpreter, started once per pytest process, that imports those modules once (PRELOAD) and then
forks a process for each one asked. Each is still a process of its own with its own engine and
connections, and it starts clean: the server is never a fork of the test process and its
threads. What spawn gave for free, the test's environment at the moment it starts the processes
(WEALTHTUI_CONFIG and the rest, set per test by tests/conftest.py), the pool's initializer sets
in each process (`pool`)."""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.context import BaseContext
from multiprocessing.pool import Pool

#: imported once by the server: what every counter process needs before its first statement
PRELOAD = ["sqlalchemy", "sqlmodel", "psycopg", "wealthtui.config", "wealthtui.store.engine",
           "wealthtui.services", "tests.conftest", "tests.counter_ready"]


def context() -> BaseContext:
    """The forkserver context, its server importing PRELOAD (set before it first starts; the
    server then serves the pytest process's later tests too)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _take_environment(environ: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(environ)


def pool(processes: int) -> Pool:
    """A pool of `processes` processes, each with the calling test's environment."""
    return context().Pool(processes, initializer=_take_environment,
                          initargs=(dict(os.environ),))
