"""The text model's calibration and explanations: the reliability table and its ECE; the
catalogue's words get the weight held-out messages give them; a catalogue category no order
has carried yet can still be suggested; the words that decided are the message's own."""

from __future__ import annotations

import numpy as np
import pytest

from civicdesk.text.textclassify import RoutingClassifier, fit_calibration, reliability

TRAIN = [
    ("路面坑洼", "人民路路面坑洼积水，车辆通行困难。", "道路"),
    ("道路破损", "文化路路面破损严重，坑洼很多。", "道路"),
    ("路面塌陷", "小区门口路面塌陷，行人摔倒。", "道路"),
    ("井盖旁坑洼", "井盖旁边路面坑洼，下雨积水。", "道路"),
    ("工地噪音", "工地夜间施工噪音扰民。", "噪声"),
    ("酒吧噪声", "楼下酒吧噪声太大，影响休息。", "噪声"),
    ("广场舞噪音", "广场舞音响噪音过大。", "噪声"),
    ("工厂轰鸣", "附近工厂机器噪声污染严重。", "噪声"),
]


def _texts() -> tuple[list[str], list[str]]:
    return [f"{t}\n{d}" for t, d, _ in TRAIN], [label for _, _, label in TRAIN]


def test_reliability_table_and_expected_calibration_error() -> None:
    ece, table = reliability([0.95, 0.95, 0.55, 0.55], [True, False, True, True])

    assert len(table) == 10
    top, middle = table[9], table[5]
    assert (top.count, top.accuracy, middle.count, middle.accuracy) == (2, 0.5, 2, 1.0)
    assert ece == pytest.approx(0.5 * 0.45 + 0.5 * 0.45)


def test_the_catalogue_words_weigh_what_held_out_messages_show() -> None:
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(200, 3))
    targets = rng.integers(0, 3, size=200)
    keywords = np.zeros((200, 3))
    keywords[np.arange(200), targets] = np.log(2.0)  # the right class's word is in every text

    _a, boost = fit_calibration(scores, targets, keywords)
    _a, useless = fit_calibration(scores, targets, rng.permutation(keywords))

    assert boost > 1.0 and useless < boost / 5


def test_a_catalogue_category_without_orders_can_be_suggested() -> None:
    texts, labels = _texts()
    taxonomy = [
        ("道路", "市政道路", "路面破损 坑洼"),
        ("噪声", "噪声污染", "施工噪音"),
        ("路灯", "市政照明", "路灯不亮 路灯损坏 照明"),
    ]

    model = RoutingClassifier().fit(texts, labels, taxonomy=taxonomy, taxonomy_classes=True)

    assert "路灯" in model.classes_
    assert model.predict(["路灯不亮\n小区门口路灯损坏，晚上没有照明。"]) == ["路灯"]
    # without the flag only the labels are classes
    assert "路灯" not in RoutingClassifier().fit(texts, labels, taxonomy=taxonomy).classes_


def test_the_words_that_decided_are_in_the_message() -> None:
    texts, labels = _texts()
    model = RoutingClassifier().fit(texts, labels)
    text = "楼下噪音\n楼下饭店夜里噪音很大。"

    words = model.decisive_words(text, "噪声")

    assert words and "噪音" in words
    assert all(w in text for w in words)
    assert model.decisive_words(text, "不存在") == []
