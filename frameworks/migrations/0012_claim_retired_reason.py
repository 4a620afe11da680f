"""Retired claims say why in a column of their own, no longer only in their history.

Claims retired before it: the seed's own words where the seed loaded the claim (its history kept
only the first 100 characters), else what history says after "retired: ", else a note.
"""

import json
from pathlib import Path

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

from infrastructure.table_triggers import rewatch_operation

SEED_CLAIMS = Path(__file__).resolve().parent.parent / "seed" / "claims"
HISTORY_SAYS = "retired: "
UNRECORDED = "Retired before reasons were recorded."


def _seed_reasons() -> dict[str, str]:
    reasons = {}
    for path in sorted(SEED_CLAIMS.glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            if isinstance(record, dict) and str(record.get("retired_reason") or "").strip():
                reasons[record.get("key")] = record["retired_reason"].strip()
    return reasons


def fill_reasons(apps, schema_editor):
    Claim = apps.get_model("frameworks", "Claim")
    HistoricalClaim = apps.get_model("frameworks", "HistoricalClaim")
    retired = Claim._base_manager.filter(status="retired")
    if not retired.exists():
        return
    seed = _seed_reasons()
    for claim in retired.only("id", "seed_key"):
        said = (
            HistoricalClaim.objects.filter(id=claim.id, status="retired")
            .order_by("-history_date", "-history_id")
            .values_list("history_change_reason", flat=True)
            .first()
        ) or ""
        from_history = said.split(HISTORY_SAYS, 1)[1].strip() if HISTORY_SAYS in said else ""
        reason = seed.get(claim.seed_key) or from_history or UNRECORDED
        Claim._base_manager.filter(pk=claim.pk).update(retired_reason=reason)
        HistoricalClaim.objects.filter(id=claim.id, status="retired").update(retired_reason=reason)


def reinstall_successor_trigger(apps, schema_editor):
    """SQLite rebuilt frameworks_claim for the new column and constraint, dropping the trigger that
    refuses an unpublished successor (0008); PostgreSQL kept it."""
    if schema_editor.connection.vendor != "sqlite":
        return
    from importlib import import_module

    trigger = import_module("frameworks.migrations.0008_claim_successor_is_published")
    trigger.remove(apps, schema_editor)
    trigger.install(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('criteria', '0003_use_case_criteria_and_retirement'),
        ('frameworks', '0011_version_scopes_and_witnesses'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='retired_reason',
            field=models.TextField(blank=True, help_text='Why the claim was retired, given by whoever retired it. Its page shows it to visitors who follow an old link.'),
        ),
        migrations.AddField(
            model_name='historicalclaim',
            name='retired_reason',
            field=models.TextField(blank=True, help_text='Why the claim was retired, given by whoever retired it. Its page shows it to visitors who follow an old link.'),
        ),
        migrations.RunPython(fill_reasons, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'retired'), _negated=True), models.Q(django.db.models.lookups.Exact(django.db.models.functions.text.Trim('retired_reason'), ''), _negated=True), _connector='OR'), name='retired_claim_says_why', violation_error_message='Say why the claim is retired: visitors following an old link read it.'),
        ),
        migrations.RunPython(reinstall_successor_trigger, migrations.RunPython.noop),
        rewatch_operation("frameworks_claim"),
    ]
