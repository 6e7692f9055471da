"""BulkEngine must leave exactly the rows the real actions leave.

The same Simulation (same seed, same moments), followed by a script of the moves the
Simulation never makes, runs once through ActionEngine and once through BulkEngine on the
same starting database; every order must come out with the same state, deadlines,
counters, assignments, events, outbox rows and rating links. Both engines run the same
move functions (the move kernel), so a difference here is a store that keeps or answers
something differently.
"""

from __future__ import annotations

import difflib
import pprint
import random
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import models, transaction

from civicdesk.demo.bulk import BulkEngine
from civicdesk.demo.city import City, build_city
from civicdesk.demo.history import ActionEngine, Engine, Simulation, creation_times
from civicdesk.enterprises.models import Enterprise
from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders.actions import Report
from civicdesk.orders.models import Assignment, OrderEvent, OrderNumberCounter, WorkOrder
from civicdesk.orders.workflow import CREATE, MOVES
from civicdesk.org.models import OrgUnit, Role, UnitKind
from civicdesk.portal.models import RatingLink

pytestmark = pytest.mark.django_db

SEED = 1
ORDERS = 200
# A fixed "now", so the history (and this test) is the same on every day it runs.
NOW = datetime(2026, 6, 3, 16, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
# Every move there is, made by the Simulation with the seed above and then _other_moves;
# but the system's sweeps over the database (the deadline watch's notices, deadlines that
# follow a calendar change), which pick their orders from what is stored, not moves of a history.
SWEEPS = {"deadline_notice", "follow_calendar"}
EVERY_MOVE = {CREATE, *MOVES} - SWEEPS
_ORDER_SKIP = {"id", "parent"}
# A county center on its own installation, below the prefecture (made before both runs).
REMOTE_HUB = "nl-remote"
_ASSIGNMENT_SKIP = {"id", "order", "parent"}


def _run(city: City, engine: Engine) -> list[int]:
    rng = random.Random(SEED)
    simulation = Simulation(city, engine, rng, NOW)
    ids = [simulation.run(moment).pk for moment in creation_times(rng, ORDERS, NOW)]
    ids += _other_moves(city, engine)
    if isinstance(engine, BulkEngine):
        engine.close()
    return ids


def _other_moves(city: City, engine: Engine) -> list[int]:
    """The moves the Simulation does not make, each at least once, on two more orders."""
    operator, dispatcher = city.staff[Role.OPERATOR][0], city.staff[Role.DISPATCHER][0]
    callback = city.staff[Role.CALLBACK_AGENT][0]
    dept = list(city.departments.values())
    handler = {unit.pk: city.handlers_of(unit)[0] for unit in dept[:3]}
    enterprise = Enterprise.objects.get(credit_code="91330100MA2TEST01X")
    moments = iter(NOW - timedelta(days=2) + timedelta(minutes=20 * i) for i in range(120))

    def new_order(title: str) -> WorkOrder:
        return engine.create(
            next(moments),
            actor=operator,
            channel="phone",
            request_type="complaint",
            title=title,
            content=f"{title}，请尽快处理。",
            area=city.town_areas[next(iter(city.town_areas))],
            category=city.leaves[0],
            citizen_name="王先生",
            citizen_phone="13800001111",
        )

    def do(action: str, order: WorkOrder, actor: Any, **params: Any) -> WorkOrder:
        return engine.do(action, engine.current(order), next(moments), actor, **params)

    joint = new_order("小区门口路面塌陷")
    do("send_to_hub", joint, operator)
    do("dispatch", joint, dispatcher, lead_unit=dept[0], assisting_units=[dept[1]])
    do("supplement", joint, operator, text="来电人补充：塌陷处已有积水。")
    do("urge", joint, operator, via="phone", note="来电人催促尽快修复")
    do("sign_part", joint, handler[dept[1].pk])
    do("redispatch", joint, dispatcher, lead_unit=dept[2], assisting_units=[dept[1]], reason="属道路养护职责")
    do("sign", joint, handler[dept[2].pk])
    # 补正 (parallel approval): the assisting unit asks once; the material in restarts its clock.
    do("request_material", joint, handler[dept[1].pk], reason="请补充塌陷处的现场照片。")
    do("supply_material", joint, operator, note="来电人已补充现场照片。")
    do("request_return", joint, handler[dept[2].pk], reason="不属本单位职责")
    do("refuse_return", joint, dispatcher, reason="属本单位职责")
    do("request_suspension", joint, handler[dept[2].pk], reason="等待产权认定")
    do("refuse_suspension", joint, dispatcher, reason="无需挂起")
    do("link_enterprise", joint, dispatcher, enterprise=enterprise)
    do("give_part", joint, handler[dept[1].pk], text="已配合现场核查。")
    do("reply", joint, handler[dept[2].pk], result="solved", text="已修复路面。")
    do("accept_reply", joint, dispatcher)
    do("record_callback", joint, callback, solved="solved", satisfaction="satisfied")

    # The prefecture hands an order down to the city's hub; the city hands it back; the
    # prefecture refuses, the city hands it back again and the prefecture takes it.
    assert city.prefecture is not None
    pref = {role: city.staff[f"prefecture:{role}"][0] for role in (Role.OPERATOR, Role.DISPATCHER)}
    upper = engine.create(
        next(moments),
        actor=pref[Role.OPERATOR],
        hub=city.prefecture,
        channel="phone",
        request_type="complaint",
        title="高速出口拥堵",
        content="高速出口每天傍晚拥堵，请协调疏导。",
        category=city.leaves[0],
        citizen_name="李女士",
        citizen_phone="13800002222",
    )
    do("send_to_hub", upper, pref[Role.OPERATOR])
    do("hand_down", upper, pref[Role.DISPATCHER], lower_hub=city.hub)
    do("return_to_upper", upper, dispatcher, reason="属市级交通部门职责")
    do("refuse_return", upper, pref[Role.DISPATCHER], reason="请先核实属地")
    do("return_to_upper", upper, dispatcher, reason="已核实，属市级交通部门职责")
    do("approve_return", upper, pref[Role.DISPATCHER], new_lead_unit=city.prefecture_bureaus["jt"])

    # A county on its own installation (a remote hub): the prefecture hands an order down to
    # it, and that system's reports follow it to the close; another comes straight back.
    remote = OrgUnit.objects.get(code=REMOTE_HUB)
    far = engine.create(
        next(moments),
        actor=pref[Role.OPERATOR],
        hub=city.prefecture,
        channel="phone",
        request_type="complaint",
        title="县道桥梁护栏损坏",
        content="县道桥梁护栏损坏，请尽快修复。",
        citizen_name="赵先生",
        citizen_phone="13800003333",
    )
    do("send_to_hub", far, pref[Role.OPERATOR])
    do("hand_down", far, pref[Role.DISPATCHER], lower_hub=remote)
    for report in (
        Report(key="nl:1", kind="accepted", remote_number="2026060300001"),
        Report(key="nl:2", kind="signed", unit="南岭县交通运输局"),
        Report(key="nl:2", kind="signed", unit="南岭县交通运输局"),  # delivered twice, recorded once
        Report(key="nl:3", kind="extension_asked", days=2, needs_approval=True),
    ):
        do("remote_progress", far, None, report=report)
    do("approve_extension", far, pref[Role.DISPATCHER])
    do("remote_progress", far, None, report=Report(key="nl:4", kind="replied", result="solved", reply="已修复护栏。"))
    do("remote_progress", far, None, report=Report(key="nl:5", kind="closed", satisfaction="satisfied"))
    # A report that comes after the order closed here: kept on the timeline, nothing moves.
    late = Report(key="nl:6", kind="replied", reply="补充：已加装警示牌。")
    do("remote_late_report", far, None, report=late)
    # The prefecture's own moves on an order the county holds go down to it (the outbox).
    chased = engine.create(
        next(moments),
        actor=pref[Role.OPERATOR],
        hub=city.prefecture,
        channel="phone",
        request_type="complaint",
        title="县道路灯不亮",
        content="县道路灯连续一周不亮。",
        citizen_name="钱女士",
        citizen_phone="13800004444",
    )
    do("send_to_hub", chased, pref[Role.OPERATOR])
    do("hand_down", chased, pref[Role.DISPATCHER], lower_hub=remote)
    do("urge", chased, pref[Role.OPERATOR], note="来电人再次催促")
    do("supplement", chased, pref[Role.OPERATOR], text="来电人补充：共 5 盏灯不亮。")
    do("void", chased, pref[Role.DISPATCHER], reason="与另一工单重复")
    back = engine.create(
        next(moments),
        actor=pref[Role.OPERATOR],
        hub=city.prefecture,
        channel="phone",
        request_type="complaint",
        title="县城菜市场占道经营",
        content="县城菜市场门口占道经营，请处理。",
    )
    do("send_to_hub", back, pref[Role.OPERATOR])
    do("hand_down", back, pref[Role.DISPATCHER], lower_hub=remote)
    do("remote_progress", back, None, report=Report(key="nl:9", kind="returned", note="属市级市场监管职责"))
    # 民心网 sent the city an order that is not the city's: it goes back to the platform.
    from_platform = engine.create(
        next(moments),
        actor=operator,
        channel="provincial",
        request_type="complaint",
        title="外省企业欠薪",
        content="外省某企业拖欠工资。",
        upstream_platform="minxin",
        upstream_id="MX-BULK-0001",
    )
    do("send_to_hub", from_platform, operator)
    do("return_to_upstream", from_platform, dispatcher, reason="涉事企业不在本市辖区")

    undone = new_order("路灯不亮")
    do("send_to_hub", undone, operator)
    do("dispatch", undone, None, lead_unit=dept[0], auto={"model_version": 3, "confidence": 0.91})
    do("undo_auto_dispatch", undone, dispatcher, reason="模型派错，转人工")

    # The citizen takes a dispatched request back on the portal; the hub voids a dispatched duplicate.
    withdrawn = new_order("楼道灯不亮")
    do("dispatch", withdrawn, dispatcher, lead_unit=dept[0], assisting_units=[dept[1]])
    do("withdraw", withdrawn, None, reason="灯已修好", via="portal")
    voided = new_order("重复录入的工单")
    do("dispatch", voided, dispatcher, lead_unit=dept[1])
    do("void", voided, dispatcher, reason="同一来电重复录入")

    # 疑难件会商: marked difficult, the units convened, their views, the binding decision.
    consulted = new_order("小区围墙倒塌责任不清")
    do("dispatch", consulted, dispatcher, lead_unit=dept[0])
    do("mark_difficult", consulted, dispatcher, reason="产权与管养职责交叉")
    do("convene_consultation", consulted, dispatcher, units=[dept[0], dept[1]], reason="召集会商")
    do("give_view", consulted, handler[dept[0].pk], text="围墙属小区物业，建议街道牵头。")
    do("remind_view", consulted, None, unit=dept[1])  # the sweep's reminder to the unit still owing its view
    do("give_view", consulted, handler[dept[1].pk], text="同意由住建主办。")
    do(
        "decide_consultation",
        consulted,
        dispatcher,
        lead_unit=dept[0],
        assisting_units=[dept[1]],
        decision="由住建主办，市监协办。",
    )

    # 退单异议: one objection rejected, one upheld by the second level.
    supervisor = city.staff[Role.SUPERVISOR][0]
    objected = []
    for title, ruling in (("路灯杆倾斜", "reject_objection"), ("绿化带垃圾堆积", "uphold_objection")):
        order = new_order(title)
        objected.append(order)
        do("dispatch", order, dispatcher, lead_unit=dept[0])
        do("sign", order, handler[dept[0].pk])
        do("request_return", order, handler[dept[0].pk], reason="不属本单位职责")
        do("refuse_return", order, dispatcher, reason="属本单位职责")
        do("object_to_refusal", order, handler[dept[0].pk], reason="有移交文件为证")
        if ruling == "reject_objection":
            do(ruling, order, supervisor, reason="职责清单明确属本单位")
        else:
            do(ruling, order, supervisor, new_lead_unit=dept[2], note="移交文件属实")

    # 领导批示: instructed, escalated by the sweep once overdue, acknowledged, answered in the reply.
    leader = city.staff[Role.LEADER][0]
    instructed = new_order("桥面护栏松动")
    do("dispatch", instructed, dispatcher, lead_unit=dept[0])
    do("sign", instructed, handler[dept[0].pk])
    do("instruct", instructed, leader, text="请三日内加固护栏，确保通行安全。", days="0.5")
    late = NOW + timedelta(days=1)
    engine.do("escalate_instruction", engine.current(instructed), late, None)
    later = iter(late + timedelta(minutes=30 * i) for i in range(1, 5))
    engine.do("acknowledge_instruction", engine.current(instructed), next(later), handler[dept[0].pk])
    engine.do(
        "reply",
        engine.current(instructed),
        next(later),
        handler[dept[0].pk],
        result="solved",
        text="已加固护栏。",
        instruction_response="已按批示于次日加固全部护栏并设置警示标志。",
    )

    # 督办单: two numbered notices (the year's sequence), one escalated once overdue, both answered.
    supervisor_notices = []
    for title in ("窨井盖破损", "人行道砖松动"):
        order = new_order(title)
        supervisor_notices.append(order)
        do("dispatch", order, dispatcher, lead_unit=dept[1])
        do("issue_notice", order, supervisor, text="请立即整改并书面答复。", days="1")
    overdue = NOW + timedelta(days=5)
    engine.do("escalate_notice", engine.current(supervisor_notices[0]), overdue, None)
    for i, order in enumerate(supervisor_notices):
        at = overdue + timedelta(hours=1 + i)
        engine.do("answer_notice", engine.current(order), at, handler[dept[1].pk], text="已整改完毕。")
    return [
        joint.pk,
        upper.pk,
        far.pk,
        chased.pk,
        back.pk,
        from_platform.pk,
        undone.pk,
        withdrawn.pk,
        voided.pk,
        consulted.pk,
        *(o.pk for o in objected),
        instructed.pk,
        *(o.pk for o in supervisor_notices),
    ]


def _values(obj: models.Model, skip: set[str]) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip}


