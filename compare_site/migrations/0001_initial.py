from django.db import migrations, models

from infrastructure.table_triggers import unwatch, watch

# The tables whose changes the dataset and questionnaire versions follow.
WATCHED = [
    "frameworks_claim",
    "frameworks_source",
    "frameworks_framework",
    "criteria_criterion",
    "recommender_question",
    "recommender_choice",
    "recommender_choiceweight",
]


def watch_tables(apps, schema_editor):
    for table in WATCHED:
        watch(schema_editor, table)


def unwatch_tables(apps, schema_editor):
    for table in WATCHED:
        unwatch(schema_editor, table)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("criteria", "0002_synthetic_flag"),
        ("frameworks", "0006_synthetic_flag"),
        ("recommender", "0002_verdict_fingerprint"),
    ]

    operations = [
        migrations.CreateModel(
            name="TableVersion",
            fields=[
                ("table_name", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=40)),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(watch_tables, unwatch_tables),
    ]
