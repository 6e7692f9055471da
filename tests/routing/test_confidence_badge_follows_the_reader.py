"""The board's badges are drawn once per language, band, figure and model version and kept
(routing_confidence): the same badge asked for in Chinese and then in English must read in each
reader's language, not in the language of whoever asked first."""

from __future__ import annotations

from django.template import engines
from django.utils import translation


def test_the_same_badge_reads_in_each_readers_language() -> None:
    badge = engines["django"].from_string("{% load routing_confidence %}{% confidence_badge p version %}")
    drawn = {}
    for language in ("zh-hans", "en", "zh-hans", "en"):
        with translation.override(language):
            drawn.setdefault(language, set()).add(badge.render({"p": 0.87, "version": 7}))
    assert drawn["zh-hans"] == {
        '<span class="badge confidence confidence-high bg-success" data-confidence="0.87" '
        'title="分派模型 v7，校准概率 0.87">置信度高</span>\n'
    }
    assert drawn["en"] == {
        '<span class="badge confidence confidence-high bg-success" data-confidence="0.87" '
        'title="Dispatch model v7, calibrated probability 0.87">Confidence high</span>\n'
    }


def test_a_figure_on_either_side_of_a_band_edge_keeps_its_own_band() -> None:
    # 0.7999 and 0.8 are both written 0.80: the badge kept for one must not be shown for the other.
    badge = engines["django"].from_string("{% load routing_confidence %}{% confidence_badge p %}")
    with translation.override("en"):
        below, at = badge.render({"p": 0.7999}), badge.render({"p": 0.8})
    assert 'data-confidence="0.80"' in below and 'data-confidence="0.80"' in at
    assert "confidence-medium" in below and "Confidence medium" in below
    assert "confidence-high" in at and "Confidence high" in at
