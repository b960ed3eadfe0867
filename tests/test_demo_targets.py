"""The demo center's target lists are built and dealt through the target service (issue 16:
"the CMs' lists are not empty"): audited, each target with its client's own CM, every CM's
营销名单 holding their part."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.conftest import T0
from tests.demo_fixture import demo_template, fast_settings
from wealthtui.model import AuditEvent, CMAssignment, Target
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Services
from wealthtui.store.engine import make_engine


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Services:
    base = tmp_path_factory.getbasetemp()
    path, _ = demo_template(base)
    return Services(make_engine(str(path)), fast_settings(base), FixedClock(T0))


def test_the_demo_lists_are_real_and_reach_the_cms(demo: Services) -> None:
    head = demo.auth.login("8001", "246801")
    lists = demo.targets.lists(head)
    assert len(lists) == 2 and all(x.total > 0 for x in lists)
    with Session(demo.ctx.engine) as s:
        audited = s.exec(select(AuditEvent.action).where(
            AuditEvent.entity == "target_list")).all()
        assert sorted(audited) == ["targetlist.create", "targetlist.create"]
        owners = dict(s.exec(select(CMAssignment.client_id, CMAssignment.cm_id).where(
            CMAssignment.end_at == None)).all())  # noqa: E711
        targets = s.exec(select(Target)).all()
    # by book: each target with a CM goes to that CM
    assert all(t.cm_id == owners[t.client_id] for t in targets if t.client_id in owners)
    for staff_no, pin in (("8041", "246841"), ("8042", "246842"), ("8043", "246843")):
        cm = demo.auth.login(staff_no, pin)
        assert demo.targets.mine(cm), staff_no
    marketing = demo.auth.login("8043", "246843")
    own = next(x for x in lists if x.created_by == marketing.staff_id)
    assert [p.cm_id for p in demo.targets.progress(marketing, own.id)] == [marketing.staff_id]
