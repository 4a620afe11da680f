"""The verdict method: pure functions over plain data, no Django.

Inputs are a score per framework and criterion in 0..1 (from the evidence matrix), the range each
score may take given its evidence, the criteria a framework has no evidence on, and a weight per
criterion in 0..10 (from the answers). How claims become a cell's score is the evidence half of the
method, in frameworks/weighing.py. The methodology page renders the constants of both.
"""

import functools
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

MIN_WEIGHT = 0
MAX_WEIGHT = 10
# A must-have excludes a framework whose cell scores below this (a rating under 3 of 5).
MUST_HAVE_BAR = 0.5
# Below either bar, the verdict says "too close to call" instead of naming a winner.
MARGIN_BAR = 3.0  # score points out of 100
CONFIDENCE_BAR = 0.7  # share of perturbed weightings in which the winner stays first
# Confidence: SAMPLES draws; in each, every weight moves by a uniform random amount in
# +-PERTURBATION and every cell takes a uniform random value within its range of evidence.
PERTURBATION = 2.0
SAMPLES = 400
SEED = 20261123
# A framework without evidence on at least this share of the weighted criteria is not ranked.
MIN_COVERAGE = 0.5

Scores = Mapping[str, Mapping[str, float]]  # framework -> criterion -> 0..1
Ranges = Mapping[str, Mapping[str, tuple[float, float]]]  # framework -> criterion -> (low, high)
Unknown = Mapping[str, Collection[str]]  # framework -> criteria without evidence
Weights = Mapping[str, float]  # criterion -> 0..10


def clamp_weight(weight: float) -> float:
    return min(MAX_WEIGHT, max(MIN_WEIGHT, weight))


def combine_weights(
    defaults: Mapping[str, float], deltas: Iterable[tuple[str, float]], overrides: Mapping[str, float]
) -> dict[str, float]:
    """Default weights plus each chosen answer's deltas, clamped; explicit overrides win outright."""
    weights = dict(defaults)
    for criterion, delta in deltas:
        if criterion in weights:
            weights[criterion] += delta
    weights = {criterion: clamp_weight(weight) for criterion, weight in weights.items()}
    weights.update({c: clamp_weight(w) for c, w in overrides.items() if c in weights})
    return weights


def score(cells: Mapping[str, float], weights: Weights) -> float:
    """100 * sum(w * s) / sum(w): against nothing else, so other frameworks never change it."""
    total = sum(weights.values())
    if total == 0:
        return 50.0
    return 100 * sum(w * cells.get(criterion, 0.5) for criterion, w in weights.items()) / total


@dataclass(frozen=True)
class Ranked:
    framework: str
    score: float
    failed_must_haves: tuple[str, ...] = ()  # must-have criteria it is below the bar on
    missing_evidence: tuple[str, ...] = ()  # weighted criteria it has no evidence on, when too many

    @property
    def excluded(self) -> bool:
        return bool(self.failed_must_haves or self.missing_evidence)

    @property
    def lacks_evidence(self) -> bool:
        return bool(self.missing_evidence)


def active_must_haves(must_haves: Iterable[str], weights: Weights) -> list[str]:
    """A must-have whose weight is 0 is lifted: the visitor has said the criterion does not matter."""
    return sorted({c for c in must_haves if weights.get(c, 0) > 0})


def coverage(unknown: Collection[str], weights: Weights) -> float:
    """The share of the weight resting on criteria where the framework has evidence."""
    total = sum(weights.values())
    if total == 0:
        return 1.0
    return 1 - sum(w for c, w in weights.items() if c in unknown) / total


def rank(
    scores: Scores, weights: Weights, must_haves: Iterable[str] = (), unknown: Unknown | None = None
) -> list[Ranked]:
    """Best first; frameworks failing a must-have or lacking evidence go last, each saying why."""
    must_haves = active_must_haves(must_haves, weights)
    unknown = unknown or {}
    ranked = []
    for framework, cells in scores.items():
        failed = tuple(c for c in must_haves if cells.get(c, 0.5) < MUST_HAVE_BAR)
        missing = set(unknown.get(framework, ()))
        lacking = coverage(missing, weights) < MIN_COVERAGE
        missing_weighted = tuple(sorted(c for c in missing if weights.get(c, 0) > 0)) if lacking else ()
        ranked.append(Ranked(framework, score(cells, weights), failed, missing_weighted))
    # Ties break on the slug, so that the order never depends on the input's order.
    return sorted(ranked, key=lambda r: (r.lacks_evidence, r.excluded, -r.score, r.framework))


