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


def test_the_demos_first_transfer_to_a_payee_is_asked_and_a_later_one_is_not(
        demo: Engine) -> None:
    """The demo names payees on transfers (demo.sales.payee_for), so the new-payee rule fires:
    a client's first transfer to a payee is asked about even when the amount alone would not
    be, and once a transfer to that payee went through it is not asked as new again."""
    with Session(demo) as s:
        checks = s.exec(select(AntifraudCheck).where(AntifraudCheck.business_type == "transfer")
                        .order_by(col(AntifraudCheck.id))).all()
        done = {r.id for r in s.exec(select(ServiceRecord).where(
            ServiceRecord.business_type == "transfer", ServiceRecord.outcome == "done")).all()}
    assert checks and all(c.payee for c in checks)
    by_payee_alone = [c for c in checks if c.reasons == "new_payee"]
    assert by_payee_alone, "no transfer below the amount was asked for its new payee"
    seen: set[tuple[int | None, str]] = set()
    went_through: set[tuple[int | None, str]] = set()
    for c in checks:
        key, new = (c.client_id, c.payee), "new_payee" in c.reasons.split(",")
        if key not in seen:  # nobody paid this payee before: always asked as new
            assert new, (c.id, key)
        if key in went_through:  # paid before, and that transfer went through: known
            assert not new, (c.id, key)
        seen.add(key)
        if c.service_record_id in done:
            went_through.add(key)
    assert len({c.client_id for c in checks if c.client_id is not None}) > 1
