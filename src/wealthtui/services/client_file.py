"""The client file (客户档案, manual digest §8.3 form 3), opened by the people who serve the client.

What it holds: identity and contacts (always masked; `reveal` shows one value in full for a stated
reason and audits it), household, occupation, income band, assets in the bank and declared
elsewhere, products held with their maturities, the risk level with its assessment date (expired
after `contact.risk_assessment_valid_days`), goals and interests, preferred contact channel and
time, birthday (solar, and lunar where the client keeps it), tier history and the history of
exclusive CMs.

Who opens it: see rules/file_access.py (the client's exclusive CM, the assistants attached to that
CM, the head, and staff with work about the client). Every opening is audited, and so is every
refusal, with the client it was about (confidentiality, manual ch.2 §2.9 item 6; digest §9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.model import (
    Client,
    ClientAccount,
    CMAssignment,
    ContactLog,
    ProductHolding,
    Staff,
    TierChange,
)
from wealthtui.rules import file_access, permissions
from wealthtui.rules.agenda import CHANNELS, lunar_of
from wealthtui.rules.fields import FieldError, parse_mobile, parse_text
from wealthtui.rules.money import parse_yuan
from wealthtui.rules.suitability import assessment_expires_on
from wealthtui.services import masking
from wealthtui.services.assignments import check_file_access, relation_in
from wealthtui.services.base import Service, UnitOfWork, requires
from wealthtui.services.errors import NotFound, PermissionDenied

SECTION = service_section("client_file.SECTION")
INCOME_BANDS = ("under_100k", "100k_300k", "300k_1m", "1m_5m", "over_5m")
REVEALABLE = ("id_number", "phone")
MIN_REASON = 4  # a reason of a word or two, not a single character


@dataclass(frozen=True)
class HoldingView:
    id: int
    product_code: str
    product_name: str
    risk_level: int
    amount_fen: int
    start_date: date | None
    maturity_date: date | None


@dataclass(frozen=True)
class TierChangeView:
    at: datetime
    from_tier: str
    to_tier: str
    by_name: str


@dataclass(frozen=True)
class CMHistoryView:
    cm_id: int
    cm_name: str
    start_at: datetime
    end_at: datetime | None
    reason: str


@dataclass(frozen=True)
class ContactView:
    id: int
    at: datetime
    staff_id: int
    staff_name: str
    channel: str
    purpose: str
    content: str
    needs: str
    products_proposed: str
    result: str
    next_action: str
    next_date: date | None
    follow_up_open: bool


@dataclass(frozen=True)
class ClientFileView:
    id: int
    name: str
    title: str
    gender: str
    tier: str
    id_type: str
    id_number_masked: str
    id_expires_on: date | None
    phone_masked: str
    accounts_masked: tuple[tuple[str, str], ...]  # (kind, masked number)
    birthday: date | None
    lunar_birthday: bool
    lunar_month_day: tuple[int, int] | None
    household: str
    occupation: str
    income_band: str
    aum_fen: int
    aum_elsewhere_fen: int
    risk_level: int | None
    risk_assessed_on: date | None
    risk_expires_on: date | None
    risk_expired: bool
    goals: str
    interests: str
    preferred_channel: str
    preferred_time: str
    potential_signals: str
    notes: str
    cm_id: int | None
    cm_name: str
    holdings: tuple[HoldingView, ...]
    tier_history: tuple[TierChangeView, ...]
    cm_history: tuple[CMHistoryView, ...]
    contacts: tuple[ContactView, ...]
    #: how the viewer relates to the client: cm | assistant | head | work | open
    access: str


class _Refused:
    def __init__(self, key: str) -> None:
        self.key = key


def contact_views(uow: UnitOfWork, client_id: int, limit: int = 50) -> list[ContactView]:
    rows = uow.session.exec(
        select(ContactLog, Staff.name).join(Staff, Staff.id == ContactLog.staff_id)
        .where(ContactLog.client_id == client_id)
        .order_by(col(ContactLog.at).desc(), col(ContactLog.id).desc()).limit(limit)
    ).all()
    return [
        ContactView(c.id, c.at, c.staff_id, name, c.channel, c.purpose, c.content, c.needs,
                    c.products_proposed, c.result, c.next_action, c.next_date,
                    c.next_date is not None and c.follow_up_done_id is None)
        for c, name in rows
    ]


class ClientFileService(Service):
    # --- opening the file -------------------------------------------------------------------
    def open(self, actor: Any, client_id: int) -> ClientFileView:
        """The client's file for `actor`. A refusal raises PermissionDenied after it has been
        audited with the client it was about (the check itself is `_open`, under
        `client.file.view`)."""
        result = self._open(actor, client_id)
        if isinstance(result, _Refused):
            raise PermissionDenied(result.key, action=file_access.VIEW)
        return result

    @requires("client.file.view")
    def _open(self, uow: UnitOfWork, client_id: int) -> ClientFileView | _Refused:
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFound("error.client.not_found", id=client_id)
        relation = relation_in(uow, client_id)
        refusal = file_access.refusal(uow.roles, relation)
        if refusal is not None:
            uow.audit("client.file.refused", "client", client_id, manual_section=SECTION,
                      reason=refusal)
            return _Refused(refusal)
        uow.audit("client.file.view", "client", client_id, manual_section=SECTION)
        return self._view(uow, client, relation)

    def _view(self, uow: UnitOfWork, client: Client, relation: file_access.Relation) -> ClientFileView:
        assert client.id is not None
        settings = uow.settings
        accounts = uow.session.exec(
            select(ClientAccount).where(ClientAccount.client_id == client.id,
                                        col(ClientAccount.closed_on).is_(None))
            .order_by(ClientAccount.id)
        ).all()
        holdings = uow.session.exec(
            select(ProductHolding).where(ProductHolding.client_id == client.id)
            .order_by(col(ProductHolding.maturity_date).is_(None), ProductHolding.maturity_date,
                      ProductHolding.id)
        ).all()
        by = aliased(Staff)
        tiers = uow.session.exec(
            select(TierChange, by.name).outerjoin(by, by.id == TierChange.by_staff_id)
            .where(TierChange.client_id == client.id).order_by(col(TierChange.at).desc())
        ).all()
        cms = uow.session.exec(
            select(CMAssignment, Staff.name).join(Staff, Staff.id == CMAssignment.cm_id)
            .where(CMAssignment.client_id == client.id)
            .order_by(col(CMAssignment.start_at).desc(), col(CMAssignment.id).desc())
        ).all()
        current = next(((a, n) for a, n in cms if a.end_at is None), None)
        expires = assessment_expires_on(client.risk_assessed_on,
                                        settings.contact.risk_assessment_valid_days)
        if permissions.HEAD in uow.roles:
            access = "head"
        elif relation.is_their_cm:
            access = "cm"
        elif relation.assists_their_cm:
            access = "assistant"
        elif relation.has_work:
            access = "work"
        else:
            access = "open"
        lunar = None
        if client.birthday is not None and client.lunar_birthday:
            month, day, _leap = lunar_of(client.birthday)
            lunar = (month, day)
        return ClientFileView(
            id=client.id, name=client.name, title=client.title, gender=client.gender,
            tier=client.tier, id_type=client.id_type,
            id_number_masked=masking.id_number(settings, client.id_number),
            id_expires_on=client.id_expires_on,
            phone_masked=masking.phone(settings, client.phone),
            accounts_masked=tuple((a.kind, masking.card(settings, a.number)) for a in accounts),
            birthday=client.birthday, lunar_birthday=client.lunar_birthday,
            lunar_month_day=lunar, household=client.household, occupation=client.occupation,
            income_band=client.income_band, aum_fen=client.aum_fen,
            aum_elsewhere_fen=client.aum_elsewhere_fen, risk_level=client.risk_level,
            risk_assessed_on=client.risk_assessed_on, risk_expires_on=expires,
            risk_expired=expires is None or uow.today >= expires,
            goals=client.goals, interests=client.interests,
            preferred_channel=client.preferred_channel, preferred_time=client.preferred_time,
            potential_signals=client.potential_signals, notes=client.notes,
            cm_id=current[0].cm_id if current else None, cm_name=current[1] if current else "",
            holdings=tuple(
                HoldingView(h.id or 0, h.product_code, h.product_name, h.risk_level, h.amount_fen,
                            h.start_date, h.maturity_date) for h in holdings),
            tier_history=tuple(TierChangeView(tc.at, tc.from_tier, tc.to_tier, name or "")
                               for tc, name in tiers),
            cm_history=tuple(CMHistoryView(a.cm_id, name, a.start_at, a.end_at, a.reason)
                             for a, name in cms),
            contacts=tuple(contact_views(uow, client.id)),
            access=access,
        )

    # --- revealing one identifier -----------------------------------------------------------
    @requires("client.reveal")
    def reveal(self, uow: UnitOfWork, client_id: int, field: str, reason: str) -> str:
        """The full ID number or phone of a client, for a stated reason; audited (the value
        itself is never written to the audit)."""
        if field not in REVEALABLE:
            raise FieldError("cm.field.reveal_field", "error.field.choice",
                             accepted=", ".join(REVEALABLE))
        text = parse_text(reason, "field.reason", max_len=200, required=True)
        if len(text) < MIN_REASON // 2 or (text.isascii() and len(text) < MIN_REASON):
            raise FieldError("field.reason", "error.client_file.reason_short")
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFound("error.client.not_found", id=client_id)
        if not uow.roles & {permissions.HEAD, permissions.SUPERVISOR}:
            check_file_access(uow, client_id, "client.reveal")
        uow.audit("client.reveal", "client", client_id, manual_section=SECTION, field=field,
                  reason=text)
        return client.id_number if field == "id_number" else client.phone

    # --- editing ------------------------------------------------------------------------------
    EDITABLE = ("occupation", "household", "income_band", "aum_elsewhere", "risk_level",
                "risk_assessed_on", "goals", "interests", "preferred_channel", "preferred_time",
                "birthday", "lunar_birthday", "phone", "notes")

    @requires("client.file.edit")
    def update(self, uow: UnitOfWork, client_id: int, **changes: Any) -> ClientFileView:
        """Change fields of the file. Text comes as typed (validated here); `aum_elsewhere` is
        yuan text; dates are dates; `risk_level` 1..5 needs `risk_assessed_on` (not in the
        future). Nothing is written when one field is wrong."""
        unknown = sorted(set(changes) - set(self.EDITABLE))
        if unknown:
            raise FieldError("cm.field.file_field", "error.field.choice",
                             accepted=", ".join(self.EDITABLE))
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFound("error.client.not_found", id=client_id)
        check_file_access(uow, client_id, "client.file.edit")
        values = self._validated(uow, client, changes)
        changed = sorted(k for k, v in values.items() if getattr(client, k) != v)
        if not changed:
            return self._view(uow, client, relation_in(uow, client_id))
        shown = {"risk_level", "risk_assessed_on", "income_band", "preferred_channel",
                 "lunar_birthday"}
        detail = {k: {"from": getattr(client, k), "to": values[k]} for k in changed if k in shown}
        for key in changed:
            setattr(client, key, values[key])
        client.updated_at = uow.now
        uow.session.add(client)
        uow.audit("client.file.edit", "client", client_id, manual_section=SECTION,
                  fields=changed, **detail)
        return self._view(uow, client, relation_in(uow, client_id))

    def _validated(self, uow: UnitOfWork, client: Client, changes: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        texts = {"occupation": 60, "household": 200, "goals": 500, "interests": 500,
                 "preferred_time": 40, "notes": 2000}
        for key, limit in texts.items():
            if key in changes:
                out[key] = parse_text(str(changes[key] or ""), f"cm.field.{key}", max_len=limit)
        if "income_band" in changes:
            band = changes["income_band"] or ""
            if band and band not in INCOME_BANDS and band != client.income_band:
                raise FieldError("cm.field.income_band", "error.field.choice",
                                 accepted=", ".join(INCOME_BANDS))
            out["income_band"] = band
        if "preferred_channel" in changes:
            channel = changes["preferred_channel"] or ""
            if channel and channel not in CHANNELS and channel != client.preferred_channel:
                raise FieldError("cm.field.preferred_channel", "error.field.choice",
                                 accepted=", ".join(CHANNELS))
            out["preferred_channel"] = channel
        if "aum_elsewhere" in changes:
            raw = str(changes["aum_elsewhere"] or "").strip()
            out["aum_elsewhere_fen"] = (parse_yuan(raw, "cm.field.aum_elsewhere", allow_zero=True)
                                        if raw else 0)
        if "phone" in changes:
            out["phone"] = parse_mobile(str(changes["phone"] or ""))
        if "birthday" in changes:
            born = changes["birthday"]
            if born is not None and (not isinstance(born, date) or born > uow.today
                                     or born.year < 1900):
                raise FieldError("cm.field.birthday", "error.client_file.birthday")
            out["birthday"] = born
        if "lunar_birthday" in changes:
            out["lunar_birthday"] = bool(changes["lunar_birthday"])
        birthday = out.get("birthday", client.birthday)
        if out.get("lunar_birthday", client.lunar_birthday) and birthday is None:
            raise FieldError("cm.field.lunar_birthday", "error.client_file.lunar_needs_birthday")
        if "risk_level" in changes or "risk_assessed_on" in changes:
            level = changes.get("risk_level", client.risk_level)
            on = changes.get("risk_assessed_on", client.risk_assessed_on)
            if level is not None and (not isinstance(level, int) or not 1 <= level <= 5):
                raise FieldError("cm.field.risk_level", "error.client_file.risk_level")
            if level is not None and on is None:
                raise FieldError("cm.field.risk_assessed_on", "error.field.required")
            if on is not None and (not isinstance(on, date) or on > uow.today):
                raise FieldError("cm.field.risk_assessed_on", "error.client_file.assessed_on")
            out["risk_level"], out["risk_assessed_on"] = level, on
        return out