@dataclass(frozen=True)
class Reason:
    criterion: str
    weight: float
    contribution: float  # score points the criterion adds to the leader's margin (negative: to the other's)


def reasons(leader: Mapping[str, float], runner_up: Mapping[str, float], weights: Weights) -> list[Reason]:
    """Each criterion's share of the margin, largest first; they add up to the margin."""
    total = sum(weights.values())
    if total == 0:
        return []
    shares = [
        Reason(c, w, 100 * w * (leader.get(c, 0.5) - runner_up.get(c, 0.5)) / total)
        for c, w in weights.items()
    ]
    return sorted(shares, key=lambda r: (-r.contribution, r.criterion))


@dataclass(frozen=True)
class Flip:
    criterion: str
    current_weight: float
    flip_weight: int
    new_winner: str | None  # what the verdict becomes at flip_weight; None: too close to call


def flips(problem: "Problem", weights: Weights, current: "Outcome") -> list[Flip]:
    """For each criterion, the whole weights nearest its current one, up and down, at which the
    verdict changes, each labelled by deciding again at that weight: the same method, no shortcut.

    Each way, the first change is recorded and, when that is to too close to call, the first weight
    beyond it at which a framework wins. Every criterion is followed both ways: even one on which the
    compared frameworks are equal moves the margin, as its weight dilutes the others'.
    """
    if current.leader is None or current.runner_up is None:
        return []
    found = []
    for criterion in sorted(weights):
        for direction in (1, -1):
            found += _flips_along(problem, weights, criterion, direction, current.winner)
    return sorted(found, key=lambda f: (abs(f.flip_weight - f.current_weight), f.criterion, f.flip_weight))


def _flips_along(problem: "Problem", weights: Weights, criterion: str, direction: int, winner: str | None):
    current = weights[criterion]
    end = MAX_WEIGHT if direction > 0 else MIN_WEIGHT
    steps = list(range(round(current) + direction, end + direction, direction))

    def at(weight, judged=True):
        return problem.outcome({**weights, criterion: weight}, judged=judged).winner

    # The margin alone calls it at every step cheaply; confidence can only withhold a call it allows.
    on_margin = [at(weight, judged=False) for weight in steps]
    original, found, start = winner, [], 0
    if winner is not None:
        # Confidence may lose the call before the margin does: if the last step the margin keeps
        # loses it, bisect for the first that does (confidence falls as the weight moves this way).
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
            continue  # the margin allows a call, confidence does not: no change

        found.append(Flip(criterion, current, weight, now))
        if now is not None:
            break
        winner = None
    return found


def confidence(
    scores: Scores,
    weights: Weights,
    must_haves: Iterable[str] = (),
    seed: int = SEED,
    ranges: Ranges | None = None,
) -> float:
    """Share of random draws in which the leader stays first (in the spirit of SMAA, stochastic
    multicriteria acceptability analysis): each draw moves every weight within +-PERTURBATION and,
    given `ranges`, every cell within what its evidence supports. Seeded: reproducible.

    All draws at once on arrays. Each sample takes its numbers from one seeded stream in a fixed
    order (the weights, then each framework's uncertain cells, the leader's first) and its sums are
    added criterion by criterion, so the result is exactly that of drawing and adding one by one.
    """
    bounds = draw_bounds(scores, weights, must_haves, ranges)
    if bounds is None:
        return 1.0
    leader, *others = bounds
    criteria = sorted(weights)
    per_sample = len(criteria) + sum(1 for f in bounds for _, width in bounds[f] if width)
    draws = _seeded_draws(seed, SAMPLES * per_sample).reshape(SAMPLES, per_sample)
    base = np.array([weights[c] - PERTURBATION for c in criteria])
    moved = base + 2 * PERTURBATION * draws[:, : len(criteria)]
    sampled = np.minimum(MAX_WEIGHT, np.maximum(MIN_WEIGHT, moved))
    column = len(criteria)
    totals = {}
    for framework, cells in bounds.items():
        # Same denominator for everyone: the leader stays first when its weighted sum is the largest.
        total = np.zeros(SAMPLES)
        for index, (low, width) in enumerate(cells):
            # A cell known exactly takes no draw, so a matrix without ranges gives weights-only draws.
            value = low
            if width:
                value = low + width * draws[:, column]
                column += 1
            total = total + sampled[:, index] * value
        totals[framework] = total
    stays = np.logical_and.reduce([totals[leader] > totals[f] for f in others])
    return int(stays.sum()) / SAMPLES


