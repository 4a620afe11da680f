"""From answers to a stored verdict: read the questionnaire and the evidence, score, freeze a snapshot.

The page, the preview and the API all go through `compute`; the snapshot holds everything the
verdict page shows, so a permalink renders without reading the evidence again.
"""

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, field

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import F, Prefetch

from frameworks.evidence import Cell, Matrix, load_matrix
from frameworks.models import CLAIM_DATE, Claim, describe_publication, stale_cutoff
from frameworks.versions import in_scope
from frameworks.weighing import witness
from infrastructure.data_versions import DataVersion, tables_version
from infrastructure.versioned_cache import remember

from . import scoring
from .models import Choice, ChoiceWeight, Question, Verdict

# A stored verdict, found again by its request's fingerprint, is kept this long in the cache.
VERDICT_CACHE_SECONDS = 3600

Answers = dict[str, list[str]]  # question slug -> choice slugs


@dataclass(frozen=True)
class WeightMove:
    criterion: str
    delta: int
    must_have: bool
    why: str


@dataclass(frozen=True)
class QuestionInfo:
    slug: str
    text: str
    help_text: str
    allows_multiple: bool
    choices: dict[str, str]  # slug -> label
    moves: dict[str, list[WeightMove]]  # choice slug -> weight moves


QUESTIONNAIRE_MODELS = [Question, Choice, ChoiceWeight]


def questionnaire_version() -> DataVersion:
    return tables_version(QUESTIONNAIRE_MODELS)


def load_questions(version: str | None = None) -> list[QuestionInfo]:
    """The questionnaire: one query for its version (unless given), then the cache or three more."""
    return remember("questionnaire", version or questionnaire_version().token, build_questions)


def build_questions() -> list[QuestionInfo]:
    """The questionnaire with every choice's weight moves, in three queries."""
    moves = Prefetch("choices__weights", queryset=ChoiceWeight.objects.select_related("criterion"))
    questions = Question.objects.prefetch_related(moves)
    return [
        QuestionInfo(
            slug=q.slug,
            text=q.text,
            help_text=q.help_text,
            allows_multiple=q.allows_multiple,
            choices={c.slug: c.label for c in q.choices.all()},
            moves={
                c.slug: [WeightMove(w.criterion.slug, w.delta, w.must_have, w.why) for w in c.weights.all()]
                for c in q.choices.all()
            },
        )
        for q in questions
    ]


def answer_errors(answers: Mapping[str, Sequence[str]], questions: list[QuestionInfo]) -> dict[str, str]:
    """What is wrong with a set of answers, per question slug; empty when they are all valid."""
    by_slug = {q.slug: q for q in questions}
    errors = {}
    for slug, chosen in answers.items():
        question = by_slug.get(slug)
        if question is None:
            errors[slug] = f"There is no question {slug!r}."
            continue
        unknown = [c for c in chosen if c not in question.choices]
        if unknown:
            valid = ", ".join(question.choices)
            errors[slug] = f"{unknown[0]!r} is not a choice of this question (choose from: {valid})."
        elif len(chosen) > 1 and not question.allows_multiple:
            errors[slug] = "Choose one answer only."
    return errors


@dataclass
class VerdictRequest:
    """What a visitor asked: answers, optional weight overrides, optional frameworks to compare."""

    answers: Answers = field(default_factory=dict)
    weight_overrides: dict[str, int] = field(default_factory=dict)
    frameworks: list[str] = field(default_factory=list)
    rerun_of: uuid.UUID | None = None  # the verdict this request re-runs on current evidence


