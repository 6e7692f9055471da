"""A county's report that arrives after the order left the county here — we voided it, the
citizen withdrew, it closed — is late, not wrong: it is taken once and answered 200, so it
does not stand failed on the county's admin page for ever; what it says (the county's reply)
is kept on our timeline. Only what is really wrong is refused: a wrong token, an order we
never handed to that county."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from civicdesk.orders import actions
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.timeline import entries
from civicdesk.upstream.models import RemoteHub
from tests.world import World

pytestmark = pytest.mark.django_db


def _report(county: RemoteHub, order: WorkOrder, body: dict[str, object], token: str = "") -> tuple[int, dict]:
    answer = Client().post(
        f"/upstream/hubs/{county.unit.code}/reports/",
        json.dumps({"upstream_id": order.number, **body}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token or county.report_token}"},
    )
    return answer.status_code, answer.json()


def _voided_here(w: World, county: RemoteHub) -> WorkOrder:
    order = actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=county.unit)
    return actions.void(order, actor=w.dispatcher, reason="与另一工单重复")


REPLIED = {"idempotency_key": "weihai:N1:6", "kind": "replied", "reply": "已更换井盖。", "result": "solved"}


def test_a_reply_that_comes_after_we_voided_the_order_is_kept_once_and_answered_200(
    w: World, county: RemoteHub
) -> None:
    order = _voided_here(w, county)

    first = _report(county, order, {**REPLIED, "order_number": "N1"})
    again = _report(county, order, {**REPLIED, "order_number": "N1"})

    assert first == again == (200, {"number": order.number, "code": 0, "late": True})
    order.refresh_from_db()
    assert order.state == "void" and order.reply_text == ""
    kept = OrderEvent.objects.get(order=order, action="remote_late_report")
    assert kept.note == "已更换井盖。" and kept.data["kind"] == "replied" and kept.to_state == "void"
    (entry,) = [e for e in entries(list(order.events.order_by("seq"))) if e.what == "下级系统迟到回报"]
    assert "N1" in entry.detail and "办理答复" in entry.detail


def test_a_late_report_with_nothing_to_say_is_only_acknowledged(w: World, county: RemoteHub) -> None:
    order = _voided_here(w, county)

    assert _report(county, order, {"idempotency_key": "weihai:N1:3", "kind": "signed"})[0] == 200

    assert not OrderEvent.objects.filter(order=order, action="remote_late_report").exists()


def test_a_report_after_the_close_is_late_too(w: World, county: RemoteHub) -> None:
    order = actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=county.unit)
    closed = {"idempotency_key": "weihai:N1:8", "kind": "closed", "reply": "已更换井盖。", "result": "solved"}
    assert _report(county, order, closed)[0] == 200
    order.refresh_from_db()
    assert order.state == "closed"

    after = {"idempotency_key": "weihai:N1:9", "kind": "called_back", "note": "回访补记：来电人表示满意。"}
    assert _report(county, order, after) == (200, {"number": order.number, "code": 0, "late": True})

    order.refresh_from_db()
    assert order.state == "closed"
    assert OrderEvent.objects.get(order=order, action="remote_late_report").note == "回访补记：来电人表示满意。"


def test_a_wrong_token_or_an_order_never_handed_down_is_still_refused(w: World, county: RemoteHub) -> None:
    order = _voided_here(w, county)
    ours = w.pending()

    assert _report(county, order, REPLIED, token="guess")[0] == 401
    status, body = _report(county, ours, REPLIED)
    assert status == 404 and body["error"]
    assert not OrderEvent.objects.filter(action="remote_late_report").exists()
