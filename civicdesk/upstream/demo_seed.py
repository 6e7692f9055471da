"""Demo: the chain above the city's center. The prefecture center (东州市12345) takes a few
calls of its own: one it dispatches to a bureau of its own, others it hands down to the
city's center (one still waiting on the city's dispatch board, one already with a city
department); and 民心网, the provincial platform, sends orders with its own numbers and
deadlines. Idempotent: a second run adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from civicdesk.catalogue.models import Channel, RequestType
from civicdesk.orders import actions, clock
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import Role
from civicdesk.upstream.ingest import ingest
from civicdesk.upstream.models import Arrival, UpstreamPlatform

PREFECTURE_CALLS = [
    ("高速出口傍晚拥堵", "荣青高速青岚出口每天傍晚排长队，请协调交警疏导。", "bureau"),
    ("青岚市人民路井盖缺失", "人民路与府前街交叉口井盖缺失，夜间行人易跌落。", "down"),
    ("东山街道海景社区垃圾清运不及时", "海景社区垃圾桶满溢三天无人清运，气味很大。", "down"),
    ("西湖街道小区供暖不热", "西湖街道柳岸社区供暖温度不足16度，老人孩子受冻。", "down_and_on"),
]
MINXIN_ORDERS = [
    ("MX-2026-031501", "苹果滞销请求帮助", "桃园镇果农反映今年苹果滞销，请帮助联系销路。"),
    ("MX-2026-031502", "村道破损多年未修", "清溪镇上溪村村道破损严重，雨天无法通行。"),
    ("MX-2026-031503", "企业欠薪", "某建筑公司拖欠农民工工资三个月。"),
]


def seed(city: Any, now: datetime) -> list[str]:
    prefecture = city.prefecture
    if prefecture is None or WorkOrder.objects.filter(upstream_platform="minxin").exists():
        return []
    with transaction.atomic(), clock.running_at(now - timedelta(hours=3)):
        operator = city.staff[f"prefecture:{Role.OPERATOR}"][0]
        dispatcher = city.staff[f"prefecture:{Role.DISPATCHER}"][0]
        county_dispatcher = city.staff[Role.DISPATCHER][0]
        for title, content, route in PREFECTURE_CALLS:
            order = actions.create_order(
                actor=operator,
                hub=prefecture,
                channel=Channel.PHONE,
                request_type=RequestType.COMPLAINT,
                title=title,
                content=content,
                citizen_name="张先生",
                citizen_phone="13900001111",
            )
            order = actions.send_to_hub(order, actor=operator)
            if route == "bureau":
                actions.dispatch(order, actor=dispatcher, lead_unit=city.prefecture_bureaus["jt"])
                continue
            order = actions.hand_down(order, actor=dispatcher, lower_hub=city.hub, note="属地办理")
            if route == "down_and_on":
                actions.dispatch(order, actor=county_dispatcher, lead_unit=city.departments["zj"])
        platform, _created = UpstreamPlatform.objects.get_or_create(
            code="minxin",
            defaults={"name": "民心网", "hub": city.hub, "arrival": Arrival.PUSH, "margin_hours": 24},
        )
        for upstream_id, title, content in MINXIN_ORDERS:
            ingest(
                platform,
                {
                    "upstream_id": upstream_id,
                    "title": title,
                    "content": content,
                    "due_at": (now + timedelta(days=7)).isoformat(),
                },
            )
    return [
        "上级中心：东州市12345 受理 4 件（1 件派市直部门，3 件下转青岚市中心）；"
        "民心网转来 3 件（带上级编号 MX-2026-0315xx 与上级时限）。"
    ]
