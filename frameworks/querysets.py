"""The evidence models' querysets. They name their models through `self.model` and its relations,
so that the models can import them."""

import datetime

from django.db import models

from .staleness import CLAIM_DATE, SUPERSEDED, UNDATED, old_q, stale_q
from .versions import in_scope


class FrameworkQuerySet(models.QuerySet):
    def featured(self):
        return self.filter(is_featured=True)


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources that a published claim cites: the only ones visitors see. A source nobody has
        reviewed yet (no claim citing it is published) stays out of public pages and the API."""
        claim = self.model._meta.get_field("claims").related_model
        cited = claim.objects.published().filter(source=models.OuterRef("pk"))
        return self.filter(models.Exists(cited))


class ReviewedQuerySet(models.QuerySet):
    """For the models under the review workflow (models/review.py)."""

    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED)


class ClaimQuerySet(ReviewedQuerySet):
    def with_date(self):
        return self.alias(dated=CLAIM_DATE)

    def old(self, today: datetime.date | None = None):
        return self.with_date().filter(old_q(today))

    def undated(self):
        return self.with_date().filter(UNDATED)

    def superseded(self):
        return self.filter(SUPERSEDED)

    def in_current_scope(self, wanted: bool = True):
        """Claims whose version scope holds (or, wanted=False, misses) their framework's current version.

        Scopes are PEP 440 specifiers, which SQL cannot read: one query for the scoped claims."""
        scoped = self.exclude(applies_to="").values_list("id", "applies_to", "framework__current_version")
        outside = [id_ for id_, scope, version in scoped if not in_scope(scope, version)]
        return self.exclude(pk__in=outside) if wanted else self.filter(pk__in=outside)

    def stale(self, today: datetime.date | None = None):
        """Dated before the staleness limit, or superseded (undated claims are said apart)."""
        return self.with_date().filter(stale_q(today))

    def fresh(self, today: datetime.date | None = None):
        """Dated within the staleness limit and not superseded."""
        return self.with_date().exclude(stale_q(today) | UNDATED)


class ProblemReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(handled_at__isnull=True)

    def handled(self):
        return self.filter(handled_at__isnull=False)


class SourceChangeQuerySet(models.QuerySet):
    def proposed(self):
        return self.filter(status=self.model.Status.PROPOSED)
