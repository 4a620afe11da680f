"""Claims published before quotes were checked on saving say so when the check arrives."""

import pytest

from frameworks.models import Claim
from tests.migrations import cell_at, latest_schema_after, migrate  # noqa: F401 (a fixture)

BEFORE = [("frameworks", "0013_source_extension")]
AFTER = [("frameworks", "0014_source_text_and_quote_location")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_published_claims_without_a_location_get_a_reason_and_the_others_none():
    apps = migrate(BEFORE)
    cell = cell_at(apps)
    old_claims = apps.get_model("frameworks", "Claim").objects
    ids = {
        status: old_claims.create(
            **cell, statement=status, quote="q", rating=3, status=status, retired_reason="r"
        ).pk
        for status in ("published", "retired", "draft")
    }

    apps = migrate(AFTER)
    reasons = dict(apps.get_model("frameworks", "Claim").objects.values_list("pk", "quote_unchecked_reason"))
    assert reasons[ids["published"]].startswith("Published before quotes were checked")
    assert reasons[ids["retired"]] == reasons[ids["draft"]] == ""


@pytest.mark.django_db
def test_the_database_refuses_a_published_claim_with_neither_a_location_nor_a_reason(django_db_blocker):
    from django.db import IntegrityError, transaction

    from tests.factories import ClaimFactory

    claim = ClaimFactory(status=Claim.Status.DRAFT, quote_unchecked_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.PUBLISHED)
