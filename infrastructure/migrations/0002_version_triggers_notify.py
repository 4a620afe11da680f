from django.db import migrations

from infrastructure.table_triggers import notify_on_change_operation


class Migration(migrations.Migration):
    """The version triggers also send a NOTIFY on PostgreSQL, which each process's listener hears."""

    dependencies = [
        ("infrastructure", "0001_initial"),
    ]

    operations = [notify_on_change_operation()]
