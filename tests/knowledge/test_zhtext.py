"""Chinese text analysis: normalisation, segmentation with a user dictionary, n-grams, synonyms."""

from __future__ import annotations

import pytest

from civicdesk.text.zhtext import (
    Analyzer,
    SynonymMap,
    area_prefixes,
    char_ngrams,
    extract_place_names,
    normalize,
    strip_punctuation,
)


@pytest.fixture(scope="module")
def plain() -> Analyzer:
    return Analyzer()


@pytest.fixture(scope="module")
def local() -> Analyzer:
    return Analyzer(["景蓉华苑", "桂花坪街道"], SynonymMap([["物业", "物管"], ["公交", "公车"]]))


def test_full_width_digits_letters_and_spaces_normalise() -> None:
    assert normalize("Ａ２区　１２３４５号，ＡＢＣ！") == "a2区 12345号,abc!"
    assert normalize("\n\t\t\t 留言\u3000\u3000详情 \n") == "留言 详情"
    assert normalize("电话：０７３１－８８８８") == "电话:0731-8888"


def test_strip_punctuation_keeps_text() -> None:
    assert strip_punctuation("您好！关于“停车收费”的问题。") == "您好 关于 停车收费 的问题"


def test_user_dictionary_place_name_stays_one_token(plain: Analyzer, local: Analyzer) -> None:
    title = "A2区景蓉华苑物业管理有问题"
    assert "景蓉华苑" not in plain.words(title)
    words = local.words(title)
    assert "景蓉华苑" in words
    assert "a2区" in words  # anonymised area codes are always kept whole
    assert "桂花坪街道" in local.words("位于A市A2区桂花坪街道的宿舍区")


def test_user_dictionary_words_do_not_leak_between_analyzers(local: Analyzer) -> None:
    assert "景蓉华苑" in local.words("景蓉华苑")
    assert "景蓉华苑" not in Analyzer().words("景蓉华苑")


def test_area_codes_are_kept_and_give_their_city() -> None:
    assert Analyzer().words("在A市买公寓")[0] == "a市"
    assert area_prefixes("A7县星沙街道，B9市，西地省") == {"a", "b"}


def test_char_ngrams_stay_inside_runs() -> None:
    assert char_ngrams("路灯不亮") == ["路灯", "灯不", "不亮"]
    # no n-gram crosses punctuation; a letter-digit run is one unit
    assert char_ngrams("A2区，路灯") == ["a2区", "路灯"]
    assert char_ngrams("噪音", (1, 2)) == ["噪", "音", "噪音"]
    assert char_ngrams("车") == ["车"]  # a run shorter than n yields itself
    with pytest.raises(ValueError):
        char_ngrams("路灯", (3, 2))


def test_stopwords_and_single_characters_are_dropped_from_words(plain: Analyzer) -> None:
    words = plain.words("我们小区的路灯为什么一直不亮？")
    assert "的" not in words and "为什么" not in words and "？" not in words
    assert "路灯" in words and "小区" in words


def test_synonyms_canonicalise_words_and_ngrams(local: Analyzer) -> None:
    assert "物业" in local.words("物管乱收费")
    assert "物管" not in local.words("物管乱收费")
    assert "物业" in local.ngrams("物管乱收费")
    assert local.words("公车路线调整")[0] == "公交"
    # jieba has the compound 公交路线 but not 公车路线, so the words differ; the n-grams agree
    assert local.ngrams("公车路线调整") == local.ngrams("公交路线调整")


def test_synonym_map_from_lines_and_mapping() -> None:
    syn = SynonymMap.from_lines(["# comment", "噪音, 噪声", "拖欠工资 => 欠薪"])
    assert syn.canonical("噪声") == "噪音"
    assert syn.canonical("欠薪") == "拖欠工资"
    assert syn.canonical("路灯") == "路灯"
    assert SynonymMap.from_mapping({"物业": ["物管"]}).canonical("物管") == "物业"


def test_query_stopwords_only_apply_to_queries(plain: Analyzer) -> None:
    title = "投诉A市物业乱收费问题"
    assert "投诉" in plain.words(title)
    assert "投诉" not in plain.query_words(title)
    assert "投诉" not in plain.query_ngrams(title)
    assert "收费" in plain.query_ngrams(title)


def test_fts_document_is_space_joined_words_then_ngrams(local: Analyzer) -> None:
    doc = local.fts_document("景蓉华苑停车收费")
    tokens = doc.split(" ")
    assert tokens[0] == "景蓉华苑"
    assert "停车" in tokens and "收费" in tokens  # words
    assert "车收" in tokens  # a bigram
    assert "  " not in doc
    query = local.fts_query("投诉景蓉华苑")
    assert "投诉" not in query and "景蓉华苑" in query and " | " in query


def test_place_names_are_mined_from_replies() -> None:
    replies = [
        "经调查，位于A2区桂花坪街道的景蓉华苑小区停车收费由业主大会决定。",
        "桂花坪街道已组织社区、物业公司召开会议。",
        "区住房和城乡建设局已要求景蓉华苑小区业委会整改。",
    ]
    names = extract_place_names(replies)
    assert "桂花坪街道" in names
    assert "景蓉华苑小区" in names
    assert "a2区" in names
    assert not any(n.startswith("的") for n in names)
