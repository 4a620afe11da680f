"""since.py on hand-built snapshots: what moved between a verdict and its re-run, and why."""

import copy

from recommender import since
from recommender.since import ClaimNow


def cell(rating, scored, listed=None):
    return {"mean_rating": rating, "scored_ids": scored, "claim_ids": listed or scored}


def claim(claim_id, statement, source="The guide"):
    return {"id": claim_id, "statement": statement, "rating": 4, "source": {"title": source}}


def snapshot(**changes):
    base = {
        "frameworks": {"django": "Django", "flask": "Flask"},
        "criteria": {"orm": {"name": "Database layer"}, "admin": {"name": "Admin back-office"}},
        "ranking": [{"framework": "django", "score": 70.0}, {"framework": "flask", "score": 60.0}],
        "winner": "django",
        "reasons": [
            {"criterion": "orm", "cells": {"django": cell(4.5, [1, 2]), "flask": cell(3.0, [3])}},
            {"criterion": "admin", "cells": {"django": cell(5.0, [4]), "flask": cell(None, [])}},
        ],
        "claims": {
            "1": claim(1, "Models and migrations ship with it."),
            "2": claim(2, "The ORM is mature."),
            "3": claim(3, "SQLAlchemy is the usual choice."),
            "4": claim(4, "The admin is generated from the models."),
        },
    }
    return {**copy.deepcopy(base), **changes}


def now(claim_id, **state):
    values = {
        "id": claim_id, "published": True, "retired": False, "superseded": False, "in_scope": True,
        "applies_to": "", "framework": "Django", "version": "5.2",
    }  # fmt: skip
    return ClaimNow(**{**values, **state})


def test_the_same_snapshot_twice_changed_nothing():
    diff = since.changes(snapshot(), snapshot())
    assert diff["nothing"] and not diff["winner_changed"]
    assert diff["cells"] == diff["added"] == diff["removed"] == []
    assert [(s["framework"], s["change"]) for s in diff["scores"]] == [("Django", 0.0), ("Flask", 0.0)]


def test_a_moved_cell_is_named_by_criterion_and_framework_with_both_ratings():
    new = snapshot()
    new["reasons"][0]["cells"]["flask"]["mean_rating"] = 3.6
    new["reasons"][1]["cells"]["flask"]["mean_rating"] = 2.0  # had no evidence before
    new["reasons"][1]["cells"]["django"]["mean_rating"] = 5.01  # rounding, not a move
    assert since.moved_cells(snapshot(), new) == [
        {"framework": "Flask", "criterion": "Admin back-office", "before": None, "after": 2.0},
        {"framework": "Flask", "criterion": "Database layer", "before": 3.0, "after": 3.6},
    ]


def test_an_added_claim_is_listed_with_its_cell_and_source():
    new = snapshot()
    new["reasons"][0]["cells"]["flask"]["scored_ids"] = [3, 9]
    new["claims"]["9"] = claim(9, "Flask-SQLAlchemy adds migrations.", source="Flask docs")
    diff = since.changes(snapshot(), new)
    assert diff["added"] == [
        {
            "id": 9,
            "statement": "Flask-SQLAlchemy adds migrations.",
            "rating": 4,
            "source": "Flask docs",
            "framework": "Flask",
            "criterion": "Database layer",
            "why": None,
            "linked": True,
        }
    ]
    assert diff["removed"] == [] and not diff["nothing"]


def test_removed_claims_say_why_they_left_from_the_catalogue_as_it_is_now():
    new = snapshot()
    new["reasons"][0]["cells"]["django"]["scored_ids"] = []
    new["reasons"][1]["cells"]["django"]["scored_ids"] = []
    old = snapshot()
    assert since.left_ids(old, new) == [1, 2, 4]
    diff = since.changes(
        old,
        new,
        {1: now(1, retired=True, published=False), 2: now(2, superseded=True)},
    )
    assert [(c["id"], c["statement"], c["why"], c["linked"]) for c in diff["removed"]] == [
        (4, "The admin is generated from the models.", "no longer in the catalogue", False),
        (1, "Models and migrations ship with it.", "retired", True),
        (2, "The ORM is mature.", "superseded by a newer claim", True),
    ]


def test_each_reason_a_claim_leaves_the_evidence():
    assert since.departure(now(1, retired=True, published=False)) == "retired"
    assert since.departure(now(1, published=False)) == "no longer published"
    assert since.departure(now(1, superseded=True)) == "superseded by a newer claim"
    assert (
        since.departure(now(1, in_scope=False, applies_to="<5.0"))
        == "about Django <5.0, and Django is now at 5.2"
    )
    assert since.departure(now(1)) == "no longer counted"
    assert since.departure(None) == "no longer in the catalogue"


def test_scores_and_the_winner_before_and_after():
    new = snapshot(
        ranking=[{"framework": "flask", "score": 66.0}, {"framework": "django", "score": 64.5}], winner=None
    )
    diff = since.changes(snapshot(), new)
    assert diff["winner"] == {"before": "Django", "after": None} and diff["winner_changed"]
    assert [(s["framework"], s["before"], s["after"], s["change"]) for s in diff["scores"]] == [
        ("Flask", 60.0, 66.0, 6.0),
        ("Django", 70.0, 64.5, -5.5),
    ]


def test_an_old_snapshot_missing_keys_reads_as_nothing_known_not_as_a_change():
    old = snapshot()
    for reason in old["reasons"]:
        for frozen in reason["cells"].values():
            del frozen["scored_ids"]  # stored before scored_ids: claim_ids, the counted first
    del old["claims"]
    new = snapshot()
    new["reasons"][0]["cells"]["django"]["scored_ids"] = [1]
    diff = since.changes(old, new)
    assert [(c["id"], c["statement"], c["framework"]) for c in diff["removed"]] == [(2, "", "Django")]

    bare = {"ranking": [{"framework": "django"}]}  # no scores, no reasons, no names
    diff = since.changes(bare, snapshot())
    assert diff["cells"] == diff["added"] == diff["removed"] == []
    assert diff["scores"][0] == {
        "framework": "Django", "before": None, "after": 70.0, "change": None, "moved": True,
    }  # fmt: skip
    assert diff["winner"] == {"before": None, "after": "Django"}
    assert since.changes({}, {})["nothing"]
