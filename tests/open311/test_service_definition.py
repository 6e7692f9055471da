from __future__ import annotations

from django.test import Client

from civicdesk.open311.models import ServiceAttribute
from tests.open311.helpers import BASE, both, errors_of, get_xml, validate
from tests.world import World


def test_it_lists_the_attributes_in_order(w: World, client: Client, attributes: list[ServiceAttribute]) -> None:
    body = both(client, "/services/c-cj-dl-ph")
    validate(body, "service-definition.json")
    assert body["service_code"] == "c-cj-dl-ph"
    assert [a["code"] for a in body["attributes"]] == ["size", "depth", "hazards", "seen_at", "note"]
    size = body["attributes"][0]
    assert size["datatype"] == "singlevaluelist" and size["required"] is True and size["variable"] is True
    assert size["values"] == [{"key": "small", "name": "一米以内"}, {"key": "large", "name": "一米以上"}]
    depth = body["attributes"][1]
    assert depth["datatype_description"] == "填写数字" and "values" not in depth
    assert body["attributes"][4]["variable"] is False


def test_it_nests_values_in_xml(w: World, client: Client, attributes: list[ServiceAttribute]) -> None:
    root = get_xml(client, "/services/c-cj-dl-ph")
    assert root.tag == "service_definition"
    keys = [v.findtext("key") for v in root.findall("attributes/attribute[code='size']/values/value")]
    assert keys == ["small", "large"]


def test_a_service_without_attributes_has_an_empty_list(w: World, client: Client) -> None:
    body = both(client, "/services/c-hj-zs")
    validate(body, "service-definition.json")
    assert body["attributes"] == []


def test_unknown_and_non_leaf_codes_are_404(w: World, client: Client) -> None:
    for code in ("nope", "c-cj", "c-cj-dl"):
        errors_of(client.get(f"{BASE}/services/{code}.json"), 404)
        errors_of(client.get(f"{BASE}/services/{code}.xml"), 404)
