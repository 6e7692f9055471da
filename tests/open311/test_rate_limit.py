from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from civicdesk.orders.models import WorkOrder
from tests.open311.conftest import Api
from tests.open311.helpers import errors_of
from tests.world import World

FIELDS = {"service_code": "c-hj-zs", "address_string": "北山社区"}


def test_a_client_over_its_rate_gets_429_until_the_minute_passes(w: World, api: Api) -> None:
    api.client.rate_per_minute = 2
    api.client.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert api.post(**FIELDS).status_code == 200
        assert api.post(**FIELDS).status_code == 200
        [error] = errors_of(api.post(**FIELDS), 429)
        assert "2" in error["description"]
        errors_of(api.post("xml", **FIELDS), 429)
    assert WorkOrder.objects.count() == 2
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert api.post(**FIELDS).status_code == 200


def test_each_client_has_its_own_budget(w: World, api: Api) -> None:
    from civicdesk.open311.keys import create_client

    api.client.rate_per_minute = 1
    api.client.save()
    _other, other_key = create_client("other", w.hub, rate_per_minute=1)
    assert api.post(**FIELDS).status_code == 200
    errors_of(api.post(**FIELDS), 429)
    assert api.post(**FIELDS, api_key=other_key).status_code == 200
