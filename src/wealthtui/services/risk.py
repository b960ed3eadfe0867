"""The client's risk-tolerance assessment (风险承受能力评估, issue 17): the questionnaire taken at
the counter or at the CM's desk, scored into C1–C5, kept with its answers and history.

    services.risk.questionnaire(actor)                     # the questions, as configured
    services.risk.assess(actor, client_id, {"age": "b", …}, staff_no="8031", pin="…")
    services.risk.history(actor, client_id)                 # newest first

The questionnaire is data (data/compliance/questionnaire.toml, or `[compliance]
questionnaire_file`); `rules.risk_questionnaire` scores it. An assessment sets the client's
`risk_level` and `risk_assessed_on` — what every sale path checks (services.compliance) — and
keeps a `RiskAssessment` row: answers, score, level, the questionnaire's version, who took it,
when it expires (`[contact] risk_assessment_valid_days`). For a client aged `[compliance]
senior_age` or more a second staff member confirms it with their own staff number and PIN
(`risk.confirm`); the level such a client may buy at is capped by `senior_max_level` at the
point of sale (rules.suitability), whatever the score.

Regulatory practice, not our manual's text (chapters 1–2): 《商业银行理财业务监督管理办法》(2018) on
assessing before the first purchase and reassessing periodically; the second person for elderly
clients is common practice under the 2017 dual-recording rules. See data/compliance/rules.toml.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.model import Client, RiskAssessment, Staff
from wealthtui.resources import data_file
from wealthtui.rules import suitability
from wealthtui.rules.fields import FieldError
from wealthtui.rules.risk_questionnaire import Questionnaire
from wealthtui.services.auth import AuthService
from wealthtui.services.base import Actor, Service, UnitOfWork, requires
from wealthtui.services.context import Context
from wealthtui.services.data_files import ParsedFile
from wealthtui.services.errors import NotFound

SECTION = service_section("risk.SECTION")  # regulatory practice (module docstring)


@dataclass(frozen=True)
class AssessmentView:
    id: int
    client_id: int
    taken_at: datetime
    business_date: date
    staff_name: str
    confirmed_by_name: str
    questionnaire_version: str
    answers: dict[str, str]
    score: int
    level: int
    expires_on: date
    client_age: int | None


@dataclass(frozen=True)
class RiskStatus:
    """A client's assessment as the counter and the client file show it, and whether the
    questionnaire needs a second staff member (a client of the senior age)."""

    client_id: int
    name: str
    level: int | None
    assessed_on: date | None
    expires_on: date | None
    expired: bool
    age: int | None
    senior: bool


class RiskService(Service):
    def __init__(self, ctx: Context, *, auth: AuthService) -> None:
        super().__init__(ctx)
        self._auth = auth
        self._file = ParsedFile(Questionnaire.parse, "error.risk.questionnaire_file")

    # --- the questionnaire ----------------------------------------------------------------------
    def _path(self) -> Path:
        configured = self.settings.compliance.questionnaire_file
        return Path(configured).expanduser() if configured else data_file("compliance",
                                                                          "questionnaire.toml")

    def _load(self) -> Questionnaire:
        return self._file.get(self._path())

    @requires("risk.view", write=False)
    def questionnaire(self, uow: UnitOfWork) -> Questionnaire:
        """The questionnaire as configured now."""
        return self._load()

    # --- assessing ------------------------------------------------------------------------------
    def assess(self, actor: Actor, client_id: int, answers: dict[str, str], *,
               staff_no: str = "", pin: str = "") -> AssessmentView:
        """Score the client's answers and keep the assessment. A client of the senior age needs
        a second staff member (`staff_no`, `pin`, role with `risk.confirm`, not `actor`)."""
        confirmer = None
        if staff_no or pin:
            confirmer = self._auth.second_person(actor, staff_no, pin, "risk.confirm")
        return self._assess(actor, client_id, dict(answers),
                            confirmer.staff_id if confirmer else None)

    @requires("risk.assess")
    def _assess(self, uow: UnitOfWork, client_id: int, answers: dict[str, str],
                confirmer_id: int | None) -> AssessmentView:
        questionnaire = self._load()
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFound("error.client.not_found", id=client_id)
        score = questionnaire.score(answers)
        level = questionnaire.level(score)
        age = suitability.age_on(client.birthday, uow.today)
        senior = age is not None and age >= self.settings.compliance.senior_age
        if senior and confirmer_id is None:
            raise FieldError("field.risk.second_person", "error.risk.senior_needs_second",
                             age=self.settings.compliance.senior_age)
        expires = uow.today + timedelta(days=self.settings.contact.risk_assessment_valid_days)
        row = RiskAssessment(client_id=client_id, business_date=uow.today, taken_at=uow.now,
                             staff_id=uow.actor_id, confirmed_by_id=confirmer_id,
                             questionnaire_version=questionnaire.version[:20],
                             answers=json.dumps(answers, ensure_ascii=False, sort_keys=True),
                             score=score, level=level, client_age=age, expires_on=expires)
        uow.session.add(row)
        previous = client.risk_level
        client.risk_level = level
        client.risk_assessed_on = uow.today
        client.updated_at = uow.now
        uow.session.add(client)
        uow.session.flush()
        uow.audit("risk.assess", "client", client_id, assessment_id=row.id, score=score,
                  level=level, previous_level=previous, version=questionnaire.version,
                  confirmed_by=confirmer_id, section=SECTION)
        return self._view(uow, row)

    @requires("risk.view", write=False)
    def status(self, uow: UnitOfWork, client_id: int) -> RiskStatus:
        """The client's level, when it was assessed and when it expires; senior or not."""
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFound("error.client.not_found", id=client_id)
        valid = self.settings.contact.risk_assessment_valid_days
        expires = suitability.assessment_expires_on(client.risk_assessed_on, valid)
        age = suitability.age_on(client.birthday, uow.today)
        assert client.id is not None
        return RiskStatus(client.id, client.name, client.risk_level, client.risk_assessed_on,
                          expires, expires is not None and uow.today >= expires, age,
                          age is not None and age >= self.settings.compliance.senior_age)

    @requires("risk.view", write=False)
    def history(self, uow: UnitOfWork, client_id: int) -> list[AssessmentView]:
        """The client's assessments, newest first."""
        rows = uow.session.exec(
            select(RiskAssessment).where(RiskAssessment.client_id == client_id)
            .order_by(col(RiskAssessment.taken_at).desc(), col(RiskAssessment.id).desc())).all()
        return [self._view(uow, r) for r in rows]

    def _view(self, uow: UnitOfWork, row: RiskAssessment) -> AssessmentView:
        def name(staff_id: int | None) -> str:
            staff = uow.session.get(Staff, staff_id) if staff_id is not None else None
            return staff.name if staff is not None else ""

        assert row.id is not None
        return AssessmentView(row.id, row.client_id, row.taken_at, row.business_date,
                              name(row.staff_id), name(row.confirmed_by_id),
                              row.questionnaire_version, json.loads(row.answers), row.score,
                              row.level, row.expires_on, row.client_age)
