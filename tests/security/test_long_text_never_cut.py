"""A long text is never cut: 10,000 characters pasted into 诉求内容 used to keep 5,000 (the
browser obeyed `maxlength`). Staff forms carry their limit as a counter (data-limit), never
as maxlength, and the server refuses an over-long text with its length, keeping all of it."""

from __future__ import annotations

import re

import pytest

from civicdesk.orders.forms import ACTION_FORMS
from civicdesk.orders.models import WorkOrder
from tests.console.helpers import client_for, field_errors, text
from tests.world import World

pytestmark = pytest.mark.django_db

PASTED = ("南关社区人民路路灯不亮，" * 1000)[:10_000]


def _intake(w: World, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "citizen_phone": "13912345678",
        "citizen_name": "赵女士",
        "channel": "phone",
        "request_type": "complaint",
        "urgency": "normal",
        "title": "路灯不亮",
        "content": "人民路路灯不亮",
        "intent": "send_to_hub",
        "wants_reply": "on",
    }
    data.update(overrides)
    return data


def test_intake_refuses_ten_thousand_characters_and_keeps_them_all(w: World) -> None:
    response = client_for(w.operator).post("/intake/new", _intake(w, content=PASTED))
    assert response.status_code == 400
    assert not WorkOrder.objects.exists()
    html = text(response)
    assert field_errors(html, "id_content") == ["不能超过 5000 个字（现有 10000 个）。"]
    textarea = re.search(r'<textarea[^>]*id="id_content"[^>]*>(.*?)</textarea>', html, re.S)
    assert textarea is not None and textarea.group(1).strip() == PASTED


def test_intake_fields_show_a_counter_and_never_let_the_browser_cut(w: World) -> None:
    html = text(client_for(w.operator).get("/intake/new"))
    assert "maxlength" not in html
    content = re.search(r'<textarea[^>]*id="id_content"[^>]*>', html)
    assert content is not None and 'data-limit="5000"' in content.group(0)
    assert 'data-limit="200"' in html  # the title


def test_the_order_page_move_forms_never_let_the_browser_cut(w: World) -> None:
    order = w.signed()
    html = text(client_for(w.handler_a).get(f"/orders/{order.number}/"))
    assert "<textarea" in html and "maxlength" not in html
    assert 'data-limit="5000"' in html


def test_every_action_form_counts_instead_of_cutting(w: World) -> None:
    order = w.signed()
    for action, spec in ACTION_FORMS.items():
        form = spec.form(order=order, prefix=action)
        rendered = str(form)
        assert "maxlength" not in rendered, action


def test_a_long_reply_is_refused_with_its_length_and_kept(w: World) -> None:
    order = w.signed()
    response = client_for(w.handler_a).post(
        f"/orders/{order.number}/act/reply/",
        {"reply-version": order.version, "reply-result": "solved", "reply-text": PASTED},
    )
    assert response.status_code == 400
    html = text(response)
    assert "不能超过 5000 个字（现有 10000 个）。" in html
    assert PASTED in html


@pytest.mark.parametrize("path", ["/manage/org/units/new/", "/knowledge/new/"])
def test_management_forms_never_let_the_browser_cut(w: World, path: str) -> None:
    response = client_for(w.admin if "org" in path else w.handler_a).get(path)
    assert response.status_code == 200, path
    html = text(response)
    assert "data-limit" in html and "maxlength" not in html, path
