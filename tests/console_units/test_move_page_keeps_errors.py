"""A move opened from the unit's inbox (reply, extension, return …) that the server refuses
stays on its own page: the reason is shown next to the field and everything typed is kept;
once it goes through, the person is back on the inbox."""

from __future__ import annotations

import pytest

from civicdesk.orders.workflow import State
from tests.console_units.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def test_a_refused_extension_stays_on_its_page_with_what_was_typed(w: World) -> None:
    order = w.signed()
    client = client_for(w.handler_a)
    url = f"/orders/inbox/{order.number}/request_extension/"
    page = text(client.get(url, {"next": "/orders/inbox/?tab=doing"}))
    assert f'action="{url}"' in page

    reason = "需协调燃气公司停气后才能施工，预计需要较长时间。"
    response = client.post(
        url,
        {
            "request_extension-version": order.version,
            "request_extension-days": "99",
            "request_extension-reason": reason,
            "next": "/orders/inbox/?tab=doing",
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert "返回承办工单" in page  # still the move's own page, not the order page
    assert reason in page
    assert 'class="field-error"' in page
    order.refresh_from_db()
    assert order.state == State.SIGNED

    response = client.post(
        url,
        {
            "request_extension-version": order.version,
            "request_extension-days": "3",
            "request_extension-reason": reason,
            "next": "/orders/inbox/?tab=doing",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/orders/inbox/?tab=doing"
    order.refresh_from_db()
    assert order.state == State.EXTENSION_REQUESTED


def test_a_reply_sent_on_a_stale_page_keeps_the_text_and_can_be_sent_again(w: World) -> None:
    order = w.signed()
    client = client_for(w.handler_a)
    url = f"/orders/inbox/{order.number}/reply/"
    text_typed = "已安排养护队修复路面坑洼，并清理积水。"
    response = client.post(
        url,
        {
            "reply-version": order.version - 1,
            "reply-result": "solved",
            "reply-text": text_typed,
            "next": "/orders/inbox/",
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert text_typed in page
    assert f'name="reply-version" value="{order.version}"' in page  # ready to send again
    response = client.post(
        url,
        {"reply-version": order.version, "reply-result": "solved", "reply-text": text_typed, "next": "/orders/inbox/"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.REPLIED
