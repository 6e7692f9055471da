"""An enterprise asks online (the portal's and the enterprise board's link): the company is
named when the chat starts, shown on the desk, and carried onto the order the chat becomes."""

from __future__ import annotations

from django.test import Client

from civicdesk.chat import actions
from civicdesk.chat.models import Chat
from civicdesk.enterprises.models import Enterprise
from tests.chat.helpers import start
from tests.world import World


def test_an_enterprise_chat_names_the_company_on_its_order(w: World) -> None:
    company = Enterprise.objects.create(name="荣成示例渔具有限公司", credit_code="91371082MA3TEST01X")
    client = Client()
    assert 'id="id_enterprise"' in client.get("/chat/?for=enterprise").content.decode()
    assert start(client, enterprise="荣成示例渔具有限公司").status_code == 302

    chat = Chat.objects.get()
    assert chat.enterprise == company
    desk = Client()
    desk.force_login(w.operator)
    assert "荣成示例渔具有限公司" in desk.get("/chat/desk/").content.decode()
    actions.take(chat, actor=w.operator)
    actions.make_order(chat, actor=w.operator, request_type="help")
    chat.refresh_from_db()
    assert chat.order is not None and chat.order.enterprise == company


def test_an_unknown_company_is_refused_with_the_reason(w: World) -> None:
    response = start(Client(), enterprise="不存在的公司")
    assert response.status_code == 400 and "没有找到该企业" in response.content.decode()
    assert not Chat.objects.exists()