def compute(
    request: VerdictRequest, questions: list[QuestionInfo] | None = None, save: bool = True
) -> Verdict:
    """Score the request on current evidence; stored unless `save` is False (the live preview).

    A verdict is a pure function of what was asked, the questionnaire's moves and the evidence, so
    the same request on the same evidence gets the verdict already stored, not a copy of it.
    """
    questions = questions if questions is not None else load_questions()
    matrix = load_matrix()
    compared = request.frameworks or list(matrix.featured)
    moves = chosen_moves(request.answers, questions)
    fingerprint = _fingerprint(request, compared, moves, matrix.key)
    if save:
        stored = _stored_verdict(fingerprint)
        if stored is not None:
            return stored
    weights, must_haves, outcome = decide(matrix, compared, moves, request.weight_overrides)
    others = [f for f in matrix.frameworks if f not in compared]
    verdict = Verdict(
        answers=request.answers,
        weight_overrides=request.weight_overrides,
        frameworks=compared,
        dataset_version=matrix.version,
        fingerprint=fingerprint,
        rerun_of_id=request.rerun_of,
        snapshot=_snapshot(
            matrix,
            outcome,
            weights,
            must_haves,
            moves,
            scoring.rank(matrix.scores(others), weights, unknown=matrix.unknown(others)),
            chosen=bool(request.frameworks),
        ),
    )
    if save:
        verdict = _store(verdict)
    return verdict


def decide(
    matrix: Matrix, compared: list[str], moves: list[WeightMove], overrides: Mapping[str, int]
) -> tuple[dict[str, float], list[str], scoring.Outcome]:
    """The weights the moves give, the must-haves they set, and the method's outcome on them."""
    defaults = {slug: info.default_weight for slug, info in matrix.criteria.items()}
    weights = scoring.combine_weights(defaults, [(m.criterion, m.delta) for m in moves], overrides)
    must_haves = sorted({m.criterion for m in moves if m.must_have})
    outcome = scoring.decide(
        matrix.scores(compared), weights, must_haves, matrix.ranges(compared), matrix.unknown(compared)
    )
    return weights, must_haves, outcome


def chosen_moves(answers: Answers, questions: list[QuestionInfo]) -> list[WeightMove]:
    by_slug = {q.slug: q for q in questions}
    return [
        move for slug, chosen in answers.items() for choice in chosen for move in by_slug[slug].moves[choice]
    ]


def _fingerprint(request: VerdictRequest, compared: list[str], moves: list[WeightMove], evidence: str) -> str:
    asked = {
        "answers": {slug: sorted(chosen) for slug, chosen in request.answers.items()},
        "weights": request.weight_overrides,
        "frameworks": compared,
        "moves": sorted(map(astuple, moves)),
        "evidence": evidence,
    }
    if request.rerun_of is not None:
        # A re-run's page says what changed since the verdict it re-ran: one verdict for each of those.
        asked["rerun_of"] = str(request.rerun_of)
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


def _stored_verdict(fingerprint: str) -> Verdict | None:
    """From the cache only: when it has forgotten, storing again finds the row (see _store).

    The cache keeps the id alone. The verdict comes back with every other field deferred: a
    repeat post needs its id and its document (kept by id), not its snapshot.
    """
    verdict_id = cache.get(f"verdict-by-fingerprint:{fingerprint}")
    if verdict_id is None:
        return None
    return Verdict.from_db(DEFAULT_DB_ALIAS, ["id"], [verdict_id])


def _store(verdict: Verdict) -> Verdict:
    """Saved, unless an identical request stored it a moment ago: then that one."""
    try:
        with transaction.atomic():
            verdict.save()
    except IntegrityError:
        verdict = Verdict.objects.get(fingerprint=verdict.fingerprint)
    cache.set(f"verdict-by-fingerprint:{verdict.fingerprint}", verdict.id, VERDICT_CACHE_SECONDS)
    return verdict


