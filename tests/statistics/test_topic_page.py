from __future__ import annotations

from django.test import Client

from civicdesk.statistics import rollups
from tests.statistics.helpers import at, t
from tests.statistics.scenario import build_scenario
from tests.world import World


def test_the_topic_page_writes_the_sentence_from_the_data(w: World) -> None:
    build_scenario(w)
    with at(t(30, 12, month=4)):
        rollups.run_rollup_sweep()
        client = Client()
        client.force_login(w.leader)
        page = client.get(f"/stats/topic/?period=custom&from=2026-03-01&to=2026-04-30&topic={w.topic_epidemic.pk}")
    assert page.status_code == 200
    # 涉疫: extended, parent, crossing (the merged child counts once, in its parent); all three
    # closed; callbacks: satisfied, satisfied, satisfied.
    assert page.context["summary"].sentence == "受理与涉疫相关的民生诉求3件，办结率100%，满意率100%"
    assert page.context["figures"]["accepted"]["numerator"] == 3
    assert "受理与涉疫相关的民生诉求3件" in page.content.decode()


def test_the_topic_page_asks_for_a_topic(w: World) -> None:
    client = Client()
    client.force_login(w.leader)
    page = client.get("/stats/topic/?period=month&topic=")
    assert page.status_code == 400
    assert "请选择专题。" in page.content.decode()
