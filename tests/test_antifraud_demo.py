"""The demo center asks the anti-fraud questions (issue 17): every transfer and withdrawal from the
configured amount that its work days recorded carries its answers, and a suspicious answer stopped
one business (not recorded) and handed it to the supervisors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from tests.demo_fixture import demo_template, fast_settings
from wealthtui.model import AntifraudCheck, Handoff, ServiceRecord
from wealthtui.store.engine import make_engine


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path, _ = demo_template(tmp_path_factory.getbasetemp())
    engine = make_engine(str(path))
    yield engine
    engine.dispose()


def test_the_demos_large_business_was_asked_and_one_was_stopped(demo: Engine,
                                                                tmp_path: Path) -> None:
    settings = fast_settings(tmp_path)
    with Session(demo) as s:
        checks = s.exec(select(AntifraudCheck)).all()
        asked_days = {c.business_date for c in checks}
        assert checks and asked_days
        linked = {c.service_record_id for c in checks if not c.stopped}
        for rule in settings.antifraud.rules:
            assert rule.min_amount_fen is not None
            large = s.exec(select(ServiceRecord).where(
                ServiceRecord.business_type == rule.business_type,
                ServiceRecord.amount_fen >= rule.min_amount_fen,
                col(ServiceRecord.business_date).in_(asked_days))).all()
            assert {r.id for r in large} <= linked, rule.business_type
        stops = [c for c in checks if c.stopped]
        assert stops and all(c.service_record_id is None and c.suspicious for c in stops)
        for c in stops:
            h = s.get(Handoff, c.handoff_id)
            assert h is not None and h.to_role == "supervisor" and h.ticket_id == c.ticket_id
