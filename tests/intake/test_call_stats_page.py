"""话务统计: the leader reads the day's call measures by hour, operator and queue from the
rollups, opens a number into its calls, and sees only their own hub's calls."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from civicdesk.intake.callmeasures import rebuild
from civicdesk.org.models import OrgUnit, Role
from tests.intake.calls_helpers import D
from tests.world import World

pytestmark = pytest.mark.django_db

URL = reverse("intake:call_stats")


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_leader_reads_the_day_and_opens_a_number(day: World) -> None:
    rebuild()
    page = _client(day.leader).get(URL, {"first": D.isoformat(), "last": D.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "话务统计" in html and "接通率" in html and "60.00%" in html  # 3 of 5 answered
    assert "09:00–09:59" in html and "23:00–23:59" in html  # the call arriving 23:59:50 is the first day's
    assert "普通话" in html and "企业专席" in html
    assert "派单员老张" in html  # the dispatcher who answered the transferred call
    assert "数据截至" in html

    drill = _client(day.leader).get(
        reverse("intake:call_drill"), {"code": "abandoned", "first": D.isoformat(), "last": D.isoformat()}
    )
    text = drill.content.decode()
    assert drill.status_code == 200
    assert ">B<" in text and ">D<" in text and ">A<" not in text
    assert "137****9999" in text and "13700009999" not in text  # numbers masked in the list


def test_the_dashboard_links_to_it(day: World) -> None:
    assert URL in _client(day.leader).get(reverse("statistics:dashboard")).content.decode()


def test_a_lower_hub_sees_only_its_calls_and_not_the_upper_hubs(day: World) -> None:
    lower = OrgUnit.objects.create(name="下级中心", code="lower-hub", parent=day.hub, is_hub=True)
    lower_leader = day.person("lower-leader", "下级主任", (lower, Role.LEADER))
    rebuild()
    page = _client(lower_leader).get(URL, {"first": D.isoformat(), "last": D.isoformat()})
    assert page.status_code == 200 and "普通话" not in page.content.decode()
    assert _client(lower_leader).get(URL, {"hub": day.hub.pk}).status_code == 403
    assert _client(day.operator).get(URL).status_code == 403


def test_bad_dates_are_refused_in_the_readers_language(day: World) -> None:
    client = _client(day.leader)
    page = client.get(URL, {"first": "2026-13-01"})
    assert page.status_code == 400 and "日期格式应为 YYYY-MM-DD。" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(URL, {"first": "2026-03-05", "last": "2026-03-01"})
    assert english.status_code == 400 and "The start date cannot be after the end date." in english.content.decode()
    assert "Answer rate" in client.get(URL).content.decode()
