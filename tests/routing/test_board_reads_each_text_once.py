"""The dispatch board asks the dispatch model about each pending order's text once per model
version, not on every look (issue #20: reading fifty texts again was a sixth of the board's
CPU), and an order whose text changed is read again: its suggestion follows the new text."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from civicdesk.orders.models import WorkOrder
from civicdesk.routing.engine import DispatchModel
from tests.console_hub.helpers import client_for, row, text
from tests.routing.helpers import FOOD, trained_world
from tests.world import World


@pytest.fixture
def texts_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the model's classifier is given, in order."""
    read: list[str] = []
    original = DispatchModel.category_distributions

    def spy(self: DispatchModel, texts: Sequence[str], k: int = 5) -> list[list[tuple[int, float]]]:
        read.extend(texts)
        return original(self, texts, k)

    monkeypatch.setattr(DispatchModel, "category_distributions", spy)
    return read


def suggestion_cell(html: str, number: str) -> str:
    return row(html, "pending", number).split('class="suggestion"')[1]


def test_a_second_look_at_the_board_does_not_read_the_texts_again(w: World, texts_read: list[str]) -> None:
    trained_world(w)
    noisy = w.pending(title="夜里施工噪音", content="工地夜间施工噪音扰民。", category=None, area=None)
    client = client_for(w.dispatcher)

    first = text(client.get("/orders/dispatch/"))
    read_by_first = len(texts_read)
    second = text(client.get("/orders/dispatch/"))

    assert read_by_first >= 1 and any("夜间施工噪音" in t for t in texts_read)
    assert len(texts_read) == read_by_first  # nothing read again
    assert suggestion_cell(first, noisy.number) == suggestion_cell(second, noisy.number)
    assert w.dept_c.name in suggestion_cell(second, noisy.number)


def test_an_order_whose_text_changed_is_read_again_and_its_suggestion_follows(w: World, texts_read: list[str]) -> None:
    trained_world(w)
    order = w.pending(title="夜里施工噪音", content="工地夜间施工噪音扰民。", category=None, area=None)
    client = client_for(w.dispatcher)
    assert w.dept_c.name in suggestion_cell(text(client.get("/orders/dispatch/")), order.number)

    # The operator corrects the text: it was about food, not noise.
    title, content = FOOD[1]
    WorkOrder.objects.filter(pk=order.pk).update(title=title, content=content)
    html = text(client.get("/orders/dispatch/"))

    assert any("过期" in t for t in texts_read)
    cell = suggestion_cell(html, order.number)
    assert w.dept_b.name in cell and w.dept_c.name not in cell
