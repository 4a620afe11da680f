"""What changed between a verdict and its re-run on newer evidence: a diff of two snapshots.

Pure Python over the snapshot dicts that `snapshot.build` makes, read through `snapshot.upgrade`
(which gives an older one the keys it lacks, `scored_ids` and `claims` among them). A part a
snapshot does not have at all reads as "nothing known", never as a change. Why a claim left the
evidence needs the claim as it is now: the caller reads that (one query over `left_ids`) and
passes each as a `ClaimNow`.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from .snapshot import upgrade

# Differences smaller than these are rounding, not a change worth a line.
RATING_STEP = 0.05  # of a rating, 1..5
SCORE_STEP = 0.05  # of a score, 0..100


@dataclass(frozen=True)
class ClaimNow:
    """A claim that left the evidence, as the catalogue holds it now."""

    id: int
    published: bool
    retired: bool
    superseded: bool
    in_scope: bool
    applies_to: str
    framework: str  # its framework's name
    version: str  # that framework's current version


def cells(snapshot: Mapping) -> dict[tuple[str, str], dict]:
    """(framework, criterion) -> the frozen cell, for the pair the verdict compared."""
    return {
        (framework, reason["criterion"]): cell
        for reason in upgrade(snapshot).get("reasons", [])
        for framework, cell in reason.get("cells", {}).items()
    }


def counted(cell: Mapping) -> list[int]:
    return list(cell["scored_ids"])


def left_ids(old: Mapping, new: Mapping) -> list[int]:
    """The claims the old verdict counted that the new one does not, in the cells both compared."""
    return sorted({i for _, _, ids in _claim_moves(old, new, leaving=True) for i in ids})


def changes(old: Mapping, new: Mapping, now: Mapping[int, ClaimNow] | None = None) -> dict:
    """Scores, winner, moved cells, added and removed claims from `old` to `new`."""
    now = now or {}
    old, new = upgrade(old), upgrade(new)
    added = [
        _claim(i, new, framework, criterion, None)
        for framework, criterion, ids in _claim_moves(old, new, leaving=False)
        for i in ids
    ]
    removed = [
        {
            **_claim(i, old, framework, criterion, departure(now.get(i))),
            # Published and retired claims keep their pages; drafts and withdrawn ones have none.
            "linked": i in now and (now[i].published or now[i].retired),
        }
        for framework, criterion, ids in _claim_moves(old, new, leaving=True)
        for i in ids
    ]
    scores = score_moves(old, new)
    moved = moved_cells(old, new)
    winner = {"before": _winner(old), "after": _winner(new)}
    return {
        "scores": scores,
        "winner": winner,
        "winner_changed": winner["before"] != winner["after"],
        "cells": moved,
        "added": added,
        "removed": removed,
        "nothing": not (moved or added or removed or any(s["moved"] for s in scores)),
    }


def moved_cells(old: Mapping, new: Mapping) -> list[dict]:
    """Cells whose combined rating moved, or that gained or lost all their evidence."""
    before, after = cells(old), cells(new)
    moved = []
    for key in sorted(before.keys() & after.keys(), key=lambda k: (_criterion(new, k[1]), k[0])):
        was, now = before[key].get("mean_rating"), after[key].get("mean_rating")
        if was is None and now is None:
            continue
        if was is not None and now is not None and abs(now - was) < RATING_STEP:
            continue
        framework, criterion = key
        moved.append(
            {
                "framework": _framework(new, framework),
                "criterion": _criterion(new, criterion),
                "before": was,
                "after": now,
            }
        )
    return moved


def score_moves(old: Mapping, new: Mapping) -> list[dict]:
    """Each compared framework's score before and after (None where a snapshot has none)."""
    before, after = _scores(old), _scores(new)
    order = [r.get("framework") for r in new.get("ranking", [])]
    order += [f for f in before if f not in order]
    rows = []
    for framework in order:
        was, now = before.get(framework), after.get(framework)
        rows.append(
            {
                "framework": _framework(new, framework) or _framework(old, framework),
                "before": was,
                "after": now,
                "change": None if was is None or now is None else now - was,
                "moved": was is None or now is None or abs(now - was) >= SCORE_STEP,
            }
        )
    return rows


def departure(claim: ClaimNow | None) -> str:
    """Why a claim no longer counts, in a phrase that follows its statement."""
    if claim is None:
        return "no longer in the catalogue"
    if claim.retired:
        return "retired"
    if not claim.published:
        return "no longer published"
    if claim.superseded:
        return "superseded by a newer claim"
    if not claim.in_scope:
        return f"about {claim.framework} {claim.applies_to}, and {claim.framework} is now at {claim.version}"
    return "no longer counted"


def _claim_moves(old: Mapping, new: Mapping, leaving: bool):
    """(framework, criterion, claim ids) per cell in both: those that left, or those that came."""
    before, after = cells(old), cells(new)
    for key in sorted(before.keys() & after.keys()):
        was, now = counted(before[key]), counted(after[key])
        ids = [i for i in was if i not in now] if leaving else [i for i in now if i not in was]
        if ids:
            yield (*key, ids)


def _claim(claim_id: int, snapshot: Mapping, framework: str, criterion: str, why: str | None) -> dict:
    frozen = snapshot["claims"].get(str(claim_id), {})
    return {
        "id": claim_id,
        "statement": frozen.get("statement", ""),
        "rating": frozen.get("rating"),
        "source": frozen.get("source", {}).get("title", ""),
        "framework": _framework(snapshot, framework),
        "criterion": _criterion(snapshot, criterion),
        "why": why,
        "linked": True,
    }


def _scores(snapshot: Mapping) -> dict[str, float]:
    return {
        r["framework"]: r["score"]
        for r in snapshot.get("ranking", [])
        if "framework" in r and r.get("score") is not None
    }


def _winner(snapshot: Mapping) -> str | None:
    winner = snapshot.get("winner")
    return _framework(snapshot, winner) if winner else None


def _framework(snapshot: Mapping, slug: str) -> str:
    return snapshot.get("frameworks", {}).get(slug, slug)


def _criterion(snapshot: Mapping, slug: str) -> str:
    return snapshot.get("criteria", {}).get(slug, {}).get("name", slug)
