"""The data versions move on with every committed change, however it is made, and never come back."""

import pytest
from django.db import connection, transaction

from frameworks.evidence import EVIDENCE_MODELS, dataset_version
from frameworks.models import Claim
from infrastructure.data_versions import tables_version
from recommender.questionnaire import QUESTIONNAIRE_MODELS
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_an_edit_moves_the_version_on():
    claim = ClaimFactory()
    before = dataset_version().token
    claim.statement = "Edited."
    claim.save()
    assert dataset_version().token != before


def test_changes_that_bypass_the_models_move_the_version_on():
    claim = ClaimFactory()
    seen = {dataset_version().token}
    Claim.objects.filter(pk=claim.pk).update(statement="Changed by a bulk update, with no history row.")
    seen.add(dataset_version().token)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE frameworks_claim SET statement = 'Changed in SQL.' WHERE id = %s", [claim.pk])
    seen.add(dataset_version().token)
    Claim.objects.filter(pk=claim.pk).delete()
    seen.add(dataset_version().token)
    assert len(seen) == 4


def test_every_table_an_answer_can_show_is_watched(seeded):
    """Each table moves its own version and the version of every watched table, which the API's
    conditional reads follow."""
    for model in [*EVIDENCE_MODELS, *QUESTIONNAIRE_MODELS]:
        row = model.objects.order_by("pk").first()
        before, before_all = tables_version([model]), tables_version()
        model.objects.filter(pk=row.pk).update(**{model._meta.pk.attname: row.pk})
        assert tables_version([model]).token != before.token, model.__name__
        assert tables_version().token != before_all.token, model.__name__


def test_the_time_of_the_last_change_moves_with_it():
    ClaimFactory()
    _, first = tables_version([Claim])
    ClaimFactory()
    _, second = tables_version([Claim])
    assert first is not None and second >= first


def test_a_rolled_back_change_leaves_the_version_and_its_token_is_never_reused():
    claim = ClaimFactory()
    before = dataset_version().token
    with pytest.raises(RuntimeError), transaction.atomic():
        claim.statement = "Never committed."
        claim.save()
        seen_inside = dataset_version().token
        raise RuntimeError("roll back")
    assert dataset_version().token == before
    claim.statement = "A different edit, committed."
    claim.save()
    assert dataset_version().token not in {before, seen_inside}
