"""Editors draft and change snippets and tasks; reviewers also publish and retire snippets. Both
read what verify_snippets recorded, which only the command writes."""

from django.db import migrations

from infrastructure.role_grants import grant_operation

EDITOR = [
    "add_task", "change_task", "view_task",
    "add_snippet", "change_snippet", "view_snippet",
    "view_verificationrun",
]  # fmt: skip
REVIEWER = [*EDITOR, "publish_snippet", "retire_snippet"]


class Migration(migrations.Migration):
    dependencies = [
        ("snippets", "0001_initial"),
        ("frameworks", "0002_editor_and_reviewer_roles"),
    ]

    operations = [grant_operation("snippets", {"Editor": EDITOR, "Reviewer": REVIEWER})]
