"""A migration operation that gives the editorial roles (groups) permissions on an app's models."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_operation(app_label: str, grants: dict[str, list[str]]):
    """Add to each group named in `grants` the listed permission codenames of `app_label`; reversed,
    remove them. The permissions are created first: Django makes them only after all migrations."""

    def grant(apps, schema_editor):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
        for group in apps.get_model("auth", "Group").objects.filter(name__in=grants):
            group.permissions.add(*_permissions(apps, app_label, grants[group.name]))

    def revoke(apps, schema_editor):
        for group in apps.get_model("auth", "Group").objects.filter(name__in=grants):
            group.permissions.remove(*_permissions(apps, app_label, grants[group.name]))

    return migrations.RunPython(grant, revoke)


def _permissions(apps, app_label: str, codenames: list[str]):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
