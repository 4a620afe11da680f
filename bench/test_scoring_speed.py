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


def test_rank(benchmark, problem):
    scores, weights = problem
    assert len(benchmark(scoring.rank, scores, weights)) == FRAMEWORKS


def test_flips(benchmark, problem):
    scores, weights = problem
    leader, runner_up = (r.framework for r in scoring.rank(scores, weights)[:2])
    benchmark(scoring.flips, scores[leader], scores[runner_up], weights)


def test_confidence(benchmark, problem):
    scores, weights = problem
    assert 0 <= benchmark(scoring.confidence, scores, weights) <= 1


def test_decide(benchmark, problem):
    scores, weights = problem
    assert benchmark(scoring.decide, scores, weights).leader
