from __future__ import annotations

from django.test import Client

from civicdesk.orders import actions
from tests.open311.helpers import both, get_json, get_xml, validate
from tests.world import World


def test_without_extensions_the_body_is_the_plain_standard(w: World, client: Client) -> None:
    order = w.signed()
    [body] = get_json(client, f"/requests/{order.number}")
    assert not {"notes", "channel", "duplicate", "parent_service_request_id"} & set(body)


def test_notes_tell_the_public_history_without_internal_moves_or_people(w: World, client: Client) -> None:
    order = w.return_requested()
    order = actions.refuse_return(order, actor=w.dispatcher, reason="属本单位职责，请继续办理。")
    order = actions.supervise(order, actor=w.supervisor, note="请加快办理")
    [body] = both(client, f"/requests/{order.number}", extensions="true")
    validate(body, "request.json")
    assert body["channel"] == "phone"
    assert body["duplicate"] is None and body["parent_service_request_id"] is None
    assert [n["description"] for n in body["notes"]] == [
        "诉求已受理",
        "已派至市住房和城乡建设局办理",
        "承办单位已签收，正在办理",
    ]
    assert {n["status"] for n in body["notes"]} == {"open"}
    text = str(body)
    for private in (
        "属本单位职责",
        "请加快办理",
        "不属本单位职责",
        w.dispatcher.display_name,
        w.handler_a.display_name,
        w.supervisor.display_name,
        w.operator.display_name,
    ):
        assert private not in text


def test_a_merged_order_names_its_parent(w: World, client: Client) -> None:
    child = w.merged()
    assert child.parent is not None
    [body] = both(client, f"/requests/{child.number}", extensions="true")
    assert body["status"] == "closed"
    assert body["duplicate"] == child.parent.number
    assert body["parent_service_request_id"] == child.parent.number
    assert child.parent.number in body["notes"][-1]["description"]


def test_the_list_takes_extensions_too_and_xml_nests_the_notes(w: World, client: Client) -> None:
    order = w.closed()
    body = both(client, "/requests", extensions="true")
    assert body[0]["notes"][-1] == {
        "datetime": body[0]["updated_datetime"],
        "description": "已回访，办结",
        "status": "closed",
    }
    root = get_xml(client, "/requests", extensions="true")
    notes = root.findall("request/notes/note")
    assert [n.findtext("description") for n in notes] == [n["description"] for n in body[0]["notes"]]
    assert order.number == body[0]["service_request_id"]
