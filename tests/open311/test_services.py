from __future__ import annotations

from django.test import Client

from civicdesk.catalogue.models import Category
from civicdesk.open311.models import ServiceAttribute
from tests.open311.helpers import both, get_xml, validate
from tests.world import World


def test_it_lists_leaf_categories_as_services(w: World, client: Client, attributes: list[ServiceAttribute]) -> None:
    w.cat_potholes.keywords = "坑洼 路面 破损"
    w.cat_potholes.save()
    body = both(client, "/services")
    validate(body, "services.json")
    by_code = {s["service_code"]: s for s in body}
    # Only the leaves: the level-1 and level-2 parents are groups, not services.
    assert set(by_code) == {"c-cj-dl-ph", "c-hj-zs"}
    potholes = by_code["c-cj-dl-ph"]
    assert potholes["service_name"] == "路面破损"
    assert potholes["group"] == "城乡建设"
    assert potholes["type"] == "realtime"
    assert potholes["metadata"] is True
    assert potholes["keywords"] == "坑洼, 路面, 破损"
    assert potholes["description"] == "城乡建设 / 市政道路 / 路面破损"
    noise = by_code["c-hj-zs"]
    assert noise["metadata"] is False and noise["group"] == "生态环境" and noise["keywords"] is None


def test_it_leaves_out_inactive_categories_and_their_children(w: World, client: Client) -> None:
    Category.objects.filter(pk=w.cat_roads.pk).update(active=False)
    body = both(client, "/services")
    assert [s["service_code"] for s in body] == ["c-hj-zs"]


def test_it_uses_the_standard_xml_element_names(w: World, client: Client) -> None:
    root = get_xml(client, "/services")
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    assert root.find("service/service_code") is not None
