"""A large generated dataset for benchmarks, flagged `is_synthetic` so that it stays apart.

Synthetic frameworks, criteria and sources are new rows; synthetic claims are spread over every
framework and criterion, the real ones included, so that the real pages carry benchmark weight
when INCLUDE_SYNTHETIC_DATA is on. With it off (the default) none of it shows anywhere. `remove`
takes all of it away again, history rows included.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from criteria.models import Criterion

from .models import Claim, Framework, Source

# One synthetic source for this many claims: enough that sources pages have weight too.
CLAIMS_PER_SOURCE = 100
BATCH = 2000


class SyntheticDataExists(Exception):
    pass


@dataclass(frozen=True)
class Counts:
    frameworks: int
    criteria: int
    sources: int
    claims: int

    def __str__(self) -> str:
        return (
            f"{self.frameworks} frameworks, {self.criteria} criteria, "
            f"{self.sources} sources, {self.claims} claims"
        )


def existing() -> Counts:
    return Counts(
        Framework.everything.filter(is_synthetic=True).count(),
        Criterion.everything.filter(is_synthetic=True).count(),
        Source.everything.filter(is_synthetic=True).count(),
        Claim.everything.filter(is_synthetic=True).count(),
    )


@transaction.atomic
def generate(frameworks: int, criteria: int, claims: int, seed: int = 1) -> Counts:
    """Adds the dataset in one transaction; refuses to add a second one on top of the first."""
    if any(vars(existing()).values()):
        raise SyntheticDataExists("Synthetic data is already loaded: remove it first (--remove).")
    rng = random.Random(seed)
    today = timezone.localdate()
    new_frameworks = _create(Framework, [_framework(n, rng) for n in range(1, frameworks + 1)])
    new_criteria = _create(Criterion, [_criterion(n, rng) for n in range(1, criteria + 1)])
    sources = _create(Source, [_source(n, rng, today) for n in range(1, claims // CLAIMS_PER_SOURCE + 2)])
    all_frameworks = list(Framework.everything.all())
    all_criteria = list(Criterion.everything.all())
    cells = [(f, c) for c in all_criteria for f in all_frameworks]
    _create(Claim, [_claim(n, cells[n % len(cells)], rng.choice(sources), rng, today) for n in range(claims)])
    return Counts(len(new_frameworks), len(new_criteria), len(sources), claims)


@transaction.atomic
def remove() -> Counts:
    """Deletes every synthetic row and its history: the real evidence is as it was before."""
    removed = existing()
    Claim.everything.filter(is_synthetic=True).delete()
    for model in (Source, Criterion, Framework):
        model.everything.filter(is_synthetic=True).delete()
    for model in (Claim, Source, Criterion, Framework):
        model.history.model.objects.filter(is_synthetic=True).delete()
    return removed


def _create(model, objects: list) -> list:
    """Rows and their history rows in bulk, so that editors see where they came from."""
    return bulk_create_with_history(objects, model, batch_size=BATCH, default_change_reason="seed_synthetic")


def _framework(n: int, rng: random.Random) -> Framework:
    return Framework(
        slug=f"synthetic-framework-{n}",
        name=f"Synthetic framework {n}",
        summary="Generated for benchmarks.",
        kind=rng.choice(Framework.Kind.values),
        is_synthetic=True,
    )


def _criterion(n: int, rng: random.Random) -> Criterion:
    return Criterion(
        slug=f"synthetic-criterion-{n}",
        name=f"Synthetic criterion {n}",
        description="Generated for benchmarks.",
        category=rng.choice(Criterion.Category.values),
        default_weight=rng.randint(0, 10),
        rubric_low="Generated: poor.",
        rubric_high="Generated: excellent.",
        is_synthetic=True,
    )


def _source(n: int, rng: random.Random, today: datetime.date) -> Source:
    return Source(
        slug=f"synthetic-source-{n}",
        title=f"Synthetic source {n}",
        publisher="Synthetic publisher",
        kind=rng.choice(Source.Kind.values),
        published_on=today - datetime.timedelta(days=rng.randint(0, 2000)) if n % 5 else None,
        accessed_on=today,
        is_synthetic=True,
    )


def _claim(n: int, cell: tuple, source: Source, rng: random.Random, today: datetime.date) -> Claim:
    framework, criterion = cell
    return Claim(
        framework=framework,
        criterion=criterion,
        source=source,
        statement=f"Synthetic claim {n}.",
        quote=f"Synthetic passage {n}.",
        quote_unchecked_reason="A synthetic claim, made up to measure the site at scale: no source text.",
        rating=rng.randint(1, 5),
        as_of=today - datetime.timedelta(days=rng.randint(0, 1500)) if n % 7 else None,
        status=Claim.Status.PUBLISHED,
        is_synthetic=True,
    )
