"""The special-topic sentence (DESIGN §6): "受理与疫情相关的民生诉求3000余件，办结率100%，满意率超过95%".

Rounding rules, so that the sentence never overstates:
- Counts under 100 are written exactly ("87件"). From 100 on they are rounded DOWN to the
  leading hundreds (100–999) or thousands (1000 and more) and written with 余 when
  something was cut off: 3456 → "3000余件", 345 → "300余件", 12345 → "12000余件";
  an exact round count stays exact: 3000 → "3000件".
- A rate that is a whole percentage is written exactly ("100%", "95%"). Otherwise it is
  written as "超过X%", X being the round figure just below it: the multiple of 5 below
  it ("97.3%" → "超过95%", "61.2%" → "超过60%"), or 99 between 99% and 100% ("99.6%" →
  "超过99%", never rounded up to "100%"). Under 5% the rate is given to one decimal.
- A rate with nothing to divide by (no order due, no rated callback) is "暂无数据".
The exact figures (counts and two-decimal rates with their fractions) come with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from civicdesk.catalogue.models import Topic
from civicdesk.statistics.measures import Config, Figure, Filters, Period, measures


def round_count(n: int) -> str:
    if n < 100:
        return f"{n}件"
    step = 1000 if n >= 1000 else 100
    floor = n // step * step
    return f"{n}件" if floor == n else f"{floor}余件"


def round_rate(numerator: int, denominator: int) -> str:
    if denominator == 0:
        return "暂无数据"
    percent = Fraction(100 * numerator, denominator)
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    if percent > 99:
        return "超过99%"
    if percent >= 5:
        return f"超过{int(percent // 5) * 5}%"
    return f"{float(percent):.1f}%"


def _exact(figure: Figure) -> str:
    if figure.denominator:
        return f"{figure.name}{figure.display()}（{int(figure.numerator)}/{figure.denominator}）"
    return f"{figure.name}暂无数据"


@dataclass(frozen=True)
class TopicSummary:
    sentence: str
    exact: str
    accepted: Figure
    completion: Figure
    satisfaction: Figure


def topic_sentence(
    topic: Topic,
    period: Period,
    filters: Filters | None = None,
    *,
    as_of: datetime | None = None,
    config: Config | None = None,
) -> TopicSummary:
    base = filters or Filters()
    scoped = Filters(**{**base.__dict__, "topic": topic})
    figures = measures(period, scoped, codes=["accepted", "completion", "satisfaction"], as_of=as_of, config=config)
    accepted, completion, satisfaction = figures["accepted"], figures["completion"], figures["satisfaction"]
    sentence = (
        f"受理与{topic.name}相关的民生诉求{round_count(int(accepted.numerator))}，"
        f"办结率{round_rate(int(completion.numerator), completion.denominator or 0)}，"
        f"满意率{round_rate(int(satisfaction.numerator), satisfaction.denominator or 0)}"
    )
    exact = f"受理{int(accepted.numerator)}件；{_exact(completion)}；{_exact(satisfaction)}"
    return TopicSummary(sentence, exact, accepted, completion, satisfaction)
