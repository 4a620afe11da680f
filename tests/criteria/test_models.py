import pytest
from django.db import IntegrityError, transaction

from tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("weight", [11, 99])
def test_default_weight_above_10_is_refused_by_the_database(weight):
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionFactory(default_weight=weight)
