"""Report tests: the hand-built center of tests/reports/seed.py in the real database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from tests.reports.seed import Seed, build
from wealthtui.procedures import Catalog, load_dir


@pytest.fixture
def seeded(engine: Engine) -> Seed:
    with Session(engine) as session:
        return build(session)


@pytest.fixture
def session(engine: Engine, seeded: Seed) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_dir()
