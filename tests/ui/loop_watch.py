"""Watching where the database is called from: the event loop must never wait on it (issue 20/22).

`LoopWatch(engine)` records every statement the engine sends from the event loop's thread (the
main thread under Pilot) while `watching()` is open; `SlowStore(engine, seconds)` adds a delay to
every statement (an engine event hook), as a store across a network would. Both are real: the
statements run on a real SQLite file or PostgreSQL server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

#: statements that are not a round trip of their own worth reporting
QUIET = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class LoopWatch:
    """The statements sent from the main thread (the event loop under Pilot)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.on_loop: list[str] = []
        self.elsewhere = 0
        self._on = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not self._on:
            return
        head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if head in QUIET:
            return
        if threading.current_thread() is threading.main_thread():
            self.on_loop.append(statement)
        else:
            self.elsewhere += 1

    @contextmanager
    def watching(self) -> Iterator[LoopWatch]:
        self.on_loop, self.elsewhere, self._on = [], 0, True
        try:
            yield self
        finally:
            self._on = False

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


class SlowStore:
    """Every statement waits `seconds` before it runs (a store across a network)."""

    def __init__(self, engine: Engine, seconds: float = 0.02) -> None:
        self.engine, self.seconds = engine, seconds
        event.listen(engine, "before_cursor_execute", self._wait)

    def _wait(self, *_args: Any) -> None:
        time.sleep(self.seconds)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._wait)
