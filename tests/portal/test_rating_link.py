"""The login-free rating link: sent when the hub accepts the reply, single use, expires, and
knows when a callback agent already called."""

from __future__ import annotations

import re

import time_machine
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.portal.links import token_hash
from civicdesk.portal.models import RatingLink
from tests.portal.helpers import text
from tests.world import World


def _link(order: WorkOrder) -> str:
    sms = OutboxMessage.objects.get(order=order, template="citizen_accept_reply")
    match = re.search(r"https://12345\.qinglan\.example(/portal/r/[A-Za-z0-9_-]+)", sms.text)
    assert match, sms.text
    return match.group(1)


def test_the_accept_reply_sms_carries_the_link_and_only_its_hash_is_kept(w: World) -> None:
    order = w.awaiting_callback()
    path = _link(order)
    token = path.rsplit("/", 1)[1]
    link = RatingLink.objects.get(order=order)
    assert link.token_hash == token_hash(token) != token
    assert link.event.action == "accept_reply"


def test_rating_online_is_the_callback(w: World) -> None:
    order = w.awaiting_callback()
    client = Client()
    path = _link(order)
    page = client.get(path)
    assert page.status_code == 200
    assert "已安排养护队于当日修复路面坑洼并清理积水。" in text(page)
    response = client.post(path, {"solved": "solved", "satisfaction": "satisfied", "comment": "<b>谢谢</b>，修得很快"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.CLOSED
    assert order.callback_satisfaction == "satisfied"
    event = OrderEvent.objects.get(order=order, action="record_callback")
    assert event.actor is None
    assert event.data["via"] == "online"
    assert event.note == "谢谢，修得很快"
    assert "评价已提交" in text(client.get(path))


def test_the_link_works_once(w: World) -> None:
    order = w.awaiting_callback()
    path = _link(order)
    Client().post(path, {"solved": "solved", "satisfaction": "satisfied"})
    again = Client().post(path, {"solved": "unsolved", "satisfaction": "unsatisfied"})
    assert again.status_code == 200
    assert "只能使用一次" in text(again)
    assert OrderEvent.objects.filter(order=order, action="record_callback").count() == 1


def test_an_expired_link_says_so(w: World, settings: Settings) -> None:
    settings.CIVICDESK_RATING_LINK_DAYS = 2
    order = w.awaiting_callback()
    path = _link(order)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=2, minutes=1)):
        response = Client().post(path, {"solved": "solved", "satisfaction": "satisfied"})
    assert response.status_code == 410
    assert "已过期" in text(response)
    order.refresh_from_db()
    assert order.state == State.AWAITING_CALLBACK


def test_after_a_callback_agent_called_the_link_says_so(w: World) -> None:
    order = w.awaiting_callback()
    path = _link(order)
    actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="basically")
    response = Client().get(path)
    assert response.status_code == 200
    assert "回访员已经电话回访过您" in text(response)
    assert Client().post(path, {"solved": "unsolved", "satisfaction": "unsatisfied"}).status_code == 200
    assert OrderEvent.objects.filter(order=order, action="record_callback").count() == 1


def test_unsatisfied_sends_it_back_to_the_unit(w: World) -> None:
    order = w.awaiting_callback()
    Client().post(_link(order), {"solved": "unsolved", "satisfaction": "unsatisfied", "comment": "坑还在"})
    order.refresh_from_db()
    assert order.state == State.REWORK


def test_a_rework_gets_a_new_link_and_the_old_one_is_spent(w: World) -> None:
    order = w.awaiting_callback()
    first = _link(order)
    Client().post(first, {"solved": "unsolved", "satisfaction": "unsatisfied"})
    order = actions.reply(WorkOrder.objects.get(pk=order.pk), actor=w.handler_a, result="solved", text="已重新修复。")
    order = actions.accept_reply(order, actor=w.dispatcher)
    texts = list(
        OutboxMessage.objects.filter(order=order, template="citizen_accept_reply")
        .order_by("pk")
        .values_list("text", flat=True)
    )
    second = re.search(r"(/portal/r/[A-Za-z0-9_-]+)", texts[-1]).group(1)  # type: ignore[union-attr]
    assert second != first
    assert "评价已提交" in text(Client().get(first))
    assert Client().get(second).status_code == 200


def test_an_unknown_token_is_a_clear_page(db: None) -> None:
    response = Client().get("/portal/r/not-a-real-token")
    assert response.status_code == 404
    assert "这个评价链接无效" in text(response)


def test_a_missing_choice_is_explained(w: World) -> None:
    order = w.awaiting_callback()
    response = Client().post(_link(order), {"solved": "solved", "comment": "还行"})
    assert response.status_code == 400
    assert "请选择是否满意。" in text(response)
    assert "还行" in text(response)


def test_without_a_public_url_no_link_is_sent(w: World, settings: Settings) -> None:
    settings.CIVICDESK_PUBLIC_URL = ""
    order = w.awaiting_callback()
    sms = OutboxMessage.objects.get(order=order, template="citizen_accept_reply")
    assert "/portal/r/" not in sms.text
    assert not RatingLink.objects.exists()
