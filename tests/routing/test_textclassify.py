"""The routing text classifier: learning, probabilities, persistence, taxonomy use, real data."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from civicdesk.text.textclassify import (
    KeywordMatcher,
    RoutingClassifier,
    dedup_key,
    fit_temperature,
    join_message,
    macro_f1_report,
    normalise_text,
    overlap_filter,
    split_message,
    taxonomy_documents,
    taxonomy_seeds,
)

TOPICS = {
    "环境保护": ["噪音", "污水", "油烟", "粉尘", "排污", "异味"],
    "教育文体": ["学校", "老师", "学生", "幼儿园", "招生", "学费"],
    "交通运输": ["公交", "出租车", "快递", "客运", "网约车", "货车"],
}
FILLER = ["我们", "小区", "附近", "希望", "领导", "尽快", "处理", "反映", "问题", "严重"]


def toy_corpus(n_per_class: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[str] = []
    for label, words in TOPICS.items():
        for _ in range(n_per_class):
            title = rng.choice(words) + rng.choice(FILLER) + rng.choice(words)
            body = "".join(rng.choice(words + FILLER) for _ in range(12))
            texts.append(join_message(title, body))
            labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def toy_model() -> RoutingClassifier:
    texts, labels = toy_corpus(20, seed=1)
    return RoutingClassifier().fit(texts, labels)


def test_learns_a_separable_toy_dataset(toy_model: RoutingClassifier) -> None:
    texts, labels = toy_corpus(10, seed=2)
    predicted = toy_model.predict(texts)
    assert predicted == labels
    assert toy_model.classes_ == sorted(TOPICS)


def test_top_k_is_sorted_and_probabilities_are_sane(toy_model: RoutingClassifier) -> None:
    suggestions = toy_model.top_k("楼下油烟噪音扰民\n饭店排污异味很重", k=2)
    assert len(suggestions) == 2
    assert suggestions[0][0] == "环境保护"
    probabilities = [p for _, p in suggestions]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert sum(probabilities) <= 1.0 + 1e-9
    everything = toy_model.top_k("公交车不停站", k=10)
    assert len(everything) == 3
    assert sum(p for _, p in everything) == pytest.approx(1.0)
    assert everything[0][0] == "交通运输"
    assert toy_model.top_k("公交车不停站", k=0) == []


def test_predict_proba_rows_sum_to_one(toy_model: RoutingClassifier) -> None:
    probs = toy_model.predict_proba(["学校乱收学费", "快递丢件", ""])
    assert probs.shape == (3, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def test_save_and_load_round_trip(toy_model: RoutingClassifier, tmp_path: Path) -> None:
    texts, _ = toy_corpus(5, seed=3)
    path = tmp_path / "model.pkl"
    toy_model.save(path)
    loaded = RoutingClassifier.load(path)
    assert loaded.predict(texts) == toy_model.predict(texts)
    np.testing.assert_allclose(loaded.predict_proba(texts), toy_model.predict_proba(texts))
    assert RoutingClassifier.from_bytes(toy_model.to_bytes()).classes_ == toy_model.classes_


def test_from_bytes_rejects_other_pickles() -> None:
    import pickle

    with pytest.raises(ValueError):
        RoutingClassifier.from_bytes(pickle.dumps({"format": 999}))


def test_unfitted_model_refuses_to_predict() -> None:
    with pytest.raises(RuntimeError):
        RoutingClassifier().predict(["x"])


def test_fit_validates_inputs() -> None:
    with pytest.raises(ValueError):
        RoutingClassifier().fit(["a", "b"], ["x"])
    with pytest.raises(ValueError):
        RoutingClassifier().fit(["a", "b"], ["x", "x"])


TAXONOMY = [
    ("环境保护", "环境污染", "噪音污染"),
    ("环境保护", "环境污染", "水污染"),
    ("交通运输", "出租车管理", "网约车问题"),
    ("商贸旅游", "市场监管", "传销"),
    ("政法", "社会治安", "黄赌毒"),
    ("城乡建设", "其他", "其他"),
]


def test_taxonomy_seeds_keep_only_unambiguous_names_of_trained_classes() -> None:
    seeds = taxonomy_seeds(TAXONOMY, ["环境保护", "交通运输", "商贸旅游"])
    assert seeds["噪音污染"] == "环境保护"
    assert seeds["出租车"] == "交通运输"
    assert seeds["网约车问题"] == "交通运输"
    assert seeds["传销"] == "商贸旅游"
    assert "黄赌毒" not in seeds  # 政法 is not a trained class
    assert "其他" not in seeds
    ambiguous = taxonomy_seeds([("A", "物业", "x"), ("B", "物业", "y")], ["A", "B"])
    assert "物业" not in ambiguous


def test_taxonomy_documents_are_labelled_by_level_one() -> None:
    docs = taxonomy_documents(TAXONOMY, ["环境保护", "城乡建设"])
    labels = {label for _, label in docs}
    assert labels == {"环境保护"}  # 城乡建设 only has 其他/其他
    assert len(docs) == 2
    assert split_message(docs[0][0])[0] == "环境污染噪音污染"


def test_taxonomy_alone_routes_a_message() -> None:
    # three labelled messages, the taxonomy carries the keyword knowledge
    texts = ["请管一下\n谢谢", "反映情况\n尽快处理", "投诉\n领导您好"]
    labels = ["环境保护", "交通运输", "商贸旅游"]
    model = RoutingClassifier().fit(texts, labels, taxonomy=TAXONOMY)
    assert model.report_.keywords > 0
    assert model.report_.taxonomy_documents > 0
    assert model.predict(["有人搞传销\n骗了很多老人"]) == ["商贸旅游"]
    assert model.predict(["出租车乱收费\n司机绕路"]) == ["交通运输"]


def test_unlabelled_pool_is_used_and_capped() -> None:
    texts, labels = toy_corpus(8, seed=4)
    pool, _ = toy_corpus(30, seed=5)
    model = RoutingClassifier(max_unlabeled=50).fit(texts, labels, unlabeled=pool)
    assert model.report_.unlabeled_used == 50
    assert model.report_.labelled == len(texts)


def test_keyword_matcher_finds_overlapping_words() -> None:
    matcher = KeywordMatcher(["噪音", "噪音污染", "污染", "快递"])
    assert matcher.find("小区噪音污染严重") == {"噪音", "噪音污染", "污染"}
    assert matcher.find("") == set()


def test_text_helpers() -> None:
    assert normalise_text("\n\t\t\tＡ市\u3000噪音_x000D_ 问题\n\n") == "A市 噪音 问题"
    assert split_message("标题\n第一段\n第二段") == ("标题", "第一段 第二段")
    assert split_message("只有标题") == ("只有标题", "")
    assert dedup_key(" 你好，世界! ") == "你好世界"


def test_overlap_filter_matches_title_or_detail() -> None:
    pool = [("第一个标题", "详情一详情一"), ("标题二", "完全不同的内容"), ("别的", "详情三详情三"), ("短", "")]
    reference = [("第一个标题！", "x"), ("无关", "详情三 详情三"), ("短", "")]
    kept, removed = overlap_filter(pool, reference)
    assert kept == [1, 3]  # "短" is below the minimum key length, so it does not match
    assert removed == 2


def test_temperature_fits_overconfident_scores() -> None:
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 3, 600)
    scores = rng.normal(size=(600, 3))
    scores[np.arange(600), targets] += 1.0
    assert fit_temperature(scores * 10.0, targets) < fit_temperature(scores, targets)


def test_macro_f1_report() -> None:
    accuracy, per_class, macro = macro_f1_report(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert accuracy == 0.75
    assert per_class["a"] == pytest.approx(2 / 3)
    assert per_class["b"] == pytest.approx(0.8)
    assert macro == pytest.approx((2 / 3 + 0.8) / 2)


# --------------------------------------------------------------------------- real data

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "tipdm2020_c_smart_gov"
# Trained as the judged model is: the 495-message sample plus messages of the development pool
# (here its even rows), with the category tree; scored on the development set's odd rows, never
# seen in training. Measured macro-F1 0.814 and ECE 0.054 (0.066 without the top-class map).
# Trained on the 495 alone, a separate release, the held-out answers it calibrates on are not
# like the pool's, and ECE was 0.089 without the map and 0.115 with it: calibrate on the data
# the model will meet. The margins absorb library noise; losing a feature family or the
# calibration fails.
REAL_DATA_MIN_MACRO_F1 = 0.78
REAL_DATA_MAX_ECE = 0.08


def test_real_data_unseen_messages_are_routed_and_calibrated() -> None:
    if not DATA.is_dir():
        pytest.skip(f"real-data check skipped: {DATA} (../shared/data/tipdm2020_c_smart_gov) not found")
    from civicdesk.text.teddycup import labelled, read_messages, read_taxonomy
    from civicdesk.text.textclassify import reliability

    sample = labelled(read_messages(DATA / "附件2_示例数据_495.xlsx"))
    dev = labelled(read_messages(DATA / "附件2_验证集_400.xlsx"))
    train, unseen = sample + dev[0::2], dev[1::2]
    taxonomy = [leaf.path for leaf in read_taxonomy(DATA / "附件1.xlsx")]
    model = RoutingClassifier().fit([m.text for m in train], [m.label or "" for m in train], taxonomy=taxonomy)

    probs = model.predict_proba([m.text for m in unseen])
    predicted = [model.classes_[i] for i in probs.argmax(axis=1)]
    truth = [m.label or "" for m in unseen]
    macro = macro_f1_report(truth, predicted)[2]
    hits = [t == p for t, p in zip(truth, predicted, strict=True)]
    ece, _table = reliability([float(p) for p in probs.max(axis=1)], hits)
    assert macro >= REAL_DATA_MIN_MACRO_F1, f"macro-F1 {macro:.4f}"
    assert ece <= REAL_DATA_MAX_ECE, f"ECE {ece:.4f}"