def draw_bounds(
    scores: Scores, weights: Weights, must_haves: Iterable[str], ranges: Ranges | None
) -> dict[str, list[tuple[float, float]]] | None:
    """What confidence draws from: for each framework that meets the must-haves, the leader first,
    and each criterion in name order, the lowest value and how far above it a draw may land. None
    when fewer than two frameworks meet the must-haves: nothing can take the leader's place."""
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


@functools.cache
def _seeded_stream(seed: int, length: int) -> np.ndarray:
    # rng.uniform(-P, P) is -P + 2P * random(): the draws are random()'s, in order.
    draw = random.Random(seed).random
    stream = np.fromiter((draw() for _ in range(length)), dtype=float, count=length)
    stream.flags.writeable = False
    return stream


def _seeded_draws(seed: int, count: int) -> np.ndarray:
    """The first `count` numbers of the seed's stream; kept in steps of powers of two."""
    return _seeded_stream(seed, max(1024, 1 << (count - 1).bit_length()))[:count]


def _bounds(value: float, evidence_range: tuple[float, float] | None) -> tuple[float, float]:
    if evidence_range is None:
        return value, 0.0
    low, high = evidence_range
    return low, high - low


def _fails_must_have(cells: Mapping[str, float], must_haves: Iterable[str]) -> bool:
    return any(cells.get(c, 0.5) < MUST_HAVE_BAR for c in must_haves)


@dataclass(frozen=True)
class Outcome:
    ranking: list[Ranked]
    winner: str | None  # None when too close to call, or when too little evidence allows no call
    leader: str | None
    runner_up: str | None
    margin: float
    confidence: float
    reasons: list[Reason]
    flips: list[Flip]

    @property
    def too_close_to_call(self) -> bool:
        return self.winner is None

    @property
    def lacking_evidence(self) -> list[str]:
        """The compared frameworks that are not ranked for want of evidence."""
        return [r.framework for r in self.ranking if r.lacks_evidence]


@dataclass(frozen=True)
class Problem:
    """What is compared, apart from the weights: the method decides it at any weighting."""

    scores: Scores
    must_haves: Sequence[str] = ()
    ranges: Ranges | None = None
    unknown: Unknown | None = None

    def outcome(self, weights: Weights, judged: bool = True) -> Outcome:
        """Everything but the flips. Unjudged, confidence is taken as certain (and the reasons left
        out): the call the margin alone allows, which confidence can withhold but never grant."""
        ranking = rank(self.scores, weights, self.must_haves, self.unknown)
        if not ranking or ranking[0].excluded:
            return Outcome(ranking, None, None, None, 0.0, 0.0, [], [])
        leader = ranking[0]
        runner_up = ranking[1] if len(ranking) > 1 else None
        if runner_up is None:
            return Outcome(ranking, leader.framework, leader.framework, None, 0.0, 1.0, [], [])
        lead_cells, other_cells = self.scores[leader.framework], self.scores[runner_up.framework]
        margin = leader.score - runner_up.score
        if runner_up.lacks_evidence:
            # Nothing to weigh the leader against: say so rather than name a winner of one.
            return Outcome(ranking, None, leader.framework, runner_up.framework, margin, 0.0, [], [])
        if runner_up.excluded:
            # A must-have decided it: at these weights, nothing else can change that.
            sure, called = 1.0, True
        else:
            ranked = {r.framework: self.scores[r.framework] for r in ranking if not r.lacks_evidence}
            sure = confidence(ranked, weights, self.must_haves, ranges=self.ranges) if judged else 1.0
            called = margin >= MARGIN_BAR and sure >= CONFIDENCE_BAR
        winner = leader.framework if called else None
        shares = reasons(lead_cells, other_cells, weights) if judged else []
        return Outcome(ranking, winner, leader.framework, runner_up.framework, margin, sure, shares, [])


def decide(
    scores: Scores,
    weights: Weights,
    must_haves: Sequence[str] = (),
    ranges: Ranges | None = None,
    unknown: Unknown | None = None,
) -> Outcome:
    """The whole method for the compared frameworks: ranking, reasons, confidence and flips."""
    problem = Problem(scores, tuple(must_haves), ranges, unknown)
    outcome = problem.outcome(weights)
    return replace(outcome, flips=flips(problem, weights, outcome))
