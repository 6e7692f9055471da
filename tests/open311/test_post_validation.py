from __future__ import annotations

from typing import Any

import pytest

from civicdesk.open311.models import ServiceAttribute
from civicdesk.orders.models import WorkOrder
from tests.open311.conftest import Api
from tests.open311.helpers import errors_of
from tests.world import World

OK: dict[str, Any] = {"service_code": "c-cj-dl-ph", "address_string": "人民路", "attribute[size]": "small"}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"service_code": ""}, "service_code"),
        ({"service_code": "nope"}, "nope"),
        ({"service_code": "c-cj"}, "c-cj"),
        ({"address_string": ""}, "位置"),
        ({"lat": "37.1"}, "lat"),
        ({"lat": "north", "long": "122.4"}, "lat"),
        ({"lat": "137.1", "long": "122.4"}, "经纬度"),
        ({"lat": "1e400", "long": "122.4"}, "lat"),
        ({"address_id": "no-such-area"}, "address_id"),
        ({"attribute[size]": ""}, "size"),
        ({"attribute[size]": "huge"}, "size"),
        ({"attribute[depth]": "deep"}, "depth"),
        ({"attribute[seen_at]": "yesterday"}, "seen_at"),
        ({"attribute[hazards][]": ["water", "fire"]}, "fire"),
        ({"attribute[colour]": "red"}, "colour"),
        ({"media_url": "not a url"}, "media_url"),
        ({"email": "nobody"}, "email"),
        ({"phone": "call me"}, "电话"),
        ({"description": "长" * 4001}, "description"),
    ],
)
def test_bad_input_is_a_400_list(
    w: World, api: Api, attributes: list[ServiceAttribute], change: dict[str, Any], says: str
) -> None:
    fields = {**OK, **change}
    for fmt in ("json", "xml"):
        [error] = errors_of(api.post(fmt, **fields), 400)
        assert says in error["description"]
    assert not WorkOrder.objects.exists()


def test_a_valid_multi_value_list_is_taken(w: World, api: Api, attributes: list[ServiceAttribute]) -> None:
    response = api.post(**OK, **{"attribute[hazards][]": ["water", "night"]})
    assert response.status_code == 200, response.content


def test_an_unknown_jurisdiction_is_404(w: World, api: Api) -> None:
    errors_of(api.post(**OK, jurisdiction_id="elsewhere"), 404)
