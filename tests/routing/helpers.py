"""A small history for the dispatch model: closed orders of three categories, each with
the unit that finally handled it, closed at known moments (the held-back split is by
closing time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from civicdesk.catalogue.models import Category, DispatchRule
from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit
from civicdesk.routing.models import ModelVersion
from civicdesk.routing.training import new_version, train_version
from tests.world import World

POTHOLES = [
    ("人民路路面坑洼", "人民路与成山大道交叉口路面坑洼积水，车辆通行困难，请修复路面。"),
    ("井盖旁路面塌陷", "小区门口道路井盖旁路面破损塌陷，行人容易摔倒。"),
    ("道路破损严重", "文化路东段路面破损，坑洼很多，下雨积水。"),
    ("路面裂缝坑洼", "新华街路面出现裂缝和坑洼，电动车经过颠簸。"),
]
NOISE = [
    ("夜间施工噪音扰民", "工地每天夜里施工到凌晨，噪音很大，影响休息。"),
    ("酒吧噪音", "楼下酒吧音响声音太大，噪声扰民到深夜。"),
    ("广场舞噪音", "广场舞音响噪音过大，每天晚上扰民。"),
    ("工厂噪声", "附近工厂机器轰鸣，噪声污染严重。"),
]
FOOD = [
    ("餐馆卫生差", "某餐馆后厨卫生很差，食品安全存在隐患，吃完腹泻。"),
    ("超市卖过期食品", "超市货架上的牛奶已经过期还在销售，食品安全问题。"),
    ("外卖店无证经营", "外卖店没有食品经营许可证，卫生条件差。"),
    ("食品变质", "买的熟食有异味已经变质，要求处理。"),
]


@dataclass
class History:
    food: Category
    orders: list[WorkOrder]


def food_category(w: World) -> Category:
    food, created = Category.objects.get_or_create(
        code="c-sj-sp", defaults={"name": "食品安全", "keywords": "食品 过期 餐馆"}
    )
    if created:
        DispatchRule.objects.create(category=food, unit=w.dept_b)
    return food


def closed_order(
    w: World, title: str, content: str, category: Category, unit: OrgUnit, closed_at: datetime, **overrides: object
) -> WorkOrder:
    """Dispatched through the real action; closed by a direct update at `closed_at` (the
    model reads only closed orders, their category, text and final unit)."""
    order = w.new_order(title=title, content=content, category=category, **overrides)
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=unit)
    WorkOrder.objects.filter(pk=order.pk).update(state=State.CLOSED, closed_at=closed_at)
    order.refresh_from_db()
    return order


def make_history(w: World, rounds: int = 4, start: datetime | None = None) -> History:
    """rounds × 12 closed orders, interleaved in time: potholes → dept_a, noise → dept_c,
    food → dept_b."""
    food = food_category(w)
    moment = start or timezone.now() - timedelta(days=60)
    orders = []
    for r in range(rounds):
        for i in range(4):
            for (title, content), category, unit in (
                (POTHOLES[i], w.cat_potholes, w.dept_a),
                (NOISE[i], w.cat_noise, w.dept_c),
                (FOOD[i], food, w.dept_b),
            ):
                moment += timedelta(hours=3)
                orders.append(closed_order(w, f"{title}（{r + 1}）", content, category, unit, moment, area=None))
    return History(food, orders)


def train(trigger: str = "test") -> ModelVersion:
    """Train a version now (what the background task does) and return it."""
    return train_version(new_version(trigger=trigger).pk)


def trained_world(w: World, rounds: int = 3) -> tuple[History, ModelVersion]:
    history = make_history(w, rounds=rounds)
    version = train()
    assert version.status == "ready", version.error
    assert version.active, version.decision
    return history, version
