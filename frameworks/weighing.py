"""How a cell's claims become its evidence: pure functions over plain data, no database.

A cell (one framework on one criterion) hears each source once: a source's claims on the cell
combine into one rating first, however many sentences it spent. Sources then combine, each
weighed by the kind of witness it is and by how recent its word is. Age weighs, it never
silences: the recency weight halves every HALF_LIFE_YEARS down to a floor, and a claim with no
date at all (nor its source) is neither new nor old: it weighs halfway between the floor and 1.
Superseded and out-of-scope claims do not count.

A little pseudo-evidence at the neutral rating (PRIOR_WEIGHT) is mixed into every cell, so that
a single weak witness (a rival's documentation, one old article) moves a cell only part of the
way; the cell still says it is thin. The recommender's method (recommender/scoring.py) reads the
cell's value and its range of doubt; the methodology page shows every constant here.
"""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .staleness import is_old

MIN_RATING = 1
MAX_RATING = 5
NEUTRAL_RATING = 3.0

# Recency: a claim's weight halves every HALF_LIFE_YEARS of age, never below RECENCY_FLOOR.
HALF_LIFE_YEARS = 3.0
RECENCY_FLOOR = 0.2

# Pseudo-evidence at the neutral rating, in units of one current independent source.
PRIOR_WEIGHT = 0.25
# Sources whose ratings differ by this much or more on one cell disagree: the cell is contested.
CONTESTED_SPREAD = 2
# Doubt, in rating points either side, of a cell resting on one current independent source; it
# shrinks with the square root of the evidence's weight and is never less than half the spread.
BASE_DOUBT = 0.5


class Witness(StrEnum):
    """Who is speaking about the framework."""

    INDEPENDENT = "independent"  # an article, survey or benchmark by no framework's project
    OWN = "own"  # the framework's own documentation (or its maintained extensions')
    RIVAL = "rival"  # another framework's documentation, about this one

    @property
    def label(self) -> str:
        return WITNESS_LABELS[self]


WITNESS_WEIGHTS = {Witness.INDEPENDENT: 1.0, Witness.OWN: 0.7, Witness.RIVAL: 0.3}
WITNESS_LABELS = {
    Witness.INDEPENDENT: "independent source",
    Witness.OWN: "the framework's own documentation",
    Witness.RIVAL: "a rival framework's documentation",
}


def witness(speaks_for: str | None, framework: str) -> Witness:
    """The kind of witness a source is about `framework`, from whose project publishes it."""
    if not speaks_for:
        return Witness.INDEPENDENT
    return Witness.OWN if speaks_for == framework else Witness.RIVAL


@dataclass(frozen=True)
class Recency:
    """The decay of a claim's weight with age. Checked when made, so bad settings fail at start."""

    half_life_years: float = HALF_LIFE_YEARS
    floor: float = RECENCY_FLOOR

    def __post_init__(self):
        if not (math.isfinite(self.half_life_years) and self.half_life_years > 0):
            raise ValueError(f"the half-life must be a positive number of years, not {self.half_life_years}.")
        if not 0 < self.floor <= 1:
            raise ValueError(f"the recency floor must be above 0 and at most 1, not {self.floor}.")

    @property
    def undated(self) -> float:
        return (1 + self.floor) / 2

    def weight(self, dated: datetime.date | None, today: datetime.date) -> float:
        if dated is None:
            return self.undated
        age_years = max(0, (today - dated).days) / 365.25
        return max(self.floor, 0.5 ** (age_years / self.half_life_years))


@dataclass(frozen=True)
class ClaimFact:
    """What the matrix needs of one published claim."""

    id: int
    framework: str
    criterion: str
    source_id: int
    rating: int
    dated: datetime.date | None  # the claim's as-of date, else its source's date; None: undated
    witness: Witness
    superseded: bool = False
    in_scope: bool = True  # the framework's current version is inside the claim's version scope

    @property
    def counts(self) -> bool:
        return self.in_scope and not self.superseded


