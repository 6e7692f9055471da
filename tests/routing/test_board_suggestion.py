"""The dispatch board: with a model version active, each pending order shows the model's
top unit with its confidence and reason, and one click dispatches there."""

from __future__ import annotations

from civicdesk.orders.workflow import State
from tests.console_hub.helpers import bulk_post, client_for, fresh, row, text
from tests.routing.helpers import trained_world
from tests.world import World


def test_each_row_shows_the_model_suggestion_and_one_click_sends_it(w: World) -> None:
    _history, version = trained_world(w)
    uncategorised = w.pending(title="夜里施工噪音", content="工地夜间施工噪音扰民。", category=None, area=None)
    road = w.pending(category=w.cat_potholes, area=None)
    client = client_for(w.dispatcher)

    html = text(client.get("/orders/dispatch/"))

    noisy = row(html, "pending", uncategorised.number)
    cell = noisy.split('class="suggestion"')[1]
    assert w.dept_c.name in cell and "噪声污染" in cell  # the predicted category, since none was given
    assert "置信度" in cell and f"分派模型 v{version.number}" in cell
    assert f'name="suggested-{uncategorised.number}" value="{w.dept_c.pk}"' in noisy
    assert w.dept_a.name in row(html, "pending", road.number).split('class="suggestion"')[1]

    response = client.post(
        "/orders/dispatch/bulk/",
        bulk_post([uncategorised], accept=uncategorised.number, **{f"suggested-{uncategorised.number}": w.dept_c.pk}),
    )

    assert response.status_code == 200
    order = fresh(uncategorised)
    assert (order.state, order.lead_unit) == (State.DISPATCHED, w.dept_c)