def _snapshot(matrix: Matrix, outcome: scoring.Outcome, weights, must_haves, moves, others, chosen) -> dict:
    pair = [f for f in (outcome.leader, outcome.runner_up) if f]
    cells = {(f, c): matrix.cell(f, c) for f in pair for c in matrix.criteria}
    whys = defaultdict(list)
    for move in moves:
        whys[move.criterion].append({"delta": move.delta, "why": move.why, "must_have": move.must_have})
    return {
        "frameworks": matrix.frameworks,
        "criteria": {
            slug: {"name": info.name, "default_weight": info.default_weight}
            for slug, info in matrix.criteria.items()
        },
        "weights": weights,
        "weight_reasons": dict(whys),
        "must_haves": scoring.active_must_haves(must_haves, weights),
        # Whether the visitor chose the compared frameworks or the comparison is of the featured ones.
        "compared_by": "chosen" if chosen else "featured",
        "ranking": [_ranked(r, matrix) for r in outcome.ranking],
        "winner": outcome.winner,
        "leader": outcome.leader,
        "runner_up": outcome.runner_up,
        "margin": outcome.margin,
        "confidence": outcome.confidence,
        "reasons": [
            {
                "criterion": r.criterion,
                "weight": r.weight,
                "contribution": r.contribution,
                "cells": {f: _cell(cells[f, r.criterion]) for f in pair},
            }
            for r in outcome.reasons
        ],
        "flips": [
            {
                "criterion": f.criterion,
                "current_weight": f.current_weight,
                "flip_weight": f.flip_weight,
                "new_winner": f.new_winner,
                "too_close_to_call": f.new_winner is None,
            }
            for f in outcome.flips
        ],
        "also_worth_a_look": [_ranked(r, matrix) for r in others],
        "claims": _claims((cell_id for cell in cells.values() for cell_id in cell.claim_ids), matrix),
        "bars": {"margin": scoring.MARGIN_BAR, "confidence": scoring.CONFIDENCE_BAR},
    }


def _ranked(ranked: scoring.Ranked, matrix: Matrix) -> dict:
    return {
        "framework": ranked.framework,
        "score": ranked.score,
        "excluded_reason": _excluded_reason(ranked, matrix),
        "lacks_evidence": ranked.lacks_evidence,
        "failed_must_haves": list(ranked.failed_must_haves),
        "missing_evidence": list(ranked.missing_evidence),
    }


def _excluded_reason(ranked: scoring.Ranked, matrix: Matrix) -> str:
    def names(slugs):
        return ", ".join(matrix.criteria[c].name if c in matrix.criteria else c for c in slugs)

    if ranked.lacks_evidence:
        return f"not enough evidence to compare: none on {names(ranked.missing_evidence)}"
    if ranked.failed_must_haves:
        return f"below the bar on a must-have: {names(ranked.failed_must_haves)}"
    return ""


def _cell(cell: Cell) -> dict:
    return {
        "mean_rating": cell.mean_rating,
        "sources": cell.sources,
        "witnesses": list(cell.witnesses),
        "claim_ids": list(cell.claim_ids),
        "scored_ids": list(cell.scored_ids),
        "contested": cell.contested,
        "thin": cell.thin,
        "only_own_word": cell.only_own_word,
        "stale": cell.stale,
        "undated": cell.undated,
        "empty": cell.empty,
    }


def _claims(ids, matrix: Matrix) -> dict[str, dict]:
    """The claims behind the compared cells, frozen with their sources: one query, no model objects."""
    cutoff = stale_cutoff()
    rows = Claim.objects.filter(id__in=set(ids)).values(
        "id", "statement", "quote", "rating", "as_of", "superseded_by_id", "applies_to",
        "source_id", "source__title", "source__publisher", "source__url", "source__published_on",
        "source__published_precision", "source__published_note", "source__version",
        "source__accessed_on", "source__revised_on",
        framework_slug=F("framework__slug"), speaks_for=F("source__speaks_for__slug"), dated=CLAIM_DATE,
    )  # fmt: skip
    frozen = {}
    for row in rows:
        dated = row["dated"]
        superseded = row["superseded_by_id"] is not None
        framework = row["framework_slug"]
        version = (matrix.versions or {}).get(framework, "")
        frozen[str(row["id"])] = {
            "id": row["id"],
            "statement": row["statement"],
            "quote": row["quote"],
            "rating": row["rating"],
            "as_of": dated.isoformat() if dated else None,
            "stale": superseded or (dated is not None and dated < cutoff),
            "undated": dated is None,
            "superseded": superseded,
            "witness": witness(row["speaks_for"], framework).label,
            "applies_to": row["applies_to"],
            "out_of_scope": not in_scope(row["applies_to"], version),
            "source": {
                "id": row["source_id"],
                "title": row["source__title"],
                "publisher": row["source__publisher"],
                "url": row["source__url"],
                "published": describe_publication(
                    row["source__published_on"],
                    row["source__published_precision"],
                    row["source__published_note"],
                ),
                "version": row["source__version"],
                "accessed": row["source__accessed_on"].isoformat(),
            },
        }
    return frozen
