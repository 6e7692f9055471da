"""Erlang C against values worked by hand and the published worked example (200 calls an
hour of 3 minutes each: 10 erlangs, 80 % answered within 20 s)."""

from __future__ import annotations

import math

import pytest

from civicdesk.lib.erlang import Target, agents_needed, average_wait, erlang_b, erlang_c, evaluate, service_level


def test_small_cases_worked_by_hand() -> None:
    # A = 1, N = 2: B = (1/2) / (1 + 1 + 1/2) = 0.2; C = 2·0.2 / (2 − 0.8) = 1/3.
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # A = 2, N = 3: B = (8/6) / (1 + 2 + 2 + 8/6) = 4/19; C = 3·4/19 / (3 − 2·15/19) = 4/9.
    assert erlang_b(3, 2.0) == pytest.approx(4 / 19)
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)
    # One operator (M/M/1): waiting probability is the utilisation.
    assert erlang_c(1, 0.6) == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("agents", "wait_probability", "level"),
    [(11, 0.6821, 0.3896), (12, 0.4494, 0.6402), (13, 0.2853, 0.7956), (14, 0.1741, 0.8884), (15, 0.1020, 0.9415)],
)
def test_the_published_ten_erlang_table(agents: int, wait_probability: float, level: float) -> None:
    assert erlang_c(agents, 10.0) == pytest.approx(wait_probability, abs=5e-5)
    assert service_level(agents, 10.0, 180, 20) == pytest.approx(level, abs=5e-5)


def test_the_published_example_needs_fourteen_operators() -> None:
    result = agents_needed(200, 180, Target(answer_seconds=20, level=0.80, connection=0.50))
    assert result.agents == 14
    assert result.traffic == pytest.approx(10.0)
    assert result.service_level == pytest.approx(0.8884, abs=5e-5)
    # ASA = C·AHT/(N−A) = 0.17413·180/4
    assert result.average_wait == pytest.approx(0.174132 * 180 / 4, abs=1e-3)
    assert result.occupancy == pytest.approx(10 / 14)


def test_the_hotline_target_of_fifteen_seconds_and_95_percent_connection() -> None:
    target = Target(answer_seconds=15, level=0.80, connection=0.95, patience_seconds=60)
    result = agents_needed(200, 180, target)
    assert result.service_level >= 0.80 and result.connection >= 0.95
    one_less = evaluate(result.agents - 1, 200, 180, target)
    assert one_less.service_level < 0.80 or one_less.connection < 0.95


def test_a_stricter_connection_target_can_ask_for_more_operators_than_the_service_level() -> None:
    loose = agents_needed(200, 180, Target(connection=0.5))
    strict = agents_needed(200, 180, Target(connection=0.99))
    assert strict.agents > loose.agents


def test_an_hour_without_calls_needs_nobody_and_overload_never_answers() -> None:
    assert agents_needed(0, 180).agents == 0
    assert erlang_c(5, 5.0) == 1.0
    assert average_wait(4, 5.0, 180) == math.inf
    assert service_level(4, 5.0, 180, 15) == 0.0


def test_more_calls_never_need_fewer_operators() -> None:
    needed = [agents_needed(calls, 240).agents for calls in range(0, 400, 10)]
    assert needed == sorted(needed)


def test_bad_targets_are_refused() -> None:
    with pytest.raises(ValueError):
        Target(level=1.5)
    with pytest.raises(ValueError):
        agents_needed(-1, 180)
