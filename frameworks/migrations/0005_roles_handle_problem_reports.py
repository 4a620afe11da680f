"""Both roles see visitors' problem reports and mark them handled."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_problemreport", "change_problemreport"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("frameworks")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="frameworks", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=["Editor", "Reviewer"]):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Reviewer"]):
        group.permissions.remove(*Permission.objects.filter(codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0004_problem_report")]

    operations = [migrations.RunPython(grant, revoke)]