@dataclass(frozen=True)
class SourceVoice:
    """One source's word on one cell: its claims' mean rating, weighed by witness and recency."""

    source_id: int
    rating: float
    weight: float
    witness: Witness


@dataclass(frozen=True)
class Cell:
    framework: str
    criterion: str
    score: float  # 0..1: the rating mapped onto the unit range (NEUTRAL_RATING when empty)
    mean_rating: float | None  # the combined rating, 1..5; None when empty
    low: float  # 0..1: the range the cell may take given its evidence (all of 0..1 when empty)
    high: float
    claim_ids: tuple[int, ...]  # every published claim in the cell, the counted ones first
    scored_ids: tuple[int, ...]  # the claims the value rests on
    sources: int  # distinct sources among the counted claims
    witnesses: tuple[str, ...]  # the kinds of witness among them, sorted
    weight: float  # the evidence's total weight, in current independent sources
    spread: float  # highest minus lowest source rating
    stale: bool  # every counted claim is dated before the staleness limit
    undated: bool  # no counted claim has a date
    empty: bool  # no claim counts

    @property
    def contested(self) -> bool:
        return self.spread >= CONTESTED_SPREAD

    @property
    def thin(self) -> bool:
        return self.sources == 1

    @property
    def only_own_word(self) -> bool:
        """The framework's own documentation is the only witness."""
        return self.witnesses == (Witness.OWN,)


def unit(rating: float) -> float:
    return (rating - MIN_RATING) / (MAX_RATING - MIN_RATING)


def voices(claims: Sequence[ClaimFact], recency: Recency, today: datetime.date) -> list[SourceVoice]:
    """One voice per source among the counted claims, in source order."""
    by_source: dict[int, list[ClaimFact]] = {}
    for claim in claims:
        if claim.counts:
            by_source.setdefault(claim.source_id, []).append(claim)
    found = []
    for source_id in sorted(by_source):
        said = by_source[source_id]
        ages = [recency.weight(c.dated, today) for c in said]
        # Within a source, newer sentences weigh more; the source is as current as its newest.
        rating = sum(a * c.rating for a, c in zip(ages, said, strict=True)) / sum(ages)
        kind = said[0].witness
        found.append(SourceVoice(source_id, rating, WITNESS_WEIGHTS[kind] * max(ages), kind))
    return found


def summarise_cell(
    framework: str,
    criterion: str,
    claims: Sequence[ClaimFact],
    today: datetime.date,
    stale_before: datetime.date,
    recency: Recency = Recency(),
) -> Cell:
    heard = voices(claims, recency, today)
    counted = [c for c in claims if c.counts]
    scored_ids = tuple(c.id for c in counted)
    claim_ids = scored_ids + tuple(c.id for c in claims if not c.counts)
    if not heard:
        return Cell(
            framework, criterion, unit(NEUTRAL_RATING), None, 0.0, 1.0, claim_ids, (), 0, (), 0.0, 0.0,
            False, False, True,
        )  # fmt: skip
    weight = sum(v.weight for v in heard)
    rating = (sum(v.weight * v.rating for v in heard) + PRIOR_WEIGHT * NEUTRAL_RATING) / (
        weight + PRIOR_WEIGHT
    )
    ratings = [v.rating for v in heard]
    spread = max(ratings) - min(ratings)
    doubt = max(spread / 2, BASE_DOUBT / math.sqrt(weight))
    dates = [c.dated for c in counted]
    return Cell(
        framework=framework,
        criterion=criterion,
        score=unit(rating),
        mean_rating=rating,
        low=unit(max(MIN_RATING, rating - doubt)),
        high=unit(min(MAX_RATING, rating + doubt)),
        claim_ids=claim_ids,
        scored_ids=scored_ids,
        sources=len(heard),
        witnesses=tuple(sorted({v.witness for v in heard})),
        weight=weight,
        spread=spread,
        stale=all(is_old(d, stale_before) for d in dates),
        undated=all(d is None for d in dates),
        empty=False,
    )
