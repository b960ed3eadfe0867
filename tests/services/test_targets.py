"""Targeted lists (定向营销): each filter, assignment to the exclusive CM or in turn, outcomes."""

from __future__ import annotations

from collections import Counter
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
    with pytest.raises(Conflict):  # a CM builds from their own book, which holds none of them
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


# --- criteria, the count preview, dealing, progress (issue 16 item 5) -------------------------
def test_each_new_criterion_and_the_count_agrees_with_the_rows(desk: Desk) -> None:
    from wealthtui.rules.target_criteria import TargetFilters as F

    rich = desk.client("富甲", aum_fen=200_000_000, cm=desk.cm1, birthday=date(1970, 12, 5),
                       risk=5)
    mid = desk.client("中乙", aum_fen=80_000_000, cm=desk.cm2, birthday=date(1980, 3, 9),
                      risk=3)
    poor = desk.client("小丙", tier="ordinary", aum_fen=1_000_000, birthday=date(1990, 12, 1),
                       risk=1)
    desk.holding(rich, date(2026, 12, 20), code="GOLD1")
    desk.holding(mid, date(2026, 11, 1), code="GOLD1")       # matured: no longer held
    desk.holding(mid, date(2027, 6, 1), code="BOND2")
    desk.past_contact(mid, desk.cm2, T0 - timedelta(days=10))
    desk.past_contact(rich, desk.cm1, T0 - timedelta(days=100))
    cases = [
        (F(aum_min_fen=50_000_000, aum_max_fen=100_000_000), {mid}),
        (F(aum_min_fen=50_000_000), {rich, mid}),
        (F(products=("GOLD1",)), {rich}),
        (F(products=("BOND2", "GOLD1")), {rich, mid}),
        (F(no_contact_days=30), {rich, poor}),
        (F(birthday_month=12), {rich, poor}),
        (F(risk_levels=(4, 5)), {rich}),
        (F(birthday_month=12, tiers=("ordinary",)), {poor}),
        (F(maturing_from=date(2026, 12, 1), maturing_to=date(2026, 12, 31)), {rich}),
    ]
    for filters, expected in cases:
        found = set(ids(desk.services.targets.preview(desk.head, filters)))
        assert found == expected, filters
        count = desk.services.targets.count(desk.head, filters)
        assert count.total == len(expected), filters
        assert count.with_cm == len(expected - {poor}), filters
    with pytest.raises(FieldError) as bad:
        desk.services.targets.count(desk.head, F(aum_min_fen=5, aum_max_fen=1))
    assert bad.value.field == "targets.field.aum_max"


def test_split_evenly_or_by_book_then_assign_again_and_progress(desk: Desk) -> None:
    owned = [desk.client(f"甲{i}", cm=desk.cm1, aum_fen=70_000_000 + i) for i in range(4)]
    loose = [desk.client(f"乙{i}", aum_fen=60_000_000 + i) for i in range(2)]
    rich = TargetFilters(aum_min_fen=50_000_000)
    deadline = TODAY + timedelta(days=10)
    cms = [desk.cm1.staff_id, desk.cm2.staff_id, desk.mcm.staff_id]
    even = desk.services.targets.create(desk.head, "平均", rich, deadline, mode="even",
                                        cm_ids=cms)
    shares = Counter(t.cm_id for t in desk.services.targets.targets(desk.head, even.id))
    assert sorted(shares.values()) == [2, 2, 2] and set(shares) == set(cms)
    book = desk.services.targets.create(desk.head, "按名下", rich, deadline, mode="book",
                                        cm_ids=[desk.cm2.staff_id])
    owner = {t.client_id: t.cm_id for t in desk.services.targets.targets(desk.head, book.id)}
    assert {owner[c] for c in owned} == {desk.cm1.staff_id}
    assert {owner[c] for c in loose} == {desk.cm2.staff_id}
    with pytest.raises(FieldError) as no_pool:
        desk.services.targets.create(desk.head, "x", rich, deadline, mode="even")
    assert no_pool.value.key == "error.targets.need_cms"
    # the CM works one target; assigning again moves only the targets still open
    worked = next(t for t in desk.services.targets.mine(desk.cm1) if t.list_id == book.id)
    desk.services.targets.record(desk.cm1, worked.id, "appointment", "周五来行")
    desk.services.targets.assign(desk.head, book.id, "even", [desk.mcm.staff_id])
    after = {t.id: t.cm_id for t in desk.services.targets.targets(desk.head, book.id)}
    assert after[worked.id] == desk.cm1.staff_id
    assert sum(1 for cm in after.values() if cm == desk.mcm.staff_id) == 5
    progress = {p.cm_id: p for p in desk.services.targets.progress(desk.head, book.id)}
    assert (progress[desk.cm1.staff_id].total, progress[desk.cm1.staff_id].contacted,
            progress[desk.cm1.staff_id].count("appointment")) == (1, 1, 1)
    assert (progress[desk.mcm.staff_id].total, progress[desk.mcm.staff_id].contacted) == (5, 0)
    with pytest.raises(PermissionDenied):
        desk.services.targets.assign(desk.cm1, book.id, "book", [])
    with pytest.raises(PermissionDenied):  # a CM sees the progress of their own lists only
        desk.services.targets.progress(desk.cm1, book.id)


def test_a_cm_builds_a_list_from_their_own_book_only(desk: Desk) -> None:
    mine = desk.client("我的客户", cm=desk.cm1, birthday=date(1975, 12, 24))
    desk.client("别人的客户", cm=desk.cm2, birthday=date(1975, 12, 25))
    desk.client("无经理", birthday=date(1975, 12, 26))
    december = TargetFilters(birthday_month=12)
    assert desk.services.targets.count(desk.cm1, december).total == 1
    assert desk.services.targets.count(desk.head, december).total == 3
    made = desk.services.targets.create(desk.cm1, "十二月生日", december, TODAY)
    assert [(t.client_id, t.cm_id) for t in desk.services.targets.targets(desk.head, made.id)] == [
        (mine, desk.cm1.staff_id)]
    assert [t.client_id for t in desk.services.targets.mine(desk.cm1)] == [mine]
    assert [p.total for p in desk.services.targets.progress(desk.cm1, made.id)] == [1]
    with pytest.raises(PermissionDenied):
        desk.services.targets.create(desk.cm1, "x", december, TODAY, mode="even",
                                     cm_ids=[desk.cm2.staff_id])
    with pytest.raises(PermissionDenied):  # the assistant works lists, does not build them
        desk.services.targets.count(desk.asst, december)


def test_building_and_assigning_are_audited(desk: Desk) -> None:
    from sqlmodel import select

    from wealthtui.model import AuditEvent

    desk.client("有经理", cm=desk.cm1)
    made = desk.services.targets.create(desk.head, "审计", TargetFilters(tiers=("premium",)),
                                        TODAY)
    desk.services.targets.assign(desk.head, made.id, "even", [desk.cm2.staff_id])
    with Session(desk.engine) as s:
        actions = [e.action for e in s.exec(select(AuditEvent).where(
            AuditEvent.entity == "target_list")).all()]
    assert actions == ["targetlist.create", "targetlist.assign"]
