"""The demo center obeys the point-of-sale rules (issue 17): every wealth product sold matches
the client's level under the configured rules, there are refusals to show, and no record of a
wealth-product sale lacks its suitability check."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from tests.demo_fixture import demo_template, fast_settings
from wealthtui.model import Client, SaleCheck, ServiceRecord
from wealthtui.rules import suitability
from wealthtui.services.compliance import sale_rules
from wealthtui.store.engine import make_engine


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path, _ = demo_template(tmp_path_factory.getbasetemp())
    engine = make_engine(str(path))
    yield engine
    engine.dispose()


def test_the_demos_sales_match_the_clients_levels(demo: Engine, tmp_path: Path) -> None:
    settings = fast_settings(tmp_path)
    rules = sale_rules(settings)
    with Session(demo) as s:
        checks = s.exec(select(SaleCheck)).all()
        sold = [c for c in checks if not c.refused]
        assert sold and any(c.refused for c in checks)  # sales, and some refusals
        for c in sold:
            client = s.get(Client, c.client_id)
            assert client is not None
            verdict = suitability.decide(
                product_level=c.product_level, client_level=client.risk_level,
                assessed_on=client.risk_assessed_on, today=c.business_date, rules=rules,
                age=suitability.age_on(client.birthday, c.business_date))
            assert not verdict.refused, (c.product_code, client.risk_level)
        sales = s.exec(select(ServiceRecord).where(
            ServiceRecord.business_type == "wealth_product")).all()
        linked = {c.service_record_id for c in sold if c.service_record_id}
        assert sales and {r.id for r in sales} <= linked
        assert all(r.client_id is not None for r in sales)  # no walk-in bought one
