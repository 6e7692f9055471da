"""Where portal requests go: to a hub where a person dispatches them. An Open311 client's
service account holds the operator role at its hub, but never makes that hub "staffed"; a
configured hub that nobody dispatches at is refused when the server starts."""

from __future__ import annotations

import pytest
from django.core.checks import Error, Warning, run_checks
from django.test import Client
from pytest_django.fixtures import Settings

from civicdesk.open311.keys import create_client
from civicdesk.orders import queues
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, UnitKind, User
from civicdesk.portal import service
from tests.portal.helpers import form_data, open_submit
from tests.world import World

pytestmark = pytest.mark.django_db

ANSWER = "test-pass"


@pytest.fixture
def upstream(w: World, settings: Settings) -> OrgUnit:
    """A provincial hotline above the city whose only member is an Open311 client's account."""
    settings.CIVICDESK_PORTAL_CAPTCHA_TEST_ANSWER = ANSWER
    settings.CIVICDESK_PORTAL_HUB = ""
    hotline = OrgUnit.objects.create(name="省12345热线", code="prov-12345", kind=UnitKind.CENTER, is_hub=True)
    city = w.hub.parent
    assert city is not None
    city.parent = hotline
    city.save()
    create_client("省政务服务平台", hotline)
    return hotline


def _submit_from_the_portal(w: World) -> WorkOrder:
    client = Client()
    key = open_submit(client)
    response = client.post("/portal/submit", {**form_data(w), "captcha_key": key, "captcha_answer": ANSWER})
    assert response.status_code == 302, response.content.decode()[:2000]
    return WorkOrder.objects.get()


def test_a_portal_request_reaches_the_hub_with_a_dispatcher(w: World, upstream: OrgUnit) -> None:
    order = _submit_from_the_portal(w)
    assert order.hub_id == w.hub.pk
    assert order in queues.pending_dispatch(w.dispatcher)


def test_service_accounts_are_marked_and_never_count_as_staff(w: World, upstream: OrgUnit) -> None:
    service_account = User.objects.get(open311_client__isnull=False)
    assert service_account.is_service
    _submit_from_the_portal(w)
    assert User.objects.get(username=service.ACCOUNT).is_service
    assert service.hub_problem() is None


def test_without_any_dispatcher_the_portal_says_it_is_closed(w: World, upstream: OrgUnit) -> None:
    w.dispatcher.is_active = False
    w.dispatcher.save(update_fields=["is_active"])
    # What `civicdesk check` would show: the warnings the settings silence are left out.
    shown = [m.id for m in run_checks(databases=["default"]) if isinstance(m, Warning) and not m.is_silenced()]
    assert shown == ["portal.W001"]
    client = Client()
    key = open_submit(client)
    response = client.post("/portal/submit", {**form_data(w), "captcha_key": key, "captcha_answer": ANSWER})
    assert response.status_code == 503
    assert "网上受理暂未开通" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_a_configured_hub_without_a_dispatcher_stops_the_start(w: World, upstream: OrgUnit, settings: Settings) -> None:
    settings.CIVICDESK_PORTAL_HUB = upstream.code
    errors = [m for m in run_checks(databases=["default"]) if isinstance(m, Error)]
    assert [e.id for e in errors] == ["portal.E001"]
    assert "prov-12345" in errors[0].msg and "派单员" in errors[0].msg
    settings.CIVICDESK_PORTAL_HUB = "no-such-hub"
    assert [m.id for m in run_checks(databases=["default"]) if isinstance(m, Error)] == ["portal.E001"]
    settings.CIVICDESK_PORTAL_HUB = w.hub.code
    assert not [m for m in run_checks(databases=["default"]) if isinstance(m, Error)]
