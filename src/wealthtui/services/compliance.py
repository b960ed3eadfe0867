"""Compliance at the point of sale (issue 17): suitability on every sale path, the authorisation
limit on the day's sum, large cash, and the head's compliance figures.

Every sale path (`PATHS`: the counter's wealth-product business, a CM's contact with the result
"sold") calls `check_sale_in` inside its own transaction with the client, the products and the
amount. A lead has no sale path of its own: it is converted only by a sale on one of these paths,
in that sale's transaction, after the check (services.conversion), so a refused sale converts
nothing. The verdict is `rules.suitability.decide` under the branch's `[compliance]`
settings. An allowed sale is kept as a `SaleCheck` row in the same transaction as the sale; a
refused one raises `SaleRefused` (a FieldError naming the form's field, with both levels in the
message) — the sale's transaction rolls back, and the service method, wrapped by
`records_refusals`, writes the refused attempt and its audit event in a transaction of its own,
so refusals are counted in the head's figures. A sale `[compliance.dual_recording]` names also
needs its dual recording (双录, services.dual_recording.match_in): without one it is refused the
same way (outcome `no_recording`); with one, the recording is linked to the sale's row.

Regulatory practice (not our manual's text): 《商业银行理财业务监督管理办法》(CBIRC 2018 No. 6)
(sell only at or below the client's assessed risk tolerance, assessment before the
first purchase, periodic re-assessment), 《关于规范金融机构资产管理业务的指导意见》(银发〔2018〕106号)
§6 (investor suitability). Manual digest §4.3 steps 4–6 (the proposal matches the risk level).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import bindparam, case, func
from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.model import Client, SaleCheck, ServiceRecord
from wealthtui.reports.compliance import (
    ComplianceFigures,
    ComplianceOverview,
    figures_in,
    overview_in,
)
from wealthtui.rules import suitability
from wealthtui.rules.fields import FieldError
from wealthtui.services import dual_recording
from wealthtui.services.base import Actor, Service, UnitOfWork, requires
from wealthtui.services.uow import append_audit, run_in_uow

SECTION = service_section("compliance.SECTION")  # regulatory practice, see the module docstring
#: the sale paths, as kept in `SaleCheck.path` (a lead is converted by a sale on one of them)
PATHS = ("counter", "contact")

R = TypeVar("R")


class SaleRefused(FieldError):
    """A sale the rules forbid. `checks` are the attempt's rows (not yet stored)."""

    def __init__(self, field_key: str, key: str, checks: list[SaleCheck], **params: object) -> None:
        super().__init__(field_key, key, **params)
        self.checks = checks


def sale_rules(settings: Any) -> suitability.SaleRules:
    c = settings.compliance
    return suitability.SaleRules(
        valid_days=settings.contact.risk_assessment_valid_days,
        unassessed_max_level=c.unassessed_max_level, senior_age=c.senior_age,
        senior_max_level=c.senior_max_level,
        exceptions=frozenset((p[0], p[1]) for p in c.exceptions))


