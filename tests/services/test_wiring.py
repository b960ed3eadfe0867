"""How services get their collaborators (services/__init__.py): `Services` passes its own
instances by the names of the constructors' keyword-only parameters; no service constructs
another or calls another's private methods. Both backends (the behaviour test runs a call that
crosses services)."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from wealthtui.services import SERVICES, Services
from wealthtui.services.base import Service

SRC = Path(__file__).resolve().parents[2] / "src" / "wealthtui" / "services"
CLASSES = {spec.partition(":")[2] for spec in SERVICES.values()}


def _service_class(name: str) -> type[Service]:
    module, _, cls = SERVICES[name].partition(":")
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


def test_every_collaborator_names_a_service_of_the_bundle() -> None:
    for name in SERVICES:
        params = inspect.signature(_service_class(name)).parameters.values()
        wanted = [p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY]
        assert set(wanted) <= set(SERVICES), (name, wanted)
        assert name not in wanted


def test_no_service_constructs_another_or_calls_its_private_methods() -> None:
    made, private = [], []
    for path in sorted(SRC.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in CLASSES:
                made.append(f"{path.name}:{node.lineno} {func.id}(...)")
            # a private method of anything but self (x._queue._view(...), service._views(...),
            # QueueService(...)._snapshot(...))
            if (isinstance(func, ast.Attribute) and func.attr.startswith("_")
                    and not func.attr.startswith("__")
                    and not (isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"))):
                private.append(f"{path.name}:{node.lineno} {ast.unparse(func)}(...)")
    assert made == []
    assert private == []


def test_services_share_one_instance_of_each_collaborator(services: Services) -> None:
    assert services.counter._queue is services.queue
    assert services.counter._handoffs is services.handoffs
    assert services.counter._checklists is services.checklists
    assert services.lobby._checklists is services.checklists
    assert services.checklists._handoffs is services.handoffs
    assert services.checklists._auth is services.auth
    assert services.staff._auth is services.auth
    assert services.dashboard._queue is services.queue
    assert services.assignments.checklists is services.checklists
    assert services.agenda._assignments is services.assignments


def test_a_call_across_services_uses_the_bundle_s_collaborator(services: Services, head) -> None:  # type: ignore[no-untyped-def]
    """A lane the lobby asks the queue for is the queue's answer (QueueService.category), and
    an unknown one is the queue's field error."""
    code = services.settings.queue.categories[0].code
    assert services.queue.category(code).code == code
    seen: list[str] = []
    original = services.queue.category

    def spy(c: str):  # type: ignore[no-untyped-def]
        seen.append(c)
        return original(c)

    services.queue.category = spy  # type: ignore[method-assign]
    try:
        services.lobby._queue.category(code)
    finally:
        del services.queue.category
    assert seen == [code]
