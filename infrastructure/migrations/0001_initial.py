from django.db import migrations, models


class Migration(migrations.Migration):
    """Takes over TableVersion and RateCounter from compare_site in the migration state only: the
    tables, their rows and the triggers that write them stay as they are."""

    initial = True

    dependencies = [
        ("compare_site", "0003_models_move_to_infrastructure"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TableVersion",
                    fields=[
                        ("table_name", models.CharField(max_length=100, primary_key=True, serialize=False)),
                        ("token", models.CharField(max_length=40)),
                        ("changed_at", models.DateTimeField()),
                    ],
                    options={"db_table": "compare_site_tableversion"},
                ),
                migrations.CreateModel(
                    name="RateCounter",
                    fields=[
                        ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                        (
                            "window",
                            models.BigIntegerField(help_text="Which window of the clock the count belongs to."),
                        ),
                        ("count", models.PositiveIntegerField()),
                        (
                            "expires_at",
                            models.BigIntegerField(db_index=True, help_text="When the window ends (Unix time)."),
                        ),
                    ],
                    options={"db_table": "compare_site_ratecounter"},
                ),
            ],
        ),
    ]
