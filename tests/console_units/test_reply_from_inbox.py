"""The reply (result, text, attachments) opened from an inbox row and sent to the act endpoint."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.orders.workflow import State
from tests.console_units.helpers import client_for, inbox_rows, text
from tests.world import World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _post_reply(w: World, client: Any, order: Any) -> Any:
    return client.post(
        f"/orders/{order.number}/act/reply/",
        {
            "reply-version": order.version,
            "reply-result": "solved",
            "reply-text": "已安排养护队修复路面。",
            "reply-attachments": [
                SimpleUploadedFile("现场1.png", PNG, content_type="image/png"),
                SimpleUploadedFile("现场2.png", PNG, content_type="image/png"),
            ],
            "next": "/orders/inbox/",
        },
    )


def test_it_replies_with_a_result_from_the_inbox(w: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    order = w.signed()
    client = client_for(w.handler_a)
    row = inbox_rows(text(client.get("/orders/inbox/")))[order.number]
    for action in ("reply", "request_extension", "request_return"):
        assert f"/orders/inbox/{order.number}/{action}/" in row
    page = text(client.get(f"/orders/inbox/{order.number}/reply/"))
    assert 'enctype="multipart/form-data"' in page
    assert 'name="reply-attachments"' in page

    response = _post_reply(w, client, order)

    assert response.status_code == 302, text(response)[:3000]
    assert response["Location"] == "/orders/inbox/"
    order.refresh_from_db()
    assert order.state == State.REPLIED
    assert order.reply_result == "solved"
    assert order.reply_text == "已安排养护队修复路面。"
    assert order.number in inbox_rows(text(client.get("/orders/inbox/?tab=review")))


def test_it_keeps_the_files_sent_with_the_reply(w: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    order = w.signed()

    _post_reply(w, client_for(w.handler_a), order)

    assert sorted(a.original_name for a in order.attachments.all()) == ["现场1.png", "现场2.png"]


def test_it_offers_sub_dispatch_only_to_a_unit_with_sub_units(w: World) -> None:
    from civicdesk.orders import actions

    town_order = actions.sign_for(
        actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.town), actor=w.town_handler
    )
    dept_order = w.signed()
    assert f"/orders/inbox/{town_order.number}/sub_dispatch/" in text(client_for(w.town_handler).get("/orders/inbox/"))
    page = text(client_for(w.town_handler).get(f"/orders/inbox/{town_order.number}/sub_dispatch/"))
    assert "崖头街道北山社区" in page
    assert f"/orders/inbox/{dept_order.number}/sub_dispatch/" not in text(client_for(w.handler_a).get("/orders/inbox/"))
