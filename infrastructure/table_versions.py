"""How far the data has come: read off the version rows that database triggers keep."""

import datetime
import functools
import hashlib

from django.db import connection
from django.db.models import Model

from infrastructure.table_triggers import VERSION_TABLE


def table_state(models: list[type[Model]] | None = None) -> tuple[str, datetime.datetime | None]:
    """(version, time of the last change) of the models' tables, or of every watched table when
    no models are named, from one primary-key lookup (one small scan for every table).

    The version changes with every committed insert, update or delete on any of the tables
    (infrastructure/table_triggers.py). A table that has never changed since it started being
    watched has no row yet and counts as unchanged.
    """
    tables = () if models is None else tuple(sorted(model._meta.db_table for model in models))
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(len(tables) if models is not None else None), tables)
        rows = cursor.fetchall()
    tokens = "\n".join(f"{table}={token}" for table, token, _ in sorted(rows))
    changed = max((_as_datetime(when) for _, _, when in rows), default=None)
    return hashlib.sha256(tokens.encode()).hexdigest()[:20], changed


@functools.cache
def _state_sql(table_count: int | None) -> str:
    if table_count is None:
        return f"SELECT table_name, token, changed_at FROM {VERSION_TABLE}"
    placeholders = ", ".join(["%s"] * table_count)
    return f"SELECT table_name, token, changed_at FROM {VERSION_TABLE} WHERE table_name IN ({placeholders})"


def _as_datetime(value) -> datetime.datetime:
    """SQLite hands a datetime column back as text to a raw cursor."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value