def _shapes(ids: list[int]) -> list[dict[str, Any]]:
    """Each order as plain data, with database ids replaced by what they stand for."""
    orders = WorkOrder.objects.in_bulk(ids)
    number_of = dict(WorkOrder.objects.values_list("pk", "number"))
    shapes = []
    for order_id in ids:
        order = orders[order_id]
        assignments = list(Assignment.objects.filter(order=order).order_by("pk"))
        position = {a.pk: i for i, a in enumerate(assignments)}
        events = list(OrderEvent.objects.filter(order=order).order_by("seq"))
        outbox = list(OutboxMessage.objects.filter(order=order).select_related("event"))
        shape = _values(order, _ORDER_SKIP)
        shape["parent"] = number_of.get(order.parent_id)
        shape["topics"] = sorted(order.topics.values_list("code", flat=True))
        shape["assignments"] = [
            {**_values(a, _ASSIGNMENT_SKIP), "parent": position.get(a.parent_id)} for a in assignments
        ]
        shape["events"] = []
        for event in events:
            data = dict(event.data)
            if event.action == "merge":
                data["parent"] = number_of.get(data["parent"])
            shape["events"].append(
                {
                    "seq": event.seq,
                    "action": event.action,
                    "from": event.from_state,
                    "to": event.to_state,
                    "actor": event.actor_id,
                    "acting_unit": event.acting_unit_id,
                    "at": event.at,
                    "note": event.note,
                    "data": data,
                }
            )
        # Recipients come from an unordered query in the real outbox; compare them as a set.
        shape["outbox"] = sorted(
            (m.event.seq, m.medium, m.user_id or 0, m.address, m.template, m.text, m.status, m.read_at is None)
            for m in outbox
        )
        shape["rating_links"] = sorted(
            (link.event.seq, link.token_hash, link.created_at, link.expires_at, link.used_at)
            for link in RatingLink.objects.filter(order=order).select_related("event")
        )
        shapes.append(shape)
    return shapes


