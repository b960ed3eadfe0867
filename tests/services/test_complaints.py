"""Complaints service against the real SQLite file: intake, recusal, the clock, closing, merge,
withdraw, views, statistics, permissions, and the issue's walkthrough as a scenario."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import Session, select

from wealthtui.model import Client, ComplaintEvent, Handoff
from wealthtui.rules.fields import FieldError
from wealthtui.services import Actor, Services
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied

TODAY = date(2026, 11, 30)


@pytest.fixture
def team(make_staff) -> dict[str, Actor]:  # type: ignore[no-untyped-def]
    return {
        "lobby": make_staff("lobby_manager", name="李大堂"),
        "teller": make_staff("cash_teller", name="赵柜员"),
        "teller2": make_staff("non_cash_teller", name="钱柜员"),
        "supervisor": make_staff("supervisor", name="孙主管"),
        "cm": make_staff("wealth_cm", name="周经理"),
    }


@pytest.fixture
def client_id(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        c = Client(name="张三", name_pinyin="zhangsan", name_initials="zs", id_type="resident",
                   id_number="11010519491231002X", phone="13800138000", tier="premium",
                   created_at=datetime(2026, 1, 5, 1, 0).astimezone())
        s.add(c)
        s.commit()
        assert c.id is not None
        return c.id


def walk_in(services: Services, actor: Actor, **over):  # type: ignore[no-untyped-def]
    fields = dict(channel="on_site", category="attitude", subcategory="rude",
                  description="柜员办理取款时态度生硬", name="王女士", phone="139 1234 5678")
    fields.update(over)
    return services.complaints.intake(actor, **fields)


# --- intake ----------------------------------------------------------------------------------

def test_walk_in_intake_records_first_receiver_masked_phone_and_due_date(services, team):
    lobby, teller = team["lobby"], team["teller"]
    v = walk_in(services, lobby, staff_complained=[teller.staff_id], requested_remedy="道歉")
    assert v.ref_no == "TS20261130-001"
    assert v.first_receiver.id == lobby.staff_id
    assert v.complainant_name == "王女士"
    assert v.phone_masked == "139****5678" and "12345678" not in repr(v)
    assert v.due_date == date(2026, 12, 15) and v.standing == "ok" and v.days_left == 15
    assert [s.name for s in v.staff_complained] == ["赵柜员"]
    assert [e.kind for e in v.events] == ["received"]
    assert walk_in(services, lobby).ref_no == "TS20261130-002"


def test_walk_in_must_give_name_and_a_valid_phone(services, team):
    with pytest.raises(FieldError) as err:
        walk_in(services, team["lobby"], phone="")
    assert err.value.field == "field.complaint.phone"
    with pytest.raises(FieldError) as err:
        walk_in(services, team["lobby"], phone="12345")
    assert (err.value.field, err.value.key) == ("field.complaint.phone", "error.field.phone")
    with pytest.raises(FieldError) as err:
        walk_in(services, team["lobby"], name="")
    assert err.value.field == "field.complaint.name"


def test_known_client_is_not_asked_for_what_the_bank_holds(services, team, client_id):
    v = services.complaints.intake(
        team["teller"], channel="on_site", category="waiting", subcategory="queue",
        description="排队一个小时", client_id=client_id,
    )
    assert v.client_name == "张三" and v.complainant_name == "张三"
    assert v.phone_masked == "138****8000"
    hint = services.complaints.known_client(team["teller"], client_id)
    assert (hint.name, hint.phone_masked) == ("张三", "138****8000")


def test_agent_or_heir_records_the_authority(services, team, client_id):
    with pytest.raises(FieldError) as err:
        services.complaints.intake(
            team["lobby"], channel="letter", category="product", subcategory="misselling",
            description="代父亲投诉理财产品销售误导", client_id=client_id,
            complainant_kind="agent", name="张小三", phone="13912345678",
        )
    assert err.value.field == "field.complaint.authority"
    v = services.complaints.intake(
        team["lobby"], channel="letter", category="product", subcategory="misselling",
        description="代父亲投诉理财产品销售误导", client_id=client_id,
        complainant_kind="agent", name="张小三", phone="13912345678",
        authority="公证授权委托书（2026）京东方证字第 118 号",
    )
    assert v.complainant_name == "张小三" and v.client_name == "张三"
    assert v.agent_authority.startswith("公证授权委托书")


def test_intake_rejects_unknown_channel_category_and_subcategory(services, team):
    for over, field in [
        ({"channel": "fax"}, "field.complaint.channel"),
        ({"category": "weather"}, "field.complaint.category"),
        ({"subcategory": "queue"}, "field.complaint.subcategory"),
        ({"description": " "}, "field.complaint.description"),
        ({"staff_complained": [9999]}, "field.complaint.staff_complained"),
    ]:
        with pytest.raises(FieldError) as err:
            walk_in(services, team["lobby"], **over)
        assert err.value.field == field
    with pytest.raises(NotFound):
        walk_in(services, team["lobby"], client_id=424242)


# --- handling --------------------------------------------------------------------------------

def test_recusal_handler_complained_about_is_refused(services, team, engine):
    lobby, teller = team["lobby"], team["teller"]
    v = walk_in(services, lobby, staff_complained=[teller.staff_id])
    with pytest.raises(Conflict) as err:
        services.complaints.assign(lobby, v.id, teller.staff_id)
    assert err.value.key == "error.complaint.recusal"
    assert services.complaints.get(lobby, v.id).handler is None
    v = services.complaints.assign(lobby, v.id, team["teller2"].staff_id, note="请核实")
    assert v.handler and v.handler.id == team["teller2"].staff_id
    assert v.status == "investigating"
    with Session(engine) as s:  # the handler gets a hand-off naming the complaint
        h = s.exec(select(Handoff).where(Handoff.to_staff_id == team["teller2"].staff_id)).one()
        assert h.note.startswith(v.ref_no)


def test_staff_complained_about_may_not_work_on_it(services, team, make_staff):
    teller = team["teller"]
    v = walk_in(services, teller, staff_complained=[teller.staff_id])  # received it themself
    with pytest.raises(PermissionDenied) as err:
        services.complaints.add_note(teller, v.id, "我没有态度不好")
    assert err.value.key == "error.complaint.recusal_actor"
    with pytest.raises(PermissionDenied):
        services.complaints.withdraw(teller, v.id, "客户说算了")
    # nor resolve it on the spot at intake
    with pytest.raises(PermissionDenied):
        walk_in(services, teller, staff_complained=[teller.staff_id], on_spot_reply="已道歉",
                options_told=True)


def test_resolve_on_spot_at_intake_counts_as_first_contact(services, team, head):
    v = walk_in(services, team["lobby"], category="waiting", subcategory="queue",
                on_spot_reply="已致歉并引导至自助设备", options_told=True)
    assert v.status == "replied" and v.resolved_on_spot and v.standing == "stopped"
    assert v.timely is True and v.ended_on == TODAY
    with pytest.raises(FieldError) as err:
        walk_in(services, team["lobby"], on_spot_reply="已致歉")
    assert err.value.field == "field.complaint.options_told"
    stats = services.complaints.stats(head, TODAY, TODAY)
    assert stats.first_contact == 1 and stats.first_contact_pct == 100.0


def test_resolve_on_spot_only_on_the_day_of_receipt(services, team, clock):
    v = walk_in(services, team["lobby"])
    clock.advance(days=1)
    with pytest.raises(Conflict) as err:
        services.complaints.resolve_on_spot(team["lobby"], v.id, "致歉", True)
    assert err.value.key == "error.complaint.not_first_contact"


def test_escalation_to_head_then_beyond_the_center_by_the_head_only(services, team, head, engine):
    lobby = team["lobby"]
    v = walk_in(services, lobby)
    v = services.complaints.escalate(lobby, v.id, "head", "客户要求负责人处理")
    assert (v.status, v.escalation) == ("escalated", "head") and v.escalated_at is not None
    with Session(engine) as s:
        h = s.exec(select(Handoff).where(Handoff.kind == "escalation")).one()
        assert h.to_role == "head" and v.ref_no in h.note
    with pytest.raises(PermissionDenied) as err:
        services.complaints.escalate(lobby, v.id, "sub_branch", "超出中心权限")
    assert err.value.key == "error.complaint.escalate_head_only"
    v = services.complaints.escalate(head, v.id, "sub_branch", "涉及赔偿超出中心权限")
    assert v.escalation == "sub_branch"
    with pytest.raises(Conflict):
        services.complaints.escalate(head, v.id, "head", "back down")
    kinds = [(e.kind, e.data.get("level"), e.by_name) for e in v.events if e.kind == "escalate"]
    assert kinds == [("escalate", "head", "李大堂"), ("escalate", "sub_branch", "王主任")]


# --- the clock -------------------------------------------------------------------------------

def test_extension_then_further_extension_needs_the_head(services, team, head):
    lobby, handler = team["lobby"], team["teller2"]
    v = walk_in(services, lobby)
    services.complaints.assign(lobby, v.id, handler.staff_id)
    with pytest.raises(FieldError) as err:
        services.complaints.extend(handler, v.id, "")
    assert err.value.field == "field.complaint.reason"
    v = services.complaints.extend(handler, v.id, "需调取监控录像核实")
    assert v.due_date == date(2026, 12, 30) and v.level == 1
    with pytest.raises(Conflict) as err:
        services.complaints.extend(handler, v.id, "再延一次")
    assert err.value.key == "error.complaint.already_extended"
    # the further extension: refused without the head's approval ...
    with pytest.raises(PermissionDenied):
        services.complaints.extend_further(handler, v.id, "特别复杂", True)
    # ... and refused unless the client has been told
    with pytest.raises(FieldError) as err:
        services.complaints.extend_further(head, v.id, "特别复杂", False)
    assert err.value.field == "field.complaint.client_told"
    v = services.complaints.extend_further(head, v.id, "需总行法律部意见", True)
    assert v.due_date == date(2027, 1, 29) and v.level == 2
    ev = [e for e in v.events if e.kind == "extend_further"][0]
    assert ev.data["approved_by"] == head.staff_id and ev.data["client_told"] is True
    assert ev.by_name == "王主任" and ev.note == "需总行法律部意见"


def test_only_the_handler_or_the_head_changes_the_clock(services, team):
    lobby = team["lobby"]
    v = walk_in(services, lobby)
    services.complaints.assign(lobby, v.id, team["teller2"].staff_id)
    with pytest.raises(PermissionDenied) as err:
        services.complaints.extend(lobby, v.id, "复杂")
    assert err.value.key == "error.complaint.not_handler"


def test_pause_for_appraisal_and_new_facts(services, team, head, clock):
    v = walk_in(services, team["lobby"])
    with pytest.raises(FieldError):
        services.complaints.pause(head, v.id, "送外部鉴定", False)
    clock.advance(days=2)  # 2 December
    v = services.complaints.pause(head, v.id, "送外部笔迹鉴定", True)
    assert v.standing == "paused" and v.paused_since == date(2026, 12, 2)
    clock.advance(days=5)  # 7 December
    v = services.complaints.resume(head, v.id, "鉴定结果已回")
    assert v.due_date == date(2026, 12, 20) and v.standing == "ok"
    v = services.complaints.new_facts(head, v.id, date(2026, 12, 6), "客户补充提交转账凭证")
    assert v.due_date == date(2026, 12, 21)
    with pytest.raises(FieldError) as err:
        services.complaints.new_facts(head, v.id, date(2026, 12, 8), "未来的材料")
    assert err.value.field == "field.complaint.date"
    clock_kinds = [e.kind for e in v.events if "clock" in e.data]
    assert clock_kinds == ["received", "pause", "resume", "new_facts"]


def test_clock_events_survive_reload_and_derive_the_cached_columns(services, team, head, engine):
    v = walk_in(services, team["lobby"])
    services.complaints.extend(head, v.id, "复杂")
    with Session(engine) as s:
        rows = s.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == v.id)).all()
        assert all(r.by_staff_id is not None for r in rows)
    assert services.complaints.get(head, v.id).due_date == date(2026, 12, 30)


def test_overdue_and_warning_in_the_queue(services, team, head, clock):
    a = walk_in(services, team["lobby"])
    clock.advance(days=3)  # 3 December
    b = walk_in(services, team["lobby"], name="刘先生")
    clock.advance(days=13)  # 16 December: a is overdue (due 15th), b is due 18th
    queue = services.complaints.queue(head)
    assert [(v.id, v.standing) for v in queue] == [(a.id, "overdue"), (b.id, "warning")]
    assert queue[0].days_left == -1


# --- closing ---------------------------------------------------------------------------------

def reply(services, actor, cid, **over):  # type: ignore[no-untyped-def]
    fields = dict(channel="phone", content="经核实，柜员服务用语不规范，已批评教育并向您致歉。",
                  options_told=True, remedy="书面致歉", compensation_fen=0)
    fields.update(over)
    return services.complaints.reply(actor, cid, **fields)


def test_closing_needs_reply_root_cause_and_rectification(services, team, head):
    v = walk_in(services, team["lobby"])
    with pytest.raises(Conflict):
        services.complaints.close(head, v.id, "服务意识不足", "组织服务规范培训")
    with pytest.raises(FieldError) as err:
        reply(services, head, v.id, options_told=False)
    assert err.value.field == "field.complaint.options_told"
    v = reply(services, head, v.id, compensation_fen=5000)
    assert v.status == "replied" and v.timely is True and v.compensation_fen == 5000
    with pytest.raises(FieldError) as err:
        services.complaints.close(head, v.id, "", "组织服务规范培训")
    assert err.value.field == "field.complaint.root_cause"
    with pytest.raises(FieldError) as err:
        services.complaints.close(head, v.id, "服务意识不足", "  ")
    assert err.value.field == "field.complaint.rectification"
    assert services.complaints.get(head, v.id).status == "replied"


def test_closed_by_a_delegate_not_by_other_roles(services, team, head):
    v = walk_in(services, team["lobby"])
    reply(services, head, v.id)
    with pytest.raises(PermissionDenied):
        services.complaints.close(team["lobby"], v.id, "原因", "整改")
    v = services.complaints.close(team["supervisor"], v.id, "叫号规则配置不当", "调整优先级配置")
    assert v.status == "closed" and v.closed_by and v.closed_by.name == "孙主管"


def test_satisfaction_follow_up(services, team, head, clock):
    v = walk_in(services, team["lobby"])
    with pytest.raises(Conflict):
        services.complaints.record_satisfaction(head, v.id, TODAY, "satisfied")
    reply(services, head, v.id)
    clock.advance(days=2)
    with pytest.raises(FieldError) as err:
        services.complaints.record_satisfaction(head, v.id, date(2026, 11, 29), "satisfied")
    assert err.value.field == "field.complaint.date"
    with pytest.raises(FieldError) as err:
        services.complaints.record_satisfaction(head, v.id, date(2026, 12, 2), "happy")
    assert err.value.field == "field.complaint.satisfaction"
    v = services.complaints.record_satisfaction(team["lobby"], v.id, date(2026, 12, 2),
                                                "basically_satisfied", "电话回访")
    assert (v.satisfaction_at, v.satisfaction) == (date(2026, 12, 2), "basically_satisfied")


# --- merge and withdraw ---------------------------------------------------------------------

def test_merge_a_repeat_into_the_original(services, team, head, client_id):
    lobby = team["lobby"]
    first = services.complaints.intake(lobby, channel="on_site", category="fees",
                                       subcategory="wrong_fee", description="多收了年费",
                                       client_id=client_id)
    repeat = services.complaints.intake(lobby, channel="phone_95588", category="fees",
                                        subcategory="wrong_fee", description="又打电话说年费的事",
                                        client_id=client_id)
    stranger = walk_in(services, lobby)
    with pytest.raises(Conflict) as err:
        services.complaints.merge(lobby, stranger.id, first.ref_no)
    assert err.value.key == "error.complaint.merge_other_person"
    with pytest.raises(FieldError) as err:
        services.complaints.merge(lobby, repeat.id, "TS19990101-001")
    assert err.value.field == "field.complaint.original_ref"
    v = services.complaints.merge(lobby, repeat.id, first.ref_no.lower(), "同一事项")
    assert v.status == "merged" and v.merged_into_ref == first.ref_no and v.standing == "stopped"
    original = services.complaints.get(lobby, first.id)
    assert [e.data.get("repeat") for e in original.events if e.kind == "merged_in"] == [v.ref_no]
    stats = services.complaints.stats(head, TODAY, TODAY)
    assert stats.received == 3 and stats.repeats == 1 and stats.by_category == {
        "fees": 1, "attitude": 1}
    # a closed original takes no more repeats
    reply(services, head, first.id)
    services.complaints.close(head, first.id, "系统费率参数错误", "已更正参数并退费")
    again = services.complaints.intake(lobby, channel="on_site", category="fees",
                                       subcategory="wrong_fee", description="第三次",
                                       client_id=client_id)
    with pytest.raises(Conflict) as err:
        services.complaints.merge(lobby, again.id, first.ref_no)
    assert err.value.key == "error.complaint.merge_original_state"


def test_withdraw_on_the_clients_request_ends_it_that_day(services, team, head):
    v = walk_in(services, team["lobby"])
    with pytest.raises(FieldError):
        services.complaints.withdraw(team["lobby"], v.id, "")
    v = services.complaints.withdraw(team["lobby"], v.id, "客户电话告知撤回投诉")
    assert v.status == "withdrawn" and v.ended_on == TODAY and v.standing == "stopped"
    with pytest.raises(Conflict):
        services.complaints.extend(head, v.id, "复杂")
    with pytest.raises(Conflict):
        services.complaints.withdraw(team["lobby"], v.id, "again")
    assert services.complaints.stats(head, TODAY, TODAY).withdrawn == 1
    assert services.complaints.queue(head) == []


# --- views and permissions -------------------------------------------------------------------

def test_each_staff_member_sees_what_they_received_or_handle(services, team):
    lobby, teller2, cm = team["lobby"], team["teller2"], team["cm"]
    a = walk_in(services, lobby)
    b = walk_in(services, cm, name="陈先生")
    services.complaints.assign(lobby, a.id, teller2.staff_id)
    assert [v.id for v in services.complaints.mine(teller2)] == [a.id]
    assert [v.id for v in services.complaints.mine(cm)] == [b.id]
    with pytest.raises(PermissionDenied) as err:
        services.complaints.get(cm, a.id)
    assert err.value.key == "error.complaint.not_yours"
    with pytest.raises(PermissionDenied):
        services.complaints.add_note(cm, a.id, "看看")


@pytest.mark.parametrize(
    ("method", "who"),
    [("queue", "teller"), ("stats", "cm"), ("assign", "teller"), ("merge", "cm"),
     ("close", "teller2"), ("extend_further", "supervisor")],
)
def test_roles_without_the_permission_are_refused(services, team, method, who):
    actor = team[who]
    args = {
        "queue": (), "stats": (TODAY, TODAY), "assign": (1, 1), "merge": (1, "TS"),
        "close": (1, "a", "b"), "extend_further": (1, "r", True),
    }[method]
    with pytest.raises(PermissionDenied) as err:
        getattr(services.complaints, method)(actor, *args)
    assert err.value.key == "error.permission.denied"


# --- statistics ------------------------------------------------------------------------------

def test_statistics_by_category_channel_staff_first_contact_and_close_time(
        services, team, head, clock):
    lobby, teller, teller2 = team["lobby"], team["teller"], team["teller2"]
    a = walk_in(services, lobby, staff_complained=[teller.staff_id])
    walk_in(services, lobby, channel="phone_95588", category="waiting", subcategory="queue",
            name="刘先生", on_spot_reply="已致歉", options_told=True)
    c = walk_in(services, lobby, channel="letter", category="attitude", subcategory="shirking",
                name="陈女士", staff_complained=[teller.staff_id, teller2.staff_id])
    clock.advance(days=4)  # 4 December
    reply(services, head, a.id)
    services.complaints.close(head, a.id, "服务意识不足", "组织服务规范培训")
    clock.advance(days=14)  # 18 December: c is overdue

    s = services.complaints.stats(head, TODAY, TODAY)
    assert s.received == 3 and s.distinct == 3
    assert s.by_category == {"attitude": 2, "waiting": 1}
    assert s.by_subcategory == {"attitude/rude": 1, "waiting/queue": 1, "attitude/shirking": 1}
    assert s.by_channel == {"on_site": 1, "phone_95588": 1, "letter": 1}
    assert s.by_staff == ((teller.staff_id, "赵柜员", 2), (teller2.staff_id, "钱柜员", 1))
    assert s.first_contact == 1 and s.first_contact_pct == pytest.approx(33.3)
    assert s.open_now == 1 and s.overdue_now == 1 and s.warning_now == 0
    assert s.closed == 0  # a was closed on 4 December, outside the period

    closing = services.complaints.stats(head, date(2026, 12, 4), date(2026, 12, 4))
    assert closing.received == 0 and closing.closed == 1
    assert closing.avg_close_days == 4.0 and closing.max_close_days == 4
    assert closing.decided == 1 and closing.decided_timely == 1 and closing.timely_pct == 100.0
    assert c.id is not None
    with pytest.raises(FieldError):
        services.complaints.stats(head, TODAY, date(2026, 11, 1))


# --- the walkthrough -----------------------------------------------------------------

def test_walkthrough_lobby_registers_teller_complaint_head_extends_pauses_closes(
        services, team, head, clock):
    """Done-when: the lobby registers an on-site complaint about a teller; assigning that teller
    as handler is refused; the head extends it once with a reason, pauses it for an appraisal,
    closes it with a root cause, and the statistics show it."""
    lobby, teller = team["lobby"], team["teller"]
    v = services.complaints.intake(
        lobby, channel="on_site", category="operation", subcategory="amount",
        description="取款 5,000 元，柜员少付 100 元，客户当场清点发现", name="吴先生",
        phone="13700001111", staff_complained=[teller.staff_id], requested_remedy="补足差额并道歉",
    )
    assert v.first_receiver.name == "李大堂" and v.due_date == date(2026, 12, 15)

    with pytest.raises(Conflict) as err:
        services.complaints.assign(lobby, v.id, teller.staff_id)
    assert err.value.key == "error.complaint.recusal"
    services.complaints.escalate(lobby, v.id, "head", "涉及款项差错，超出大堂经理权限")
    services.complaints.assign(head, v.id, head.staff_id)

    clock.advance(days=3)  # 3 December
    v = services.complaints.extend(head, v.id, "需调阅监控录像并待日终轧账核对")
    assert v.due_date == date(2026, 12, 30)
    clock.advance(days=1)  # 4 December
    v = services.complaints.pause(head, v.id, "录像送外部机构做图像鉴定", True)
    assert v.standing == "paused"
    clock.advance(days=6)  # 10 December
    v = services.complaints.resume(head, v.id, "鉴定报告已收到")
    assert v.due_date == date(2027, 1, 5)  # 30 December + 6 paused days
    v = reply(services, head, v.id, channel="in_person", content="经核实长款 100 元，已退还并致歉",
              remedy="退还 100 元", compensation_fen=10_000)
    v = services.complaints.close(head, v.id, "柜员未执行唱收唱付、双人复点", "全员重学现金收付规程，主管每日抽查")
    assert v.status == "closed" and v.timely is True

    s = services.complaints.stats(head, TODAY, TODAY)
    assert s.received == 1 and s.by_category == {"operation": 1}
    assert s.by_channel == {"on_site": 1} and s.by_staff == ((teller.staff_id, "赵柜员", 1),)
    assert s.escalated == 1 and s.first_contact == 0
    closed = services.complaints.stats(head, date(2026, 12, 10), date(2026, 12, 10))
    assert closed.closed == 1 and closed.avg_close_days == 10.0
    assert closed.compensation_fen == 10_000 and closed.decided_timely == 1

    kinds = [e.kind for e in services.complaints.get(head, v.id).events]
    assert kinds == ["received", "escalate", "assign", "extend", "pause", "resume", "reply",
                     "close"]
    report = services.audit.verify(head)
    assert report.ok


# --- "my complaints" (issue 16 item 4) ---------------------------------------------------------

def test_my_complaints_as_receiver_handler_and_the_person_complained_about(services, team):
    teller, sup, cm = team["teller"], team["supervisor"], team["cm"]
    c = walk_in(services, teller, staff_complained=[cm.staff_id])
    assert (c.due_date, c.first_receiver.id) == (date(2026, 12, 15), teller.staff_id)
    received = services.complaints.my_complaints(teller)
    assert [(m.ref_no, m.as_, m.next_step) for m in received] == [(c.ref_no, "receiver", "assign")]
    assert received[0].client_name == "王女士" and received[0].due_date == c.due_date
    services.complaints.assign(team["lobby"], c.id, sup.staff_id)
    handled = services.complaints.my_complaints(sup)
    assert [(m.as_, m.next_step, m.read_only) for m in handled] == [("handler", "reply", False)]
    # the person complained about sees that there is one, its deadline and next step, read-only,
    # and nothing that identifies the client
    about = services.complaints.my_complaints(cm)
    assert [(m.as_, m.read_only, m.due_date) for m in about] == [("subject", True, c.due_date)]
    assert about[0].client_name == "" and about[0].description == ""
    with pytest.raises(PermissionDenied):
        services.complaints.get(cm, c.id)
    assert services.complaints.my_complaints(team["teller2"]) == []


def test_the_assigned_supervisor_works_the_complaint_to_the_end(services, team, head):
    teller, sup = team["teller"], team["supervisor"]
    c = walk_in(services, teller)
    services.complaints.assign(team["lobby"], c.id, sup.staff_id)
    services.complaints.add_note(sup, c.id, "调取监控核实")
    services.complaints.extend(sup, c.id, "需调阅录像")
    reply(services, sup, c.id)
    assert services.complaints.my_complaints(sup)[0].next_step == "close"
    services.complaints.close(sup, c.id, "服务意识不足", "组织服务培训")
    mine = services.complaints.my_complaints(sup)[0]
    assert (mine.status, mine.next_step, mine.standing) == ("closed", "satisfaction", "stopped")
    services.complaints.record_satisfaction(sup, c.id, TODAY, "satisfied")
    assert services.complaints.my_complaints(teller)[0].next_step == "none"
