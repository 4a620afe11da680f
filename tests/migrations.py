"""Data migrations tested on the schema they run on: rows made through the migration state's models."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import CriterionFactory


@pytest.fixture
def latest_schema_after():
    """Migrate the database forward to the latest schema after the test: the next tests expect it."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    """Migrate the test database to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def cell_at(apps) -> dict[str, int]:
    """A claim's foreign keys: a framework and a source as the frameworks app's schema in `apps` has
    them, and a criterion of today (migrating the frameworks app back leaves the criteria app as is)."""
    framework = apps.get_model("frameworks", "Framework").objects.create(
        slug="old-framework", name="Old framework", summary="A framework.", kind="micro"
    )
    criterion = CriterionFactory()
    source = apps.get_model("frameworks", "Source").objects.create(
        slug="old-source", title="Old source", kind="article", accessed_on=datetime.date(2026, 1, 1)
    )
    return {"framework_id": framework.pk, "criterion_id": criterion.pk, "source_id": source.pk}
