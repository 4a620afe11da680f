"""The verdict method: pure functions over plain data, no Django.

Inputs are a score per framework and criterion in 0..1 (from the evidence matrix) and a weight
per criterion in 0..10 (from the answers). The methodology page renders the constants below.
"""

import math
import operator
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_WEIGHT = 0
MAX_WEIGHT = 10
# A must-have excludes a framework whose cell scores below this (a rating under 3 of 5).
MUST_HAVE_BAR = 0.5
# Below either bar, the verdict says "too close to call" instead of naming a winner.
MARGIN_BAR = 3.0  # score points out of 100
CONFIDENCE_BAR = 0.7  # share of perturbed weightings in which the winner stays first
# Confidence: every weight moves by a uniform random amount in +-PERTURBATION, SAMPLES times.
PERTURBATION = 2.0
SAMPLES = 400
SEED = 20261123

Scores = Mapping[str, Mapping[str, float]]  # framework -> criterion -> 0..1
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
    excluded_reason: str = ""


def rank(scores: Scores, weights: Weights, must_haves: Iterable[str] = ()) -> list[Ranked]:
    """Best first; frameworks failing a must-have go last, each with the reason."""
    must_haves = sorted(set(must_haves))
    ranked = []
    for framework, cells in scores.items():
        failed = [c for c in must_haves if cells.get(c, 0.5) < MUST_HAVE_BAR]
        reason = f"below the bar on must-have: {', '.join(failed)}" if failed else ""
        ranked.append(Ranked(framework, score(cells, weights), reason))
    # Ties break on the slug, so that the order never depends on the input's order.
    return sorted(ranked, key=lambda r: (bool(r.excluded_reason), -r.score, r.framework))


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


def confidence(scores: Scores, weights: Weights, must_haves: Iterable[str] = (), seed: int = SEED) -> float:
    """Share of randomly perturbed weightings under which the leader stays first. Seeded: reproducible."""
    eligible = {f: cells for f, cells in scores.items() if not _fails_must_have(cells, must_haves)}
    if len(eligible) < 2:
        return 1.0
    criteria = sorted(weights)
    leader = rank(eligible, weights)[0].framework
    ahead = [eligible[leader].get(c, 0.5) for c in criteria]
    # Same denominator for everyone, so the leader stays first exactly when its weighted sum beats
    # each other framework's: a positive dot product of the weights with the difference.
    gaps = [
        [a - eligible[f].get(c, 0.5) for a, c in zip(ahead, criteria, strict=True)]
        for f in sorted(eligible)
        if f != leader
    ]
    base = [weights[c] - PERTURBATION for c in criteria]
    spread = 2 * PERTURBATION
    draw = random.Random(seed).random  # rng.uniform(-P, P) is -P + 2P * random(): same draws
    stays = 0
    for _ in range(SAMPLES):
        sample = [min(MAX_WEIGHT, max(MIN_WEIGHT, w + spread * draw())) for w in base]
        stays += all(sum(map(operator.mul, sample, gap)) > 0 for gap in gaps)
    return stays / SAMPLES


def _fails_must_have(cells: Mapping[str, float], must_haves: Iterable[str]) -> bool:
    return any(cells.get(c, 0.5) < MUST_HAVE_BAR for c in must_haves)


@dataclass(frozen=True)
class Outcome:
    ranking: list[Ranked]
    winner: str | None  # None when too close to call
    leader: str | None
    runner_up: str | None
    margin: float
    confidence: float
    reasons: list[Reason]
    flips: list[Flip]

    @property
    def too_close_to_call(self) -> bool:
        return self.winner is None


def decide(scores: Scores, weights: Weights, must_haves: Sequence[str] = ()) -> Outcome:
    """The whole method for the compared frameworks: ranking, reasons, flips and confidence."""
    ranking = rank(scores, weights, must_haves)
    if not ranking or ranking[0].excluded_reason:
        return Outcome(ranking, None, None, None, 0.0, 0.0, [], [])
    leader = ranking[0]
    runner_up = ranking[1] if len(ranking) > 1 else None
    if runner_up is None:
        return Outcome(ranking, leader.framework, leader.framework, None, 0.0, 1.0, [], [])
    lead_cells, other_cells = scores[leader.framework], scores[runner_up.framework]
    margin = leader.score - runner_up.score
    if runner_up.excluded_reason:
        # A must-have decided it: no weighting of the other criteria can change that.
        sure, flipping = 1.0, []
        called = True
    else:
        sure, flipping = confidence(scores, weights, must_haves), flips(lead_cells, other_cells, weights)
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
