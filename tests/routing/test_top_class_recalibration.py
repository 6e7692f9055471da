"""The surest answers stop looking surer than they are: after the temperature, the top class's
probability goes through a map fitted on held-out answers, so a model right 75 % of the time at
a shown 0.97 shows about 0.75 instead, while the order of the candidates never changes."""

from __future__ import annotations

import numpy as np

from civicdesk.text.textclassify import apply_top_map, fit_top_map, reliability


def _overconfident(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three classes; the top class shows 0.97 but is right only 3 times in 4."""
    rng = np.random.default_rng(seed)
    probs = np.tile([0.97, 0.02, 0.01], (n, 1))
    right = rng.random(n) < 0.75
    targets = np.where(right, 0, rng.integers(1, 3, size=n))
    return probs, targets, right


def test_an_overconfident_model_shows_what_it_is_right_about() -> None:
    probs, targets, right = _overconfident(400, seed=1)
    ece_before, _ = reliability(list(probs.max(axis=1)), list(right))

    mapped = apply_top_map(probs, fit_top_map(probs, targets))

    fresh, _fresh_targets, fresh_right = _overconfident(400, seed=2)
    shown = apply_top_map(fresh, fit_top_map(probs, targets)).max(axis=1)
    ece_after, _ = reliability(list(shown), list(fresh_right))
    assert ece_before > 0.2
    assert ece_after < 0.05
    assert np.allclose(mapped.sum(axis=1), 1.0)


def test_the_map_never_reorders_the_candidates() -> None:
    rng = np.random.default_rng(3)
    probs = rng.dirichlet(np.ones(5) * 0.5, size=300)
    # a harsh map that pulls every top probability far down
    mapped = apply_top_map(probs, (0.3, -2.5))

    assert (mapped.argmax(axis=1) == probs.argmax(axis=1)).all()
    others = np.argsort(-probs, axis=1)[:, 1:]
    for row, order in zip(mapped, others, strict=True):
        assert list(row[order]) == sorted(row[order], reverse=True)
    assert np.allclose(mapped.sum(axis=1), 1.0)


def test_too_few_or_uniform_answers_leave_the_probabilities_alone() -> None:
    probs = np.tile([0.9, 0.1], (20, 1))
    assert fit_top_map(probs, np.zeros(20, dtype=np.int64)) == (1.0, 0.0)
    all_right = np.tile([0.9, 0.1], (200, 1))
    assert fit_top_map(all_right, np.zeros(200, dtype=np.int64)) == (1.0, 0.0)
    assert apply_top_map(probs, (1.0, 0.0)) is probs
