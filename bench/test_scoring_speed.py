"""Scoring micro-benchmark: 50 frameworks x 100 criteria. Run by `make bench`, not by `make test`."""

import random

import pytest

from recommender import scoring

FRAMEWORKS, CRITERIA = 50, 100


@pytest.fixture(scope="module")
def problem():
    rng = random.Random(1)
    criteria = [f"criterion-{n}" for n in range(CRITERIA)]
    scores = {f"framework-{n}": {c: rng.random() for c in criteria} for n in range(FRAMEWORKS)}
    weights = {c: rng.randint(0, 10) for c in criteria}
    return scores, weights


@pytest.fixture(scope="module")
def ranges(problem):
    """Every cell's range of evidence, as real verdicts have them: a few known exactly."""
    scores, _ = problem
    rng = random.Random(2)
    spread = [0.0, 0.05, 0.1, 0.2]
    return {
        f: {c: (max(0.0, v - w), min(1.0, v + w)) for c, v in cells.items() if (w := rng.choice(spread))}
        for f, cells in scores.items()
    }


@pytest.fixture(params=["exact", "ranges"])
def doubt(request, ranges):
    return ranges if request.param == "ranges" else None


def test_rank(benchmark, problem):
    scores, weights = problem
    assert len(benchmark(scoring.rank, scores, weights)) == FRAMEWORKS


def test_confidence(benchmark, problem, doubt):
    scores, weights = problem
    assert 0 <= benchmark(scoring.confidence, scores, weights, ranges=doubt) <= 1


def test_flips(benchmark, problem, ranges):
    scores, weights = problem
    outcome = scoring.decide(scores, weights, ranges=ranges)
    benchmark(scoring.flips, scoring.Problem(scores, ranges=ranges), weights, outcome)


def test_decide(benchmark, problem, doubt):
    scores, weights = problem
    assert benchmark(scoring.decide, scores, weights, ranges=doubt).leader
