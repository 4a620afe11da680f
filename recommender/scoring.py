"""The verdict method: pure functions over plain data, no Django.

Inputs are a score per framework and criterion in 0..1 (from the evidence matrix), the range each
score may take given its evidence, the criteria a framework has no evidence on, and a weight per
criterion in 0..10 (from the answers). How claims become a cell's score is the evidence half of the
method, in frameworks/weighing.py. The methodology page renders the constants of both.
"""

import functools
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

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


def rank(
    scores: Scores, weights: Weights, must_haves: Iterable[str] = (), unknown: Unknown | None = None
) -> list[Ranked]:
    """Best first; frameworks failing a must-have or lacking evidence go last, each saying why."""
    return Problem(scores, tuple(must_haves), unknown=unknown).ranking(weights)


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
    on_margin = problem.margin_calls(weights)
    found = []
    for criterion in sorted(weights):
        for direction in (1, -1):
            calls = on_margin[criterion]
            found += _flips_along(problem, weights, criterion, direction, current.winner, calls)
    return sorted(found, key=lambda f: (abs(f.flip_weight - f.current_weight), f.criterion, f.flip_weight))


def _flips_along(
    problem: "Problem",
    weights: Weights,
    criterion: str,
    direction: int,
    winner: str | None,
    margin_calls: Mapping[int, str | None],
) -> list[Flip]:
    current = weights[criterion]
    end = MAX_WEIGHT if direction > 0 else MIN_WEIGHT
    steps = list(range(round(current) + direction, end + direction, direction))

    def at(weight):
        return problem.outcome({**weights, criterion: weight}).winner

    # The margin alone calls it at every step cheaply; confidence can only withhold a call it allows.
    on_margin = [margin_calls[weight] for weight in steps]
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
    return Problem(scores, tuple(must_haves), ranges).confidence(weights, seed=seed)


def draw_bounds(
    scores: Scores, weights: Weights, must_haves: Iterable[str], ranges: Ranges | None
) -> dict[str, list[tuple[float, float]]] | None:
    """What confidence draws from: for each framework that meets the must-haves, the leader first,
    and each criterion in name order, the lowest value and how far above it a draw may land. None
    when fewer than two frameworks meet the must-haves: nothing can take the leader's place."""
    problem = Problem(scores, tuple(must_haves), ranges)
    drawn = problem.drawn_from(weights)
    if drawn is None:
        return None
    arrays, order, by_name = drawn
    low, width = arrays.low[:, by_name].tolist(), arrays.width[:, by_name].tolist()
    return {arrays.frameworks[n]: list(zip(low[n], width[n], strict=True)) for n in order}


def _cell_draws(low: np.ndarray, width: np.ndarray, seed: int) -> tuple[int, np.ndarray]:
    """How many numbers each sample takes from the seed's stream, and the values its cells take,
    from `low` and `width`: one row per framework, the leader's first, one column per criterion in
    name order. The values are laid out criterion by framework by sample, for the sums' sake."""
    criteria = low.shape[1]
    drawn = width != 0  # a cell known exactly takes no draw: a matrix without ranges gives weights-only draws
    per_sample = criteria + int(drawn.sum())
    values = low.T[:, :, None]
    if drawn.any():
        draws = _seeded_draws(seed, SAMPLES * per_sample).reshape(SAMPLES, per_sample)
        # Each drawn cell's column: after the weights, framework by framework, criterion by criterion.
        column = criteria + np.cumsum(drawn).reshape(drawn.shape) - 1
        picked = np.ascontiguousarray(draws.T)[np.maximum(column, 0).T]
        values = np.where(drawn.T[:, :, None], values + width.T[:, :, None] * picked, values)
    return per_sample, values


def _share_staying_first(weights: np.ndarray, per_sample: int, values: np.ndarray, seed: int) -> float:
    """Confidence on arrays, from the weights in name order and what _cell_draws() gives."""
    criteria = len(weights)
    draws = _seeded_draws(seed, SAMPLES * per_sample).reshape(SAMPLES, per_sample)
    moved = (weights - PERTURBATION) + 2 * PERTURBATION * draws[:, :criteria]
    sampled = np.ascontiguousarray(np.minimum(MAX_WEIGHT, np.maximum(MIN_WEIGHT, moved)).T)
    # Same denominator for everyone: the leader stays first when its weighted sum is the largest.
    totals = np.zeros((values.shape[1], SAMPLES))
    for index in range(criteria):
        totals = totals + values[index] * sampled[index]
    stays = (totals[:1] > totals[1:]).all(axis=0)
    return int(stays.sum()) / SAMPLES


