"""Editors and reviewers store the texts of sources, which quotes are checked against."""

from django.db import migrations

from infrastructure.role_grants import grant_operation

TEXT_PERMISSIONS = ["add_sourcetext", "change_sourcetext", "view_sourcetext"]


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0014_source_text_and_quote_location")]

    operations = [grant_operation("frameworks", {"Editor": TEXT_PERMISSIONS, "Reviewer": TEXT_PERMISSIONS})]
