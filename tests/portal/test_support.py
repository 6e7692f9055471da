"""+1 / 附议 on the portal: a caller verified by tracking their own order sees the other open,
public orders of their area and may say each affects them too — once per phone per order."""

from __future__ import annotations

from django.test import Client, override_settings

from civicdesk.orders.models import WorkOrder
from tests.portal.helpers import text, track
from tests.world import World

MINE = "13912340000"


def _mine(w: World) -> WorkOrder:
    return w.signed(citizen_phone=MINE, area=w.area_town)


def test_neighbours_orders_are_offered_and_counted_once_per_phone(w: World) -> None:
    theirs = w.dispatched(title="人民路路灯不亮", area=w.area_village)  # below my area
    mine = _mine(w)
    client = Client()
    track(client, mine.number, "0000")

    page = text(client.get(f"/portal/track/{mine.number}"))
    assert f'data-number="{theirs.number}"' in page and "人民路路灯不亮" in page
    assert "13800001234" not in page  # nothing personal of the other caller

    url = f"/portal/track/{mine.number}/support/{theirs.number}"
    first = client.post(url)
    assert "已附议" in text(client.get(first["Location"]))
    again = client.post(url)
    assert "每个号码只计一次" in text(client.get(again["Location"]))

    # Another browser with the same verified phone counts nothing more either.
    other = Client()
    track(other, mine.number, "0000")
    other.post(url)
    theirs.refresh_from_db()
    assert theirs.support_count == 1


def test_it_needs_the_tracking_check(w: World) -> None:
    theirs = w.dispatched()
    mine = _mine(w)
    response = Client().post(f"/portal/track/{mine.number}/support/{theirs.number}")
    assert "/portal/track" in response["Location"]
    theirs.refresh_from_db()
    assert theirs.support_count == 0


def test_only_public_open_orders_of_the_area(w: World) -> None:
    confidential = w.dispatched(confidential=True)
    closed = w.closed()
    mine = _mine(w)
    client = Client()
    track(client, mine.number, "0000")

    page = text(client.get(f"/portal/track/{mine.number}"))
    assert confidential.number not in page and closed.number not in page
    for target in (confidential, closed):
        client.post(f"/portal/track/{mine.number}/support/{target.number}")
        target.refresh_from_db()
        assert target.support_count == 0


@override_settings(CIVICDESK_PORTAL_SUPPORTS_PER_IP_HOUR=2)
def test_one_address_is_limited(w: World) -> None:
    targets = [w.dispatched() for _ in range(3)]
    mine = _mine(w)
    client = Client()
    track(client, mine.number, "0000")
    for target in targets:
        client.post(f"/portal/track/{mine.number}/support/{target.number}")
    assert sum(WorkOrder.objects.get(pk=t.pk).support_count for t in targets) == 2


def test_staff_see_the_count_on_the_order_page(w: World) -> None:
    theirs = w.dispatched()
    mine = _mine(w)
    client = Client()
    track(client, mine.number, "0000")
    client.post(f"/portal/track/{mine.number}/support/{theirs.number}")

    staff = Client()
    staff.force_login(w.dispatcher)
    html = text(staff.get(f"/orders/{theirs.number}/"))
    assert 'id="support-count">1<' in html
