"""The contact log and contact marketing (接触营销).

Every contact with a client is one record: channel, purpose, content, needs found, products
proposed, result, next action and its date (manual digest §8.3 form 4). Products proposed are
checked against the client's risk level (rules/suitability.py): a product above it is refused
unless the client's signed acknowledgement is recorded with it (digest §4.3 steps 4–6).

Logging a contact also keeps the promises of earlier ones (follow-ups due today or before are
marked kept by it), moves the client's uncontacted leads to "contacted" and their open targets of
the actor to "contacted". The first direct contact of a new CM after a CM change is read from this
log (services/assignments.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.model import (
    ChecklistRun,
    Client,
    ContactLog,
    ContactProposal,
    Lead,
    StepRecord,
    Target,
    TargetList,
)
from wealthtui.model.status import ChecklistStatus, LeadStatus, TargetListStatus, TargetStatus
from wealthtui.procedures import Procedure
from wealthtui.rules import step_facts, suitability
from wealthtui.rules.agenda import CHANNELS, DIRECT_CHANNELS, PURPOSES, RESULTS
from wealthtui.rules.fields import FieldError, parse_text
from wealthtui.rules.money import parse_yuan
from wealthtui.services import compliance
from wealthtui.services.assignments import (
    CM_CHANGE_PROCEDURE,
    active_cm_id,
    check_file_access,
    desk_cm_ids,
    record_step_in,
)
from wealthtui.services.base import Context, Service, UnitOfWork, requires
from wealthtui.services.checklists import ChecklistService
from wealthtui.services.client_file import ContactView, contact_views
from wealthtui.services.conversion import convert_for_sale
from wealthtui.services.errors import NotFound, PermissionDenied

if TYPE_CHECKING:  # made by Services (services/__init__.py)
    from wealthtui.services.appointments import AppointmentService

SECTION = service_section("contacts.SECTION")
MAX_FOLLOW_UP_DAYS = 366
MARKETING_PROCEDURE = "cm_contact_marketing"  # data/procedures/cm_contact_marketing.toml


@dataclass(frozen=True)
class ProposalCheck:
    product_code: str
    product_name: str
    product_level: int
    client_level: int | None
    outcome: str  # see rules.suitability


@dataclass(frozen=True)
class FollowUpView:
    contact_id: int
    client_id: int
    client_name: str
    next_date: date
    next_action: str


class ContactService(Service):
    def __init__(self, ctx: Context, *, checklists: ChecklistService,
                 appointments: AppointmentService) -> None:
        super().__init__(ctx)
        self.checklists = checklists
        self._appointments = appointments

    # --- suitability -----------------------------------------------------------------------
    def _checks(self, uow: UnitOfWork, client: Client, codes: Iterable[str],
                acknowledged: Iterable[str] = ()) -> list[ProposalCheck]:
        cfg = uow.settings.contact
        acks = set(acknowledged)
        out: list[ProposalCheck] = []
        for code in codes:
            product = cfg.product(code)
            if product is None:
                raise FieldError("cm.field.products", "error.contact.unknown_product", code=code)
            verdict = suitability.decide(  # the branch's rules, as at every sale (issue 17)
                product_level=product.risk_level, client_level=client.risk_level,
                assessed_on=client.risk_assessed_on, today=uow.today,
                rules=compliance.sale_rules(uow.settings),
                age=suitability.age_on(client.birthday, uow.today), acknowledged=code in acks,
            )
            out.append(ProposalCheck(code, product.name, product.risk_level, client.risk_level,
                                     verdict.outcome))
        return out

    @requires("product.propose", write=False)
    def check_products(self, uow: UnitOfWork, client_id: int, codes: list[str]) -> list[ProposalCheck]:
        """How each product would fare if proposed to the client today (for the form)."""
        client = self._client(uow, client_id)
        check_file_access(uow, client_id, "product.propose")
        return self._checks(uow, client, codes)

    def _client(self, uow: UnitOfWork, client_id: int) -> Client:
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFound("error.client.not_found", id=client_id)
        return client

    # --- logging a contact -----------------------------------------------------------------
    @compliance.records_refusals
    @requires("contact.log")
    def log(
        self,
        uow: UnitOfWork,
        client_id: int,
        *,
        channel: str,
        purpose: str = "care",
        content: str = "",
        needs: str = "",
        result: str = "",
        next_action: str = "",
        next_date: date | None = None,
        products: Iterable[str] = (),
        acknowledgements: Mapping[str, str] | None = None,
        keeps: Iterable[int] = (),
        run_id: int | None = None,
        sale_amount: str = "",
        appointment: Mapping[str, Any] | None = None,
    ) -> ContactView:
        """Record one contact. `acknowledgements` maps a product code to the reference of the
        client's signed acknowledgement (needed for a product above the client's risk level);
        `keeps` names earlier contacts whose follow-up this one keeps (those due by today are
        kept anyway). With `run_id` (the client's open contact-marketing run) the products and
        their suitability are recorded as the run's proposal step. A direct contact by the
        client's new CM records the first contact of an open CM-change run. A sale (result
        `sold`) names its product (in `products`) and its amount (`sale_amount`, yuan), and
        converts the client's open leads and referrals (services.conversion). A contact with
        the result `appointment` may book it at once: `appointment` holds the booking's
        arguments (purpose, start, minutes, note, …), booked with me (issue 18)."""
        client = self._client(uow, client_id)
        check_file_access(uow, client_id, "contact.log")
        if channel not in CHANNELS:
            raise FieldError("cm.field.channel", "error.field.choice", accepted=", ".join(CHANNELS))
        if purpose not in PURPOSES:
            raise FieldError("cm.field.purpose", "error.field.choice", accepted=", ".join(PURPOSES))
        if result and result not in RESULTS:
            raise FieldError("cm.field.result", "error.field.choice", accepted=", ".join(RESULTS))
        content = parse_text(content, "cm.field.content", max_len=2000)
        needs = parse_text(needs, "cm.field.needs", max_len=500)
        next_action = parse_text(next_action, "cm.field.next_action", max_len=200)
        if next_date is not None:
            if next_date < uow.today:
                raise FieldError("cm.field.next_date", "error.contact.next_date_past")
            if next_date > uow.today + timedelta(days=MAX_FOLLOW_UP_DAYS):
                raise FieldError("cm.field.next_date", "error.contact.next_date_far",
                                 days=MAX_FOLLOW_UP_DAYS)
        elif next_action:
            raise FieldError("cm.field.next_date", "error.contact.next_date_needed")
        codes = list(dict.fromkeys(c.strip().upper() for c in products if c.strip()))
        acks = {k.strip().upper(): parse_text(v, "cm.field.acknowledgement", max_len=200)
                for k, v in (acknowledgements or {}).items()}
        if codes and not uow.can("product.propose"):
            raise PermissionDenied("error.permission.denied", action="product.propose")
        if result == "sold" and not codes:
            raise FieldError("cm.field.products", "compliance.error.sold_needs_product")
        signed = [k for k, v in acks.items() if v]
        sales = compliance.check_sale_in(uow, client_id=client_id, codes=codes, path="contact",
                                         field_key="cm.field.products", acknowledged=signed,
                                         keep=result == "sold")
        checks = self._checks(uow, client, codes, signed)
        sale_fen = self._sale(result, codes, sale_amount)
        run = self._marketing_run(uow, run_id, client_id) if run_id is not None else None
        assert uow.actor_id is not None
        entry = ContactLog(
            sale_amount_fen=sale_fen,
            client_id=client_id, staff_id=uow.actor_id, at=uow.now, channel=channel,
            purpose=purpose, content=content, needs=needs,
            products_proposed=",".join(codes)[:500], result=result, next_action=next_action,
            next_date=next_date, run_id=run_id,
        )
        uow.session.add(entry)
        uow.session.flush()
        for sale in sales if result == "sold" else ():
            sale.contact_id = entry.id
        for c in checks:
            uow.session.add(ContactProposal(
                contact_id=entry.id, client_id=client_id, product_code=c.product_code,
                product_name=c.product_name, product_risk=c.product_level,
                client_risk=c.client_level, verdict=c.outcome,
                acknowledgement=acks.get(c.product_code, "") if c.outcome == suitability.ACKNOWLEDGED else "",
            ))
        kept = self._keep_promises(uow, entry, set(keeps))
        self._advance_leads_and_targets(uow, entry)
        converted = []
        if result == "sold":
            converted = convert_for_sale(uow, client_id, ref=f"contact:{entry.id}",
                                         product=",".join(codes), amount_fen=sale_fen)
        if run is not None and checks:
            self._record_proposal(uow, run, checks, acks)
        self._first_contact_after_change(uow, entry)
        booked = self._book(uow, client_id, result, appointment)
        uow.audit("contact.log", "client", client_id, manual_section=SECTION,
                  contact_id=entry.id, channel=channel, purpose=purpose, result=result,
                  next_date=next_date, products={c.product_code: c.outcome for c in checks},
                  kept=kept, sale_amount_fen=sale_fen, converted_leads=converted,
                  **({"appointment_id": booked} if booked is not None else {}))
        return contact_views(uow, client_id, limit=1)[0]

    def _book(self, uow: UnitOfWork, client_id: int, result: str,
              appointment: Mapping[str, Any] | None) -> int | None:
        """The appointment a contact ends in, booked with the CM in the contact's transaction."""
        if appointment is None:
            return None
        if result != "appointment":
            raise FieldError("cm.field.result", "error.field.choice", accepted="appointment")
        view = self._appointments.book(
            uow, **{**appointment, "client_id": client_id, "staff_id": uow.actor_id,
                    "source": "cm"})
        return view.id

    @staticmethod
    def _sale(result: str, codes: list[str], amount: str) -> int | None:
        """The sale's amount in fen for a `sold` contact (which needs its product and amount);
        None otherwise (an amount without a sale is refused)."""
        if result != "sold":
            if amount.strip():
                raise FieldError("sale.field.amount", "error.sale.amount_without_sale")
            return None
        if not codes:
            raise FieldError("cm.field.products", "error.sale.needs_product")
        return parse_yuan(amount, "sale.field.amount")

    # --- the checklists a contact feeds ---------------------------------------------------------
    def _marketing_run(self, uow: UnitOfWork, run_id: int, client_id: int) -> ChecklistRun:
        run = uow.session.get(ChecklistRun, run_id)
        if (run is None or run.procedure_id != MARKETING_PROCEDURE or run.client_id != client_id
                or run.status != "open"):
            raise FieldError("cm.field.run", "error.contact.no_such_run")
        return run

    def _record_proposal(self, uow: UnitOfWork, run: ChecklistRun, checks: list[ProposalCheck],
                         acks: Mapping[str, str]) -> None:
        """The contact-marketing run's proposal step: each product with its level against the
        client's, and the acknowledgement where one let it through — as codes (rules.step_facts),
        worded when shown in the viewer's language."""
        value = step_facts.proposal([
            step_facts.Proposed(c.product_code, c.product_level, c.client_level, c.outcome,
                                acks.get(c.product_code, "")
                                if c.outcome == suitability.ACKNOWLEDGED else "")
            for c in checks])
        assert run.id is not None
        record_step_in(self.checklists, uow, run.id, "proposal", value)

    def _first_contact_after_change(self, uow: UnitOfWork, entry: ContactLog) -> None:
        """A direct contact by the client's new CM records the CM-change run's first contact."""
        if entry.channel not in DIRECT_CHANNELS or active_cm_id(uow, entry.client_id) != entry.staff_id:
            return
        run = uow.session.exec(
            select(ChecklistRun).where(ChecklistRun.procedure_id == CM_CHANGE_PROCEDURE,
                                       ChecklistRun.client_id == entry.client_id,
                                       ChecklistRun.status == ChecklistStatus.OPEN)
            .order_by(col(ChecklistRun.id).desc())
        ).first()
        if run is None or run.id is None:
            return
        done = uow.session.exec(select(StepRecord.id).where(
            StepRecord.run_id == run.id, StepRecord.step_id == "first_contact")).first()
        step = Procedure.from_json(run.procedure_json).step("first_contact")
        if done is not None or step is None:
            return
        if not uow.roles & set(Procedure.from_json(run.procedure_json).doers(step)):
            return  # e.g. the head as new CM: the step's roles are the CMs'; tick it by hand
        assert entry.id is not None
        record_step_in(self.checklists, uow, run.id, "first_contact", step_facts.record(
            step_facts.CONTACT, entry.id, uow.today, entry.channel))

    def _keep_promises(self, uow: UnitOfWork, entry: ContactLog, keeps: set[int]) -> list[int]:
        open_ones = uow.session.exec(
            select(ContactLog).where(
                ContactLog.client_id == entry.client_id, ContactLog.id != entry.id,
                col(ContactLog.next_date).is_not(None), col(ContactLog.follow_up_done_id).is_(None))
        ).all()
        kept: list[int] = []
        for earlier in open_ones:
            assert earlier.next_date is not None
            if earlier.next_date <= uow.today or earlier.id in keeps:
                earlier.follow_up_done_id = entry.id
                uow.session.add(earlier)
                kept.append(earlier.id or 0)
        unknown = keeps - set(kept)
        if unknown:
            raise FieldError("cm.field.keeps", "error.contact.no_such_follow_up")
        return kept

    def _advance_leads_and_targets(self, uow: UnitOfWork, entry: ContactLog) -> None:
        for lead in uow.session.exec(
            select(Lead).where(Lead.client_id == entry.client_id, Lead.status == LeadStatus.NEW)
        ).all():
            lead.status = LeadStatus.CONTACTED
            uow.session.add(lead)
        for target in uow.session.exec(
            select(Target).join(TargetList, TargetList.id == Target.list_id).where(
                Target.client_id == entry.client_id, Target.cm_id == entry.staff_id,
                Target.status == TargetStatus.OPEN, TargetList.status == TargetListStatus.OPEN)
        ).all():
            target.status, target.contact_id = "contacted", entry.id
            target.updated_at, target.updated_by = uow.now, entry.staff_id
            uow.session.add(target)

    # --- reading -----------------------------------------------------------------------------
    @requires("contact.log", write=False)
    def history(self, uow: UnitOfWork, client_id: int, limit: int = 50) -> list[ContactView]:
        self._client(uow, client_id)
        check_file_access(uow, client_id, "contact.log")
        return contact_views(uow, client_id, limit)

    @requires("agenda.view", write=False)
    def open_follow_ups(self, uow: UnitOfWork) -> list[FollowUpView]:
        """Follow-ups promised on my desk (mine and my CMs' for an assistant) not yet kept."""
        rows = uow.session.exec(
            select(ContactLog, Client.name).join(Client, Client.id == ContactLog.client_id)
            .where(col(ContactLog.staff_id).in_(desk_cm_ids(uow)),
                   col(ContactLog.next_date).is_not(None),
                   col(ContactLog.follow_up_done_id).is_(None))
            .order_by(ContactLog.next_date, Client.name)
        ).all()
        return [FollowUpView(c.id or 0, c.client_id, name, c.next_date, c.next_action)
                for c, name in rows if c.next_date is not None]
