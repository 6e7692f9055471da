"""涉企诉求: an order with an enterprise carries the special topic 涉企, created if missing."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q

from civicdesk.catalogue.models import Topic

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
