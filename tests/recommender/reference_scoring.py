"""The verdict method one framework, one draw and one sum at a time, in plain Python: the
reference the array version in recommender/scoring.py must equal, exactly."""

import operator
import random
from dataclasses import replace

from recommender.scoring import (
    CONFIDENCE_BAR,
    MARGIN_BAR,
    MAX_WEIGHT,
    MIN_COVERAGE,
    MIN_WEIGHT,
    MUST_HAVE_BAR,
    PERTURBATION,
    SAMPLES,
    SEED,
    Flip,
    Outcome,
    Problem,
    Ranked,
    active_must_haves,
    reasons,
)


def score(cells, weights) -> float:
    total = sum(weights.values())
    if total == 0:
        return 50.0
    return 100 * sum(w * cells.get(criterion, 0.5) for criterion, w in weights.items()) / total


def coverage(unknown, weights) -> float:
    total = sum(weights.values())
    if total == 0:
        return 1.0
    return 1 - sum(w for c, w in weights.items() if c in unknown) / total


def rank(scores, weights, must_haves=(), unknown=None) -> list[Ranked]:
    must_haves = active_must_haves(must_haves, weights)
    unknown = unknown or {}
    ranked = []
    for framework, cells in scores.items():
        failed = tuple(c for c in must_haves if cells.get(c, 0.5) < MUST_HAVE_BAR)
        missing = set(unknown.get(framework, ()))
        lacking = coverage(missing, weights) < MIN_COVERAGE
        missing_weighted = tuple(sorted(c for c in missing if weights.get(c, 0) > 0)) if lacking else ()
        ranked.append(Ranked(framework, score(cells, weights), failed, missing_weighted))
    return sorted(ranked, key=lambda r: (r.lacks_evidence, r.excluded, -r.score, r.framework))


def draw_bounds(scores, weights, must_haves, ranges):
    must_haves = active_must_haves(must_haves, weights)
    eligible = {f: cells for f, cells in scores.items() if not _fails_must_have(cells, must_haves)}
    if len(eligible) < 2:
        return None
    leader = rank(eligible, weights)[0].framework
    others = [f for f in sorted(eligible) if f != leader]
    ranges = ranges or {}
    return {
        f: [_bounds(eligible[f].get(c, 0.5), ranges.get(f, {}).get(c)) for c in sorted(weights)]
        for f in [leader, *others]
    }


def _bounds(value, evidence_range):
    if evidence_range is None:
        return value, 0.0
    low, high = evidence_range
    return low, high - low


def _fails_must_have(cells, must_haves) -> bool:
    return any(cells.get(c, 0.5) < MUST_HAVE_BAR for c in must_haves)


def confidence_one_by_one(scores, weights, must_haves=(), seed=SEED, ranges=None) -> float:
    """As scoring.confidence, one draw and one sum at a time."""
    bounds = draw_bounds(scores, weights, must_haves, ranges)
    if bounds is None:
        return 1.0
    leader, *others = bounds
    criteria = sorted(weights)
    base = [weights[c] - PERTURBATION for c in criteria]
    spread = 2 * PERTURBATION
    draw = random.Random(seed).random  # rng.uniform(-P, P) is -P + 2P * random(): same draws
    stays = 0
    for _ in range(SAMPLES):
        sample = [min(MAX_WEIGHT, max(MIN_WEIGHT, w + spread * draw())) for w in base]
        # Same denominator for everyone: the leader stays first when its weighted sum is the largest.
        totals = {f: sum(map(operator.mul, sample, _draw_cells(bounds[f], draw))) for f in bounds}
        stays += all(totals[leader] > totals[f] for f in others)
    return stays / SAMPLES


def _draw_cells(bounds, draw) -> list[float]:
    return [low + width * draw() if width else low for low, width in bounds]


def outcome(problem: Problem, weights, judged=True) -> Outcome:
    """As Problem.outcome."""
    ranking = rank(problem.scores, weights, problem.must_haves, problem.unknown)
    if not ranking or ranking[0].excluded:
        return Outcome(ranking, None, None, None, 0.0, 0.0, [], [])
    leader = ranking[0]
    runner_up = ranking[1] if len(ranking) > 1 else None
    if runner_up is None:
        return Outcome(ranking, leader.framework, leader.framework, None, 0.0, 1.0, [], [])
    lead_cells, other_cells = problem.scores[leader.framework], problem.scores[runner_up.framework]
    margin = leader.score - runner_up.score
    if runner_up.lacks_evidence:
        return Outcome(ranking, None, leader.framework, runner_up.framework, margin, 0.0, [], [])
    if runner_up.excluded:
        sure, called = 1.0, True
    else:
        ranked = {r.framework: problem.scores[r.framework] for r in ranking if not r.lacks_evidence}
        sure = 1.0
        if judged:
            sure = confidence_one_by_one(ranked, weights, problem.must_haves, ranges=problem.ranges)
        called = margin >= MARGIN_BAR and sure >= CONFIDENCE_BAR
    winner = leader.framework if called else None
    shares = reasons(lead_cells, other_cells, weights) if judged else []
    return Outcome(ranking, winner, leader.framework, runner_up.framework, margin, sure, shares, [])


def flips(problem: Problem, weights, current: Outcome) -> list[Flip]:
    """As scoring.flips, each step's margin-only outcome decided on its own."""
    if current.leader is None or current.runner_up is None:
        return []
    found = []
    for criterion in sorted(weights):
        for direction in (1, -1):
            found += _flips_along(problem, weights, criterion, direction, current.winner)
    return sorted(found, key=lambda f: (abs(f.flip_weight - f.current_weight), f.criterion, f.flip_weight))


def _flips_along(problem, weights, criterion, direction, winner):
    current = weights[criterion]
    end = MAX_WEIGHT if direction > 0 else MIN_WEIGHT
    steps = list(range(round(current) + direction, end + direction, direction))

    def at(weight, judged=True):
        return outcome(problem, {**weights, criterion: weight}, judged=judged).winner

    on_margin = [at(weight, judged=False) for weight in steps]
    original, found, start = winner, [], 0
    if winner is not None:
        kept = next((i for i, called in enumerate(on_margin) if called != winner), len(steps))
        if kept and at(steps[kept - 1]) is None:
            low, high = 0, kept - 1
            while low < high:
                middle = (low + high) // 2
                if at(steps[middle]) is None:
                    high = middle
                else:
                    low = middle + 1
            found.append(Flip(criterion, current, steps[low], None))
            winner, start = None, low + 1
        else:
            start = kept
    for weight, called in zip(steps[start:], on_margin[start:], strict=True):
        if called in (winner, original):
            continue
        now = at(weight)
        if now in (winner, original):
            continue
        found.append(Flip(criterion, current, weight, now))
        if now is not None:
            break
        winner = None
    return found


def decide(scores, weights, must_haves=(), ranges=None, unknown=None) -> Outcome:
    """As scoring.decide."""
    problem = Problem(scores, tuple(must_haves), ranges, unknown)
    current = outcome(problem, weights)
    return replace(current, flips=flips(problem, weights, current))
