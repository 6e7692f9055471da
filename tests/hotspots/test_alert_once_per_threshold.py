"""Early warning: a hotspot that appears, or reaches a size, alerts the hub's dispatchers and
leaders (inbox, and SMS when configured) once per hotspot and threshold."""

from __future__ import annotations

import pytest

from civicdesk.hotspots import alerts
from civicdesk.hotspots.models import Alert, Event, Hotspot
from civicdesk.notifications.models import Medium, OutboxMessage
from tests.hotspots.helpers import call_in
from tests.world import World

pytestmark = pytest.mark.django_db


def _alerts() -> list[tuple[str, int | None]]:
    return sorted(
        OutboxMessage.objects.filter(template=alerts.TEMPLATE, medium=Medium.INBOX).values_list("text", "user_id"),
        key=str,
    )


def test_a_new_hotspot_alerts_dispatcher_and_leader_once(
    w: World, django_capture_on_commit_callbacks, settings
) -> None:
    settings.CIVICDESK_HOTSPOT_ALERT_SIZES = [5]
    settings.CIVICDESK_HOTSPOT_ALERT_GROWTH = 100
    call_in(w, django_capture_on_commit_callbacks, 2)
    assert not _alerts()  # two orders are not yet a hotspot
    call_in(w, django_capture_on_commit_callbacks, 3)  # the first two again are new calls: 5 orders
    hotspot = Hotspot.objects.get()
    assert set(Alert.objects.filter(hotspot=hotspot).values_list("threshold", flat=True)) == {"new", "size:5"}
    new_alerts = [t for t, _u in _alerts() if "发现新热点" in t]
    assert {u for t, u in _alerts() if "发现新热点" in t} == {w.dispatcher.pk, w.leader.pk}
    assert len(new_alerts) == 2  # one each, although the hotspot grew twice after appearing
    assert w.operator.pk not in {u for _t, u in _alerts()}
    assert Event.objects.filter(hotspot=hotspot, action="alert").count() == 2
    # Checking again (the sweep, another order) sends nothing more.
    assert alerts.check(hotspot) == []
    assert len(_alerts()) == 4


def test_sms_goes_out_only_when_configured(w: World, django_capture_on_commit_callbacks, settings) -> None:
    w.dispatcher.phone = "13912345678"
    w.dispatcher.save()
    settings.CIVICDESK_HOTSPOT_ALERT_SMS = False
    settings.CIVICDESK_HOTSPOT_ALERT_GROWTH = 100
    call_in(w, django_capture_on_commit_callbacks, 3)
    assert not OutboxMessage.objects.filter(template=alerts.TEMPLATE, medium=Medium.SMS).exists()
    settings.CIVICDESK_HOTSPOT_ALERT_SMS = True
    settings.CIVICDESK_HOTSPOT_ALERT_SIZES = [4]
    call_in(w, django_capture_on_commit_callbacks, 4)
    sms = OutboxMessage.objects.filter(template=alerts.TEMPLATE, medium=Medium.SMS)
    assert list(sms.values_list("address", flat=True)) == ["13912345678"]


def test_a_dismissed_hotspot_stays_quiet(w: World, django_capture_on_commit_callbacks, settings) -> None:
    settings.CIVICDESK_HOTSPOT_ALERT_SIZES = [4]
    settings.CIVICDESK_HOTSPOT_ALERT_GROWTH = 4
    call_in(w, django_capture_on_commit_callbacks, 3)
    hotspot = Hotspot.objects.get()
    hotspot.status = "dismissed"
    hotspot.save()
    call_in(w, django_capture_on_commit_callbacks, 2)
    assert hotspot.order_count == 3 and Hotspot.objects.get().order_count == 5
    assert set(Alert.objects.values_list("threshold", flat=True)) == {"new"}


def test_a_fast_growing_hotspot_alerts_once(w: World, django_capture_on_commit_callbacks, settings) -> None:
    settings.CIVICDESK_HOTSPOT_ALERT_SIZES = [100]
    settings.CIVICDESK_HOTSPOT_ALERT_GROWTH = 4
    call_in(w, django_capture_on_commit_callbacks, 4)
    call_in(w, django_capture_on_commit_callbacks, 2)
    assert Alert.objects.filter(threshold="growth:4").count() == 1
    growth = [t for t, _u in _alerts() if "快速增长" in t]
    assert len(growth) == 2 and "近7日增加4件" in growth[0]
