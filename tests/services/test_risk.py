"""The risk-tolerance assessment on the real database (issue 17): the questionnaire scored into
the client's level, kept with answers and history, a second person for senior clients, and the
level every sale path then checks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from tests.conftest import TEST_PIN
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.services.recording_helpers import recorded
from tests.services.test_compliance import TODAY, at_counter, set_client
from wealthtui.model import AuditEvent, Client, RiskAssessment
from wealthtui.services.compliance import SaleRefused
from wealthtui.services.errors import Conflict, FieldError, PermissionDenied


def answers(center: Center, pick: str) -> dict[str, str]:
    """Every question answered with its lowest ("low") or highest ("high") scoring option."""
    q = center.services.risk.questionnaire(center.cm)
    chooser = min if pick == "low" else max
    return {x.id: chooser(x.options, key=lambda o: o.score).id for x in q.questions}


def test_an_assessment_sets_the_level_the_sale_paths_check(center: Center) -> None:
    s = center.services
    client = center.client("钱稳健")
    set_client(s, client, risk=None, assessed=None)
    ticket = at_counter(center, client)
    with pytest.raises(SaleRefused):  # not assessed: nothing above R1
        s.counter.record(center.n1, ticket, "wealth_product", "50000", product="MIXF")

    view = s.risk.assess(center.n1, client, answers(center, "high"))
    assert (view.level, view.score) == (5, s.risk.questionnaire(center.n1).max_score)
    assert view.expires_on == TODAY + timedelta(days=s.settings.contact.risk_assessment_valid_days)
    with Session(s.ctx.engine) as db:
        row = db.get(Client, client)
        assert row is not None and (row.risk_level, row.risk_assessed_on) == (5, TODAY)
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "risk.assess")).one()
        assert event.actor_id == center.n1.staff_id and event.entity_id == str(client)
    recorded(s, center.n1, client, "MIXF")  # the sale's dual recording (双录)
    record = s.counter.record(center.n1, ticket, "wealth_product", "50000", product="MIXF")
    assert record.id is not None  # the same sale is allowed now


def test_the_history_keeps_every_assessment_with_its_answers(center: Center) -> None:
    s = center.services
    client = center.client("钱保守")
    set_client(s, client, risk=None, assessed=None)
    first = s.risk.assess(center.cm, client, answers(center, "high"))
    second = s.risk.assess(center.cm, client, answers(center, "low"))
    history = s.risk.history(center.cm, client)
    assert [h.id for h in history] == [second.id, first.id]
    assert history[0].level == 1 and history[1].level == 5
    assert history[0].answers == answers(center, "low")
    assert history[0].staff_name == center.cm.name
    with Session(s.ctx.engine) as db:
        assert db.get(Client, client).risk_level == 1  # type: ignore[union-attr]
        assert len(db.exec(select(RiskAssessment)).all()) == 2


def test_a_senior_client_needs_a_second_staff_member(center: Center) -> None:
    s = center.services
    client = center.client("钱长者")
    senior = s.settings.compliance.senior_age
    set_client(s, client, risk=None, assessed=None,
               birthday=date(TODAY.year - senior, 1, 1))
    with pytest.raises(FieldError) as err:
        s.risk.assess(center.cm, client, answers(center, "high"))
    assert err.value.key == "error.risk.senior_needs_second"
    with pytest.raises(Conflict):  # not oneself
        s.risk.assess(center.cm, client, answers(center, "high"), staff_no=center.cm.staff_no,
                      pin=TEST_PIN)
    view = s.risk.assess(center.cm, client, answers(center, "high"), staff_no=center.sup.staff_no,
                         pin=TEST_PIN)
    assert view.confirmed_by_name == center.sup.name and view.client_age == senior
    # the level is what the answers say; the point of sale still caps a senior at its level
    assert view.level == 5
    ticket = at_counter(center, client)
    with pytest.raises(SaleRefused) as refused:
        s.counter.record(center.n1, ticket, "wealth_product", "50000", product="EQF")
    assert refused.value.key.startswith("compliance.refused.")


def test_only_the_desks_that_sell_assess(center: Center) -> None:
    s = center.services
    client = center.client("钱大堂")
    with pytest.raises(PermissionDenied):
        s.risk.assess(center.lobby, client, answers(center, "low"))


def test_a_branch_questionnaire_that_cannot_be_read_is_one_sentence(center: Center, tmp_path) -> None:
    s = center.services
    broken = tmp_path / "q.toml"
    broken.write_text('version = "x"\n[[questions]]\nid = "a"\n', encoding="utf-8")
    object.__setattr__(s.settings.compliance, "questionnaire_file", str(broken))
    try:
        with pytest.raises(Conflict) as err:
            s.risk.questionnaire(center.cm)
        assert err.value.key == "error.risk.questionnaire_file" and str(broken) in str(
            err.value.params["detail"])
    finally:
        object.__setattr__(s.settings.compliance, "questionnaire_file", "")