def check_sale_in(
    uow: UnitOfWork,
    *,
    client_id: int | None,
    codes: Iterable[str],
    path: str,
    field_key: str,
    amount_fen: int = 0,
    acknowledged: Iterable[str] = (),
    keep: bool = True,
) -> list[SaleCheck]:
    """Judge a sale of each product (codes of `[[contact.products]]`) to the client now, in the
    caller's transaction. Allowed: the rows are added to the session when `keep` (a sale; the
    caller links them to its record) — a mere proposal is checked the same way but not kept. Refused: SaleRefused for the first refused product, naming the
    field, the product and both levels; nothing is added."""
    assert path in PATHS
    rules = sale_rules(uow.settings)
    client = uow.session.get(Client, client_id) if client_id is not None else None
    acks = set(acknowledged)
    age = suitability.age_on(client.birthday, uow.today) if client else None
    rows: list[SaleCheck] = []
    first_refused: tuple[SaleCheck, str] | None = None
    assert uow.actor_id is not None
    for code in codes:
        product = uow.settings.contact.product(code)
        if product is None:
            raise FieldError(field_key, "error.contact.unknown_product", code=code)
        verdict = suitability.decide(
            product_level=product.risk_level,
            client_level=client.risk_level if client else None,
            assessed_on=client.risk_assessed_on if client else None,
            today=uow.today, rules=rules, age=age, walk_in=client is None,
            acknowledged=code in acks)
        row = SaleCheck(
            business_date=uow.today, at=uow.now, staff_id=uow.actor_id,
            client_id=client.id if client else None, path=path, product_code=product.code,
            product_level=product.risk_level,
            client_level=client.risk_level if client else None,
            assessed_on=client.risk_assessed_on if client else None,
            assessment_valid=bool(client and client.risk_level and suitability.assessment_valid(
                client.risk_assessed_on, uow.today, rules.valid_days)),
            client_age=age, amount_fen=amount_fen, outcome=verdict.outcome,
            refused=verdict.refused)
        rows.append(row)
        if verdict.refused and first_refused is None:
            first_refused = (row, product.code)  # the code: the same in both languages
    if first_refused is not None:
        row, name = first_refused
        raise SaleRefused(
            field_key, f"compliance.refused.{row.outcome}", rows, product=name,
            product_level=row.product_level, client_level=row.client_level or "-",
            age=row.client_age if row.client_age is not None else "-",
            senior_age=rules.senior_age, senior_max=rules.senior_max_level,
            max_level=rules.unassessed_max_level)
    if not keep:
        return rows
    taken, unrecorded, why = dual_recording.match_in(uow, rows)
    if unrecorded is not None:  # a sale the rules name needs its recording (双录) first
        unrecorded.outcome, unrecorded.refused = dual_recording.NO_RECORDING, True
        raise SaleRefused(
            field_key, "dual_recording.refused", rows, product=unrecorded.product_code,
            product_level=unrecorded.product_level,
            client_level=unrecorded.client_level or "-", rules=",".join(why))
    for row in rows:
        uow.session.add(row)
    if taken:
        uow.session.flush()
        dual_recording.link_in(uow, rows, taken)
    return rows


def sale_checks_for_record(uow: UnitOfWork, *, sale: bool, product: str, client_id: int | None,
                           amount_fen: int) -> list[SaleCheck]:
    """The counter's business: a sale needs its product and passes the suitability check; other
    business names no product."""
    code = (product or "").strip().upper()
    if not sale:
        if code:
            raise FieldError("compliance.field.product", "compliance.error.product_not_sale")
        return []
    if not code:
        raise FieldError("compliance.field.product", "compliance.error.product_needed")
    return check_sale_in(uow, client_id=client_id, codes=[code], path="counter",
                         field_key="compliance.field.product", amount_fen=amount_fen)


def records_refusals(fn: Callable[..., R]) -> Callable[..., R]:
    """Wrap a `@requires` service method that sells: a SaleRefused it raises (its transaction
    rolled back) is written — the refused attempt and an audit event — in a transaction of its
    own, then raised on. Called from another service's transaction (a UnitOfWork as actor), the
    outermost wrapped method records it."""

    @functools.wraps(fn)
    def wrapper(self: Service, actor: Actor | UnitOfWork, /, *args: Any, **kwargs: Any) -> R:
        try:
            return fn(self, actor, *args, **kwargs)
        except SaleRefused as exc:
            if not isinstance(actor, UnitOfWork):
                _store_refusal(self, actor, exc)
            raise

    return wrapper


def _store_refusal(service: Service, actor: Actor, exc: SaleRefused) -> None:
    def body(uow: UnitOfWork) -> None:
        ids = []
        for row in exc.checks:
            if not row.refused:  # the attempt's other products were not sold either
                continue
            stored = SaleCheck(**{k: getattr(row, k) for k in SaleCheck.model_fields if k != "id"})
            uow.session.add(stored)
            uow.session.flush()
            ids.append(stored.id)
        first = exc.checks[0] if exc.checks else None
        append_audit(uow.session, at=uow.now, actor_id=actor.staff_id,
                     action="compliance.sale_refused", entity="client",
                     entity_id=first.client_id if first and first.client_id else "",
                     detail={"reason": exc.key, "path": first.path if first else "",
                             "products": {r.product_code: r.outcome for r in exc.checks},
                             "sale_checks": ids,
                             **({"recording_rules": exc.params["rules"]}
                                if "rules" in exc.params else {})},
                     manual_section=SECTION)

    run_in_uow(service.ctx, actor.staff_id, True, body)


# --- the authorisation limit on the day's sum (amount splitting) ------------------------------

