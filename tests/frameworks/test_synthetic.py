"""seed_synthetic: a large generated dataset that visitors never see by default and that goes away whole."""

import io

import pytest
from django.core.management import CommandError, call_command

from frameworks.evidence import load_matrix
from frameworks.models import Claim, Framework
from recommender.verdicts import VerdictRequest, preview

pytestmark = pytest.mark.usefixtures("seeded")


def seed_synthetic(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_synthetic", *args, stdout=out)
    return out.getvalue()


def visitor_view(client) -> dict:
    """What a visitor and an API client see of the evidence."""
    return {
        "frameworks": client.get("/api/frameworks/").json()["count"],
        "criteria": client.get("/api/criteria/").json()["count"],
        "sources": client.get("/api/sources/").json()["count"],
        "claims": client.get("/api/claims/").json()["count"],
        "compare": client.get("/compare/").content.count(b"<tr"),
        "changes": client.get("/changes/").content.count(b"<li"),
        "verdict": preview(VerdictRequest(answers={})).snapshot["ranking"],
    }


SMALL = ["--frameworks", "3", "--criteria", "4", "--claims", "300"]


def test_synthetic_data_stays_out_of_sight_unless_asked_for(client, settings):
    before = visitor_view(client)
    assert "Loaded 3 frameworks, 4 criteria, 4 sources, 300 claims" in seed_synthetic(*SMALL)
    assert visitor_view(client) == before

    # The setting is read per process: lists whose querysets are built at import (the API's
    # frameworks, criteria and sources) follow it from the next start, so only the rest is checked.
    settings.INCLUDE_SYNTHETIC_DATA = True
    shown = visitor_view(client)
    assert shown["claims"] == before["claims"] + 300 and shown["verdict"] != before["verdict"]
    assert shown["compare"] == before["compare"] + 4  # one row per synthetic criterion
    assert "synthetic-criterion-1" in load_matrix().criteria


def test_removing_it_leaves_the_real_evidence_as_it_was(client, settings):
    settings.INCLUDE_SYNTHETIC_DATA = True
    before, before_matrix = visitor_view(client), load_matrix()
    real_history = Claim.history.count()
    seed_synthetic(*SMALL)
    assert "Removed 3 frameworks, 4 criteria, 4 sources, 300 claims" in seed_synthetic("--remove")
    assert visitor_view(client) == before
    assert load_matrix().cells == before_matrix.cells
    assert Claim.history.count() == real_history and not Framework.everything.filter(is_synthetic=True)


def test_a_second_load_is_refused_and_bad_sizes_are_named():
    seed_synthetic(*SMALL)
    with pytest.raises(CommandError, match="already loaded"):
        seed_synthetic(*SMALL)
    with pytest.raises(CommandError, match="--claims must be 0 or more"):
        seed_synthetic("--remove") and seed_synthetic("--claims", "-1")
