"""The dataset version moves on with every committed change, even one committing out of order."""

import pytest

from frameworks.evidence import dataset_version
from frameworks.models import Claim
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_an_edit_moves_the_version_on():
    claim = ClaimFactory()
    before = dataset_version()
    claim.statement = "Edited."
    claim.save()
    assert dataset_version() != before


def test_a_change_committing_after_a_later_one_still_moves_the_version():
    # Two edits: the first one's history row stands for a transaction that has not committed yet.
    early, late = ClaimFactory(), ClaimFactory()
    pending = Claim.history.filter(id=early.pk).get()
    assert pending.history_id < Claim.history.filter(id=late.pk).get().history_id
    Claim.history.filter(history_id=pending.history_id).delete()
    seen_before_commit = dataset_version()

    pending.save()  # the early transaction commits: its row appears below the highest id
    assert Claim.history.filter(history_id=pending.history_id).exists()
    assert dataset_version() != seen_before_commit
