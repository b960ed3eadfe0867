"""Maker-checker authorisation (复核/授权) of counter business.

Which business needs it is configuration: `[[authorization.rules]]` name a business type, the
amount from which the rule applies and the roles that may authorise; of the rules matching a
business the one with the highest minimum decides (manual ch.2 §2.3 item 2, §2.4 items 1 and 8;
digest §4.4.4; Fineract's maker-checker, peer-systems §1.2).

The teller (maker) requests authorisation of a recorded business; a supervisor or officer
(checker) approves or rejects it with a reason — at the same counter by entering their staff
number and PIN (step-up), or from their own authorisation inbox. Refused, and audited:
- deciding one's own request (never authorise business one processed oneself);
- a second pending request for the same business (ticket and business type);
- a checker whose roles lack the authority the rule asks for that kind and amount.
Finishing a ticket whose business awaits authorisation is refused by services.counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import and_, col, select

from wealthtui.citations import service_section
from wealthtui.model import AuthorizationRequest, Client, ServiceRecord, Staff, Ticket
from wealthtui.model.status import AuthorizationStatus
from wealthtui.rules.fields import parse_text
from wealthtui.rules.money import format_fen
from wealthtui.services.auth import AuthService
from wealthtui.services.base import Actor, Context, Service, UnitOfWork, requires
from wealthtui.services.compliance import authorization_rule
from wealthtui.services.conversion import convert_for_record
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied
from wealthtui.services.handoffs import HandoffService

SECTION = service_section("authorization.SECTION")  # authorise, but never one's own business


@dataclass(frozen=True)
class AuthzView:
    id: int
    status: str                # pending | approved | rejected | cancelled
    business_type: str
    amount_fen: int
    checker_roles: tuple[str, ...]
    maker_id: int
    maker_name: str
    checker_id: int | None
    checker_name: str
    ticket_id: int | None
    ticket_no: str
    client_id: int | None
    client_name: str
    counter_no: str
    service_record_id: int | None
    note: str
    reason: str
    step_up: bool
    requested_at: datetime
    decided_at: datetime | None


class AuthorizationService(Service):
    def __init__(self, ctx: Context, *, handoffs: HandoffService, auth: AuthService) -> None:
        super().__init__(ctx)
        self._handoffs = handoffs
        self._auth = auth

    def _views(self, uow: UnitOfWork, where: Any) -> list[AuthzView]:
        maker, checker = aliased(Staff), aliased(Staff)
        rows = uow.session.exec(
            select(AuthorizationRequest, maker.name, checker.name, Ticket.display_no,
                   Client.name, ServiceRecord.id)
            .join(maker, maker.id == AuthorizationRequest.maker_id)
            .outerjoin(checker, checker.id == AuthorizationRequest.checker_id)
            .outerjoin(Ticket, Ticket.id == AuthorizationRequest.ticket_id)
            .outerjoin(Client, Client.id == AuthorizationRequest.client_id)
            .outerjoin(ServiceRecord, ServiceRecord.authorization_id == AuthorizationRequest.id)
            .where(where)
            .order_by(col(AuthorizationRequest.requested_at), col(AuthorizationRequest.id))
        ).all()
        return [
            AuthzView(
                id=r.id or 0, status=r.status, business_type=r.business_type,
                amount_fen=r.amount_fen,
                checker_roles=tuple(x for x in r.checker_roles.split(",") if x),
                maker_id=r.maker_id, maker_name=maker_name, checker_id=r.checker_id,
                checker_name=checker_name or "", ticket_id=r.ticket_id, ticket_no=ticket_no or "",
                client_id=r.client_id, client_name=client_name or "", counter_no=r.counter_no,
                service_record_id=record_id, note=r.note, reason=r.reason, step_up=r.step_up,
                requested_at=r.requested_at, decided_at=r.decided_at,
            )
            for r, maker_name, checker_name, ticket_no, client_name, record_id in rows
        ]

    def _load(self, uow: UnitOfWork, request_id: int) -> AuthorizationRequest:
        req = uow.session.get(AuthorizationRequest, request_id)
        if req is None:
            raise NotFound("error.authz.not_found", id=request_id)
        return req

    # --- the maker -------------------------------------------------------------------------
    @requires("authz.request")
    def request(self, uow: UnitOfWork, record_id: int, note: str = "") -> AuthzView:
        """Ask for authorisation of a business the actor recorded (outcome pending_auth)."""
        rec = uow.session.get(ServiceRecord, record_id)
        if rec is None:
            raise NotFound("error.counter.record_not_found", id=record_id)
        if rec.staff_id != uow.actor_id:
            raise PermissionDenied("error.counter.record_not_yours")
        rule, _basis = authorization_rule(uow, rec)  # on the day's sum (issue 17)
        if rule is None or rec.outcome != "pending_auth":
            raise Conflict("error.authz.not_needed", business=rec.business_type)
        pending = uow.session.exec(
            select(AuthorizationRequest.id).where(
                AuthorizationRequest.status == AuthorizationStatus.PENDING,
                AuthorizationRequest.business_type == rec.business_type,
                AuthorizationRequest.ticket_id == rec.ticket_id,
            )
        ).first()
        if pending is not None:
            raise Conflict("error.authz.duplicate", business=rec.business_type, id=pending)
        assert uow.actor_id is not None
        req = AuthorizationRequest(
            business_date=uow.today, maker_id=uow.actor_id, business_type=rec.business_type,
            amount_fen=rec.amount_fen, checker_roles=",".join(rule.checker_roles),
            ticket_id=rec.ticket_id, client_id=rec.client_id, counter_no=rec.counter_no,
            status=AuthorizationStatus.PENDING, note=parse_text(note, "field.note", max_len=500),
            requested_at=uow.now,
        )
        uow.session.add(req)
        uow.session.flush()
        rec.authorization_id = req.id
        uow.session.add(rec)
        uow.audit("authz.request", "authorization_request", req.id, manual_section=SECTION,
                  business_type=rec.business_type, amount_fen=rec.amount_fen,
                  ticket_id=rec.ticket_id, checker_roles=rule.checker_roles)
        return self._views(uow, AuthorizationRequest.id == req.id)[0]

    @requires("authz.request")
    def withdraw(self, uow: UnitOfWork, request_id: int) -> AuthzView:
        """The maker takes back a pending request (the business stays pending authorisation)."""
        req = self._load(uow, request_id)
        if req.maker_id != uow.actor_id:
            raise PermissionDenied("error.authz.not_maker")
        if req.status != "pending":
            raise Conflict("error.authz.decided")
        req.status, req.decided_at = "cancelled", uow.now
        uow.session.add(req)
        rec = uow.session.exec(
            select(ServiceRecord).where(ServiceRecord.authorization_id == req.id)).first()
        if rec is not None:
            rec.authorization_id = None
            uow.session.add(rec)
        self._handoffs.end_for(uow, "authorization", req.id, "cancelled")
        uow.audit("authz.withdraw", "authorization_request", req.id, manual_section=SECTION)
        return self._views(uow, AuthorizationRequest.id == req.id)[0]

    @requires("authz.request", write=False)
    def mine(self, uow: UnitOfWork) -> list[AuthzView]:
        """The actor's requests of today."""
        return self._views(uow, and_(AuthorizationRequest.maker_id == uow.actor_id,
                                     AuthorizationRequest.business_date == uow.today))

    # --- the checker -----------------------------------------------------------------------
    @requires("authz.decide", write=False)
    def inbox(self, uow: UnitOfWork) -> list[AuthzView]:
        """Pending requests the actor may decide: made by someone else, within their authority."""
        views = self._views(uow, and_(AuthorizationRequest.status == AuthorizationStatus.PENDING,
                                      AuthorizationRequest.maker_id != uow.actor_id))
        return [v for v in views if set(v.checker_roles) & uow.roles]

    @requires("authz.decide", write=False)
    def decided_today(self, uow: UnitOfWork) -> list[AuthzView]:
        """What the actor approved or rejected today."""
        return self._views(uow, and_(AuthorizationRequest.checker_id == uow.actor_id,
                                     AuthorizationRequest.business_date == uow.today))

    @requires("authz.decide")
    def decide(self, uow: UnitOfWork, request_id: int, approve: bool, reason: str = "", *,
               step_up: bool = False) -> AuthzView:
        """Approve or reject a pending request. A rejection needs a reason. `step_up`: decided at
        the maker's counter with the checker's PIN (see `decide_at_counter`)."""
        req = self._load(uow, request_id)
        if req.status != "pending":
            raise Conflict("error.authz.decided")
        if req.maker_id == uow.actor_id:
            raise PermissionDenied("error.authz.own_work")
        needed = {x for x in req.checker_roles.split(",") if x}
        if not needed & uow.roles:
            raise PermissionDenied("error.authz.no_authority", business=req.business_type,
                                   amount=format_fen(req.amount_fen))
        reason = parse_text(reason, "field.reason", max_len=500, required=not approve)
        req.status = AuthorizationStatus.APPROVED if approve else AuthorizationStatus.REJECTED
        req.checker_id, req.reason, req.decided_at, req.step_up = (
            uow.actor_id, reason, uow.now, step_up)
        uow.session.add(req)
        rec = uow.session.exec(
            select(ServiceRecord).where(ServiceRecord.authorization_id == req.id)).first()
        if rec is not None and rec.outcome == "pending_auth":
            rec.outcome = "done" if approve else "rejected"
            uow.session.add(rec)
            convert_for_record(uow, rec)  # an authorised sale converts the client's leads
        self._handoffs.end_for(uow, "authorization", req.id, req.status)
        uow.audit("authz.approve" if approve else "authz.reject", "authorization_request",
                  req.id, manual_section=SECTION, maker_id=req.maker_id,
                  business_type=req.business_type, amount_fen=req.amount_fen,
                  step_up=step_up, reason=reason)
        return self._views(uow, AuthorizationRequest.id == req.id)[0]

    def decide_at_counter(self, maker: Actor, request_id: int, staff_no: str, pin: str,
                          approve: bool, reason: str = "") -> AuthzView:
        """Step-up at the maker's counter: the checker enters their staff number and PIN on the
        maker's terminal; the decision is theirs (audited as theirs, marked step-up)."""
        checker = self._auth.second_person(maker, staff_no, pin, "authz.decide")
        return self.decide(checker, request_id, approve, reason, step_up=True)
