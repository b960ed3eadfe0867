"""Targeted lists (定向营销): each filter, assignment to the exclusive CM or in turn, outcomes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from tests.conftest import T0
from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from wealthtui.model import Lead
from wealthtui.rules.fields import FieldError
from wealthtui.services.errors import Conflict, PermissionDenied
from wealthtui.services.targets import TargetFilters

TODAY = date(2026, 11, 30)


def ids(found) -> list[int | None]:  # type: ignore[no-untyped-def]
    return [c.client_id for c in found]


def lead(desk: Desk, client_id: int | None, status: str = "new", name: str = "") -> int:
    with Session(desk.engine) as s:
        row = Lead(business_date=TODAY, client_id=client_id, contact_name=name, signal="大额转账",
                   spotted_by=desk.lobby.staff_id, source="lobby", status=status, created_at=T0)
        s.add(row)
        s.commit()
        assert row.id is not None
        return row.id


def test_near_the_premium_threshold(desk: Desk) -> None:
    # premium starts at 500,000 yuan; 80 % of it is 400,000
    near = desk.client("接近者", tier="potential", aum_fen=45_000_000)
    desk.client("差得远", tier="potential", aum_fen=39_999_999)
    desk.client("已达标", tier="premium", aum_fen=45_000_000, cm=desk.cm1)
    assert ids(desk.services.targets.preview(desk.head, TargetFilters(near_premium=True))) == [near]


def test_maturities_in_a_window(desk: Desk) -> None:
    inside = desk.client("到期内", cm=desk.cm1)
    desk.holding(inside, date(2026, 12, 10))
    outside = desk.client("到期外", cm=desk.cm1)
    desk.holding(outside, date(2027, 1, 10))
    window = TargetFilters(maturing_from=date(2026, 12, 1), maturing_to=date(2026, 12, 31))
    assert ids(desk.services.targets.preview(desk.head, window)) == [inside]
    with pytest.raises(FieldError):
        desk.services.targets.preview(desk.head, TargetFilters(maturing_from=date(2026, 12, 1)))
    with pytest.raises(FieldError):
        desk.services.targets.preview(desk.head, TargetFilters(
            maturing_from=date(2026, 12, 31), maturing_to=date(2026, 12, 1)))


def test_no_contact_since_and_no_exclusive_cm(desk: Desk) -> None:
    quiet = desk.client("久未联系", cm=desk.cm1)
    desk.past_contact(quiet, desk.cm1, T0 - timedelta(days=100))
    recent = desk.client("刚联系", cm=desk.cm1)
    desk.past_contact(recent, desk.cm1, T0 - timedelta(days=5))
    never = desk.client("从未联系")
    since = TargetFilters(no_contact_since=TODAY - timedelta(days=60))
    assert set(ids(desk.services.targets.preview(desk.head, since))) == {quiet, never}
    assert ids(desk.services.targets.preview(desk.head, TargetFilters(without_cm=True))) == [never]
    both = TargetFilters(no_contact_since=TODAY - timedelta(days=60), tiers=("premium",),
                         without_cm=True)
    assert ids(desk.services.targets.preview(desk.head, both)) == [never]


def test_potential_premium_leads_not_yet_contacted(desk: Desk) -> None:
    fresh = desk.client("新线索", tier="potential", aum_fen=30_000_000)
    lead(desk, fresh)
    worked = desk.client("已联系", tier="potential", aum_fen=30_000_000)
    lead(desk, worked, status="contacted")
    walk_in = lead(desk, None, name="过路客")
    found = desk.services.targets.preview(desk.head, TargetFilters(uncontacted_leads=True))
    assert [(c.client_id, c.lead_id) for c in found] == [(fresh, None), (None, walk_in)]


def test_a_list_assigns_targets_and_tracks_each_outcome(desk: Desk) -> None:
    owned = desk.client("有经理", tier="potential", aum_fen=48_000_000, cm=desk.mcm)
    a = desk.client("无经理甲", tier="potential", aum_fen=47_000_000)
    b = desk.client("无经理乙", tier="potential", aum_fen=46_000_000)
    c = desk.client("无经理丙", tier="potential", aum_fen=45_000_000)
    near = TargetFilters(near_premium=True)
    with pytest.raises(FieldError) as missing:
        desk.services.targets.create(desk.head, "年末提升", near, TODAY + timedelta(days=14))
    assert missing.value.key == "error.targets.need_cms"
    made = desk.services.targets.create(desk.head, "年末提升", near, TODAY + timedelta(days=14),
                                        purpose="达到理财金门槛",
                                        cm_ids=[desk.cm1.staff_id, desk.cm2.staff_id])
    assert (made.total, made.count("open")) == (4, 4)
    owner = {t.client_id: t.cm_id for t in desk.services.targets.targets(desk.head, made.id)}
    assert owner == {owned: desk.mcm.staff_id, a: desk.cm1.staff_id, b: desk.cm2.staff_id,
                     c: desk.cm1.staff_id}
    mine = desk.services.targets.mine(desk.cm1)
    assert sorted(t.client_id for t in mine) == sorted([a, c])
    # the CM now opens the file of a target they were given, and a contact moves it on
    assert desk.services.client_file.open(desk.cm1, a).access in ("work", "open")
    desk.services.contacts.log(desk.cm1, a, channel="phone", purpose="product")
    desk.services.targets.record(desk.cm1, next(t.id for t in mine if t.client_id == c),
                                 "converted", "已开理财金账户")
    progress = desk.services.targets.lists(desk.head)[0]
    assert (progress.count("contacted"), progress.count("converted"), progress.count("open")) == (
        1, 1, 2)
    with pytest.raises(FieldError):  # a final outcome needs words
        desk.services.targets.record(desk.cm1, mine[0].id, "declined", "")
    with pytest.raises(PermissionDenied):
        desk.services.targets.record(desk.cm2, mine[0].id, "contacted")
    with pytest.raises(PermissionDenied):
        desk.services.targets.create(desk.cm1, "x", near, TODAY)
    desk.services.targets.close(desk.head, made.id)
    with pytest.raises(Conflict):
        desk.services.targets.record(desk.cm1, mine[0].id, "contacted")
    assert desk.services.targets.mine(desk.cm1) == []


def test_targets_past_the_deadline_are_overdue(desk: Desk) -> None:
    desk.client("无经理", tier="premium")
    made = desk.services.targets.create(desk.head, "补配经理", TargetFilters(without_cm=True),
                                        TODAY, cm_ids=[desk.cm1.staff_id])
    (target,) = desk.services.targets.targets(desk.head, made.id)
    assert not target.overdue(TODAY) and target.overdue(TODAY + timedelta(days=1))
    with pytest.raises(FieldError):
        desk.services.targets.create(desk.head, "x", TargetFilters(), TODAY)
    with pytest.raises(FieldError):
        desk.services.targets.create(desk.head, "x", TargetFilters(without_cm=True),
                                     TODAY - timedelta(days=1), cm_ids=[desk.cm1.staff_id])
