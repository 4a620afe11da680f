"""When a claim is stale: superseded, or dated before the staleness limit (undated is said apart).

The one rule, in the two forms it is needed in: `is_stale` on plain values (a claim's date or
None, whether it is superseded, the day) and `stale_q` for querysets, over the `dated` alias
that `CLAIM_DATE` names. tests/frameworks/test_staleness.py holds the two to agree.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

# A claim is dated by its own as-of date, else by its source's (published, else last revised).
CLAIM_DATE = Coalesce("as_of", "source__published_on", "source__revised_on")

UNDATED = Q(dated__isnull=True)
SUPERSEDED = Q(superseded_by__isnull=False)


def stale_cutoff(today: datetime.date | None = None) -> datetime.date:
    """The staleness limit: a claim dated before it is old."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.STALE_AFTER_DAYS)


def is_old(dated: datetime.date | None, cutoff: datetime.date) -> bool:
    """Dated before `cutoff`; an undated claim is not old."""
    return dated is not None and dated < cutoff


def is_stale(dated: datetime.date | None, superseded: bool, today: datetime.date | None = None) -> bool:
    return superseded or is_old(dated, stale_cutoff(today))


def old_q(today: datetime.date | None = None) -> Q:
    """`is_old` in SQL, on a queryset with the `dated` alias (CLAIM_DATE)."""
    return Q(dated__lt=stale_cutoff(today))


def stale_q(today: datetime.date | None = None) -> Q:
    """`is_stale` in SQL, on a queryset with the `dated` alias (CLAIM_DATE)."""
    return old_q(today) | SUPERSEDED
