"""A citizen starting a chat on the portal, as the page asks."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from civicdesk.chat import actions
from civicdesk.chat.models import Chat
from civicdesk.org.models import OrgUnit

PHONE = "13912345678"
QUESTION = "请问新生儿医保怎么办理？需要带哪些材料？"


def captcha_key(html: str) -> str:
    match = re.search(r'name="captcha_key" value="([^"]*)"', html)
    assert match, "the page shows no captcha"
    return match.group(1)


def start(client: Client, **overrides: Any) -> Any:
    page = client.get("/chat/")
    data: dict[str, Any] = {
        "citizen_phone": PHONE,
        "citizen_name": "李女士",
        "text": QUESTION,
        "captcha_key": captcha_key(page.content.decode()),
        "captcha_answer": "7",
    }
    data.update(overrides)
    return client.post("/chat/", data)


def waiting_chat(hub: OrgUnit, *, confidential: bool = False, text: str = QUESTION) -> Chat:
    chat, _token = actions.start_chat(hub=hub, phone=PHONE, name="李女士", confidential=confidential, text=text)
    return chat
