"""Editors propose changes to cited sources; reviewers also apply or reject them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editor": ["add_sourcechange", "view_sourcechange"],
    "Reviewer": ["add_sourcechange", "view_sourcechange", "apply_sourcechange"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("frameworks")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="frameworks", codename__in=GRANTS[group.name])
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(codename__in=GRANTS[group.name]))


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0009_source_change")]

    operations = [migrations.RunPython(grant, revoke)]
