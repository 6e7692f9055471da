"""Every add form of the Django admin, posted empty (or with nothing but defaults), answers
with the form again or a refusal — never a server error. A RatingLink posted empty gave a 500."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from civicdesk.org.models import User

MODELS = sorted(f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry)


@pytest.fixture
def superuser_client(db: None) -> Client:
    user = User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("label", MODELS)
def test_an_empty_add_form_is_no_server_error(superuser_client: Client, label: str) -> None:
    app, model = label.split(".")
    url = reverse(f"admin:{app}_{model}_add")
    page = superuser_client.get(url)
    assert page.status_code in (200, 403), (label, page.status_code)
    response = superuser_client.post(url, {})
    assert response.status_code < 500, (label, response.status_code)
    if page.status_code == 200 and response.status_code == 302:
        pytest.fail(f"{label}: an empty form was saved")  # only possible for a model without required fields
