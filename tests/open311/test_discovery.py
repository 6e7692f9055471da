from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.test import Client

from tests.open311.helpers import assert_same
from tests.world import World


def test_it_describes_the_endpoint_in_json_and_xml(w: World, client: Client) -> None:
    response = client.get("/open311/discovery.json")
    assert response.status_code == 200
    body = json.loads(response.content)
    [endpoint] = body["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert w.hub.name in body["contact"]

    xml = client.get("/open311/discovery.xml")
    assert xml["Content-Type"].startswith("text/xml")
    root = ET.fromstring(xml.content)
    assert root.tag == "discovery"
    assert_same(body, root)