@functools.lru_cache(maxsize=4)
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
class _Arrays:
    """A problem on arrays, for one list of criteria in the weights' order. `rows` holds each
    framework's cells (in the scores' order), then a row per framework marking with 1 the criteria
    it has no evidence on, then a row of ones: weighted, they sum to the scores' numerators, the
    weight without evidence and the total weight, all at once."""

    frameworks: list[str]
    criteria: tuple[str, ...]
    rows: np.ndarray
    low: np.ndarray  # the lowest value each cell may take, and how far above it a draw may land
    width: np.ndarray
    by_name: np.ndarray  # the criteria's columns in name order
    places: np.ndarray  # each framework's place in name order: ties break on the slug
    drawn: dict[tuple[tuple[int, ...], int], tuple[int, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def of(cls, problem: "Problem", criteria: tuple[str, ...]) -> "_Arrays":
        """Read once from the problem's mappings: a cell without a score is 0.5, one without a
        range is known exactly."""
        frameworks = list(problem.scores)
        unknown, ranges = problem.unknown or {}, problem.ranges or {}
        shape = (len(frameworks), len(criteria))
        listed = [[row.get(c, 0.5) for c in criteria] for row in problem.scores.values()]
        cells = np.array(listed, dtype=float).reshape(shape)
        gaps = np.zeros(shape)
        for n, framework in enumerate(frameworks):
            missing = set(unknown.get(framework, ()))
            gaps[n] = [c in missing for c in criteria]
        low, high = cells, cells
        if ranges:
            spans = [ranges.get(f, {}) for f in frameworks]
            low, high = (
                np.array(
                    [
                        [span[c][end] if c in span else v for c, v in zip(criteria, row, strict=True)]
                        for span, row in zip(spans, listed, strict=True)
                    ],
                    dtype=float,
                ).reshape(shape)
                for end in (0, 1)
            )
        rows = np.concatenate([cells, gaps, np.ones((1, len(criteria)))])
        by_name = np.array(sorted(range(len(criteria)), key=criteria.__getitem__), dtype=int)
        places = np.argsort(np.argsort(np.array(frameworks, dtype=object)))
        return cls(frameworks, criteria, rows, low, high - low, by_name, places)

    def cell_draws(self, order: list[int], seed: int) -> tuple[int, np.ndarray]:
        """What _cell_draws() gives for these rows, in this order: the weights aside, the draws
        are the same at every weighting, and the flip search judges many."""
        key = (tuple(order), seed)
        if key not in self.drawn:
            self.drawn.clear()  # only the last: at 50 x 100 with ranges, they take 16 MB
            rows = np.ix_(order, self.by_name)
            self.drawn[key] = _cell_draws(self.low[rows], self.width[rows], seed)
        return self.drawn[key]

    @property
    def cells(self) -> np.ndarray:
        return self.rows[: len(self.frameworks)]

    def weights(self, weights: Weights) -> np.ndarray:
        return np.array([weights[c] for c in self.criteria], dtype=float)

    def sums(self, weights: np.ndarray) -> np.ndarray:
        """Each row's weighted sum, added criterion by criterion as sum() adds them: bit for bit."""
        total = np.zeros(len(self.rows))
        for index, weight in enumerate(weights):
            total = total + weight * self.rows[:, index]
        return total

    def standing(self, sums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each framework's score and whether it lacks evidence, from `sums` (one row per weighting
        in the last axis): 100 * sum(w * s) / sum(w), as score() gives it, and too little evidence
        when the weight on criteria without evidence leaves under MIN_COVERAGE of the total."""
        count = len(self.frameworks)
        numerators, gaps, total = sums[..., :count], sums[..., count : 2 * count], sums[..., 2 * count :]
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = np.where(total == 0, 50.0, 100 * numerators / total)
            covered = np.where(total == 0, 1.0, 1 - gaps / total)
        return scores, covered < MIN_COVERAGE

    def below_bar(self, must_haves: Iterable[str]) -> dict[int, np.ndarray]:
        """For each must-have among the criteria, by column: which frameworks score below the bar."""
        columns = {self.criteria.index(c) for c in must_haves if c in self.criteria}
        return {column: self.cells[:, column] < MUST_HAVE_BAR for column in sorted(columns)}


@dataclass(frozen=True)
class Problem:
    """What is compared, apart from the weights: the method decides it at any weighting."""

    scores: Scores
    must_haves: Sequence[str] = ()
    ranges: Ranges | None = None
    unknown: Unknown | None = None
    # The array form for each list of criteria, built once: the flip search decides again at
    # hundreds of weightings of the same criteria.
    _arrays: dict[tuple[str, ...], _Arrays] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def arrays(self, weights: Weights) -> _Arrays:
        criteria = tuple(weights)
        if criteria not in self._arrays:
            self._arrays[criteria] = _Arrays.of(self, criteria)
        return self._arrays[criteria]

    def ranking(self, weights: Weights) -> list[Ranked]:
        """What rank() gives, from the arrays."""
        arrays = self.arrays(weights)
        scores, lacking = arrays.standing(arrays.sums(arrays.weights(weights)))
        must_haves = active_must_haves(self.must_haves, weights)
        below = arrays.cells[:, [arrays.criteria.index(c) for c in must_haves]] < MUST_HAVE_BAR
        unknown = self.unknown or {}
        ranked = []
        for n, framework in enumerate(arrays.frameworks):
            failed = tuple(c for c, under in zip(must_haves, below[n], strict=True) if under)
            missing = ()
            if lacking[n]:
                missing = tuple(sorted(c for c in set(unknown.get(framework, ())) if weights.get(c, 0) > 0))
            ranked.append(Ranked(framework, float(scores[n]), failed, missing))
        # Ties break on the slug, so that the order never depends on the input's order.
        return sorted(ranked, key=lambda r: (r.lacks_evidence, r.excluded, -r.score, r.framework))

    def drawn_from(
        self, weights: Weights, among: Collection[str] | None = None
    ) -> tuple[_Arrays, list[int], np.ndarray] | None:
        """What draw_bounds() describes, on arrays: the rows of the frameworks (of `among`, or all)
        that meet the must-haves, the leader's first and the others in name order, and the
        criteria's columns in name order. None when fewer than two are left."""
        arrays = self.arrays(weights)
        chosen = [n for n, framework in enumerate(arrays.frameworks) if among is None or framework in among]
        for under in arrays.below_bar(active_must_haves(self.must_haves, weights)).values():
            chosen = [n for n in chosen if not under[n]]
        if len(chosen) < 2:
            return None
        scores, _ = arrays.standing(arrays.sums(arrays.weights(weights)))
        leader = min(chosen, key=lambda n: (-scores[n], arrays.frameworks[n]))
        others = sorted((n for n in chosen if n != leader), key=arrays.frameworks.__getitem__)
        return arrays, [leader, *others], arrays.by_name

    def confidence(self, weights: Weights, among: Collection[str] | None = None, seed: int = SEED) -> float:
        """What confidence() gives for the frameworks of `among` (or all), from the arrays."""
        drawn = self.drawn_from(weights, among)
        if drawn is None:
            return 1.0
        arrays, order, by_name = drawn
        per_sample, values = arrays.cell_draws(order, seed)
        return _share_staying_first(arrays.weights(weights)[by_name], per_sample, values, seed)

    def margin_calls(self, weights: Weights) -> dict[str, dict[int, str | None]]:
        """For each criterion and each whole weight it may take, the others' kept, the winner the
        margin alone allows (that of an unjudged outcome), for two frameworks or more: all at once
        on arrays, each weighting's sums added criterion by criterion as sum() adds them."""
        arrays = self.arrays(weights)
        weight = arrays.weights(weights)
        whole = [round(w) for w in weights.values()]
        steps = np.arange(min([MIN_WEIGHT, *whole]), max([MAX_WEIGHT, *whole]) + 1)
        # sums[j, k]: every row's weighted sum with criterion j at steps[k].
        sums = np.zeros((len(weight), len(steps), len(arrays.rows)))
        before = np.zeros(len(arrays.rows))  # the sum of the criteria before j, at their own weights
        for j, own in enumerate(weight):
            term = own * arrays.rows[:, j]
            sums[:j] += term
            sums[j] = before + steps[:, None] * arrays.rows[:, j]
            before = before + term
        scores, lacking = arrays.standing(sums)
        failed = np.zeros(scores.shape, dtype=bool)
        # A must-have counts where its weight is above 0: at its own steps, or at its weight elsewhere.
        for column, under in arrays.below_bar(self.must_haves).items():
            counts = np.full(sums.shape[:2], weight[column] > 0)
            counts[column] = steps > 0
            failed |= counts[..., None] & under
        excluded = failed | lacking
        places = np.broadcast_to(arrays.places, scores.shape)
        order = np.lexsort((places, -scores, excluded, lacking), axis=-1)

        def of(values, place):
            return np.take_along_axis(values, order[..., place, None], axis=-1)[..., 0]

        margin = of(scores, 0) - of(scores, 1)
        called = ~of(lacking, 1) & (of(excluded, 1) | (margin >= MARGIN_BAR))
        winners = np.where(~of(excluded, 0) & called, order[..., 0], -1).tolist()
        names = [*arrays.frameworks, None]  # -1: none
        return {
            criterion: dict(zip(steps.tolist(), (names[n] for n in winners[j]), strict=True))
            for j, criterion in enumerate(arrays.criteria)
        }

    def outcome(self, weights: Weights, judged: bool = True) -> Outcome:
        """Everything but the flips. Unjudged, confidence is taken as certain (and the reasons left
        out): the call the margin alone allows, which confidence can withhold but never grant."""
        ranking = self.ranking(weights)
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
            ranked = {r.framework for r in ranking if not r.lacks_evidence}
            sure = self.confidence(weights, among=ranked) if judged else 1.0
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
    *,
    find_flips: bool = True,
) -> Outcome:
    """The whole method for the compared frameworks: ranking, reasons, confidence and flips (most of
    the work: a preview that shows none leaves them out)."""
    problem = Problem(scores, tuple(must_haves), ranges, unknown)
    outcome = problem.outcome(weights)
    return replace(outcome, flips=flips(problem, weights, outcome)) if find_flips else outcome
