"""The stored index of the running database (PostgreSQL tsvector + GIN, or SQLite FTS5)."""

from __future__ import annotations

import pytest
from django.db import connection

from civicdesk.knowledge import search
from civicdesk.knowledge.models import Article
from tests.knowledge.helpers import FUND, HEATING, SORTING, published


def _titles(text: str, mode: search.RankMode | None = None) -> list[str]:
    ids = [pk for pk, _s in search.search_ids(text, limit=3, mode=mode)]
    by_id = Article.objects.in_bulk(ids)
    return [by_id[i].title for i in ids]


@pytest.mark.django_db
class TestFullText:
    def test_it_stores_segmented_words_and_bigrams(self, w):
        article = published(w, *FUND)
        article.refresh_from_db()
        tokens = article.seg_answer.split()
        assert "公积金" in tokens  # a jieba word
        assert "积金" in tokens  # and a character bigram
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("SELECT answer FROM knowledge_article_fts WHERE rowid = %s", [article.pk])
                assert cur.fetchone()[0] == article.seg_answer
        else:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT search_vector @@ to_tsquery('simple', '公积金') FROM knowledge_article WHERE id = %s",
                    [article.pk],
                )
                assert cur.fetchone()[0] is True

    @pytest.mark.parametrize("mode", [search.RankMode.HYBRID, search.RankMode.DB])
    def test_it_finds_segmented_chinese(self, w, mode):
        for title, answer in (HEATING, FUND, SORTING):
            published(w, title, answer)
        assert _titles("家里的暖气一点也不热", mode)[0] == HEATING[0]
        assert _titles("厨余垃圾怎么分类投放", mode)[0] == SORTING[0]

    def test_a_word_jieba_splits_differently_still_matches_by_bigrams(self, w):
        for title, answer in (HEATING, FUND, SORTING):
            published(w, title, answer)
        # "积金提" is no word; only the character bigrams 积金 / 金提 tie it to the fund article.
        assert _titles("积金提")[0] == FUND[0]

    def test_the_title_and_questions_weigh_more_than_the_answer(self, w):
        a = published(w, "一次性创业补贴", "首次创办小微企业可申请补贴一万元。", questions=["开店能领补贴吗"])
        published(w, "就业见习补贴", "企业吸纳见习人员，开店或办厂的补贴另行规定。")
        assert _titles("开店能领补贴吗")[0] == a.title

    def test_nothing_matches_nothing(self, w):
        published(w, *FUND)
        assert search.search_ids("噪音扰民") == []
        assert search.search_ids("   ") == []
