from django.db import migrations


class Migration(migrations.Migration):
    """TableVersion and RateCounter now belong to the infrastructure app; their tables stay."""

    dependencies = [
        ("compare_site", "0002_rate_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="TableVersion"),
                migrations.DeleteModel(name="RateCounter"),
            ],
        ),
    ]
