"""Claims retired before retirements recorded a reason get one when the column arrives."""

import json

import pytest
from django.utils import timezone

from frameworks.seeding import SEED_DIR
from tests.migrations import cell_at, latest_schema_after, migrate  # noqa: F401 (a fixture)

BEFORE = [("frameworks", "0011_version_scopes_and_witnesses")]
AFTER = [("frameworks", "0012_claim_retired_reason")]


def seed_reason(source: str, key: str) -> str:
    records = json.loads((SEED_DIR / "claims" / f"{source}.json").read_text(encoding="utf-8"))
    return next(record["retired_reason"] for record in records if record["key"] == key)


def retired_claim(apps, cell: dict, key: str, history_reason: str):
    Claim = apps.get_model("frameworks", "Claim")
    HistoricalClaim = apps.get_model("frameworks", "HistoricalClaim")
    claim = Claim.objects.create(
        **cell,
        statement=f"Statement {key}.",
        quote="q",
        rating=3,
        status="retired",
        seed_key=key,
    )
    fields = {
        f.attname: getattr(claim, f.attname) for f in Claim._meta.concrete_fields if f.name != "version"
    }
    HistoricalClaim.objects.create(
        **fields, history_date=timezone.now(), history_type="+", history_change_reason=history_reason
    )
    return claim.pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_claims_retired_before_get_their_reason_from_the_seed_or_history_or_a_note():
    apps = migrate(BEFORE)
    cell = cell_at(apps)
    from_seed = retired_claim(
        apps, cell, "flask-quickstart-minimal-app", "Loaded by the seed command, retired: cut…"
    )
    from_history = retired_claim(
        apps, cell, "not-in-the-seed", "Loaded by the seed command, retired: Overtaken."
    )
    unrecorded = retired_claim(apps, cell, "also-not-in-the-seed", "Retired")

    apps = migrate(AFTER)
    Claim = apps.get_model("frameworks", "Claim")
    reasons = dict(Claim.objects.values_list("pk", "retired_reason"))
    assert reasons[from_seed] == seed_reason("flask-docs-quickstart", "flask-quickstart-minimal-app")
    assert reasons[from_history] == "Overtaken."
    assert reasons[unrecorded] == "Retired before reasons were recorded."
    history = apps.get_model("frameworks", "HistoricalClaim").objects
    assert history.get(id=from_history).retired_reason == "Overtaken."
