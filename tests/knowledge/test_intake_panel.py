"""The operator's intake page: answer suggestions while typing, one click to use one, and the
order closed on the call records the article (counted on the article and in 直接答复率)."""

from __future__ import annotations

import re

import pytest

from civicdesk.knowledge.usage import answered_on_call_rate, use_counts
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from tests.console.test_intake_page import typed
from tests.knowledge.helpers import FUND, HEATING, draft, published

pytestmark = pytest.mark.django_db


def test_the_intake_page_carries_the_panel_and_its_script(w, client):
    client.force_login(w.operator)
    page = client.get("/intake/new").content.decode()
    assert 'id="kb-answers"' in page and "/knowledge/intake-answers/" in page
    assert "knowledge/intake.js" in page
    # The panel sits inside the form, so the chosen articles are posted with it.
    start = page.index('id="intake-form"')
    form = page[start : page.index("</form>", start)]
    assert 'id="kb-used"' in form


def test_suggestions_follow_what_the_operator_types(w, client):
    heating = published(w, *HEATING)
    draft(w, "暖气报停办理", "报停需在10月31日前办理。")
    client.force_login(w.operator)
    query = {"title": "暖气不热", "content": "家里暖气一直不热"}
    html = client.post("/knowledge/intake-answers/", query).content.decode()
    assert HEATING[0] in html and f'data-article="{heating.pk}"' in html
    assert "暖气报停办理" not in html  # drafts are not answers yet
    assert "没有找到" in client.post("/knowledge/intake-answers/", {"title": "噪声扰民"}).content.decode()


def test_only_intake_staff_get_suggestions(w, client):
    client.force_login(w.handler_a)
    assert client.post("/knowledge/intake-answers/", {"title": "暖气"}).status_code == 403


def test_closing_on_the_call_records_the_articles_used(w, client):
    heating = published(w, *HEATING)
    fund = published(w, *FUND)
    client.force_login(w.operator)
    response = client.post(
        "/intake/new", {**typed(w, intent="answer", answer=heating.answer), "article": [str(heating.pk), "junk"]}
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.state == State.ANSWERED
    event = OrderEvent.objects.get(order=order, action="answer")
    assert event.data["articles"] == [heating.pk]
    assert use_counts([heating.pk, fund.pk]) == {heating.pk: 1}
    page = client.get(f"/knowledge/{heating.pk}/").content.decode()
    assert re.search(r'id="use-count">1<', page)
    rate = answered_on_call_rate()
    assert rate.numerator == 1 and rate.denominator == 1
    assert "100.00%" in client.get("/knowledge/").content.decode()


def test_a_refused_post_keeps_the_chosen_articles(w, client):
    heating = published(w, *HEATING)
    client.force_login(w.operator)
    response = client.post(
        "/intake/new", {**typed(w, intent="answer", answer="", title=""), "article": [str(heating.pk)]}
    )
    assert response.status_code == 400
    assert f'<input type="hidden" name="article" value="{heating.pk}">' in response.content.decode()
