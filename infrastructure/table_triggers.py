"""Database triggers that give a watched table a new version token whenever its rows change.

Used by migrations: a table starts being watched when a migration calls `watch` on it. The
trigger lives in the database, so every way of changing rows counts (the admin, the API, bulk
loads, queryset.update(), raw SQL), with no invalidation code in save() or signals.
"""

from django.db import migrations

VERSION_TABLE = "compare_site_tableversion"
PG_FUNCTION = "compare_site_touch_table_version"
PG_TRIGGER_SUFFIX = "_touch_version"
# On PostgreSQL each change also notifies this channel on commit (version_listener.py listens).
NOTIFY_CHANNEL = "compare_site_table_version"

_PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {VERSION_TABLE} (table_name, token, changed_at)
    VALUES (TG_TABLE_NAME, md5(random()::text || clock_timestamp()::text), clock_timestamp())
    ON CONFLICT (table_name) DO UPDATE SET token = EXCLUDED.token, changed_at = EXCLUDED.changed_at;
    PERFORM pg_notify('{NOTIFY_CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END
$$
"""

_SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")


def watch(schema_editor, table: str) -> None:
    for statement in _install_sql(schema_editor.connection.vendor, table):
        schema_editor.execute(statement)


def unwatch(schema_editor, table: str) -> None:
    for statement in _remove_sql(schema_editor.connection.vendor, table):
        schema_editor.execute(statement)


def watch_operation(*tables: str):
    """A migration operation that starts watching `tables` (reversed: stops); run it after creating them."""

    def watch_tables(apps, schema_editor):
        for table in tables:
            watch(schema_editor, table)

    def unwatch_tables(apps, schema_editor):
        for table in tables:
            unwatch(schema_editor, table)

    return migrations.RunPython(watch_tables, unwatch_tables)


def rewatch_operation(*tables: str):
    """A migration operation that puts back the triggers of `tables`: run it last in any migration
    that alters them. SQLite rebuilds a table for most schema changes (adding a NOT NULL column,
    a constraint) and the rebuilt table has no triggers; PostgreSQL keeps them, and this replaces
    them with the same."""

    def rewatch(apps, schema_editor):
        for table in tables:
            unwatch(schema_editor, table)
            watch(schema_editor, table)

    return migrations.RunPython(rewatch, migrations.RunPython.noop)


def notify_on_change_operation():
    """A migration operation that gives PostgreSQL's trigger function its NOTIFY (all the watched
    tables' triggers call the one function); nothing to do on SQLite."""

    def replace_function(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_PG_FUNCTION_SQL)

    return migrations.RunPython(replace_function, migrations.RunPython.noop)


def _install_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        # Once per statement, not per row: a bulk load of 20,000 claims rewrites the token once.
        return [
            _PG_FUNCTION_SQL,
            f'CREATE TRIGGER "{table}{PG_TRIGGER_SUFFIX}" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
            f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()',
        ]
    if vendor == "sqlite":
        # SQLite has row triggers only; each is a one-row upsert.
        return [
            f'CREATE TRIGGER "{table}_touch_version_{event.lower()}" AFTER {event} ON "{table}" BEGIN '
            f"INSERT INTO {VERSION_TABLE} (table_name, token, changed_at) "
            f"VALUES ('{table}', lower(hex(randomblob(16))), strftime('%Y-%m-%d %H:%M:%f', 'now')) "
            "ON CONFLICT (table_name) DO UPDATE "
            "SET token = excluded.token, changed_at = excluded.changed_at; END"
            for event in _SQLITE_EVENTS
        ]
    raise NotImplementedError(f"No version triggers for {vendor}: PostgreSQL and SQLite are supported.")


def _remove_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{table}{PG_TRIGGER_SUFFIX}" ON "{table}"']
    return [f'DROP TRIGGER IF EXISTS "{table}_touch_version_{event.lower()}"' for event in _SQLITE_EVENTS]
