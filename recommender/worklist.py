"""The evidence worklist: the cells of the evidence matrix where more evidence would matter most.

For each cell (one framework on one criterion, in the matrix the verdicts use) it asks how often
the verdicts of a sample of random visitors would change if the cell moved as far as its claims
allow: to the lowest and to the highest rating its claims give, or, with one claim or none, STEP
rating points either way within the rubric's 1..5. That flip rate is weighed by how much the cell
needs work: thin (few sources, few of them independent), stale (claims older than the staleness
limit, or undated) and contested (its claims' ratings spread apart), each 0..1:

    score = flip rate * (1 + thin + stale + contested)

so a cell that can change no sampled verdict scores 0 however thin, and of two cells that change
as many verdicts the thinner, staler or more contested one comes first. Visitors answer as
`balance.random_answers` draws them and, as on the questionnaire, compare the featured frameworks;
every verdict is the method's own (`verdicts.decide`, `scoring.Problem.outcome`), nothing else.

Kept by `worklist_version`: the evidence as seen today and the questionnaire (CACHING.md).
"""

import datetime
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Value
from django.utils import timezone

from criteria.models import Criterion
from frameworks.evidence import Matrix, claim_facts, evidence_version, load_matrix
from frameworks.models import Claim, Framework
from frameworks.staleness import is_old, stale_cutoff
from frameworks.weighing import MAX_RATING, MIN_RATING, NEUTRAL_RATING, Cell, ClaimFact, Witness, unit
from infrastructure.data_versions import DataVersion, cache_key
from infrastructure.versioned_cache import remember

from . import scoring
from .balance import random_answers
from .questionnaire import WeightMove, chosen_moves, load_questions, questionnaire_version
from .verdicts import decide

# Random visitors per ranking: one visitor in 200 is a flip rate of 0.5%, and a rate near 50% is
# known to about 3.5 points (one standard error). The build judges a verdict for each visitor,
# cell of the compared frameworks and move: on the seed data 200 x 44 x 2, about 5 s on a busy
# two-core machine, once per data version (the evidence_worklist command builds it ahead).
SAMPLE_SIZE = 200
# Fixed: the same data version always gives the same visitors, hence the same ranking.
SEED = 20261203
# How far, in rating points, a cell resting on one claim or none moves each way (within 1..5).
STEP = 1

Pair = tuple[str, str]  # (framework slug, criterion slug)


@dataclass(frozen=True)
class Need:
    """How much a cell needs work, each part 0..1, with the words an editor reads for it."""

    thin: float
    stale: float
    contested: float
    thin_words: str
    stale_words: str
    contested_words: str

    @property
    def total(self) -> float:
        return self.thin + self.stale + self.contested


@dataclass(frozen=True)
class Row:
    framework: str
    framework_name: str
    framework_id: int
    criterion: str
    criterion_name: str
    criterion_id: int
    claims: int  # published claims in the cell, counted or not
    compared: bool  # its framework is one the sampled visitors compare: else no verdict depends on it
    moved_to: tuple[float, ...]  # the ratings (1..5) the cell was moved to
    flips: int  # sampled visitors whose verdict changes at either end
    flip_rate: float
    need: Need
    score: float


@dataclass(frozen=True)
class Worklist:
    rows: tuple[Row, ...]  # every cell, the most useful first
    visitors: int
    compared: tuple[str, ...]  # the frameworks the sampled visitors compare, by name
    published_claims: int
    version: str


def worklist_version(
    today: datetime.date | None = None, questionnaire: DataVersion | None = None
) -> DataVersion:
    """The evidence as a visitor sees it today (claims, sources, frameworks, criteria, the date
    and settings), the questionnaire (read unless given) and this module's constants."""
    evidence, questionnaire = evidence_version(today), questionnaire or questionnaire_version()
    changed = [v.changed_at for v in (evidence, questionnaire) if v.changed_at is not None]
    token = cache_key(evidence.token, questionnaire.token, SAMPLE_SIZE, SEED, STEP)
    return DataVersion(token, max(changed, default=None))


