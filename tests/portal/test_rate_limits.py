"""Rate limits per IP and per phone, counted in the database."""

from __future__ import annotations

from django.test import Client
from pytest_django.fixtures import Settings

from civicdesk.orders.models import WorkOrder
from civicdesk.portal import limits
from civicdesk.portal.models import Hit
from tests.portal.helpers import submit, text
from tests.world import World


def test_one_ip_may_submit_only_so_often(w: World, settings: Settings) -> None:
    settings.CIVICDESK_PORTAL_SUBMITS_PER_IP_HOUR = 2
    client = Client()
    assert submit(client, w, citizen_phone="13900000001").status_code == 302
    assert submit(client, w, citizen_phone="13900000002").status_code == 302
    refused = submit(client, w, citizen_phone="13900000003")
    assert refused.status_code == 429
    html = text(refused)
    assert "每小时最多提交 2 件" in html
    assert "路灯不亮已经一周" in html  # what was typed stays
    assert WorkOrder.objects.count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert submit(other, w, citizen_phone="13900000004").status_code == 302


def test_one_phone_may_submit_only_so_often_from_anywhere(w: World, settings: Settings) -> None:
    settings.CIVICDESK_PORTAL_SUBMITS_PER_PHONE_DAY = 1
    assert submit(Client(REMOTE_ADDR="10.0.0.1"), w).status_code == 302
    refused = submit(Client(REMOTE_ADDR="10.0.0.2"), w)
    assert refused.status_code == 429
    assert "这个号码今天已提交 1 件诉求" in text(refused)
    assert WorkOrder.objects.count() == 1


def test_the_counts_are_rows_in_the_database_without_the_raw_keys(w: World) -> None:
    submit(Client(), w)
    hits = list(Hit.objects.values_list("scope", "key_hash"))
    assert {scope for scope, _ in hits} == {"captcha_ip", "submit_ip", "submit_phone"}
    assert all("13912345678" not in key and "127.0.0.1" not in key for _, key in hits)


def test_the_window_slides(w: World, settings: Settings) -> None:
    import time_machine
    from django.utils import timezone

    settings.CIVICDESK_PORTAL_SUBMITS_PER_IP_HOUR = 1
    client = Client()
    assert submit(client, w, citizen_phone="13900000001").status_code == 302
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=61)):
        assert submit(client, w, citizen_phone="13900000002").status_code == 302


def test_forwarded_for_counts_only_behind_a_trusted_proxy(settings: Settings, rf: object) -> None:
    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2", REMOTE_ADDR="10.0.0.1")
    assert limits.client_ip(request) == "10.0.0.1"
    settings.CIVICDESK_TRUSTED_PROXY_HOPS = 1
    assert limits.client_ip(request) == "2.2.2.2"


def test_old_hits_are_cleaned_up(w: World) -> None:
    import time_machine
    from django.utils import timezone

    submit(Client(), w)
    assert Hit.objects.count() == 3  # the question drawn, the submission by IP and by phone
    with time_machine.travel(timezone.now() + timezone.timedelta(days=3)):
        assert limits.forget_old() >= 2
    assert not Hit.objects.exists()
