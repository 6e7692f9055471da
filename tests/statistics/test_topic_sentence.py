from __future__ import annotations

from civicdesk.catalogue.models import Topic
from civicdesk.orders import actions
from civicdesk.statistics.measures import Period
from civicdesk.statistics.topics import round_count, round_rate, topic_sentence
from tests.statistics.helpers import at, t
from tests.world import World


def test_it_rounds_counts_down_with_yu() -> None:
    assert [round_count(n) for n in (87, 100, 345, 999, 3000, 3456, 12345)] == [
        "87件",
        "100件",
        "300余件",
        "900余件",
        "3000件",
        "3000余件",
        "12000余件",
    ]


def test_it_writes_rates_exactly_or_as_chaoguo() -> None:
    assert round_rate(1, 1) == "100%"
    assert round_rate(19, 20) == "95%"
    assert round_rate(973, 1000) == "超过95%"
    assert round_rate(996, 1000) == "超过99%"  # never rounded up to 100%
    assert round_rate(612, 1000) == "超过60%"
    assert round_rate(3, 100) == "3%"
    assert round_rate(1, 40) == "2.5%"
    assert round_rate(0, 0) == "暂无数据"


def test_it_writes_the_topic_sentence_with_exact_figures(w: World) -> None:
    topic = Topic.objects.create(code="covid", name="疫情")
    with at(t(2)):
        w.closed(topics=[topic])
        w.closed(topics=[topic])
        actions.record_callback(
            w.awaiting_callback(topics=[topic]), actor=w.callback_agent, solved="solved", satisfaction="unsatisfied"
        )
        w.answered(topics=[topic])
        w.closed()  # another topic's order
    summary = topic_sentence(topic, Period(t(1, 0), t(1, 0, month=4)), as_of=t(3))
    assert summary.sentence == "受理与疫情相关的民生诉求4件，办结率100%，满意率超过65%"
    assert summary.exact == "受理4件；办结率100.00%（4/4）；满意率66.67%（2/3）"
