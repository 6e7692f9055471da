"""Who may do what with a chat: the hub's operators and dispatchers staff it; only the taker
replies and ends it; units and others see no desk."""

from __future__ import annotations

import pytest
from django.test import Client

from civicdesk.chat import actions
from civicdesk.chat.models import Chat, ChatState
from civicdesk.orders.errors import PermissionDenied
from tests.chat.helpers import waiting_chat
from tests.world import World


def test_a_unit_handler_may_not_take_a_chat(w: World) -> None:
    chat = waiting_chat(w.hub)
    with pytest.raises(PermissionDenied):
        actions.take(chat, actor=w.handler_a)
    assert Chat.objects.get(pk=chat.pk).state == ChatState.WAITING


def test_only_the_taker_replies_or_ends_it(w: World) -> None:
    chat = waiting_chat(w.hub)
    actions.take(chat, actor=w.operator)
    with pytest.raises(PermissionDenied):
        actions.operator_says(chat, actor=w.dispatcher, text="我来回答。")
    with pytest.raises(PermissionDenied):
        actions.note(chat, actor=w.dispatcher, note="结束。")
    assert Chat.objects.get(pk=chat.pk).state == ChatState.TAKEN


@pytest.mark.parametrize("persona", ["handler_a", "callback_agent", "leader", "outsider"])
def test_the_desk_is_closed_to_everyone_else(w: World, persona: str) -> None:
    chat = waiting_chat(w.hub)
    client = Client()
    client.force_login(getattr(w, persona))
    assert client.get("/chat/desk/").status_code == 403
    assert client.get(f"/chat/desk/{chat.pk}/").status_code == 404
    assert client.post(f"/chat/desk/{chat.pk}/take").status_code == 404


def test_the_figures_are_for_the_hub(w: World) -> None:
    for persona, status in (("leader", 200), ("dispatcher", 200), ("handler_a", 403)):
        client = Client()
        client.force_login(getattr(w, persona))
        assert client.get("/chat/desk/figures").status_code == status, persona
