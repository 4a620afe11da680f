"""The evidence matrix: one cell per framework and criterion, summarising its published claims.

A cell's score is the mean rating of its claims mapped to 0..1, from its fresh claims when it has
any and from its stale ones otherwise; an empty cell scores neutral (0.5) and says so. The
summary itself (`summarise_cell`) is plain Python; `build_matrix` reads the database and
`load_matrix` serves it from the cache.

The cache is keyed by the dataset version and the staleness cutoff, never invalidated: any change
to the evidence makes a database trigger write a new version token (compare_site/table_triggers.py),
so the next reader builds anew.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import IntegerField, Value
from django.db.models.functions import Cast

from compare_site.table_versions import table_state
from compare_site.versioned_cache import remember
from criteria.models import Criterion
from criteria.visibility import visibility_label

from .models import Claim, Framework, Source, stale_cutoff

NEUTRAL = 0.5
# Ratings this far apart in one cell mean its sources disagree.
CONTESTED_SPREAD = 2


@dataclass(frozen=True)
class ClaimFact:
    id: int
    framework: str
    criterion: str
    source_id: int
    rating: int
    as_of: datetime.date | None
    superseded: bool

    def is_stale(self, cutoff: datetime.date) -> bool:
        return self.as_of is None or self.as_of < cutoff or self.superseded


@dataclass(frozen=True)
class Cell:
    framework: str
    criterion: str
    score: float  # 0..1; NEUTRAL when empty
    mean_rating: float | None
    claim_ids: tuple[int, ...]  # every published claim in the cell, the ones scored first
    scored_ids: tuple[int, ...]  # the claims the score rests on
    sources: int  # distinct sources among all the cell's claims
    spread: int  # highest minus lowest rating, superseded claims left out
    stale: bool  # the score rests on stale claims only
    empty: bool

    @property
    def contested(self) -> bool:
        return self.spread >= CONTESTED_SPREAD


def summarise_cell(
    framework: str, criterion: str, claims: Sequence[ClaimFact], cutoff: datetime.date
) -> Cell:
    fresh = [c for c in claims if not c.is_stale(cutoff)]
    scored = fresh or list(claims)
    if not scored:
        return Cell(framework, criterion, NEUTRAL, None, (), (), 0, 0, False, True)
    mean = sum(c.rating for c in scored) / len(scored)
    current = [c.rating for c in claims if not c.superseded] or [c.rating for c in claims]
    scored_ids = tuple(c.id for c in scored)
    return Cell(
        framework=framework,
        criterion=criterion,
        score=(mean - 1) / 4,
        mean_rating=mean,
        claim_ids=scored_ids + tuple(c.id for c in claims if c.id not in scored_ids),
        scored_ids=scored_ids,
        sources=len({c.source_id for c in claims}),
        spread=max(current) - min(current),
        stale=not fresh,
        empty=False,
    )


@dataclass(frozen=True)
class CriterionInfo:
    slug: str
    name: str
    default_weight: int


@dataclass(frozen=True)
class Matrix:
    frameworks: dict[str, str]  # slug -> name, featured first
    featured: tuple[str, ...]
    criteria: dict[str, CriterionInfo]
    cells: dict[tuple[str, str], Cell]
    version: str = ""  # the dataset version it was built from
    key: str = ""  # that version with the staleness cutoff and what is shown: see evidence_key

    def cell(self, framework: str, criterion: str) -> Cell:
        return self.cells[framework, criterion]

    def scores(self, frameworks: Iterable[str]) -> dict[str, dict[str, float]]:
        return {f: {c: self.cells[f, c].score for c in self.criteria} for f in frameworks}


def evidence_key(today: datetime.date | None = None) -> tuple[str, str]:
    """(dataset version, a key for anything derived from the evidence as a visitor sees it today)."""
    version = dataset_version()
    return version, f"{version}:{stale_cutoff(today).isoformat()}:{visibility_label()}"


def load_matrix(today: datetime.date | None = None) -> Matrix:
    """The current matrix: one query for the version, then this process, the cache, or a build."""
    version, key = evidence_key(today)  # read first: a change landing meanwhile only makes it newer
    return remember("evidence-matrix", key, lambda: build_matrix(stale_cutoff(today), version, key))


def build_matrix(cutoff: datetime.date, version: str = "", key: str = "") -> Matrix:
    """The whole matrix from two queries: frameworks and criteria in one, published claims."""
    frameworks, criteria = [], {}
    for kind, slug, name, number in _frameworks_and_criteria():
        if kind == "framework":
            frameworks.append((slug, name, bool(number)))
        else:
            criteria[slug] = CriterionInfo(slug, name, number)
    facts = defaultdict(list)
    rows = Claim.objects.published().values_list(
        "id", "framework__slug", "criterion__slug", "source_id", "rating", "as_of", "superseded_by_id"
    )
    for id_, framework, criterion, source_id, rating, as_of, successor in rows.order_by("id"):
        facts[framework, criterion].append(
            ClaimFact(id_, framework, criterion, source_id, rating, as_of, successor is not None)
        )
    return Matrix(
        frameworks={slug: name for slug, name, _ in frameworks},
        featured=tuple(slug for slug, _, featured in frameworks if featured),
        criteria=criteria,
        cells={(f, c): summarise_cell(f, c, facts[f, c], cutoff) for f, _, _ in frameworks for c in criteria},
        version=version,
        key=key,
    )


def _frameworks_and_criteria() -> list[tuple[str, str, str, int]]:
    """(kind, slug, name, is_featured or default_weight): featured frameworks first, then by name."""
    frameworks = Framework.objects.values_list(
        Value("framework"), "slug", "name", Cast("is_featured", IntegerField())
    ).order_by()
    criteria = Criterion.objects.values_list(Value("criterion"), "slug", "name", "default_weight").order_by()
    rows = frameworks.union(criteria, all=True)
    return sorted(rows, key=lambda row: (row[0], -row[3] if row[0] == "framework" else 0, row[2].casefold()))


EVIDENCE_MODELS = [Claim, Source, Framework, Criterion]


def dataset_version() -> str:
    """Changes whenever any evidence is added, edited or removed: one primary-key lookup."""
    return table_state(EVIDENCE_MODELS)[0]
