"""POST /orders answers with the topics the new order was written with, without reading them
back from the database (one query fewer per new order, issue #20), and they are the ones kept."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.catalogue.models import Topic
from civicdesk.orders.models import WorkOrder
from tests.api.conftest import order_body


def test_the_answer_lists_the_topics_kept_with_the_order_and_does_not_read_them_back(w, as_user):
    other = Topic.objects.create(code="flood", name="防汛")
    op = as_user(w.operator)
    op.create(order_body())  # today's counter exists from here on
    with CaptureQueriesContext(connection) as queries:
        answer = op.create(order_body(title="积水", topics=["flood", "epidemic"]))
    assert answer.status_code == 201, answer.content
    assert answer.json()["topics"] == ["epidemic", "flood"]
    order = WorkOrder.objects.get(number=answer.json()["number"])
    assert set(order.topics.all()) == {w.topic_epidemic, other}
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and "_topics" in q["sql"]]
    assert reads == []


def test_an_order_without_topics_answers_none(w, as_user):
    answer = as_user(w.operator).create(order_body())
    assert answer.status_code == 201
    assert answer.json()["topics"] == []
    assert not WorkOrder.objects.get(number=answer.json()["number"]).topics.exists()
