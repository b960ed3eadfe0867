"""The maintenance agenda (维护日程) of a CM's desk, today and for the week.

Reads the facts of the desk's clients from the store and hands them to rules/agenda.py, which
decides what is due. A CM sees their own clients, an assistant those of the CMs they are attached
to, the head their own clients or any CM's desk (manual ch.2 §2.9 item 3, §2.13; digest §4.6,
§6.3).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from wealthtui.model import Client, CMAssignment, ContactLog, ProductHolding, Staff
from wealthtui.reports import figures
from wealthtui.rules import agenda as rules
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError
from wealthtui.services.appointments import AppointmentService
from wealthtui.services.assignments import AssignmentService, desk_cm_ids, local_date
from wealthtui.services.base import Context, Service, UnitOfWork, requires
from wealthtui.services.errors import NotFound, PermissionDenied

#: how far back contacts are read to close birthday, festival and maturity items
RECENT_DAYS = 45


class AgendaService(Service):
    def __init__(self, ctx: Context, *, assignments: AssignmentService,
                 appointments: AppointmentService) -> None:
        super().__init__(ctx)
        self._assignments = assignments
        self._appointments = appointments

    def rules_in(self, uow: UnitOfWork) -> rules.AgendaRules:
        cfg = uow.settings.contact
        return rules.AgendaRules(
            cadence_days=dict(cfg.cadence_days),
            no_contact_alert_days=cfg.no_contact_alert_days,
            maturity_days_ahead=cfg.maturity_days_ahead,
            risk_valid_days=cfg.risk_assessment_valid_days,
            risk_warn_days=cfg.risk_expiry_warn_days,
            festivals=tuple(rules.Festival(f.code, f.calendar, f.month, f.day, f.lead_workdays)
                            for f in cfg.festivals),
            open_days=uow.settings.calendar.open_days(),
            birthday_lead_days=cfg.birthday_lead_days,
        )

    def _desk(self, uow: UnitOfWork, cm_id: int | None) -> list[int]:
        if cm_id is None:
            return desk_cm_ids(uow)
        if cm_id in desk_cm_ids(uow) or permissions.HEAD in uow.roles:
            if uow.session.get(Staff, cm_id) is None:
                raise NotFound("error.cm.not_found", id=cm_id)
            return [cm_id]
        raise PermissionDenied("error.cm.not_your_desk")

    def facts_in(self, uow: UnitOfWork, cm_ids: list[int], start: date, end: date
                 ) -> list[rules.ClientFacts]:
        """What the rules need to know about every client of the CMs `cm_ids`."""
        # the columns the rules read, not whole ORM rows: a book is hundreds of clients
        clients = uow.session.exec(
            select(Client.id, Client.name, Client.tier, Client.birthday, Client.lunar_birthday,
                   Client.risk_assessed_on, CMAssignment.start_at)
            .join(CMAssignment, CMAssignment.client_id == Client.id)
            .where(col(CMAssignment.cm_id).in_(cm_ids), col(CMAssignment.end_at).is_(None))
        ).all()
        if not clients:
            return []
        # the book as a subquery, not a list of hundreds of ids bound into every statement
        ids = (select(CMAssignment.client_id)
               .where(col(CMAssignment.cm_id).in_(cm_ids), col(CMAssignment.end_at).is_(None))
               .scalar_subquery())
        last = dict(uow.session.exec(
            select(ContactLog.client_id, func.max(ContactLog.at))
            .where(col(ContactLog.client_id).in_(ids)).group_by(ContactLog.client_id)
        ).all())
        recent: dict[int, list[tuple[date, str]]] = defaultdict(list)
        since = uow.now - timedelta(days=RECENT_DAYS + (uow.today - start).days)
        for client_id, at, purpose in uow.session.exec(
            select(ContactLog.client_id, ContactLog.at, ContactLog.purpose)
            .where(col(ContactLog.client_id).in_(ids), ContactLog.at >= since)
        ).all():
            recent[client_id].append((local_date(uow, at), purpose))
        follow: dict[int, list[rules.FollowUp]] = defaultdict(list)
        for contact_id, client_id, next_date, next_action in uow.session.exec(
            select(ContactLog.id, ContactLog.client_id, ContactLog.next_date,
                   ContactLog.next_action)
            .where(col(ContactLog.client_id).in_(ids), col(ContactLog.next_date).is_not(None),
                   col(ContactLog.follow_up_done_id).is_(None))
        ).all():
            follow[client_id].append(rules.FollowUp(contact_id, next_date, next_action))
        # a maturity matters from N working days before it: read a generous calendar margin
        margin = timedelta(days=uow.settings.contact.maturity_days_ahead * 2 + 16)
        maturing: dict[int, list[rules.Maturity]] = defaultdict(list)
        for holding_id, client_id, product, matures, amount in uow.session.exec(
            select(ProductHolding.id, ProductHolding.client_id, ProductHolding.product_name,
                   ProductHolding.maturity_date, ProductHolding.amount_fen)
            .where(col(ProductHolding.client_id).in_(ids),
                   col(ProductHolding.maturity_date) >= start,
                   col(ProductHolding.maturity_date) <= end + margin)
        ).all():
            maturing[client_id].append(rules.Maturity(holding_id, product, matures, amount))
        changes = {
            c.client_id: rules.ChangeClock(c.assignment_id, c.started_on, c.due_on,
                                           c.first_contact_on, c.from_cm_name)
            for c in self._assignments.clocks_in(
                uow, col(CMAssignment.cm_id).in_(cm_ids))
        }
        out: list[rules.ClientFacts] = []
        for client_id, name, tier, birthday, lunar_birthday, risk_on, start_at in clients:
            last_at = last.get(client_id)
            out.append(rules.ClientFacts(
                client_id=client_id, name=name, tier=tier,
                birthday=birthday, lunar_birthday=lunar_birthday,
                cm_since=local_date(uow, start_at),
                last_contact=local_date(uow, last_at) if last_at else None,
                risk_assessed_on=risk_on,
                maturities=tuple(sorted(maturing.get(client_id, []),
                                        key=lambda m: m.maturity_date)),
                follow_ups=tuple(sorted(follow.get(client_id, []), key=lambda f: f.next_date)),
                change=changes.get(client_id),
                contacts=tuple(recent.get(client_id, [])),
            ))
        return out

    @requires("agenda.view", write=False)
    def items(self, uow: UnitOfWork, *, start: date | None = None, days: int = 1,
              cm_id: int | None = None) -> list[rules.AgendaItem]:
        """Agenda items of the desk over `days` days from `start` (today by default)."""
        if not 1 <= days <= 62:
            raise FieldError("cm.field.days", "error.agenda.days", max=62)
        first = start or uow.today
        last = first + timedelta(days=days - 1)
        desk = self._desk(uow, cm_id)
        facts = self.facts_in(uow, desk, first, last)
        items = rules.build(facts, self.rules_in(uow), first, last, uow.today)
        return rules.merge(items, self._appointment_items(uow, desk, first, last))

    def _appointment_items(self, uow: UnitOfWork, desk: list[int], first: date,
                           last: date) -> list[rules.AgendaItem]:
        """The desk's appointments, today's and tomorrow's on today's agenda: a client's, and a
        prospect's (no client record yet: the contact's name, no tier), like the calendar."""
        views = self._appointments.calendar_in(uow, desk, first, last + timedelta(days=1))
        ids = {v.client_id for v in views if v.client_id is not None}
        tiers = dict(uow.session.exec(
            select(Client.id, Client.tier).where(col(Client.id).in_(ids))).all()) if ids else {}
        booked = [rules.Booked(
            appointment_id=v.id, client_id=v.client_id, client_name=v.client_name,
            tier=tiers.get(v.client_id, "") if v.client_id is not None else "",
            day=v.business_date, time=v.start_at.astimezone(self.ctx.tz).strftime("%H:%M"),
            purpose=v.purpose_name, purpose_en=v.purpose_name_en, status=v.status)
            for v in views]
        return rules.appointment_items(booked, first, last)

    @requires("agenda.view", write=False)
    def premium_received(self, uow: UnitOfWork, day: date | None = None) -> int:
        """Premium clients I received on `day` (today): the flow log's per-CM figure
        (reports.figures.premium_received_by_cm — completed arrivals, distinct clients)."""
        assert uow.actor_id is not None
        return figures.premium_received_of(uow.session, uow.actor_id, day or uow.today)

    def today(self, actor, *, cm_id: int | None = None) -> list[rules.AgendaItem]:  # type: ignore[no-untyped-def]
        """Shorthand for items() over today."""
        return self.items(actor, days=1, cm_id=cm_id)

    def week(self, actor, *, cm_id: int | None = None) -> list[rules.AgendaItem]:  # type: ignore[no-untyped-def]
        """Shorthand for items() over today and the six days after it."""
        return self.items(actor, days=7, cm_id=cm_id)
