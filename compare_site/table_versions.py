"""How far the data has come: read off the version rows that database triggers keep."""

import datetime
import functools
import hashlib

from django.db import connection
from django.db.models import Model

from compare_site.table_triggers import VERSION_TABLE


def table_state(models: list[type[Model]]) -> tuple[str, datetime.datetime | None]:
    """(version, time of the last change) of the models' tables, from one primary-key lookup.

    The version changes with every committed insert, update or delete on any of the tables
    (compare_site/table_triggers.py). A table that has never changed since it started being
    watched has no row yet and counts as unchanged.
    """
    tables = tuple(sorted(model._meta.db_table for model in models))
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(len(tables)), tables)
        rows = cursor.fetchall()
    tokens = "\n".join(f"{table}={token}" for table, token, _ in sorted(rows))
    changed = max((_as_datetime(when) for _, _, when in rows), default=None)
    return hashlib.sha256(tokens.encode()).hexdigest()[:20], changed


@functools.cache
def _state_sql(table_count: int) -> str:
    placeholders = ", ".join(["%s"] * table_count)
    return f"SELECT table_name, token, changed_at FROM {VERSION_TABLE} WHERE table_name IN ({placeholders})"


def _as_datetime(value) -> datetime.datetime:
    """SQLite hands a datetime column back as text to a raw cursor."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value
