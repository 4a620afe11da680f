"""How far the data has come: read off the history tables that django-simple-history keeps."""

import datetime
import functools

from django.db import connection
from django.db.models import Model

# How far below the highest history id a late-committing change is still noticed.
RECENT_IDS = 1000


def history_state(models: list[type[Model]]) -> tuple[str, datetime.datetime | None]:
    """(version, time of the last change) for the models, from one query.

    The version changes whenever any of them is added, edited or removed. History rows are only
    ever added. The highest id alone is not enough: ids are handed out when a row is written, not
    when its transaction commits, so a change committing after a later one can land below the
    maximum. Counting the rows among the last RECENT_IDS ids catches that, and stays cheap (an
    index range scan) where counting whole tables grew with the data (4 ms at 20,000 claims on
    PostgreSQL). What it cannot catch: a transaction that stays open while more than RECENT_IDS
    other history rows are written and committed (only a bulk load does that).
    """
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(tuple(models), connection.vendor))
        row = cursor.fetchone()
    counters, dates = row[: 2 * len(models)], row[2 * len(models) :]
    changed = [_as_datetime(value) for value in dates if value is not None]
    return ".".join(str(value or 0) for value in counters), max(changed, default=None)


@functools.cache
def _state_sql(models: tuple[type[Model], ...], vendor: str) -> str:
    """Built once per set of models: reaching a history model is costly on every request."""
    quote = connection.ops.quote_name
    tables = [quote(model.history.model._meta.db_table) for model in models]
    # The newest rows by the indexed id, then those among the last RECENT_IDS ids: written as a
    # plain range, PostgreSQL's planner cannot see the bound and scans the whole table.
    per_table = [
        f"(SELECT MAX(history_id) FROM {t}), "
        f"(SELECT COUNT(*) FROM (SELECT history_id FROM {t} "
        f"ORDER BY history_id DESC LIMIT {RECENT_IDS}) recent "
        f"WHERE recent.history_id > (SELECT MAX(history_id) FROM {t}) - {RECENT_IDS})"
        for t in tables
    ]
    # The newest row's date, by the indexed id: MAX(history_date) would read the whole table.
    latest = [f"(SELECT history_date FROM {t} ORDER BY history_id DESC LIMIT 1)" for t in tables]
    return f"SELECT {', '.join(per_table + latest)}"


def _as_datetime(value) -> datetime.datetime:
    """SQLite hands MAX() of a datetime column back as text."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value
