"""Demo hotspots: a few matters many callers raised at one place in the last days, in their
own words (as real calls come in), plus one with the same words at another place, which
stays apart. The orders are taken through the live intake action at their moments, then
the grouping runs over the recent orders (the demo's history loader runs no after-commit
reactions)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from civicdesk.catalogue.models import Area, Category, RequestType
from civicdesk.hotspots import alerts, grouping
from civicdesk.hotspots.models import Hotspot
from civicdesk.orders import actions, clock
from civicdesk.orders.models import Urgency, WorkOrder
from civicdesk.org.models import Role

# (town, category leaf, urgency, [(hours ago, phone, title, content)])
SEEDS: list[tuple[str, str, str, list[tuple[int, str, str, str]]]] = [
    (
        "城关街道",
        "餐饮油烟",
        Urgency.NORMAL,
        [
            (
                200,
                "13806311001",
                "幸福里小区楼下烧烤店油烟扰民",
                "幸福里小区3号楼下的烧烤店每天晚上油烟直排，窗户都不敢开。",
            ),
            (
                150,
                "13806311002",
                "投诉幸福里小区临街饭店排烟",
                "幸福里小区临街的饭店没有装油烟净化器，油烟味飘进家里。",
            ),
            (
                96,
                "13806311003",
                "幸福里小区底商烧烤噪音油烟到半夜",
                "幸福里小区底商的烧烤摊营业到凌晨两点，噪音加油烟，老人孩子休息不好。",
            ),
            (50, "13806311004", "幸福里小区餐馆油烟污染", "幸福里小区楼下新开的餐馆油烟很大，希望环保部门来查一查。"),
            (
                20,
                "13806311001",
                "幸福里小区烧烤油烟问题仍未解决",
                "上周反映的幸福里小区楼下烧烤油烟问题，现在还是老样子。",
            ),
            (6, "13806311005", "幸福里小区夜宵店油烟直排扰民", "幸福里小区门口夜宵店的排烟管道直接对着居民楼。"),
        ],
    ),
    (
        "东山街道",
        "施工噪声",
        Urgency.NORMAL,
        [
            (120, "13906312001", "海景花园旁工地夜间施工噪音", "海景花园东侧的工地晚上十一点以后还在打桩，噪音太大。"),
            (70, "13906312002", "海景花园附近工地半夜打桩扰民", "海景花园附近工地半夜施工，已经连续一周睡不好觉。"),
            (30, "13906312003", "投诉海景花园东边工地夜间作业", "海景花园东边的建筑工地夜间作业，机器轰鸣，请查处。"),
            (8, "13906312004", "海景花园工地噪声影响休息", "海景花园旁边工地凌晨还在施工，噪声影响休息。"),
        ],
    ),
    (
        "石岛镇",
        "停水",
        Urgency.URGENT,
        [
            (40, "15806313001", "石岛村自来水停水两天", "石岛村从前天开始停水，到现在还没来水，也没有通知。"),
            (28, "15806313002", "石岛村停水无人处理", "石岛村整个村子没水了，老人做饭都困难。"),
            (12, "15806313003", "石岛村断水什么时候恢复", "石岛村断水第三天，请问什么时候能恢复供水？"),
        ],
    ),
    (
        # The same words at another place: a hotspot of its own, not part of 幸福里小区's.
        "南港街道",
        "餐饮油烟",
        Urgency.NORMAL,
        [
            (60, "13606314001", "渔港小区楼下烧烤店油烟扰民", "渔港小区楼下的烧烤店每天晚上油烟直排。"),
            (10, "13606314002", "渔港小区临街饭店油烟扰民", "渔港小区临街饭店的油烟飘进家里。"),
        ],
    ),
]


def seed(city: Any, now: datetime) -> list[str]:
    first_call = SEEDS[0][3][0]
    # A second run adds nothing: the first seeded call is there already.
    if not WorkOrder.objects.filter(citizen_phone=first_call[1], title=first_call[2]).exists():
        operator = city.staff[Role.OPERATOR][0]
        with transaction.atomic():
            for town, leaf, urgency, calls in SEEDS:
                area = Area.objects.filter(name=town).first()
                category = Category.objects.filter(name=leaf).first()
                for hours, phone, title, content in calls:
                    with clock.running_at(now - timedelta(hours=hours)):
                        actions.create_order(
                            actor=operator,
                            channel="phone",
                            request_type=RequestType.COMPLAINT,
                            urgency=urgency,
                            title=title,
                            content=content,
                            area=area,
                            category=category,
                            citizen_name="",
                            citizen_phone=phone,
                            hub=city.hub,
                        )
    grouped = grouping.rebuild([city.hub.pk], since=now - grouping.window())
    for hotspot in Hotspot.objects.filter(grouping.shown(), hub=city.hub):
        grouping.refresh(hotspot)
        alerts.check(hotspot)
    found = Hotspot.objects.filter(grouping.shown(), hub=city.hub).order_by("-heat")
    lines = [f"热点：近期工单归入热点 {grouped} 张，当前热点 {found.count()} 个"]
    lines += [f"  {h.heat:>6} {h.display_name}（{h.order_count} 件，{h.caller_count} 人）" for h in found[:5]]
    return lines
