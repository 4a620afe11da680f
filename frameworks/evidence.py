"""The evidence matrix: one cell per framework and criterion, summarising its published claims.

How claims become a cell (per source first, weighed by witness and recency, scoped by version)
is the pure method in weighing.py; `build_matrix` reads the database for it and `load_matrix`
serves the result from the cache.

The cache is keyed by `evidence_version`: the dataset version and the day (recency weights move
with the date), never invalidated: any change to the evidence makes a database trigger write a new
version token (infrastructure/data_versions.py), so the next reader builds anew.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from criteria.models import Criterion
from infrastructure.data_versions import DataVersion, daily_version, tables_version
from infrastructure.versioned_cache import remember
from infrastructure.visibility import visibility_label

from .models import Claim, Framework, Source
from .staleness import CLAIM_DATE, stale_cutoff
from .versions import in_scope
from .weighing import CONTESTED_SPREAD, Cell, ClaimFact, Recency, summarise_cell, witness

__all__ = [
    "CONTESTED_SPREAD",
    "Cell",
    "Matrix",
    "build_matrix",
    "dataset_version",
    "evidence_version",
    "load_matrix",
]


def recency() -> Recency:
    return Recency(settings.EVIDENCE_HALF_LIFE_YEARS, settings.EVIDENCE_RECENCY_FLOOR)


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
    version: str = ""  # the token of the dataset version it was built from
    key: str = ""  # the token of its evidence_version: the dataset's, the day and what is shown
    versions: dict[str, str] | None = None  # slug -> current version

    def cell(self, framework: str, criterion: str) -> Cell:
        return self.cells[framework, criterion]

    def scores(self, frameworks: Iterable[str]) -> dict[str, dict[str, float]]:
        return {f: {c: self.cells[f, c].score for c in self.criteria} for f in frameworks}

    def ranges(self, frameworks: Iterable[str]) -> dict[str, dict[str, tuple[float, float]]]:
        """How far each cell may move given its evidence (all of 0..1 when it has none)."""
        return {
            f: {c: (self.cells[f, c].low, self.cells[f, c].high) for c in self.criteria} for f in frameworks
        }

    def unknown(self, frameworks: Iterable[str]) -> dict[str, set[str]]:
        """The criteria on which each framework has no evidence that counts."""
        return {f: {c for c in self.criteria if self.cells[f, c].empty} for f in frameworks}


def evidence_version(today: datetime.date | None = None, dataset: DataVersion | None = None) -> DataVersion:
    """The version of the evidence as a visitor sees it today, for anything derived from it: the
    dataset version (read unless given), the day, the stale cutoff, the recency weighing and what
    is visible."""
    today = today or timezone.localdate()
    weighing = recency()
    return daily_version(
        dataset or dataset_version(),
        today,
        stale_cutoff(today).isoformat(),
        weighing.half_life_years,
        weighing.floor,
        visibility_label(),
    )


def load_matrix(today: datetime.date | None = None) -> Matrix:
    """The current matrix: one query for the version, then this process, the cache, or a build."""
    today = today or timezone.localdate()
    dataset = dataset_version()  # read first: a change landing meanwhile only makes it newer
    key = evidence_version(today, dataset).token
    return remember("evidence-matrix", key, lambda: build_matrix(today, dataset.token, key))


def build_matrix(today: datetime.date, version: str = "", key: str = "") -> Matrix:
    """The whole matrix from two queries: frameworks and criteria in one, published claims."""
    frameworks, criteria, versions = [], {}, {}
    for kind, slug, name, number, current_version in _frameworks_and_criteria():
        if kind == "framework":
            frameworks.append((slug, name, bool(number)))
            versions[slug] = current_version
        else:
            criteria[slug] = CriterionInfo(slug, name, number)
    facts = claim_facts(Claim.objects.all())
    summarise = cell_summariser(today)
    return Matrix(
        frameworks={slug: name for slug, name, _ in frameworks},
        featured=tuple(slug for slug, _, featured in frameworks if featured),
        criteria=criteria,
        cells={(f, c): summarise(f, c, facts[f, c]) for f, _, _ in frameworks for c in criteria},
        version=version,
        key=key,
        versions=versions,
    )


def claim_facts(claims: QuerySet) -> defaultdict[tuple[str, str], list[ClaimFact]]:
    """The published claims among `claims` as the matrix weighs them, by (framework, criterion)
    slug: one query."""
    rows = claims.published().values(
        "id", "source_id", "rating", "superseded_by_id", "applies_to",
        framework_slug=F("framework__slug"), criterion_slug=F("criterion__slug"),
        current_version=F("framework__current_version"),
        dated=CLAIM_DATE,
        speaks_for=F("source__speaks_for__slug"),
    )  # fmt: skip
    facts = defaultdict(list)
    for row in rows.order_by("id"):
        framework = row["framework_slug"]
        facts[framework, row["criterion_slug"]].append(
            ClaimFact(
                id=row["id"],
                framework=framework,
                criterion=row["criterion_slug"],
                source_id=row["source_id"],
                rating=row["rating"],
                dated=row["dated"],
                witness=witness(row["speaks_for"], framework),
                superseded=row["superseded_by_id"] is not None,
                in_scope=in_scope(row["applies_to"], row["current_version"]),
            )
        )
    return facts


def cell_summariser(today: datetime.date) -> Callable[[str, str, list[ClaimFact]], Cell]:
    """summarise(framework, criterion, facts): a cell as the matrix makes it on `today`."""
    cutoff, weighing = stale_cutoff(today), recency()
    return lambda framework, criterion, facts: summarise_cell(
        framework, criterion, facts, today, cutoff, weighing
    )


def cells_of(claims: Iterable[Claim], today: datetime.date | None = None) -> dict[tuple[str, str], Cell]:
    """The matrix's cells that `claims` (with their framework and criterion loaded) are in, built
    as build_matrix builds them, from one query; a claim on a retired criterion is in none."""
    pairs = {
        (claim.framework.slug, claim.criterion.slug) for claim in claims if not claim.criterion.is_retired
    }
    if not pairs:
        return {}
    frameworks, criteria = ({pair[i] for pair in pairs} for i in (0, 1))
    facts = claim_facts(Claim.objects.filter(framework__slug__in=frameworks, criterion__slug__in=criteria))
    summarise = cell_summariser(today or timezone.localdate())
    return {(f, c): summarise(f, c, facts[f, c]) for f, c in pairs}


def contested_cells(matrix: Matrix) -> Q:
    """Claims (of any status) in the matrix's contested cells, as a filter: one term per framework."""
    by_framework = defaultdict(list)
    for (framework, criterion), cell in matrix.cells.items():
        if cell.contested:
            by_framework[framework].append(criterion)
    found = Q(pk__in=[])
    for framework, criteria in by_framework.items():
        found |= Q(framework__slug=framework, criterion__slug__in=criteria)
    return found


def _frameworks_and_criteria() -> list[tuple[str, str, str, int, str]]:
    """(kind, slug, name, is_featured or default_weight, current version or ""): featured
    frameworks first, then by name; criteria that are retired are left out."""
    frameworks = Framework.objects.values_list(
        Value("framework"), "slug", "name", Cast("is_featured", IntegerField()), "current_version"
    ).order_by()
    criteria = (
        Criterion.objects.current()
        .values_list(
            Value("criterion"), "slug", "name", "default_weight", Value("", output_field=CharField())
        )
        .order_by()
    )
    rows = frameworks.union(criteria, all=True)
    return sorted(rows, key=lambda row: (row[0], -row[3] if row[0] == "framework" else 0, row[2].casefold()))


EVIDENCE_MODELS = [Claim, Source, Framework, Criterion]


def dataset_version() -> DataVersion:
    """Moves on whenever any evidence is added, edited or removed: one primary-key lookup."""
    return tables_version(EVIDENCE_MODELS)
