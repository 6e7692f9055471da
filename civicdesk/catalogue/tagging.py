"""Special topics an order gets or is proposed: 涉企 when it has an enterprise (created if
missing), and the topics a category proposes at intake (疫情防控 → 涉疫)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q

from civicdesk.catalogue.models import Category, Topic

TOPIC_CODE = "enterprise"
TOPIC_NAME = "涉企"
_TOPIC_DESCRIPTION = "企业提出或与企业经营相关的诉求"


def enterprise_topic() -> Topic:
    found = Topic.objects.filter(Q(code=TOPIC_CODE) | Q(name=TOPIC_NAME)).order_by("pk").first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Topic.objects.create(code=TOPIC_CODE, name=TOPIC_NAME, description=_TOPIC_DESCRIPTION)
    except IntegrityError:  # created by a concurrent request a moment earlier
        return Topic.objects.get(Q(code=TOPIC_CODE) | Q(name=TOPIC_NAME))


def with_enterprise_topic(topics: Iterable[Topic], has_enterprise: bool) -> list[Topic]:
    """The order's topics, plus 涉企 when it has an enterprise (not twice)."""
    topic_list = list(topics)
    if not has_enterprise:
        return topic_list
    tag = enterprise_topic()
    if all(t.pk != tag.pk for t in topic_list):
        topic_list.append(tag)
    return topic_list


def categories_proposing_topics() -> dict[int, list[int]]:
    """Topic pk → the pks of every category that proposes it at intake: the categories the
    topic names and everything under them (a leaf under 疫情防控 proposes 涉疫)."""
    named: dict[int, set[int]] = {}
    for topic_id, category_id in Topic.categories.through.objects.values_list("topic_id", "category_id"):
        named.setdefault(topic_id, set()).add(category_id)
    if not named:
        return {}
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    proposing: dict[int, list[int]] = {}
    for category_id in parents:
        lineage: list[int] = []
        node: int | None = category_id
        while node is not None and node not in lineage:
            lineage.append(node)
            node = parents.get(node)
        for topic_id, roots in named.items():
            if roots.intersection(lineage):
                proposing.setdefault(topic_id, []).append(category_id)
    return {topic_id: sorted(ids) for topic_id, ids in proposing.items()}
