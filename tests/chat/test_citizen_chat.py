"""The citizen's chat page on the portal: started with a phone number and the portal's
captcha, messages sent and read back by polling, refusals said clearly and nothing cut."""

from __future__ import annotations

from django.test import Client, override_settings

from civicdesk.chat import actions
from civicdesk.chat.models import Author, Chat, ChatMessage, ChatState
from tests.chat.helpers import PHONE, QUESTION, start
from tests.world import World


def test_a_citizen_starts_a_chat_and_waits_in_the_queue(w: World) -> None:
    client = Client()
    response = start(client)
    assert response.status_code == 302 and response["Location"] == "/chat/"

    chat = Chat.objects.get()
    assert chat.state == ChatState.WAITING and chat.citizen_phone == PHONE and chat.hub == w.hub
    page = client.get("/chat/").content.decode()
    assert QUESTION in page and 'id="chat-waiting"' in page


def test_a_wrong_captcha_keeps_what_was_written(w: World) -> None:
    client = Client()
    response = start(client, captcha_answer="8")
    assert response.status_code == 400
    page = response.content.decode()
    assert "验证码不对" in page and QUESTION in page
    assert not Chat.objects.exists()


def test_a_bad_phone_number_is_refused_with_the_reason(w: World) -> None:
    response = start(Client(), citizen_phone="12345")
    assert response.status_code == 400 and "请填写正确的手机号码" in response.content.decode()
    assert not Chat.objects.exists()


def test_the_operators_answer_reaches_the_citizens_page(w: World) -> None:
    client = Client()
    start(client)
    chat = Chat.objects.get()
    actions.take(chat, actor=w.operator)
    actions.operator_says(chat, actor=w.operator, text="您好，新生儿医保可以在网上办理。")

    log = client.get("/chat/messages", HTTP_HX_REQUEST="true")
    assert log.status_code == 200
    assert "您好，新生儿医保可以在网上办理。" in log.content.decode() and 'id="chat-taken"' in log.content.decode()


def test_a_message_is_sent_and_shown(w: World) -> None:
    client = Client()
    start(client)
    response = client.post("/chat/send", {"text": "孩子是上个月出生的。"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "孩子是上个月出生的。" in response.content.decode()
    assert ChatMessage.objects.filter(author=Author.CITIZEN).count() == 2


def test_a_too_long_message_is_refused_whole_and_never_cut(w: World) -> None:
    client = Client()
    start(client)
    long_text = "很" * (actions.MESSAGE_MAX + 1)
    response = client.post("/chat/send", {"text": long_text}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert f"不能超过 {actions.MESSAGE_MAX} 个字（现有 {actions.MESSAGE_MAX + 1} 个）" in response.content.decode()
    assert ChatMessage.objects.count() == 1  # only the first question; nothing shortened was stored
    # Without scripts the page comes back with the whole text in the box.
    page = client.post("/chat/send", {"text": long_text})
    assert page.status_code == 400 and long_text in page.content.decode()


@override_settings(CIVICDESK_CHAT_MESSAGES_PER_MINUTE=3)
def test_a_flood_of_messages_is_slowed_down(w: World) -> None:
    client = Client()
    start(client)
    answers = [client.post("/chat/send", {"text": f"第{n}条"}, HTTP_HX_REQUEST="true").status_code for n in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert "发送过于频繁" in client.post("/chat/send", {"text": "再来"}, HTTP_HX_REQUEST="true").content.decode()


@override_settings(CIVICDESK_CHAT_STARTS_PER_PHONE_DAY=1)
def test_one_phone_cannot_open_chats_without_end(w: World) -> None:
    assert start(Client()).status_code == 302
    response = start(Client())
    assert response.status_code == 429 and "这个号码今天已发起 1 次咨询" in response.content.decode()


def test_an_ended_chat_stops_the_polling_and_offers_a_new_one(w: World) -> None:
    client = Client()
    start(client)
    chat = Chat.objects.get()
    actions.take(chat, actor=w.operator)
    actions.make_order(chat, actor=w.operator, request_type="enquiry")
    log = client.get("/chat/messages", HTTP_HX_REQUEST="true")
    assert log.status_code == 286  # htmx stops polling
    chat.refresh_from_db()
    assert chat.order is not None and chat.order.number in log.content.decode()
    assert 'id="chat-new"' in client.get("/chat/").content.decode()
    assert 'id="chat-start-form"' in client.get("/chat/?new=1").content.decode()


def test_leaving_a_waiting_chat_abandons_it(w: World) -> None:
    client = Client()
    start(client)
    response = client.post("/chat/leave")
    assert response.status_code == 302
    assert Chat.objects.get().state == ChatState.ABANDONED


def test_another_browser_cannot_read_the_chat(w: World) -> None:
    start(Client())
    stranger = Client()
    assert stranger.get("/chat/messages").status_code == 404
    assert stranger.post("/chat/send", {"text": "偷看"}).status_code == 302
    assert ChatMessage.objects.count() == 1
