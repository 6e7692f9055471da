"""An admin edits a time limit in the type × urgency table; resolve_limit follows at once."""

from __future__ import annotations

from civicdesk.lib.worktime import LimitUnit
from civicdesk.worktime.limits import Limit, resolve_limit
from civicdesk.worktime.models import TimeLimitPolicy
from tests.console_units.helpers import client_for, field_errors, text
from tests.world import World


def test_it_changes_resolve_limit_at_once(w: World) -> None:
    policy = TimeLimitPolicy.objects.create(
        stage="handle", request_type="complaint", urgency="normal", amount=15, unit=LimitUnit.WORKING_DAYS.value
    )
    assert resolve_limit("handle", "complaint", "normal", None) == Limit(15, LimitUnit.WORKING_DAYS)  # now cached
    client = client_for(w.admin)
    table = text(client.get("/manage/worktime/limits/?stage=handle"))
    assert f'href="/manage/worktime/limits/{policy.pk}/"' in table

    response = client.post(
        f"/manage/worktime/limits/{policy.pk}/",
        {
            "stage": "handle",
            "request_type": "complaint",
            "urgency": "normal",
            "category": "",
            "amount": "12",
            "unit": "working_days",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/manage/worktime/limits/?stage=handle"
    assert resolve_limit("handle", "complaint", "normal", None) == Limit(12, LimitUnit.WORKING_DAYS)
    assert resolve_limit("handle", "complaint", "normal", w.cat_potholes) == Limit(12, LimitUnit.WORKING_DAYS)


def test_it_adds_a_category_override_from_the_table(w: World) -> None:
    client = client_for(w.admin)
    assert resolve_limit("handle", "help", "normal", w.cat_potholes) == Limit(10, LimitUnit.WORKING_DAYS)
    page = text(client.get("/manage/worktime/limits/new/?stage=handle&request_type=help&urgency=normal"))
    assert 'name="amount" value="10.0"' in page or 'value="10"' in page

    response = client.post(
        "/manage/worktime/limits/new/",
        {
            "stage": "handle",
            "request_type": "help",
            "urgency": "",
            "category": w.cat_roads.pk,
            "amount": "5",
            "unit": "working_days",
        },
    )

    assert response.status_code == 302
    assert resolve_limit("handle", "help", "normal", w.cat_potholes) == Limit(5, LimitUnit.WORKING_DAYS)
    assert resolve_limit("handle", "help", "normal", w.cat_noise) == Limit(10, LimitUnit.WORKING_DAYS)
    assert "城乡建设 / 市政道路" in text(client.get("/manage/worktime/limits/?stage=handle"))


def test_it_names_a_bad_amount_and_a_duplicate_next_to_the_field(w: World) -> None:
    TimeLimitPolicy.objects.create(stage="sign", request_type="", urgency="normal", amount=2, unit="working_hours")
    client = client_for(w.admin)

    response = client.post(
        "/manage/worktime/limits/new/",
        {
            "stage": "sign",
            "request_type": "",
            "urgency": "normal",
            "category": "",
            "amount": "0",
            "unit": "working_hours",
        },
    )
    assert response.status_code == 400
    html = text(response)
    assert field_errors(html, "id_amount") == ["时长须大于 0。"]
    assert field_errors(html, "id_stage") == ["同一环节、诉求类型、紧急程度和分类已有一条时限规则，请直接修改那一条。"]

    too_long = client.post(
        "/manage/worktime/limits/new/",
        {"stage": "handle", "request_type": "", "urgency": "", "category": "", "amount": "150", "unit": "working_days"},
    )
    assert field_errors(text(too_long), "id_amount") == ["时长过长（最多 60），请检查单位是否选对。"]
    assert TimeLimitPolicy.objects.count() == 1
