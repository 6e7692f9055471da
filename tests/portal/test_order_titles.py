"""A title made from what a citizen wrote ends where a sentence or clause ends, never in the
middle of a word; a shortened title says so with "…"."""

from __future__ import annotations

from civicdesk.lib.titles import title_from


def test_the_first_sentence_is_the_title_when_it_fits() -> None:
    assert title_from("人民路路灯不亮。晚上走路很危险，请尽快修理。") == "人民路路灯不亮"
    assert title_from("\n  Street light out on Main St. It has been dark for a week.") == "Street light out on Main St"


def test_a_long_sentence_is_shortened_at_a_clause_break() -> None:
    text = "人民路与成山大道交叉口南侧的三盏路灯已经连续一周不亮，晚上行人和车辆通行非常危险，附近居民多次反映无果"
    title = title_from(text)
    assert title == "人民路与成山大道交叉口南侧的三盏路灯已经连续一周不亮…"
    assert len(title) <= 40


def test_a_sentence_without_any_break_is_cut_hard_but_marked() -> None:
    title = title_from("一" * 60)
    assert title == "一" * 39 + "…" and len(title) == 40