def _diff(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    left = pprint.pformat(expected, width=110, sort_dicts=True).splitlines()
    right = pprint.pformat(actual, width=110, sort_dicts=True).splitlines()
    return "\n".join(difflib.unified_diff(left, right, "ActionEngine", "BulkEngine", lineterm="", n=2))


def test_bulk_engine_writes_what_the_actions_write(settings: Any) -> None:
    # With a public address the accept_reply SMS carries a rating link, and a RatingLink row is kept.
    settings.CIVICDESK_PUBLIC_URL = "https://12345.example.cn"
    city = build_city()
    OrgUnit.objects.create(
        name="南岭县12345（独立系统）",
        code=REMOTE_HUB,
        kind=UnitKind.CENTER,
        parent=city.prefecture,
        is_hub=True,
        remote=True,
    )
    Enterprise.objects.create(name="青岚市示例建材有限公司", credit_code="91330100MA2TEST01X")
    counters_before = OrderNumberCounter.objects.count()

    savepoint = transaction.savepoint()
    real_ids = _run(city, ActionEngine())
    expected = _shapes(real_ids)
    transaction.savepoint_rollback(savepoint)
    assert not WorkOrder.objects.exists()
    assert OrderNumberCounter.objects.count() == counters_before

    bulk_ids = _run(city, BulkEngine(batch_size=37))
    actual = _shapes(bulk_ids)

    seen = Counter(event["action"] for shape in expected for event in shape["events"])
    missing = EVERY_MOVE - set(seen)
    assert not missing, f"the run no longer makes {sorted(missing)}; pick another SEED or add them to _other_moves"
    assert any(shape["rating_links"] for shape in expected)

    assert len(actual) == len(expected)
    differing = [i for i, (a, b) in enumerate(zip(expected, actual, strict=True)) if a != b]
    if differing:
        shown = "\n\n".join(
            f"order #{i} ({expected[i]['number']}, {expected[i]['state']}):\n{_diff(expected[i], actual[i])}"
            for i in differing[:3]
        )
        pytest.fail(f"{len(differing)} of {len(expected)} orders differ between the engines:\n\n{shown}")

    # Same totals row for row, and the counters the next order number comes from.
    assert OutboxMessage.objects.count() == sum(len(s["outbox"]) for s in expected)
    assert OrderEvent.objects.count() == sum(len(s["events"]) for s in expected)
    assert RatingLink.objects.count() == sum(len(s["rating_links"]) for s in expected)
    assert dict(OrderNumberCounter.objects.values_list("day", "last")) == {
        day: max(int(s["number"][-5:]) for s in expected if s["number"].startswith(f"{day:%Y%m%d}"))
        for day in OrderNumberCounter.objects.values_list("day", flat=True)
    }
