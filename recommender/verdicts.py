"""From answers to a stored verdict: read the questionnaire and the evidence, score, freeze a snapshot.

The page, the preview and the API all go through `compute`; the snapshot holds everything the
verdict page shows, so a permalink renders without reading the evidence again.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from frameworks.evidence import Cell, Matrix, load_matrix
from frameworks.models import Claim

from . import scoring
from .models import Question, Verdict

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


def load_questions() -> list[QuestionInfo]:
    """The questionnaire with every choice's weight moves, in three queries."""
    questions = Question.objects.prefetch_related("choices__weights__criterion")
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


def compute(
    request: VerdictRequest, questions: list[QuestionInfo] | None = None, save: bool = True
) -> Verdict:
    """Score the request on current evidence; stored unless `save` is False (the live preview)."""
    questions = questions if questions is not None else load_questions()
    matrix = load_matrix()
    compared = request.frameworks or list(matrix.featured)
    defaults = {slug: info.default_weight for slug, info in matrix.criteria.items()}
    moves = _chosen_moves(request.answers, questions)
    weights = scoring.combine_weights(
        defaults, [(m.criterion, m.delta) for m in moves], request.weight_overrides
    )
    must_haves = sorted({m.criterion for m in moves if m.must_have})
    outcome = scoring.decide(matrix.scores(compared), weights, must_haves)
    others = [f for f in matrix.frameworks if f not in compared]
    verdict = Verdict(
        answers=request.answers,
        weight_overrides=request.weight_overrides,
        frameworks=compared,
        dataset_version=matrix.version,
        snapshot=_snapshot(
            matrix, outcome, weights, must_haves, moves, scoring.rank(matrix.scores(others), weights)
        ),
    )
    if save:
        verdict.save()
    return verdict


def _chosen_moves(answers: Answers, questions: list[QuestionInfo]) -> list[WeightMove]:
    by_slug = {q.slug: q for q in questions}
    return [
        move for slug, chosen in answers.items() for choice in chosen for move in by_slug[slug].moves[choice]
    ]


def _snapshot(matrix: Matrix, outcome: scoring.Outcome, weights, must_haves, moves, others) -> dict:
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
        "must_haves": must_haves,
        "ranking": [_ranked(r) for r in outcome.ranking],
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
                "new_winner": outcome.runner_up,
            }
            for f in outcome.flips
        ],
        "also_worth_a_look": [_ranked(r) for r in others],
        "claims": _claims(cell_id for cell in cells.values() for cell_id in cell.claim_ids),
        "bars": {"margin": scoring.MARGIN_BAR, "confidence": scoring.CONFIDENCE_BAR},
    }


def _ranked(ranked: scoring.Ranked) -> dict:
    return {"framework": ranked.framework, "score": ranked.score, "excluded_reason": ranked.excluded_reason}


def _cell(cell: Cell) -> dict:
    return {
        "mean_rating": cell.mean_rating,
        "sources": cell.sources,
        "claim_ids": list(cell.claim_ids),
        "contested": cell.contested,
        "stale": cell.stale,
        "empty": cell.empty,
    }


def _claims(ids) -> dict[str, dict]:
    """The claims behind the compared cells, frozen with their sources: one query."""
    claims = Claim.objects.filter(id__in=set(ids)).select_related("source")
    return {
        str(claim.id): {
            "id": claim.id,
            "statement": claim.statement,
            "quote": claim.quote,
            "rating": claim.rating,
            "as_of": claim.as_of.isoformat() if claim.as_of else None,
            "stale": claim.is_stale(),
            "superseded": claim.superseded_by_id is not None,
            "source": {
                "title": claim.source.title,
                "publisher": claim.source.publisher,
                "url": claim.source.url,
                "published": claim.source.published_display,
                "version": claim.source.version,
                "accessed": claim.source.accessed_on.isoformat(),
            },
        }
        for claim in claims
    }
