from __future__ import annotations

import pytest

from civicdesk.knowledge import public
from civicdesk.knowledge.models import DictionaryWord, SynonymGroup
from tests.knowledge.helpers import HEATING, published


@pytest.mark.django_db
class TestSynonyms:
    def test_an_admin_synonym_makes_another_word_find_the_article(self, w, client):
        published(w, *HEATING)
        assert public.suggest_answers("采暖故障") == []
        client.force_login(w.admin)
        response = client.post("/knowledge/dictionary/", {"synonyms": "暖气，采暖，供暖", "words": ""})
        assert response.status_code == 302
        assert [a.title for a in public.suggest_answers("采暖故障")] == [HEATING[0]]

    def test_only_admins_edit_the_dictionary(self, w, client):
        client.force_login(w.dispatcher)
        assert client.get("/knowledge/dictionary/").status_code == 403
        assert client.post("/knowledge/dictionary/", {"synonyms": "a，b", "words": ""}).status_code == 403
        assert not SynonymGroup.objects.exists()

    def test_a_group_of_one_is_refused_and_the_input_kept(self, w, client):
        client.force_login(w.admin)
        response = client.post("/knowledge/dictionary/", {"synonyms": "暖气", "words": "青岚人社"})
        assert response.status_code == 400
        page = response.content.decode()
        assert "每组至少两个词" in page and "青岚人社" in page
        assert not DictionaryWord.objects.exists()

    def test_user_words_and_area_names_are_kept_whole(self, w):
        from civicdesk.knowledge import search

        DictionaryWord.objects.create(word="青岚人社")
        search.dictionary_changed()
        an = search.analyzer()
        assert "青岚人社" in an.words("关注青岚人社公众号")
        assert "崖头街道" in an.words("崖头街道的路灯")  # an area of the city
