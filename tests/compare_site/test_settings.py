"""Settings come from the environment; a value that cannot be used stops the start, naming it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

SHOW = "from django.conf import settings; print({expr})"
# Variables this test run sets for itself, which a process loading settings afresh must not inherit.
# (The browser tests allow Django's ORM inside Playwright's event loop, which check --deploy reports.)
SET_BY_TESTS = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def load_settings(expr: str = "1", **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SET_BY_TESTS}
    code = f"import django; django.setup(); {SHOW.format(expr=expr)}"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "compare_site.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_is_off_unless_set():
    assert load_settings("settings.DEBUG", SECRET_KEY="k").stdout.strip() == "False"
    assert load_settings("settings.DEBUG", DEBUG="true").stdout.strip() == "True"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("STALE_AFTER_DAYS", "two years", "STALE_AFTER_DAYS must be a whole number"),
        ("STALE_AFTER_DAYS", "0", "STALE_AFTER_DAYS must be at least 1"),
        ("DATABASE_URL", "nosuchdb://x/y", "DATABASE_URL"),
        ("REDIS_URL", "http://127.0.0.1:6379", "REDIS_URL must start with redis://"),
        ("EVIDENCE_HALF_LIFE_YEARS", "three", "EVIDENCE_HALF_LIFE_YEARS must be a number"),
        ("EVIDENCE_HALF_LIFE_YEARS", "0", "the half-life must be a positive number of years"),
        ("EVIDENCE_RECENCY_FLOOR", "1.5", "the recency floor must be above 0 and at most 1"),
        ("EVIDENCE_RECENCY_FLOOR", "-0.1", "EVIDENCE_RECENCY_FLOOR"),
    ],
)
def test_unparseable_values_fail_loudly_naming_the_variable(variable, value, message):
    result = load_settings(**{"SECRET_KEY": "k", variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_defaults_are_sqlite_local_memory_cache_and_two_years():
    expr = "settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'], "
    expr += "settings.STALE_AFTER_DAYS"
    out = load_settings(expr, SECRET_KEY="k").stdout
    assert "sqlite3" in out and "LocMemCache" in out and "730" in out


def test_postgres_and_redis_urls_configure_psycopg_and_the_redis_cache():
    database, cache = "settings.DATABASES['default']", "settings.CACHES['default']"
    expr = f"{database}['ENGINE'], {database}['CONN_MAX_AGE'], {cache}['BACKEND']"
    out = load_settings(
        expr,
        SECRET_KEY="k",
        DATABASE_URL="postgres://u@127.0.0.1:5432/db",
        REDIS_URL="redis://127.0.0.1:6379/1",
    ).stdout
    assert "postgresql" in out and "600" in out and "RedisCache" in out


def test_allowed_hosts_is_a_comma_separated_list():
    out = load_settings("settings.ALLOWED_HOSTS", SECRET_KEY="k", ALLOWED_HOSTS="a.example, b.example").stdout
    assert out.strip() == "['a.example', 'b.example']"


@pytest.mark.parametrize("database_url", ["", "postgres://postgres@127.0.0.1:5432/x"])
def test_database_connections_are_kept_and_checked_between_requests(database_url):
    expr = (
        "settings.DATABASES['default']['CONN_MAX_AGE'], settings.DATABASES['default']['CONN_HEALTH_CHECKS']"
    )
    shown = load_settings(expr, SECRET_KEY="k", DATABASE_URL=database_url).stdout.strip()
    assert shown == "600 True"
    assert load_settings(expr, SECRET_KEY="k", DB_CONN_MAX_AGE="0").stdout.strip() == "0 True"


def test_an_sqlite_database_logs_ahead_and_queues_its_writers(tmp_path):
    """Write-ahead logging with commits that do not wait for the disk, and writers that take the
    lock when their transaction begins: a commit costs microseconds, not an fsync."""
    expr = (
        "[__import__('django.db').db.connection.cursor().execute(f'PRAGMA {name}').fetchone()[0] "
        "for name in ('journal_mode', 'synchronous')], "
        "settings.DATABASES['default']['OPTIONS']['transaction_mode']"
    )
    shown = load_settings(expr, SECRET_KEY="k", DATABASE_URL=f"sqlite:///{tmp_path}/site.sqlite3")
    assert shown.stdout.strip() == "['wal', 1] IMMEDIATE", shown.stderr


def manage_py(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_manage_py_in_an_unconfigured_checkout_runs_as_development():
    result = manage_py("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert manage_py("shell", "-c", SHOW.format(expr="settings.DEBUG")).stdout.split()[-1] == "True"


def test_manage_py_keeps_debug_off_where_a_secret_key_is_set():
    shown = manage_py("shell", "-c", SHOW.format(expr="settings.DEBUG"), SECRET_KEY="k").stdout.split()[-1]
    assert shown == "False"
