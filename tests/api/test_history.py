"""GET /orders/{number}/events: plain-language labels and structured data."""

from __future__ import annotations


def test_history_tells_every_move(w, as_user):
    order = w.replied()
    response = as_user(w.dispatcher).get(f"/orders/{order.number}/events")
    assert response.status_code == 200
    events = response.json()
    assert [e["action"] for e in events] == ["create", "dispatch", "sign", "reply"]
    assert [e["label"] for e in events] == ["受理", "派单", "签收", "答复"]
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    dispatch = events[1]
    assert dispatch["from_state"] == "received" and dispatch["to_state"] == "dispatched"
    assert dispatch["to_state_label"] == "已派单"
    assert "市住房和城乡建设局" in dispatch["detail"]
    # Units are named by code in the structured data, not by database id.
    assert dispatch["data"]["lead_unit"] == "rc-zj"
    assert dispatch["acting_unit"] == {"code": "rc-hub", "name": "荣成市社会治理服务中心"}
    assert events[0]["data"]["category"] == "c-cj-dl-ph"
    assert events[3]["data"]["result"] == "solved" and events[3]["detail"] == "已解决"
    assert "住建承办人" in events[3]["who"]


def test_merge_history_names_the_parent_by_number(w, as_user):
    child = w.merged()
    events = as_user(w.dispatcher).get(f"/orders/{child.number}/events").json()
    merge = events[-1]
    assert merge["action"] == "merge" and "parent" not in merge["data"]
    assert merge["data"]["parent_number"] == child.parent.number


def test_history_of_an_invisible_order_is_404(w, as_user):
    order = w.dispatched()
    assert as_user(w.handler_c).get(f"/orders/{order.number}/events").status_code == 404
