"""The operators' desk: the queue, taking a chat, answering with the knowledge base's
suggestions at hand, and ending it as an order from the page."""

from __future__ import annotations

from django.test import Client

from civicdesk.chat import actions
from civicdesk.chat.models import Chat, ChatState
from civicdesk.orders.workflow import State
from tests.chat.helpers import waiting_chat
from tests.world import World


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_queue_shows_waiting_chats_with_the_number_masked(w: World) -> None:
    chat = waiting_chat(w.hub)
    page = _client(w.operator).get("/chat/desk/").content.decode()
    assert f'data-chat="{chat.pk}"' in page and "新生儿医保" in page
    assert "13912345678" not in page and "139****5678" in page


def test_the_menu_counts_the_waiting_chats(w: World) -> None:
    waiting_chat(w.hub)
    waiting_chat(w.hub)
    page = _client(w.operator).get("/").content.decode()
    assert 'href="/chat/desk/"' in page and '<span class="badge nav-count">2</span>' in page


def test_taking_opens_the_conversation_and_a_late_taker_is_told(w: World) -> None:
    chat = waiting_chat(w.hub)
    response = _client(w.operator).post(f"/chat/desk/{chat.pk}/take", {"version": "0"})
    assert response.status_code == 302 and response["Location"] == f"/chat/desk/{chat.pk}/"

    late = _client(w.dispatcher)
    response = late.post(f"/chat/desk/{chat.pk}/take", {"version": "0"}, follow=True)
    assert f"该咨询已由 {w.operator} 接待" in response.content.decode()
    assert Chat.objects.get(pk=chat.pk).operator == w.operator


def test_the_conversation_offers_the_knowledge_panel_and_the_endings(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.take(chat, actor=w.operator)
    page = _client(w.operator).get(f"/chat/desk/{chat.pk}/").content.decode()
    assert 'id="kb-answers"' in page and 'id="id_answer"' in page and 'id="id_content"' in page
    assert 'id="chat-answer"' in page and 'id="chat-order"' in page and 'id="chat-note"' in page
    assert "13912345678" in page  # the taker sees the number, like a screen-pop


def test_the_operator_replies_and_turns_it_into_an_order(w: World) -> None:
    chat = waiting_chat(w.hub, text="人民路的井盖丢了，很危险。")
    actions.take(chat, actor=w.operator)
    client = _client(w.operator)
    log = client.post(f"/chat/desk/{chat.pk}/say", {"text": "请问具体在人民路哪一段？"}, HTTP_HX_REQUEST="true")
    assert log.status_code == 200 and "请问具体在人民路哪一段？" in log.content.decode()
    actions.citizen_says(chat, text="人民路88号门口。")

    response = client.post(
        f"/chat/desk/{chat.pk}/end",
        {"intent": "order", "request_type": "complaint", "urgency": "normal", "category": w.cat_potholes.pk},
    )

    assert response.status_code == 302
    chat.refresh_from_db()
    assert chat.state == ChatState.ORDERED and chat.order is not None
    assert chat.order.state == State.PENDING_DISPATCH
    assert "人民路88号门口。" in chat.order.content and "请问具体在人民路哪一段？" in chat.order.content


def test_an_answer_that_is_too_long_comes_back_whole(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.take(chat, actor=w.operator)
    long_answer = "答" * (actions.MESSAGE_MAX + 5)
    response = _client(w.operator).post(
        f"/chat/desk/{chat.pk}/end",
        {"intent": "answer", "request_type": "enquiry", "urgency": "normal", "text": long_answer},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert long_answer in page and f"不能超过 {actions.MESSAGE_MAX} 个字" in page
    assert Chat.objects.get(pk=chat.pk).state == ChatState.TAKEN


def test_the_immediate_answer_records_the_articles_used(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.take(chat, actor=w.operator)
    response = _client(w.operator).post(
        f"/chat/desk/{chat.pk}/end",
        {
            "intent": "answer",
            "request_type": "enquiry",
            "urgency": "normal",
            "text": "可在网上办理。",
            "article": ["7"],
        },
    )
    assert response.status_code == 302
    chat.refresh_from_db()
    assert chat.order is not None and chat.order.state == State.ANSWERED
    event = chat.order.events.get(action="answer")
    assert event.data["articles"] == [7]
