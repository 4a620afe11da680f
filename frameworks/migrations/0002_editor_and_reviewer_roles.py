"""The two editorial roles, with exactly the permissions they need.

Editors draft and change claims and sources. Reviewers may also publish and retire claims.
Neither may delete evidence (retire it instead), change frameworks or criteria, or manage users.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = [
    ("frameworks", "claim", ["add", "change", "view"]),
    ("frameworks", "source", ["add", "change", "view"]),
    ("frameworks", "framework", ["view"]),
    ("criteria", "criterion", ["view"]),
]
REVIEWER = [
    ("frameworks", "claim", ["add", "change", "view", "publish", "retire"]),
    ("frameworks", "source", ["add", "change", "view"]),
    ("frameworks", "framework", ["view"]),
    ("criteria", "criterion", ["view"]),
]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the roles need them now.
    for app_label in ("criteria", "frameworks"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in (("Editor", EDITOR), ("Reviewer", REVIEWER)):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            if permissions.count() != len(codenames):
                raise RuntimeError(f"Missing permissions for {app_label}.{model}: {codenames}")
            group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Reviewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0001_initial"),
        ("criteria", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
