"""The staleness rule in Python (plain values, a claim) and in SQL (querysets) says the same."""

import datetime

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from frameworks.models import Claim
from frameworks.staleness import is_stale, stale_cutoff
from tests.factories import ClaimFactory, CriterionFactory, FrameworkFactory, SourceFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)
CUTOFF = stale_cutoff(TODAY)
# Dates on either side of the limit, on it, and none at all.
near_the_limit = st.one_of(st.none(), st.integers(-3, 3).map(lambda days: CUTOFF + datetime.timedelta(days)))
claims = st.lists(
    st.tuples(near_the_limit, near_the_limit, near_the_limit, st.booleans()), min_size=1, max_size=8
)


@settings(max_examples=40, deadline=None)
@given(claims)
def test_querysets_and_the_python_predicate_agree_on_which_claims_are_stale(specs):
    with transaction.atomic():
        framework, criterion = FrameworkFactory(), CriterionFactory()
        newer = ClaimFactory(framework=framework, criterion=criterion, as_of=TODAY)
        made = []
        for as_of, published_on, revised_on, superseded in specs:
            source = SourceFactory(published_on=published_on, revised_on=revised_on)
            claim = ClaimFactory(
                framework=framework,
                criterion=criterion,
                source=source,
                as_of=as_of,
                superseded_by=newer if superseded else None,
            )
            made.append((claim, as_of or published_on or revised_on, superseded))
        everyone = Claim.objects.filter(framework=framework)
        stale_in_sql = set(everyone.stale(TODAY).values_list("pk", flat=True))
        fresh_in_sql = set(everyone.fresh(TODAY).values_list("pk", flat=True))
        stale = {claim.pk for claim, dated, superseded in made if is_stale(dated, superseded, TODAY)}
        assert {claim.pk for claim, _, _ in made if claim.is_stale(TODAY)} == stale
        assert stale_in_sql - {newer.pk} == stale
        fresh = {claim.pk for claim, dated, _ in made if claim.pk not in stale and dated is not None}
        assert fresh_in_sql - {newer.pk} == fresh
        transaction.set_rollback(True)
