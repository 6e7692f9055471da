"""The statistics dashboard shows the headline call figures beside the order measures: the
hand-worked day's calls (tests/intake/conftest.py) from the rollups, with the day before for
comparison, each number opening the calls behind it, within the reader's hub subtree, and
read in one query whatever the number of figures and periods."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from civicdesk.intake.callmeasures import CallFilters, Days, figures, figures_by_period, rebuild
from civicdesk.org.models import OrgUnit, Role
from tests.intake.calls_helpers import NEXT, D, at, call
from tests.world import World

pytestmark = pytest.mark.django_db

API = "/stats/api/dashboard/"


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _calls(body: dict) -> dict[str, dict]:
    section = next(s for s in body["sections"] if s["key"] == "calls")
    return {f["code"]: f for f in section["figures"]}


def test_the_days_call_figures_with_the_day_before(day: World) -> None:
    rebuild()
    client = _client(day.leader)
    first = _calls(client.get(API, {"period": "day", "date": D.isoformat()}).json())
    assert list(first) == ["offered", "answer_rate", "answered_15s", "abandoned", "avg_wait", "callback_rate"]
    # A–E arrive on the first day (E at 23:59:50, answered after midnight); A, C, E answered
    # after 12, 40 and 15 s; B and D abandoned, D called back.
    assert first["offered"]["numerator"] == 5
    assert first["answer_rate"]["display"] == "60.00%"
    assert first["answered_15s"]["value"] == pytest.approx(2 / 5)
    assert first["abandoned"]["numerator"] == 2
    assert first["avg_wait"]["value"] == pytest.approx((12 + 40 + 15) / 3)
    assert first["avg_wait"]["display"] == "22.3 秒"
    assert first["callback_rate"]["display"] == "50.00%"
    assert first["offered"]["definition"].startswith("统计期内呼入本中心")
    second = _calls(client.get(API, {"period": "day", "date": NEXT.isoformat()}).json())
    assert second["offered"]["numerator"] == 1  # F
    assert second["offered"]["previous"]["numerator"] == 5
    assert second["answer_rate"]["previous"]["display"] == "60.00%"


def test_a_number_opens_the_calls_behind_it(day: World) -> None:
    rebuild()
    client = _client(day.leader)
    figures_ = _calls(client.get(API, {"period": "day", "date": D.isoformat()}).json())
    page = client.get(figures_["abandoned"]["drill"])
    assert page.status_code == 200
    html = page.content.decode()
    assert ">B<" in html and ">D<" in html and ">A<" not in html
    answered = client.get(figures_["answer_rate"]["drill"]).content.decode()
    assert ">A<" in answered and ">C<" in answered and ">E<" in answered and ">B<" not in answered


def test_each_reader_sees_the_calls_of_their_hub_subtree(day: World) -> None:
    lower = OrgUnit.objects.create(name="下级中心", code="lower-hub", parent=day.hub, is_hub=True)
    lower_cti = day.person("cti-lower", "下级呼叫系统", (lower, Role.OPERATOR))
    lower_cti.set_unusable_password()
    lower_cti.save()
    lower_leader = day.person("lower-leader", "下级主任", (lower, Role.LEADER))
    call(lower_cti, "L", ("queued", at(D, "11:00:00"), ""), ("hung_up", at(D, "11:00:02"), ""))
    rebuild()
    query = {"period": "day", "date": D.isoformat()}
    upper = _calls(_client(day.leader).get(API, query).json())
    assert upper["offered"]["numerator"] == 6 and upper["abandoned"]["numerator"] == 3
    narrowed = _calls(_client(day.leader).get(API, {**query, "hub": str(lower.pk)}).json())
    assert narrowed["offered"]["numerator"] == 1
    own = _calls(_client(lower_leader).get(API, query).json())
    assert own["offered"]["numerator"] == 1 and own["abandoned"]["numerator"] == 1
    assert ">L<" in _client(lower_leader).get(own["abandoned"]["drill"]).content.decode()
    refused = _client(lower_leader).get(API, {**query, "hub": str(day.hub.pk)})
    assert refused.status_code == 400 and "hub" in refused.json()["errors"]  # the upper hub: outside the scope


def test_the_periods_summed_at_once_equal_each_period_summed_alone(day: World) -> None:
    rebuild()
    periods = [Days(D, D), Days(NEXT, NEXT), Days(dt.date(2026, 3, 1), dt.date(2026, 3, 31))]
    together = figures_by_period(periods, CallFilters(hub=day.hub))
    for days, figs in zip(periods, together, strict=True):
        alone = figures(days, CallFilters(hub=day.hub), live=True)[None]
        for code, figure in figs.items():
            assert (figure.value, figure.numerator, figure.denominator) == pytest.approx(
                (alone[code].value, alone[code].numerator, alone[code].denominator)
            ), (days, code)


def test_the_dashboard_reads_the_call_figures_in_one_query(day: World) -> None:
    rebuild()
    with CaptureQueriesContext(connection) as captured:
        response = _client(day.leader).get(API, {"period": "month", "date": D.isoformat()})
    assert response.status_code == 200
    assert len([q for q in captured.captured_queries if '"intake_callrollup"' in q["sql"]]) == 1
