"""Bookkeeping that spans the apps: how far each table's data has come, and rate-limit counts.

Both tables were created when this code lived in compare_site; they keep their names (the
triggers of every watched table write to compare_site_tableversion), so moving the models here
moved no data (migrations/0001_initial.py).
"""

from django.db import models


class TableVersion(models.Model):
    """One row per watched table, rewritten by a database trigger whenever the table changes.

    The triggers (migrations/0001_initial.py) fire inside the changing transaction, so a new token
    becomes visible exactly when the change commits, and a change that rolls back takes its token
    with it. Tokens are random, so a version seen once never comes back for different data.
    """

    table_name = models.CharField(max_length=100, primary_key=True)
    token = models.CharField(max_length=40)
    changed_at = models.DateTimeField()

    class Meta:
        db_table = "compare_site_tableversion"

    def __str__(self):
        return f"{self.table_name} @ {self.changed_at:%Y-%m-%d %H:%M:%S}"


class RateCounter(models.Model):
    """Requests counted against a rate limit, when no Redis is configured (rate_limit.py).

    One row per key (a limit and a client address), reset when its window moves on: every process
    counts in the same row, with one atomic upsert per request.
    """

    key = models.CharField(max_length=200, primary_key=True)
    window = models.BigIntegerField(help_text="Which window of the clock the count belongs to.")
    count = models.PositiveIntegerField()
    expires_at = models.BigIntegerField(db_index=True, help_text="When the window ends (Unix time).")

    class Meta:
        db_table = "compare_site_ratecounter"

    def __str__(self):
        return f"{self.key}: {self.count} in window {self.window}"
