"""A tiny app that hosts one widget for a test, and offers what the one call path (ui/calls.py)
needs of the app: the services, the actor, settings and clock, and the tracked calls
(`track_call`, `calls_settled`) that Pilot waits for (tests/conftest.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.app import App
from textual.worker import Worker

from wealthtui.services import Actor, Services


class HostApp(App[None]):
    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        self.services = services
        self.settings = services.settings
        self.actor = actor
        self.clock = services.ctx.clock
        self._call_workers: list[Worker[Any]] = []

    def track_call(self, worker: Worker[Any]) -> None:
        self._call_workers = [w for w in self._call_workers if not w.is_finished]
        self._call_workers.append(worker)

    @property
    def calls_in_flight(self) -> int:
        return sum(1 for w in self._call_workers if not w.is_finished)

    async def calls_settled(self) -> None:
        while pending := [w for w in self._call_workers if not w.is_finished]:
            await asyncio.gather(*(w.wait() for w in pending), return_exceptions=True)
            self._call_workers = [w for w in self._call_workers if not w.is_finished]
