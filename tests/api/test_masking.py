"""The caller's identity: masked for units, hidden from them on confidential orders."""

from __future__ import annotations

from tests.api.conftest import order_body


def _contact(caller, number):
    response = caller.get(f"/orders/{number}")
    assert response.status_code == 200, response.content.decode()
    return response.json()["contact"]


def test_hub_staff_see_the_full_contact(w, as_user):
    order = w.dispatched()
    assert _contact(as_user(w.dispatcher), order.number) == {
        "name": "王先生",
        "phone": "13800001234",
        "masked": False,
        "hidden": False,
    }


def test_units_see_a_masked_phone(w, as_user):
    order = w.dispatched()
    contact = _contact(as_user(w.handler_a), order.number)
    assert contact["phone"] == "138****1234" and contact["masked"] and not contact["hidden"]
    assert contact["name"] == "王**"


def test_confidential_order_hides_the_caller_from_units(w, as_user):
    order = w.dispatched(confidential=True)
    unit = as_user(w.handler_a)
    contact = _contact(unit, order.number)
    assert contact == {"name": None, "phone": None, "masked": True, "hidden": True}
    for path in (f"/orders/{order.number}", f"/orders/{order.number}/events", "/orders"):
        text = unit.get(path).content.decode()
        assert "13800001234" not in text and "王先生" not in text and "1234" not in text.replace(order.number, "")
    # The hub still knows who called.
    assert _contact(as_user(w.dispatcher), order.number)["phone"] == "13800001234"


def test_the_api_creator_gets_the_contact_back(w, as_user):
    response = as_user(w.operator).create(order_body(confidential=True))
    assert response.status_code == 201
    assert response.json()["contact"]["phone"] == "13800001234"


def test_action_answers_mask_too(w, as_user):
    order = w.dispatched(confidential=True)
    response = as_user(w.handler_a).act(order.number, "sign", order.version)
    assert response.status_code == 200
    assert response.json()["contact"]["hidden"] is True
    assert "13800001234" not in response.content.decode()
