"""A masked phone hides the number whatever way it was written, and a confidential caller's
number written into the free text (title, content, address) does not reach those who may
not know the caller: the unit's pages, the API, the exports, the public Open311 feed."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from civicdesk.lib.masking import mask_phone, mask_phones_in
from civicdesk.open311.keys import create_client
from civicdesk.orders import actions
from tests.console.helpers import client_for, text
from tests.world import World

NUMBER = "13912345678"
DOTTED = "139.1234.5678"


@pytest.mark.parametrize(
    ("written", "hidden_digits"),
    [
        ("13912345678", "1234"),
        ("139.1234.5678", "1234"),
        ("139 1234 5678", "1234"),
        ("139-1234-5678", "1234"),
        ("+86 139 1234 5678", "1234"),
        ("7551234", "75512"),
        ("75512345", "755123"),
        ("0631-7551234", "755"),
        ("(0631) 755 1234", "755"),
    ],
)
def test_every_way_of_writing_a_phone_is_masked(written: str, hidden_digits: str) -> None:
    masked = mask_phone(written)
    assert "*" in masked
    assert hidden_digits not in masked.replace("*", "")
    digits = "".join(c for c in written if c.isdigit())
    # At least four digits, and at least a third of them, are hidden.
    shown = sum(c.isdigit() for c in masked)
    assert len(digits) - shown >= max(4, len(digits) // 3) or len(digits) < 8, (written, masked)
    assert len(digits) - shown >= 4 or len(digits) < 7, (written, masked)


@pytest.mark.parametrize(
    ("sentence", "hidden"),
    [
        (f"请回电{DOTTED}谢谢", "1234"),
        (f"电话 {NUMBER}。", "1234"),
        ("家里座机7551234，白天没人", "75512"),
        ("座机 0631-7551234 或 (0631) 755 1234", "755"),
        ("手机 139 1234 5678", "1234"),
    ],
)
def test_phones_inside_free_text_are_masked(sentence: str, hidden: str) -> None:
    masked = mask_phones_in(sentence)
    assert "*" in masked
    assert hidden not in "".join(c for c in masked if c.isdigit()), masked


def test_dates_and_order_numbers_in_free_text_stay_readable() -> None:
    sentence = "2026-03-02 晚上，见工单 2026030200017，2026.3.2 复查"
    assert mask_phones_in(sentence) == sentence


def _confidential(w: World) -> object:
    return w.signed(
        confidential=True,
        citizen_phone=NUMBER,
        citizen_name="赵秀兰",
        title=f"赵秀兰反映噪音 回电{DOTTED}",
        content=f"夜间施工噪音，请回电 {NUMBER} 或座机 0631-7551234。",
        address=f"人民路8号（电话{NUMBER}）",
    )


def _no_caller(body: str) -> None:
    for private in (NUMBER, DOTTED, "1234.5678", "1234 5678", "7551234", "赵秀兰"):
        assert private not in body, private


@pytest.mark.django_db
def test_a_confidential_callers_number_in_the_text_does_not_reach_the_unit_pages(w: World) -> None:
    order = _confidential(w)
    client = client_for(w.handler_a)
    detail = text(client.get(f"/orders/{order.number}/"))  # type: ignore[attr-defined]
    _no_caller(detail)
    assert "夜间施工噪音" in detail and "139****5678" in detail
    _no_caller(text(client.get("/orders/inbox/")))
    _no_caller(text(client.get("/")))
    # The hub, who may know the caller, reads the text as typed.
    assert NUMBER in text(client_for(w.dispatcher).get(f"/orders/{order.number}/"))  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_confidential_callers_number_in_notes_does_not_reach_the_unit(w: World) -> None:
    order = _confidential(w)
    actions.supplement(order, actor=w.operator, text=f"来电人补充：也可拨打 {DOTTED}")  # type: ignore[arg-type]
    detail = text(client_for(w.handler_a).get(f"/orders/{order.number}/"))  # type: ignore[attr-defined]
    _no_caller(detail)
    assert "来电人补充" in detail


@pytest.mark.django_db
def test_a_confidential_callers_number_in_the_text_does_not_reach_the_unit_by_api(w: World) -> None:
    from civicdesk.api.tokens import create_token

    order = _confidential(w)
    _record, token = create_token(w.handler_a, "tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for path in (f"/api/v1/orders/{order.number}", f"/api/v1/orders/{order.number}/events", "/api/v1/orders"):  # type: ignore[attr-defined]
        response = client.get(path)
        assert response.status_code == 200, (path, response.content)
        _no_caller(response.content.decode())


@pytest.mark.django_db
def test_a_confidential_callers_number_in_the_title_does_not_reach_an_export(w: World) -> None:
    order = _confidential(w)
    response = client_for(w.leader).get(
        f"/stats/export/orders/?period=year&date={order.created_at:%Y-%m-%d}"  # type: ignore[attr-defined]
        "&code=accepted"
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    body = json.dumps(rows[2:], default=str, ensure_ascii=False)
    assert order.number in body  # type: ignore[attr-defined]
    _no_caller(body)


@pytest.mark.django_db
def test_open311_publishes_no_dotted_number(w: World, client: Client) -> None:
    create_client("随手拍", w.hub)
    order = w.closed(content=f"人民路有坑，回电 {DOTTED}，或 7551234")
    body = client.get(f"/open311/v2/requests/{order.number}.json").content.decode()
    assert "人民路有坑" in body
    for private in (DOTTED, "1234.5678", "7551234"):
        assert private not in body, private


@pytest.mark.django_db
def test_a_confidential_callers_number_in_the_title_does_not_reach_the_units_messages(w: World) -> None:
    from civicdesk.notifications.models import OutboxMessage

    _confidential(w)
    sent = list(OutboxMessage.objects.filter(user=w.handler_a).values_list("text", flat=True))
    assert sent, "the unit is told about the dispatched order"
    for message in sent:
        _no_caller(message)