def load_worklist(today: datetime.date | None = None) -> Worklist:
    """The worklist for the current data: from this process, the cache, or a build."""
    today = today or timezone.localdate()
    questionnaire = questionnaire_version()
    version = worklist_version(today, questionnaire).token
    return remember("evidence-worklist", version, lambda: build_worklist(today, questionnaire.token, version))


def build_worklist(today: datetime.date, questionnaire: str | None = None, version: str = "") -> Worklist:
    """Reads the matrix and the questionnaire (cached), the cells' claims and the records' ids."""
    matrix = load_matrix(today)
    questions = load_questions(questionnaire)
    facts = claim_facts(Claim.objects.all())
    ids = _ids()
    rng = random.Random(SEED)
    visitors = [chosen_moves(random_answers(questions, rng), questions) for _ in range(SAMPLE_SIZE)]
    compared = list(matrix.featured)
    stale_before = stale_cutoff(today)
    counted = {pair: [f for f in facts[pair] if f.counts] for pair in matrix.cells}
    moves = {
        pair: moved_ratings(matrix.cells[pair], [f.rating for f in counted[pair]])
        for pair in matrix.cells
        if pair[0] in compared
    }
    flips = count_flips(matrix, compared, visitors, moves)
    rows = []
    for (framework, criterion), cell in matrix.cells.items():
        need = cell_need(cell, counted[framework, criterion], stale_before)
        changed = flips.get((framework, criterion), 0)
        rate = changed / len(visitors) if visitors else 0.0
        rows.append(
            Row(
                framework=framework,
                framework_name=matrix.frameworks[framework],
                framework_id=ids["framework", framework],
                criterion=criterion,
                criterion_name=matrix.criteria[criterion].name,
                criterion_id=ids["criterion", criterion],
                claims=len(cell.claim_ids),
                compared=framework in compared,
                moved_to=moves.get((framework, criterion), ()),
                flips=changed,
                flip_rate=rate,
                need=need,
                score=rate * (1 + need.total),
            )
        )
    rows.sort(key=lambda r: (-r.score, -r.need.total, r.framework, r.criterion))
    return Worklist(
        rows=tuple(rows),
        visitors=len(visitors),
        compared=tuple(matrix.frameworks[f] for f in compared),
        published_claims=sum(len(cell.claim_ids) for cell in matrix.cells.values()),
        version=version,
    )


def moved_ratings(cell: Cell, ratings: Sequence[int]) -> tuple[float, ...]:
    """The ratings the cell is tried at: its claims' lowest and highest when it has two claims or
    more, else its rating (neutral when empty) STEP either way within 1..5. A move that leaves the
    cell where it is is left out: it changes nothing."""
    if len(ratings) >= 2:
        ends = {float(min(ratings)), float(max(ratings))}
    else:
        current = cell.mean_rating if cell.mean_rating is not None else NEUTRAL_RATING
        ends = {max(MIN_RATING, current - STEP), min(MAX_RATING, current + STEP)}
    return tuple(sorted(r for r in ends if not math.isclose(unit(r), cell.score, abs_tol=1e-9)))


