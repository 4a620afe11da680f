"""Synthetic rows, the benchmark's generated data (`manage.py seed_synthetic`), stay out of sight.

Every evidence model carries an `is_synthetic` flag, and its default manager leaves flagged rows out
unless INCLUDE_SYNTHETIC_DATA is on (the benchmark turns it on). Pages, the API, the matrix and the
admin all read through that manager, so nothing has to remember to filter. `everything` sees all.
"""

from django.conf import settings
from django.db import models


def synthetic_flag() -> models.BooleanField:
    return models.BooleanField(
        default=False,
        editable=False,
        db_index=True,
        help_text="Generated for benchmarks by seed_synthetic; hidden unless INCLUDE_SYNTHETIC_DATA is on.",
    )


def include_synthetic() -> bool:
    return settings.INCLUDE_SYNTHETIC_DATA


def visibility_label() -> str:
    """Part of every cache key built from visible rows: processes may share one cache."""
    return "with-synthetic" if include_synthetic() else "real"


class VisibleManager(models.Manager):
    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if include_synthetic() else queryset.filter(is_synthetic=False)


class EveryRowManager(models.Manager):
    """Synthetic rows included: for seed_synthetic itself."""
