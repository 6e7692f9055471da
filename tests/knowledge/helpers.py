"""Articles for the knowledge tests, made through the real actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from civicdesk.knowledge import actions
from civicdesk.knowledge.models import Article
from tests.world import World


def draft(w: World, title: str, answer: str, *, questions: Any = (), **extra: Any) -> Article:
    return actions.create_article(
        actor=w.handler_a, owner_unit=w.dept_a, title=title, answer=answer, questions=list(questions), **extra
    )


def published(
    w: World, title: str, answer: str, *, questions: Any = (), today: date | None = None, **extra: Any
) -> Article:
    article = draft(w, title, answer, questions=questions, **extra)
    actions.submit_for_review(article, actor=w.handler_a)
    return actions.publish(article, actor=w.dispatcher, today=today)


HEATING = (
    "暖气不热的报修和室温标准",
    "供暖期内居民卧室温度不低于18℃，暖气不热可拨打热电公司客服电话报修，24小时内上门检测。",
)
FUND = (
    "购买自住住房提取住房公积金",
    "职工购买自住住房的，可在购房合同签订之日起两年内申请提取住房公积金，资料齐全当日办结。",
)
SORTING = ("生活垃圾分类投放要求", "生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类，居民应定时定点分类投放。")
