"""Stored verdicts: one for each request on each state of the evidence, found again by fingerprint."""

import hashlib
import json
import uuid
from dataclasses import astuple

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction

from infrastructure import hot_cache
from infrastructure.data_versions import cache_key

from .models import Verdict
from .questionnaire import Answers, WeightMove

# A stored verdict, found again by its request's fingerprint, is kept this long in the cache.
VERDICT_CACHE_SECONDS = 3600


def fingerprint(
    *,
    answers: Answers,
    weight_overrides: dict[str, int],
    compared: list[str],
    moves: list[WeightMove],
    evidence: str,
    rerun_of: uuid.UUID | None,
) -> str:
    """The hash of what was asked, the moves the questionnaire made of it, and the evidence's key."""
    asked = {
        "answers": {slug: sorted(chosen) for slug, chosen in answers.items()},
        "weights": weight_overrides,
        "frameworks": compared,
        "moves": sorted(map(astuple, moves)),
        "evidence": evidence,
    }
    if rerun_of is not None:
        # A re-run's page says what changed since the verdict it re-ran: one verdict for each of those.
        asked["rerun_of"] = str(rerun_of)
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


def stored_verdict(fingerprint: str) -> Verdict | None:
    """From the cache only: when it has forgotten, storing again finds the row (see `store`).

    The cache keeps the id alone, as text (what the process layer counts). The verdict comes back
    with every other field deferred: a repeat post needs its id and its document (kept by id), not
    its snapshot.
    """
    verdict_id = hot_cache.read(_key(fingerprint), VERDICT_CACHE_SECONDS)
    if verdict_id is None:
        return None
    return Verdict.from_db(DEFAULT_DB_ALIAS, ["id"], [uuid.UUID(verdict_id)])


def store(verdict: Verdict) -> Verdict:
    """Saved, unless an identical request stored it a moment ago: then that one."""
    try:
        with transaction.atomic():
            verdict.save()
    except IntegrityError:
        verdict = Verdict.objects.get(fingerprint=verdict.fingerprint)
    hot_cache.keep(_key(verdict.fingerprint), str(verdict.id), VERDICT_CACHE_SECONDS)
    return verdict


def _key(fingerprint: str) -> str:
    # Not "verdict-by-fingerprint", whose entries hold the id as a UUID.
    return cache_key("verdict-id-by-fingerprint", fingerprint)
