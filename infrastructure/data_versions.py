"""Data versions: how far the data has come, and the cache keys that name it.

Every "version of X" is a `DataVersion` (token, changed_at), from a function named `<what>_version()`:
`tables_version` here reads the version rows that database triggers keep
(infrastructure/table_triggers.py); the apps build theirs on it (`frameworks.evidence.dataset_version`
and `evidence_version`, `recommender.verdicts.questionnaire_version`). A token changes whenever the
data it covers does, so a cache key holding it is never invalidated: an edit makes a new key. Every
cache key is built by `cache_key`. CACHING.md beside this file lists the caches.
"""

import datetime
import hashlib
from typing import NamedTuple

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from . import version_listener
from .table_triggers import VERSION_TABLE


class DataVersion(NamedTuple):
    token: str  # changes whenever the data does; plain text, fit for a cache key
    changed_at: datetime.datetime | None  # when it last changed; None: never since watched


def tables_version(models: list[type[Model]] | None = None) -> DataVersion:
    """The version of the models' tables, or of every watched table when no models are named: from
    the rows this request has read already, or this process's memory on PostgreSQL
    (version_listener.py), else one read of the version table (a row per watched table).

    It moves on with every committed insert, update or delete on any of the tables. A table that
    has never changed since it started being watched has no row yet and counts as unchanged.
    """
    tables = () if models is None else tuple(sorted(model._meta.db_table for model in models))
    rows = version_listener.known_rows()
    if rows is None:
        with connection.cursor() as cursor:
            cursor.execute(_VERSION_SQL)
            rows = tuple(cursor.fetchall())
        version_listener.read_in_request(rows)
    if models is not None:
        rows = [row for row in rows if row[0] in tables]
    tokens = "\n".join(f"{table}={token}" for table, token, _ in sorted(rows))
    changed = max((_as_datetime(when) for _, _, when in rows), default=None)
    return DataVersion(hashlib.sha256(tokens.encode()).hexdigest()[:20], changed)


def daily_version(version: DataVersion, today: datetime.date, *parts: object) -> DataVersion:
    """`version` as seen on `today`, for what also moves with the date (stale flags, recency
    weights): it moves on at midnight without any edit. `parts` name whatever else it depends on
    (settings, which rows are visible)."""
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    changed = max(version.changed_at, midnight) if version.changed_at else midnight
    return DataVersion(cache_key(version.token, today.isoformat(), *parts), changed)


def cache_key(kind: str, *parts: object) -> str:
    """The one spelling of a key: its kind, then what it depends on, colon-separated."""
    return ":".join(str(part) for part in (kind, *parts))


# Every row, however few tables are asked about: the table is small (a row per watched table), and
# a request then takes its other versions from the same rows (version_listener.known_rows).
_VERSION_SQL = f"SELECT table_name, token, changed_at FROM {VERSION_TABLE}"


def _as_datetime(value) -> datetime.datetime:
    """SQLite hands a datetime column back as text to a raw cursor."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value
