"""The verdict method: pure functions over plain data, no Django.

Inputs are a score per framework and criterion in 0..1 (from the evidence matrix), the range each
score may take given its evidence, the criteria a framework has no evidence on, and a weight per
criterion in 0..10 (from the answers). How claims become a cell's score is the evidence half of the
method, in frameworks/weighing.py. The methodology page renders the constants of both.
"""

import math
import operator
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

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


def flips(leader: Mapping[str, float], runner_up: Mapping[str, float], weights: Weights) -> list[Flip]:
    """For each criterion, the whole weight nearest its current one at which the runner-up would lead.

    The margin's sign is that of A + x * d, where x is the criterion's weight, d the leader's advantage
    on it and A the rest of the weighted sum; so the runner-up leads past x* = -A / d, on one side.
    """
    found = []
    for criterion, weight in weights.items():
        d = leader.get(criterion, 0.5) - runner_up.get(criterion, 0.5)
        if d == 0:
            continue
        rest = sum(
            w * (leader.get(c, 0.5) - runner_up.get(c, 0.5)) for c, w in weights.items() if c != criterion
        )
        x_star = -rest / d
        # d < 0: more weight helps the runner-up; d > 0: less weight does.
        step = 1 if d < 0 else -1
        candidate = math.floor(x_star) + 1 if d < 0 else math.ceil(x_star) - 1
        # Rounding can put x* a hair off a whole number; re-scoring decides, one step further at most.
        for weight_to_try in (candidate, candidate + step):
            if not MIN_WEIGHT <= weight_to_try <= MAX_WEIGHT:
                break
            if _runner_up_leads(leader, runner_up, weights, criterion, weight_to_try):
                found.append(Flip(criterion, weight, weight_to_try))
                break
    return sorted(found, key=lambda f: (abs(f.flip_weight - f.current_weight), f.criterion))


def _runner_up_leads(leader, runner_up, weights, criterion, weight) -> bool:
    changed = {**weights, criterion: weight}
    return score(runner_up, changed) > score(leader, changed)


def confidence(
    scores: Scores,
    weights: Weights,
    must_haves: Iterable[str] = (),
    seed: int = SEED,
    ranges: Ranges | None = None,
) -> float:
    """Share of random draws in which the leader stays first (in the spirit of SMAA, stochastic
    multicriteria acceptability analysis): each draw moves every weight within +-PERTURBATION and,
    given `ranges`, every cell within what its evidence supports. Seeded: reproducible."""
    must_haves = active_must_haves(must_haves, weights)
    eligible = {f: cells for f, cells in scores.items() if not _fails_must_have(cells, must_haves)}
    if len(eligible) < 2:
        return 1.0
    criteria = sorted(weights)
    leader = rank(eligible, weights)[0].framework
    others = [f for f in sorted(eligible) if f != leader]
    ranges = ranges or {}
    # Per framework and criterion: the lowest value and how far above it a draw may land.
    bounds = {
        f: [_bounds(eligible[f].get(c, 0.5), ranges.get(f, {}).get(c)) for c in criteria]
        for f in [leader, *others]
    }
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


def _bounds(value: float, evidence_range: tuple[float, float] | None) -> tuple[float, float]:
    if evidence_range is None:
        return value, 0.0
    low, high = evidence_range
    return low, high - low


def _draw_cells(bounds: list[tuple[float, float]], draw) -> list[float]:
    # A cell known exactly takes no draw, so a matrix without ranges gives the weights-only draws.
    return [low + width * draw() if width else low for low, width in bounds]


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


def decide(
    scores: Scores,
    weights: Weights,
    must_haves: Sequence[str] = (),
    ranges: Ranges | None = None,
    unknown: Unknown | None = None,
) -> Outcome:
    """The whole method for the compared frameworks: ranking, reasons, flips and confidence."""
    ranking = rank(scores, weights, must_haves, unknown)
    if not ranking or ranking[0].excluded:
        return Outcome(ranking, None, None, None, 0.0, 0.0, [], [])
    leader = ranking[0]
    runner_up = ranking[1] if len(ranking) > 1 else None
    if runner_up is None:
        return Outcome(ranking, leader.framework, leader.framework, None, 0.0, 1.0, [], [])
    lead_cells, other_cells = scores[leader.framework], scores[runner_up.framework]
    margin = leader.score - runner_up.score
    if runner_up.lacks_evidence:
        # Nothing to weigh the leader against: say so rather than name a winner of one.
        return Outcome(ranking, None, leader.framework, runner_up.framework, margin, 0.0, [], [])
    if runner_up.excluded:
        # A must-have decided it: no weighting of the other criteria can change that.
        sure, flipping = 1.0, []
        called = True
    else:
        ranked = {r.framework: scores[r.framework] for r in ranking if not r.lacks_evidence}
        sure = confidence(ranked, weights, must_haves, ranges=ranges)
        flipping = flips(lead_cells, other_cells, weights)
        called = margin >= MARGIN_BAR and sure >= CONFIDENCE_BAR
    return Outcome(
        ranking=ranking,
        winner=leader.framework if called else None,
        leader=leader.framework,
        runner_up=runner_up.framework,
        margin=margin,
        confidence=sure,
        reasons=reasons(lead_cells, other_cells, weights),
        flips=flipping,
    )
