"""The confidence draws one by one, in plain Python: the reference the array version must equal."""

import operator
import random

from recommender.scoring import MAX_WEIGHT, MIN_WEIGHT, PERTURBATION, SAMPLES, SEED, draw_bounds


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
