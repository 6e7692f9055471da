"""Confidence in words: the board and the intake panel say 高 / 中 / 低 (the calibrated number on
hover), and when the model is unsure of its best unit they say 不确定 and list the candidates."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from civicdesk.routing import confidence
from tests.console_hub.helpers import client_for, row, text
from tests.routing.helpers import POTHOLES, closed_order, make_history, train, trained_world
from tests.world import World


@pytest.mark.parametrize(
    ("p", "word"), [(0.97, "高"), (0.8, "高"), (0.79, "中"), (0.5, "中"), (0.49, "低"), (0.0, "低")]
)
def test_bands_of_a_calibrated_probability(p: float, word: str) -> None:
    assert confidence.word(p) == word
    assert confidence.unsure(p) == (p < 0.5)


def test_the_board_shows_a_word_with_the_number_on_hover(w: World) -> None:
    _history, version = trained_world(w)
    clear = w.pending(
        title="路面坑洼积水", content="人民路路面坑洼积水，路面破损，请修复路面。", category=None, area=None
    )

    cell = row(text(client_for(w.dispatcher).get("/orders/dispatch/")), "pending", clear.number).split(
        'class="suggestion"'
    )[1]

    badge = re.search(
        r'<span class="badge confidence confidence-(\w+)[^"]*" data-confidence="([\d.]+)" '
        r'title="([^"]*)">置信度(.)</span>',
        cell,
    )
    assert badge is not None, cell
    level, number, hover, word = badge.groups()
    assert word == confidence.word(float(number)) and level == confidence.level(float(number))
    assert f"v{version.number}" in hover and number in hover


def test_an_unsure_suggestion_says_so_and_lists_candidates(w: World) -> None:
    # Road damage has ended at three different units: none is likely enough to name alone.
    history = make_history(w, rounds=3)
    moment = max(o.closed_at for o in history.orders if o.closed_at is not None)
    for r in range(3):
        for i, (title, content) in enumerate(POTHOLES):
            for unit in (w.dept_b, w.dept_c, w.dept_b, w.dept_c):
                moment += timedelta(hours=1)
                closed_order(w, f"{title}（{r + 1}-{i}-{unit.pk}）", content, w.cat_potholes, unit, moment, area=None)
    version = train()
    assert version.active, version.decision
    road = w.pending(
        title="路面坑洼积水", content="人民路路面坑洼积水，路面破损，请修复路面。", category=None, area=None
    )

    html = text(client_for(w.dispatcher).get("/orders/dispatch/"))
    cell = row(html, "pending", road.number).split('class="suggestion"')[1]
    p = float(re.search(r'data-confidence="([\d.]+)"', cell).group(1))  # type: ignore[union-attr]

    assert p < confidence.UNSURE_BELOW
    assert "不确定" in cell and "置信度低" in cell
    candidates = cell.split("候选")[1]
    assert all(unit.name in candidates for unit in (w.dept_a, w.dept_b, w.dept_c))

    panel = text(
        client_for(w.operator).post(
            "/intake/suggest",
            {"title": "路面坑洼积水", "content": "人民路路面坑洼积水，路面破损，请修复路面。", "address": ""},
        )
    )
    panel = panel[panel.index('id="routing-suggestions"') : panel.index('id="similar-orders"')]
    assert 'id="routing-unsure"' in panel and "不确定" in panel
    assert len(re.findall(r'data-option="\d"', panel)) >= 2
    # no candidate is offered as the answer
    assert "btn-outline-primary" not in panel
