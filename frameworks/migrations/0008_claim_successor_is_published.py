"""The database refuses to point a claim's superseded_by at a claim that is not published.

A check constraint cannot look at another row, so this is a trigger, on PostgreSQL and SQLite. It
fires only when superseded_by changes, so rows from before keep saving. A successor that does not
exist yet (an import writes rows in id order; the foreign key is checked at commit) is let through.
"""

from django.db import migrations

MESSAGE = "a claim can only be superseded by a published claim"
REFUSED = (
    "EXISTS (SELECT 1 FROM frameworks_claim AS successor "
    "WHERE successor.id = NEW.superseded_by_id AND successor.status <> 'published')"
)

POSTGRESQL = [
    f"""
    CREATE FUNCTION frameworks_claim_successor_is_published() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.superseded_by_id IS NOT NULL
           AND (TG_OP = 'INSERT' OR NEW.superseded_by_id IS DISTINCT FROM OLD.superseded_by_id)
           AND {REFUSED} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER frameworks_claim_successor_is_published BEFORE INSERT OR UPDATE OF superseded_by_id "
    "ON frameworks_claim FOR EACH ROW EXECUTE FUNCTION frameworks_claim_successor_is_published()",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS frameworks_claim_successor_is_published ON frameworks_claim",
    "DROP FUNCTION IF EXISTS frameworks_claim_successor_is_published()",
]

SQLITE = [
    "CREATE TRIGGER frameworks_claim_successor_is_published_insert BEFORE INSERT ON frameworks_claim "
    f"WHEN NEW.superseded_by_id IS NOT NULL AND {REFUSED} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    "CREATE TRIGGER frameworks_claim_successor_is_published_update BEFORE UPDATE OF superseded_by_id "
    "ON frameworks_claim WHEN NEW.superseded_by_id IS NOT NULL "
    f"AND NEW.superseded_by_id IS NOT OLD.superseded_by_id AND {REFUSED} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS frameworks_claim_successor_is_published_insert",
    "DROP TRIGGER IF EXISTS frameworks_claim_successor_is_published_update",
]


def install(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    statements = POSTGRESQL_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0007_claim_withdrawn_status")]

    operations = [migrations.RunPython(install, remove)]
