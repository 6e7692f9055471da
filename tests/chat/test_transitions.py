"""A chat's life: waiting → taken → answered / ordered / noted, or abandoned; the orders it
makes go through the intake's own actions with channel "chat" and the transcript as content."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from civicdesk.chat import actions
from civicdesk.chat.models import Chat, ChatEvent, ChatState
from civicdesk.orders.errors import ConflictError, InvalidInput, InvalidTransition
from civicdesk.orders.models import OrderEvent
from civicdesk.orders.workflow import State
from tests.chat.helpers import QUESTION, waiting_chat
from tests.world import World


def test_it_waits_until_one_operator_takes_it(w: World) -> None:
    chat = waiting_chat(w.hub)
    assert chat.state == ChatState.WAITING and chat.operator is None

    actions.take(chat, actor=w.operator, expected_version=0)

    chat.refresh_from_db()
    assert chat.state == ChatState.TAKEN and chat.operator == w.operator and chat.taken_at is not None
    assert list(ChatEvent.objects.filter(chat=chat).values_list("action", "from_state", "to_state")) == [
        ("start", "", "waiting"),
        ("take", "waiting", "taken"),
    ]


def test_a_second_taker_is_told_who_was_faster(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.take(chat, actor=w.operator, expected_version=0)

    with pytest.raises(ConflictError) as refused:
        actions.take(chat, actor=w.dispatcher, expected_version=0)

    assert str(w.operator) in refused.value.message_for(w.dispatcher)
    chat.refresh_from_db()
    assert chat.operator == w.operator


def test_an_operator_holds_several_chats_at_once(w: World) -> None:
    first, second = waiting_chat(w.hub), waiting_chat(w.hub)
    actions.take(first, actor=w.operator)
    actions.take(second, actor=w.operator)
    assert Chat.objects.filter(operator=w.operator, state=ChatState.TAKEN).count() == 2


def test_the_first_answer_sets_the_first_response_time(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.take(chat, actor=w.operator)
    with time_machine.travel(timezone.now() + timedelta(seconds=90), tick=False):
        actions.operator_says(chat, actor=w.operator, text="您好，请问孩子出生多久了？")
    actions.operator_says(chat, actor=w.operator, text="稍等，我查一下。")

    chat.refresh_from_db()
    assert chat.first_response_at is not None
    assert (chat.first_response_at - chat.started_at).total_seconds() == pytest.approx(90, abs=2)
    assert ChatEvent.objects.filter(chat=chat, action="first_response").count() == 1


def test_an_immediate_answer_closes_an_order_on_the_spot(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.take(chat, actor=w.operator)
    actions.citizen_says(chat, text="孩子刚满月。")

    actions.answer(
        chat,
        actor=w.operator,
        answer="满月内可在社区服务中心办理，带出生医学证明和户口本。",
        request_type="enquiry",
        category=w.cat_noise,
    )

    chat.refresh_from_db()
    order = chat.order
    assert chat.state == ChatState.ANSWERED and order is not None
    assert order.state == State.ANSWERED and order.channel == "chat" and order.owner == w.operator
    assert order.answer_text.startswith("满月内可在社区服务中心办理")
    # The transcript is the content, every message in order: nothing retyped.
    assert QUESTION in order.content and "孩子刚满月。" in order.content
    assert order.content.index(QUESTION) < order.content.index("孩子刚满月。") < order.content.index("满月内")
    assert order.citizen_phone == chat.citizen_phone and order.title == "请问新生儿医保怎么办理"  # its first sentence
    assert OrderEvent.objects.filter(order=order, action="answer").exists()
    # The citizen is told how it ended.
    assert order.number in chat.messages.last().text  # type: ignore[union-attr]


def test_a_new_order_goes_to_the_hub_with_the_transcript(w: World) -> None:
    chat = waiting_chat(w.hub, text="小区门口的路灯坏了一个月了。")
    actions.take(chat, actor=w.operator)
    actions.operator_says(chat, actor=w.operator, text="请问是哪个小区？")
    actions.citizen_says(chat, text="幸福家园北门。")

    actions.make_order(chat, actor=w.operator, request_type="complaint", category=w.cat_potholes, area=w.area_town)

    chat.refresh_from_db()
    order = chat.order
    assert chat.state == ChatState.ORDERED and order is not None
    assert order.state == State.PENDING_DISPATCH and order.channel == "chat"
    assert "小区门口的路灯坏了一个月了。" in order.content and "幸福家园北门。" in order.content
    assert "请问是哪个小区？" in order.content


def test_a_new_order_can_be_dispatched_at_once(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.take(chat, actor=w.dispatcher)
    actions.make_order(chat, actor=w.dispatcher, request_type="help", category=w.cat_potholes, lead_unit=w.dept_a)
    chat.refresh_from_db()
    assert chat.order is not None and chat.order.state == State.DISPATCHED and chat.order.lead_unit == w.dept_a


def test_a_note_ends_it_without_an_order(w: World) -> None:
    chat = waiting_chat(w.hub, text="测试一下")
    actions.take(chat, actor=w.operator)
    actions.note(chat, actor=w.operator, note="市民测试功能，无诉求。")
    chat.refresh_from_db()
    assert chat.state == ChatState.NOTED and chat.order is None and chat.note == "市民测试功能，无诉求。"


def test_a_note_needs_words(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.take(chat, actor=w.operator)
    with pytest.raises(InvalidInput):
        actions.note(chat, actor=w.operator, note="  ")
    chat.refresh_from_db()
    assert chat.state == ChatState.TAKEN


def test_a_waiting_citizen_who_leaves_abandons_it(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.citizen_leaves(chat)
    chat.refresh_from_db()
    assert chat.state == ChatState.ABANDONED and chat.ended_at is not None
    with pytest.raises(ConflictError):
        actions.take(chat, actor=w.operator)
    with pytest.raises(InvalidTransition):
        actions.citizen_says(chat, text="还在吗？")


def test_a_taken_chat_stays_with_its_operator_when_the_citizen_leaves(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.take(chat, actor=w.operator)
    actions.citizen_leaves(chat)
    chat.refresh_from_db()
    assert chat.state == ChatState.TAKEN
    actions.make_order(chat, actor=w.operator, request_type="enquiry")
    chat.refresh_from_db()
    assert chat.state == ChatState.ORDERED


def test_the_sweep_abandons_waiting_chats_whose_page_went_silent(w: World, settings: object) -> None:
    silent, polling, taken = waiting_chat(w.hub), waiting_chat(w.hub), waiting_chat(w.hub)
    actions.take(taken, actor=w.operator)
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        actions.citizen_seen(polling)
        assert actions.abandon_idle() == 1
    assert Chat.objects.get(pk=silent.pk).state == ChatState.ABANDONED
    assert Chat.objects.get(pk=polling.pk).state == ChatState.WAITING
    assert Chat.objects.get(pk=taken.pk).state == ChatState.TAKEN


def test_an_ended_chat_cannot_be_ended_again(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.take(chat, actor=w.operator)
    actions.note(chat, actor=w.operator, note="已解答。")
    with pytest.raises(InvalidTransition):
        actions.make_order(chat, actor=w.operator, request_type="enquiry")
    with pytest.raises(InvalidTransition):
        actions.operator_says(chat, actor=w.operator, text="还有别的问题吗？")
