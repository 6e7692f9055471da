"""The order page's dispatch form starts from the unit the dispatch board would suggest (the
routing suggestion, else the dispatch catalogue), and says why; the dispatcher may change it."""

from __future__ import annotations

import re

import pytest

from civicdesk.catalogue.models import DispatchRule
from civicdesk.orders.workflow import State
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def _lead_select(page: str) -> str:
    match = re.search(r'<select[^>]*name="dispatch-lead_unit".*?</select>', page, re.S)
    assert match, "no dispatch form"
    return match.group(0)


def test_the_dispatch_form_preselects_the_suggested_unit(w: World) -> None:
    order = w.pending()  # 路面破损 in 崖头街道: the catalogue's rule for 市政道路 names dept_a
    page = text(client_for(w.dispatcher).get(f"/orders/{order.number}/"))
    select = _lead_select(page)
    assert re.search(rf'<option value="{w.dept_a.pk}"[^>]*selected', select)
    assert len(re.findall(r"selected", select)) == 1
    suggestion = page[page.index('id="dispatch-suggestion"') :][:400]
    assert w.dept_a.name in suggestion


def test_the_dispatcher_may_choose_another_unit(w: World) -> None:
    order = w.pending()
    client = client_for(w.dispatcher)
    response = client.post(
        f"/orders/{order.number}/act/dispatch/",
        {"dispatch-version": order.version, "dispatch-lead_unit": w.dept_b.pk},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.DISPATCHED and order.lead_unit == w.dept_b


def test_nothing_is_preselected_without_a_suggestion(w: World) -> None:
    order = w.pending(category=None, area=None)
    DispatchRule.objects.all().delete()  # the fallback rule would suggest the town
    page = text(client_for(w.dispatcher).get(f"/orders/{order.number}/"))
    assert "selected" not in _lead_select(page).replace('value="" selected', "")
    assert 'id="dispatch-suggestion"' not in page
