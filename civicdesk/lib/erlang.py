"""Erlang C: how many operators an hour of calls needs.

The call center is an M/M/N queue: calls arrive at random (offered calls per hour), each
takes the average handling (talk) time, N operators answer them in order, and callers wait
rather than being turned away. With the traffic A = calls per hour × talk seconds / 3600
(in erlangs), the chance that a caller has to wait is Erlang C:

    C(N, A) = N·B / (N − A·(1 − B)),  B = Erlang B(N, A)

and the share answered within T seconds (the service level, GB/T 33358: 15 s) is

    SL = 1 − C(N, A) · exp(−(N − A) · T / talk seconds).

Erlang C assumes nobody hangs up while waiting, so it cannot say the connection rate (接通率)
by itself. A caller who waits longer than their patience hangs up; with a fixed patience P
(configurable, a minute by default) the share lost is about C · exp(−(N − A) · P / talk), the
same tail as the service level. That is the usual quick estimate (Erlang A would model the
patience properly); it errs on the side of more operators.

Pure functions, no Django: the seat schedule feeds them offered calls and talk time from the
call measures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# The most operators one hour may ask for; a typo in a forecast (100,000 calls) stops here
# instead of looping.
MAX_AGENTS = 2000


def erlang_b(agents: int, traffic: float) -> float:
    """The blocking probability of `agents` servers under `traffic` erlangs, by the stable
    recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1))."""
    if agents < 0 or traffic < 0:
        raise ValueError("agents and traffic must not be negative")
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic: float) -> float:
    """The probability that a call has to wait; 1 when the operators cannot keep up (N ≤ A)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1 - blocking))


def _tail(agents: int, traffic: float, talk_seconds: float, seconds: float) -> float:
    """The share of calls that wait longer than `seconds`."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    return erlang_c(agents, traffic) * math.exp(-(agents - traffic) * seconds / talk_seconds)


def service_level(agents: int, traffic: float, talk_seconds: float, answer_seconds: float) -> float:
    """The share of calls answered within `answer_seconds`."""
    return 1.0 - _tail(agents, traffic, talk_seconds, answer_seconds)


def average_wait(agents: int, traffic: float, talk_seconds: float) -> float:
    """The average speed of answer in seconds (infinite when the operators cannot keep up)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * talk_seconds / (agents - traffic)


@dataclass(frozen=True)
class Target:
    """What an hour must reach: `level` of calls answered within `answer_seconds`, and at
    least `connection` of them answered at all (callers give up after `patience_seconds`)."""

    answer_seconds: float = 15.0
    level: float = 0.80
    connection: float = 0.95
    patience_seconds: float = 60.0

    def __post_init__(self) -> None:
        if not (0 < self.level < 1 and 0 < self.connection < 1):
            raise ValueError("level and connection are shares between 0 and 1")
        if self.answer_seconds < 0 or self.patience_seconds <= 0:
            raise ValueError("answer and patience seconds must be positive")


@dataclass(frozen=True)
class Staffing:
    """One hour's answer: the operators needed and what they achieve."""

    calls_per_hour: float
    talk_seconds: float
    traffic: float  # erlangs
    agents: int
    service_level: float
    connection: float
    wait_probability: float
    average_wait: float  # seconds
    occupancy: float


def evaluate(agents: int, calls_per_hour: float, talk_seconds: float, target: Target) -> Staffing:
    """What `agents` operators achieve for this hour's calls."""
    if calls_per_hour < 0 or talk_seconds < 0:
        raise ValueError("calls and talk time must not be negative")
    traffic = calls_per_hour * talk_seconds / 3600
    if traffic <= 0:
        return Staffing(calls_per_hour, talk_seconds, 0.0, agents, 1.0, 1.0, 0.0, 0.0, 0.0)
    return Staffing(
        calls_per_hour=calls_per_hour,
        talk_seconds=talk_seconds,
        traffic=traffic,
        agents=agents,
        service_level=service_level(agents, traffic, talk_seconds, target.answer_seconds),
        connection=1.0 - _tail(agents, traffic, talk_seconds, target.patience_seconds),
        wait_probability=erlang_c(agents, traffic),
        average_wait=average_wait(agents, traffic, talk_seconds),
        occupancy=min(1.0, traffic / agents) if agents else 1.0,
    )


def agents_needed(calls_per_hour: float, talk_seconds: float, target: Target | None = None) -> Staffing:
    """The fewest operators that reach the target service level and connection rate (0 for an
    hour without calls)."""
    target = target or Target()
    traffic = calls_per_hour * talk_seconds / 3600
    if traffic <= 0:
        return evaluate(0, calls_per_hour, talk_seconds, target)
    agents = max(1, math.floor(traffic) + 1)  # fewer cannot keep up at all
    while agents <= MAX_AGENTS:
        result = evaluate(agents, calls_per_hour, talk_seconds, target)
        if result.service_level >= target.level and result.connection >= target.connection:
            return result
        agents += 1
    raise ValueError(f"more than {MAX_AGENTS} operators for {calls_per_hour} calls an hour")
