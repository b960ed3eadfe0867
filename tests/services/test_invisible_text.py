"""Invisible text is not text (issue 15 item 3): every service's free text goes through the one
parser (rules/fields.parse_text), which normalises to NFC, removes zero-width and bidi control
characters, and wants a visible character in a required text. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, col, select

from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from wealthtui.model import AuditEvent, Complaint, Handoff, Staff
from wealthtui.rules.fields import FieldError
from wealthtui.services.day import DayCloseRefused

TEN_ZERO_WIDTH = "\u200b" * 10
RLO = "\u202e" * 3
BOM = "\ufeff"


def audit_count(desk: Desk, action: str) -> int:
    with Session(desk.engine) as s:
        return len(s.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


@pytest.mark.parametrize("reason", [TEN_ZERO_WIDTH, RLO, BOM + " " + "\u2060"])
def test_a_reveal_reason_of_invisible_characters_is_refused_naming_the_field(
        desk: Desk, reason: str) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    before = audit_count(desk, "client.reveal")
    with pytest.raises(FieldError) as exc:
        desk.services.client_file.reveal(desk.cm1, client, "phone", reason)
    assert (exc.value.field, exc.value.key) == ("field.reason", "text.error.invisible_only")
    assert audit_count(desk, "client.reveal") == before


def test_a_reveal_reason_keeps_its_words_without_the_hidden_marks(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    desk.services.client_file.reveal(desk.cm1, client, "phone", "核对\u200b身份\u202e证件\ufeff")
    with Session(desk.engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "client.reveal")
                       .order_by(col(AuditEvent.id).desc())).first()
    assert json.loads(event.detail)["reason"] == "核对身份证件"


def test_a_lone_bom_as_a_complaint_text_is_refused(desk: Desk) -> None:
    with pytest.raises(FieldError) as exc:
        desk.services.complaints.intake(desk.lobby, channel="on_site", category="attitude",
                                        subcategory="rude", description=BOM, name="王女士",
                                        phone="13912345678")
    assert exc.value.field == "field.complaint.description"
    with Session(desk.engine) as s:
        assert s.exec(select(Complaint)).first() is None


def test_notes_are_stored_in_nfc_without_zero_width_or_bidi_marks(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    visit = desk.services.lobby.arrive(
        desk.lobby, client_id=client, note="Cafe\u0301\u200b 客户\u202e说\u2066先\u2069到")
    assert visit.note == "Café 客户说先到"
    with Session(desk.engine) as s:
        notes = [h.note for h in s.exec(select(Handoff).where(Handoff.client_id == client))]
    assert notes == ["Café 客户说先到"]  # the premium arrival handed to the CM


def test_an_optional_note_of_only_invisible_characters_is_stored_empty(desk: Desk) -> None:
    visit = desk.services.lobby.arrive(desk.lobby, note=TEN_ZERO_WIDTH)
    assert visit.note == ""


def test_a_name_with_hidden_marks_is_refused(desk: Desk) -> None:
    with pytest.raises(FieldError) as exc:
        desk.services.staff.add(desk.head, "S900", "王\u200b五", ["lobby_manager"])
    assert exc.value.field == "field.name"
    with Session(desk.engine) as s:
        assert s.exec(select(Staff).where(Staff.staff_no == "S900")).first() is None


def test_a_close_explanation_of_invisible_characters_does_not_close_the_day(desk: Desk) -> None:
    services = desk.services
    with pytest.raises(DayCloseRefused) as refused:  # the day's checklists were not done
        services.day.close(desk.head)
    problems = refused.value.problems
    assert problems and all(p.explainable for p in problems)
    with pytest.raises(FieldError) as exc:
        services.day.close(desk.head, explanations={p.key: TEN_ZERO_WIDTH for p in problems})
    assert (exc.value.field, exc.value.key) == ("field.reason", "text.error.invisible_only")
    assert not services.day.state(desk.head).closed