@dataclass(frozen=True)
class AuthorizationBasis:
    """What the authorisation rule is applied to: the larger of the client's day's sum of this
    business type and the ticket's sum, this business included; `reason` names which."""

    amount_fen: int
    reason: str  # "" (the business alone) | "client_day" | "ticket"
    earlier_fen: int = 0


def _earlier_sum(where):  # type: ignore[no-untyped-def]
    return func.coalesce(func.sum(case((where, ServiceRecord.amount_fen), else_=0)), 0)


#: the client's and the ticket's sums of one business type on a day before a record, in one
#: statement (a None client or ticket matches nothing)
_EARLIER = select(
    _earlier_sum(ServiceRecord.client_id == bindparam("client_id")),
    _earlier_sum(ServiceRecord.ticket_id == bindparam("ticket_id")),
).where(ServiceRecord.business_date == bindparam("day"),
        ServiceRecord.business_type == bindparam("type"),
        col(ServiceRecord.outcome).in_(("done", "pending_auth")),
        ServiceRecord.id < bindparam("id"),
        (ServiceRecord.client_id == bindparam("client_id"))
        | (ServiceRecord.ticket_id == bindparam("ticket_id")))


def authorization_basis(uow: UnitOfWork, rec: ServiceRecord) -> AuthorizationBasis:
    """The amount the `[[authorization.rules]]` limit applies to for a flushed record (issue 17:
    two withdrawals of 49,999.99 on one ticket or one day need the authorisation one of 50,000
    needs): the client's sum of this business type today and the ticket's sum, up to and
    including this record. Business cancelled or rejected does not count."""
    if not uow.settings.compliance.authorization_on_daily_sum or rec.id is None:
        return AuthorizationBasis(rec.amount_fen, "")
    by_client = by_ticket = 0
    if rec.client_id is not None or rec.ticket_id is not None:
        by_client, by_ticket = uow.session.exec(_EARLIER, params={  # type: ignore[call-overload]
            "day": rec.business_date, "type": rec.business_type, "id": rec.id,
            "client_id": rec.client_id, "ticket_id": rec.ticket_id}).one()
    by_client, by_ticket = int(by_client), int(by_ticket)
    earlier = max(by_client, by_ticket)
    if earlier == 0:
        return AuthorizationBasis(rec.amount_fen, "")
    return AuthorizationBasis(rec.amount_fen + earlier,
                              "client_day" if by_client >= by_ticket else "ticket", earlier)


def authorization_rule(uow: UnitOfWork, rec: ServiceRecord) -> tuple[Any, AuthorizationBasis]:
    """The authorisation rule governing a record (on its day's sum), and the basis."""
    basis = authorization_basis(uow, rec)
    rule = uow.settings.authorization.rule_for(rec.business_type, basis.amount_fen)
    if rule is None and basis.reason:  # never weaker than the record alone
        rule = uow.settings.authorization.rule_for(rec.business_type, rec.amount_fen)
    return rule, basis


class ComplianceService(Service):
    @requires("compliance.view", write=False)
    def figures(self, uow: UnitOfWork, day: date | None = None) -> ComplianceFigures:
        """The day's compliance figures (today unless `day`)."""
        d = day or uow.today
        return figures_in(uow.session, self.settings, d, d)

    @requires("compliance.view", write=False)
    def month_figures(self, uow: UnitOfWork, day: date | None = None) -> ComplianceFigures:
        """The month's figures up to and including `day` (today unless given)."""
        d = day or uow.today
        return figures_in(uow.session, self.settings, d.replace(day=1), d)

    @requires("compliance.view", write=False)
    def overview(self, uow: UnitOfWork, day: date | None = None) -> ComplianceOverview:
        """The head's compliance view: the day's and the month's figures and the day's sales
        that needed a dual recording (双录), with their status."""
        return overview_in(uow.session, self.settings, day or uow.today)

    @requires("compliance.view", write=False)
    def refused_today(self, uow: UnitOfWork) -> list[SaleCheck]:
        """Today's refused attempts, newest first (for the head's list)."""
        return list(uow.session.exec(
            select(SaleCheck).where(SaleCheck.business_date == uow.today,
                                    SaleCheck.refused == True)  # noqa: E712
            .order_by(col(SaleCheck.id).desc())).all())