def count_flips(
    matrix: Matrix,
    compared: list[str],
    visitors: list[list[WeightMove]],
    moves: dict[Pair, tuple[float, ...]],
) -> dict[Pair, int]:
    """For each cell, how many visitors' verdicts (the winner, or too close to call) change when it
    is moved to any of its ratings. A moved cell's range of doubt moves with it, and an empty cell
    moved counts as evidence (a claim is what would move it)."""
    scores, ranges, unknown = matrix.scores(compared), matrix.ranges(compared), matrix.unknown(compared)
    judged = []
    for chosen in visitors:
        weights, must_haves, outcome = decide(matrix, compared, chosen, {}, find_flips=False)
        judged.append((weights, tuple(must_haves), outcome.winner))
    found = {}
    for (framework, criterion), ratings in moves.items():
        changed: set[int] = set()
        for rating in ratings:
            moved = _moved(scores, ranges, unknown, framework, criterion, unit(rating))
            # What scoring.decide(..., find_flips=False) does, with one Problem per set of must-haves:
            # its arrays are built once for every visitor who shares them.
            problems: dict[tuple[str, ...], scoring.Problem] = {}
            for n, (weights, must_haves, winner) in enumerate(judged):
                if n in changed:
                    continue
                if must_haves not in problems:
                    problems[must_haves] = scoring.Problem(moved[0], must_haves, *moved[1:])
                if problems[must_haves].outcome(weights).winner != winner:
                    changed.add(n)
        found[framework, criterion] = len(changed)
    return found


def _moved(scores, ranges, unknown, framework: str, criterion: str, value: float):
    """(scores, ranges, unknown) with the cell at `value`, its range shifted as far (within 0..1)."""
    shift = value - scores[framework][criterion]
    low, high = ranges[framework][criterion]
    return (
        {**scores, framework: {**scores[framework], criterion: value}},
        {**ranges, framework: {**ranges[framework], criterion: (_clip(low + shift), _clip(high + shift))}},
        {**unknown, framework: unknown[framework] - {criterion}},
    )


def cell_need(cell: Cell, counted: Sequence[ClaimFact], stale_before: datetime.date) -> Need:
    """Thin: 1 / (1 + sources + independent sources), 1 when no claim counts. Stale: the share of
    its claims dated before the staleness limit, an undated one counting half. Contested: the
    spread of its claims' ratings over the rubric's width."""
    if not counted:
        uncounted = len(cell.claim_ids)
        words = "no claims"
        if uncounted:
            words = f"no claim counts ({uncounted} superseded or out of version scope)"
        return Need(1.0, 0.0, 0.0, words, "nothing to date", "no ratings")
    independent = len({f.source_id for f in counted if f.witness == Witness.INDEPENDENT})
    thin = 1 / (1 + cell.sources + independent)
    thin_words = (
        f"{_count(len(counted), 'claim')} from {_count(cell.sources, 'source')}, "
        f"{'none' if independent == 0 else independent} independent"
    )
    if len(cell.claim_ids) > len(counted):
        thin_words += f"; {len(cell.claim_ids) - len(counted)} more superseded or out of version scope"
    old = sum(is_old(f.dated, stale_before) for f in counted)
    undated = sum(f.dated is None for f in counted)
    stale = (old + undated / 2) / len(counted)
    said = []
    if old:
        said.append(f"{old} of {len(counted)} dated before {stale_before.isoformat()} (the staleness limit)")
    if undated:
        said.append(f"{undated} of {len(counted)} undated")
    ratings = [f.rating for f in counted]
    low, high = min(ratings), max(ratings)
    if len(ratings) == 1:
        contested_words = f"one rating: {low} of {MAX_RATING}"
    elif low == high:
        contested_words = f"all rate it {low} of {MAX_RATING}"
    else:
        contested_words = f"ratings from {low} to {high}"
        if cell.contested:
            contested_words += "; its sources disagree"
    return Need(
        thin=thin,
        stale=stale,
        contested=(high - low) / (MAX_RATING - MIN_RATING),
        thin_words=thin_words,
        stale_words="; ".join(said) or "all current",
        contested_words=contested_words,
    )


def _ids() -> dict[tuple[str, str], int]:
    """(kind, slug) -> primary key of every framework and criterion, in one query."""
    frameworks = Framework.objects.values_list(Value("framework"), "slug", "pk").order_by()
    criteria = Criterion.objects.values_list(Value("criterion"), "slug", "pk").order_by()
    return {(kind, slug): pk for kind, slug, pk in frameworks.union(criteria, all=True)}


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
